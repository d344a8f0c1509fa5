import { BackupFramework, type BackupFrameworkControl } from "@cdktf/provider-aws/lib/backup-framework";
import { BackupReportPlan } from "@cdktf/provider-aws/lib/backup-report-plan";
import { PolicyEffect } from "../../core/iam-policy";
import { at, Errors } from "../../errors";
import { type AuditControlName, AuditLimits, type AuditScope } from "../../policy/audit";
import { BackupBucket } from "../backup-bucket";
import { reportsRoleArn } from "./alert-topic";
import { type MonitoringScope, partitionOf } from "./scope";

/** One control of the audit framework. */
export interface AuditControlProps {
  readonly name: AuditControlName;
  /** Input parameters, as strings (`{ maxRestoreTime: "120" }`). @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** What the control looks at. @default - every supported resource */
  readonly scope?: AuditScope;
}

/** Props of {@link AuditReports}. */
export interface AuditReportsProps {
  /** The Audit Manager framework's controls (at least one). */
  readonly controls: readonly AuditControlProps[];
  /**
   * The key the created report bucket is encrypted with: the alert topic's, whose policy lets
   * the reports role use it (`AlertTopicProps.reportsUseKey`).
   */
  readonly kmsKeyArn: string;
  /**
   * An existing bucket to deliver the reports to, instead of the one this part creates.
   * @default - a KMS-encrypted, versioned, TLS-only bucket `<estate>-backup-reports-<account>`
   */
  readonly bucketName?: string;
  /**
   * Days reports are kept in the created bucket.
   * @default 400
   */
  readonly retentionDays?: number;
  /**
   * Protect the created bucket from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Audit: an AWS Backup Audit Manager framework with the estate's controls, and daily
 * compliance and job report plans delivering to an encrypted bucket.
 */
export class AuditReports {
  /** The framework holding the controls. */
  public readonly framework: BackupFramework;
  /** The bucket created for the reports, when no `bucketName` was given. */
  public readonly bucket?: BackupBucket;

  constructor(scope: MonitoringScope, props: AuditReportsProps) {
    const { construct, provider, estate } = scope;
    validateAuditControls(props.controls, construct.node.path);
    this.framework = new BackupFramework(construct, "Framework", {
      provider,
      name: `${estate.replace(/-/g, "_")}_backup_governance`,
      description: `Controls matching the backup catalog of estate ${estate}`,
      control: props.controls.map(renderControl),
    });
    const bucketName = props.bucketName ?? (this.bucket = reportBucket(scope, props)).bucketName;
    const base = estate.replace(/-/g, "_");
    const channel = (prefix: string) => ({ s3BucketName: bucketName, s3KeyPrefix: prefix, formats: ["CSV", "JSON"] });
    new BackupReportPlan(construct, "ComplianceReport", {
      provider,
      name: `${base}_backup_compliance`,
      description: `Daily compliance of estate ${estate} with its backup governance framework`,
      reportDeliveryChannel: channel("compliance"),
      reportSetting: {
        reportTemplate: "CONTROL_COMPLIANCE_REPORT",
        frameworkArns: [this.framework.arn],
        numberOfFrameworks: 1,
      },
    });
    new BackupReportPlan(construct, "JobReport", {
      provider,
      name: `${base}_backup_jobs`,
      description: `Daily report of the backup jobs of estate ${estate}`,
      reportDeliveryChannel: channel("jobs"),
      reportSetting: { reportTemplate: "BACKUP_JOB_REPORT" },
    });
  }
}

/**
 * The report bucket: the library's one bucket hardening (BackupBucket: SSE-KMS with the
 * topic's key, versioning, public access blocked, ACLs disabled, TLS only), reports expiring
 * after `retentionDays`, and delivery allowed to the Audit Manager role only.
 */
function reportBucket(scope: MonitoringScope, props: AuditReportsProps): BackupBucket {
  const partition = partitionOf(scope);
  const bucket = new BackupBucket(scope.construct, "ReportBucket", {
    bucketName: `${scope.estate}-backup-reports-${scope.accountId}`,
    kmsKeyArn: props.kmsKeyArn,
    currentVersionExpirationDays: props.retentionDays ?? 400,
    noncurrentVersionExpirationDays: 30,
    preventDestroy: props.preventDestroy ?? true,
    partition,
    provider: scope.provider,
  });
  bucket.addToPolicy({
    sid: "BackupReportsDeliver",
    effect: PolicyEffect.ALLOW,
    principals: { anyone: true },
    actions: ["s3:PutObject"],
    resources: [`${bucket.bucketArn}/*`],
    conditions: {
      ArnEquals: { "aws:PrincipalArn": reportsRoleArn(scope.accountId, partition) },
      StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" },
    },
  });
  return bucket;
}

function renderControl(c: AuditControlProps): BackupFrameworkControl {
  const scope = c.scope;
  return {
    name: c.name,
    inputParameter: Object.entries(c.parameters ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    scope: scope
      ? {
          complianceResourceTypes: scope.resourceTypes ? [...scope.resourceTypes] : undefined,
          complianceResourceIds: scope.resourceIds ? [...scope.resourceIds] : undefined,
          tags: scope.tag ? { [scope.tag.key]: scope.tag.value } : undefined,
        }
      : undefined,
  };
}

/**
 * Refuses, at `path`, what Audit Manager would refuse at apply: more controls than one account
 * and Region may have (MON-001) and control scopes it does not accept (MON-003).
 */
export function validateAuditControls(controls: readonly AuditControlProps[], path: string): void {
  if (controls.length > AuditLimits.maxControls)
    throw at(path, Errors.tooManyAuditControls(controls.length, AuditLimits.maxControls));
  for (const c of controls) {
    const s = c.scope;
    if (!s) continue;
    if (s.tag && (s.resourceTypes?.length || s.resourceIds?.length))
      throw at(path, Errors.invalidAuditScope(c.name, "a tag cannot be combined with resource types or ids"));
    if (s.resourceIds && (s.resourceIds.length < 1 || s.resourceIds.length > AuditLimits.maxScopeResourceIds))
      throw at(path, Errors.invalidAuditScope(c.name, `${s.resourceIds.length} resource ids`));
    if (s.resourceIds && s.resourceTypes?.length !== 1)
      throw at(path, Errors.invalidAuditScope(c.name, "resource ids need exactly one resource type"));
  }
}
