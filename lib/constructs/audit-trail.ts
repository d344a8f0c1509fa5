import {
  Cloudtrail,
  type CloudtrailAdvancedEventSelector,
  cloudtrailAdvancedEventSelectorToTerraform,
} from "@cdktf/provider-aws/lib/cloudtrail";
import { Construct, Lazy, type TerraformProvider, Token } from "../core/cdk";
import { PolicyEffect, type PolicyStatement } from "../core/iam-policy";
import { at, Errors } from "../errors";
import { BackupBucket, ObjectLockMode } from "./backup-bucket";
import { BackupKey } from "./backup-key";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps {
  /** @default - derived from the construct id */
  readonly trailName?: string;
  /** The log bucket's globally unique name. */
  readonly bucketName: string;
  /** The account, for the key policy and the CloudTrail conditions (never looked up). */
  readonly accountId: string;
  /** The trail's home region (the region of `provider`). */
  readonly region: string;
  /** @default ObjectLockMode.COMPLIANCE */
  readonly lockMode?: ObjectLockMode;
  /** Days every log file stays locked; log files expire afterwards. @default 365 */
  readonly retentionDays?: number;
  /**
   * S3 buckets whose object-level (data) events are recorded: every read, write and delete,
   * including refused ones. More can be added with {@link AuditTrail.addDataEventBucket}.
   * @default - none
   */
  readonly dataEventBucketArns?: readonly string[];
  /** Record events of every region (offsite regions included). @default true */
  readonly multiRegion?: boolean;
  /** Terraform `prevent_destroy` on the log bucket and the key. @default true */
  readonly preventDestroy?: boolean;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The evidence trail of a backup estate: a CloudTrail trail recording every management event
 * (AWS Backup's restores, deletions, lock and policy changes among them) and the data events
 * of the backup buckets, delivered with log file validation into a locked bucket encrypted
 * with a key only CloudTrail (for this trail) and the account can use.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
 */
export class AuditTrail extends Construct {
  /** @attribute */
  public readonly trail: Cloudtrail;
  /** @attribute */
  public readonly trailArn: string;
  public readonly bucket: BackupBucket;
  public readonly key: BackupKey;
  private readonly dataBuckets: string[] = [];
  private readonly props: AuditTrailProps;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "AuditTrail", props);
    this.props = props;
    this.name = props.trailName ?? `${id}-${this.node.addr.slice(-8)}`;
    if (!Token.isUnresolved(this.name) && !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(this.name))
      throw at(this, Errors.invalidTrailName(this.name));
    const partition = props.partition ?? "aws";
    const preventDestroy = props.preventDestroy ?? true;
    // Built from its parts: the bucket and key policies must name the trail before it exists.
    const trailArn = `arn:${partition}:cloudtrail:${props.region}:${props.accountId}:trail/${this.name}`;
    const cloudtrail = { service: ["cloudtrail.amazonaws.com"] };
    this.key = new BackupKey(this, "Key", {
      accountId: props.accountId,
      partition,
      preventDestroy,
      description: `Encrypts the audit trail ${this.name}`,
      statements: [
        {
          sid: "CloudTrailEncryptsLogs",
          effect: PolicyEffect.ALLOW,
          principals: cloudtrail,
          actions: ["kms:GenerateDataKey"],
          resources: ["*"],
          conditions: {
            StringEquals: { "aws:SourceArn": trailArn },
            StringLike: {
              "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${props.accountId}:trail/*`,
            },
          },
        },
        {
          sid: "CloudTrailDescribesKey",
          effect: PolicyEffect.ALLOW,
          principals: cloudtrail,
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:SourceArn": trailArn } },
        },
      ],
      provider: props.provider,
      tags: props.tags,
    });
    const days = props.retentionDays ?? 365;
    this.bucket = new BackupBucket(this, "Bucket", {
      bucketName: props.bucketName,
      kmsKeyArn: this.key.keyArn,
      objectLock: { mode: props.lockMode ?? ObjectLockMode.COMPLIANCE, days },
      currentVersionExpirationDays: days,
      preventDestroy,
      region: props.region,
      partition,
      provider: props.provider,
      tags: props.tags,
    });
    for (const s of this.bucketStatements(trailArn)) this.bucket.addToPolicy(s);
    for (const arn of props.dataEventBucketArns ?? []) this.addDataEventBucket(arn);
    this.trail = this.createTrail();
    this.trailArn = this.trail.arn;
  }

  /** Records the object-level events of one more bucket. */
  public addDataEventBucket(bucketArn: string): void {
    if (!this.dataBuckets.includes(bucketArn)) this.dataBuckets.push(bucketArn);
  }

  protected createTrail(): Cloudtrail {
    const p = this.props;
    return new Cloudtrail(this, "Resource", {
      name: this.name,
      s3BucketName: this.bucket.bucket.bucket,
      kmsKeyId: this.key.keyArn,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: p.multiRegion ?? true,
      advancedEventSelector: Lazy.anyValue({
        produce: () => this.selectors().map((s) => cloudtrailAdvancedEventSelectorToTerraform(s)),
      }) as unknown as CloudtrailAdvancedEventSelector[],
      // PROVIDER NOTE: CloudTrail checks its bucket policy when the trail is created; the policy must exist first.
      dependsOn: [this.bucket.policy],
      provider: p.provider,
      tags: p.tags ? { ...p.tags } : undefined,
    });
  }

  private selectors(): CloudtrailAdvancedEventSelector[] {
    const out: CloudtrailAdvancedEventSelector[] = [
      {
        name: "Management events (AWS Backup, KMS, IAM, S3 configuration)",
        fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }],
      },
    ];
    if (this.dataBuckets.length) {
      out.push({
        name: "Object events of the backup buckets",
        fieldSelector: [
          { field: "eventCategory", equalTo: ["Data"] },
          { field: "resources.type", equalTo: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWith: this.dataBuckets.map((arn) => `${arn}/`) },
        ],
      });
    }
    return out;
  }

  private bucketStatements(trailArn: string): PolicyStatement[] {
    const b = this.bucket;
    const cloudtrail = { service: ["cloudtrail.amazonaws.com"] };
    return [
      {
        sid: "CloudTrailChecksAcl",
        effect: PolicyEffect.ALLOW,
        principals: cloudtrail,
        actions: ["s3:GetBucketAcl"],
        resources: [b.bucketArn],
        conditions: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        sid: "CloudTrailWritesLogs",
        effect: PolicyEffect.ALLOW,
        principals: cloudtrail,
        actions: ["s3:PutObject"],
        resources: [`${b.bucketArn}/AWSLogs/${this.props.accountId}/*`],
        conditions: { StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    ];
  }
}
