import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { hostArtifacts, renderServiceFiles, type ServiceFile } from "../artifacts/app/bundle";
import {
  type AppBackupSpec,
  CredentialSource,
  type CredentialSpec,
  DEFAULT_LAYOUT,
  type InstallLayout,
  LOCK_MARGIN_DAYS,
  LOCK_STEP_DAYS,
  type ObjectLockSpec,
} from "../artifacts/app/spec";
import type { Artifact } from "../artifacts/artifact";
import { Construct, type TerraformProvider, TerraformOutput, Token } from "../core/cdk";
import { Duration } from "../core/duration";
import { Heartbeat } from "../core/metrics";
import type { Retention } from "../core/retention";
import { Cadence, Schedule } from "../core/schedule";
import { Size } from "../core/size";
import { DATABASE_NAME, HOSTNAME, SECRET_REF, SERVICE_ID, SSH_REPOSITORY } from "../core/formats";
import { AppEngine, BackupTool, MysqlFlavour } from "../core/vocabulary";
import { Errors, GovernanceError } from "../errors";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** An S3 location for app-level backups: a bucket and this service's key prefix. */
export interface AppBackupS3Location {
  /** Bucket name. Must be a literal for the repository URL to be written into the env file; a token leaves it to a Terraform output. */
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Key prefix of this service, ending in `/`. */
  readonly prefix: string;
  readonly region: string;
  /** The bucket's KMS key, which the service's identity may use for this bucket only. */
  readonly kmsKeyArn: string;
  /** The replica in the offsite region, read by `restore.sh --from offsite`. @default - no offsite copy */
  readonly offsite?: {
    readonly bucketName: string;
    readonly bucketArn: string;
    readonly region: string;
    readonly kmsKeyArn: string;
  };
  /**
   * The bucket's Object Lock default retention. The service then also gets lock-extend.sh, a
   * daily timer and a second IAM policy that may extend (never shorten, never bypass) the
   * retention of its own prefix's objects: the default retention locks each object for `days`
   * from its upload only, and restic keeps referencing older packs.
   * @default - the bucket has no Object Lock
   */
  readonly objectLock?: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number };
}

/**
 * Where an app-level backup is stored: a prefix of an S3 bucket (restic only), or a
 * repository path / `ssh://` URL (restic or borg).
 */
export class AppBackupDestination {
  /** A prefix of an S3 bucket; the AppBackup creates an IAM identity that reaches only this prefix. */
  public static s3(location: AppBackupS3Location): AppBackupDestination {
    return new AppBackupDestination(location, undefined);
  }

  /**
   * An S3 destination that is not known yet (its bucket is made elsewhere, or later):
   * the env file's repository stays empty and the scripts refuse to run until an operator
   * fills it in. No IAM identity is created.
   */
  public static unprovisioned(note: string): AppBackupDestination {
    return new AppBackupDestination(undefined, undefined, note);
  }

  /**
   * A repository on a NAS path (`/mnt/nas/restic/app`) or over ssh
   * (`ssh://user@host/./relative/path`, `ssh://user@host:2222/absolute/path`).
   */
  public static repository(url: string): AppBackupDestination {
    return new AppBackupDestination(undefined, url);
  }

  private constructor(
    public readonly s3Location: AppBackupS3Location | undefined,
    public readonly repositoryUrl: string | undefined,
    /** Why an unprovisioned destination has no location yet. */
    public readonly pendingNote?: string,
  ) {}
}

/** How the owning host gets AWS credentials for an S3 destination. */
export class AppBackupCredentials {
  /**
   * Temporary credentials through IAM Roles Anywhere: a profile and a role per service,
   * trusted for certificates from this trust anchor whose subject CN is the host name.
   */
  public static rolesAnywhere(trustAnchorArn: string): AppBackupCredentials {
    return new AppBackupCredentials(CredentialSource.ROLES_ANYWHERE, trustAnchorArn);
  }

  /**
   * An IAM user per service. Its access key is never created by Terraform (it would sit in
   * the state): the operator creates and rotates it (docs/app-backups.md).
   */
  public static iamUser(): AppBackupCredentials {
    return new AppBackupCredentials(CredentialSource.SHARED_FILE, undefined);
  }

  private constructor(
    public readonly source: CredentialSource,
    public readonly trustAnchorArn: string | undefined,
  ) {}
}

/** When the restore drill (verify.sh) runs. */
export class DrillSchedule {
  /** Every week at the schedule's weekday and time. */
  public static weekly(schedule: Schedule): DrillSchedule {
    if (!schedule.cadence.isWeekly)
      throw Errors.invalidAppBackupValue("DrillSchedule", "schedule", schedule.describe(), "a weekly Schedule");
    return new DrillSchedule(schedule.toCalendarEvent(), schedule.describe());
  }

  /** On the first of the schedule's weekday in every month, at its time. */
  public static monthly(schedule: Schedule): DrillSchedule {
    if (!schedule.cadence.isWeekly)
      throw Errors.invalidAppBackupValue("DrillSchedule", "schedule", schedule.describe(), "a weekly Schedule");
    const monthly = schedule.inFirstWeekOfMonth();
    return new DrillSchedule(monthly.toCalendarEvent(), monthly.describe());
  }

  /** No timer: verify.sh runs only by hand. */
  public static none(): DrillSchedule {
    return new DrillSchedule(undefined, undefined);
  }

  private constructor(
    /** systemd OnCalendar, or undefined for no timer. */
    public readonly calendar: string | undefined,
    public readonly text: string | undefined,
  ) {}
}

/** Props of {@link AppBackup}. */
export interface AppBackupProps {
  /** Estate name: prefixes IAM names. */
  readonly estate: string;
  /** The service id: names the scripts, units, metrics and the IAM identity. */
  readonly serviceId: string;
  /** The owning host where the timers run; also the certificate CN Roles Anywhere trusts. */
  readonly host: string;
  readonly engine: AppEngine;
  /**
   * The tool that stores the dump or the files.
   * @default BackupTool.RESTIC
   */
  readonly tool?: BackupTool;
  /** Database to dump (postgresql, mysql, mongodb). */
  readonly database?: string;
  /**
   * Continuous archiving for point-in-time recovery (postgresql WAL, mysql binary logs).
   * @default false
   */
  readonly pitr?: boolean;
  /** files: absolute paths to back up. */
  readonly paths?: readonly string[];
  /** files: exclude patterns. @default - none */
  readonly excludes?: readonly string[];
  readonly destination: AppBackupDestination;
  /** How many snapshots of each class `forget`/`prune` keep. */
  readonly retention: Retention;
  readonly rpo: Duration;
  readonly rto: Duration;
  /**
   * When backups run.
   * @default - the largest standard cadence that meets the RPO, from 01:00
   */
  readonly schedule?: Schedule;
  /**
   * When the restore drill runs.
   * @default - weekly, Sunday 03:00
   */
  readonly drill?: DrillSchedule;
  /** Upload limit (restic `--limit-upload`, borg `--upload-ratelimit`), per second. @default - none */
  readonly bandwidthLimit?: Size;
  /** postgresql: dump in directory format with `jobs` workers above this size. @default - always custom format */
  readonly directoryFormatAbove?: Size;
  /** postgresql: parallel workers of directory-format dumps. @default 2 */
  readonly jobs?: number;
  /**
   * mysql: the server flavour, which decides the backup user's grants and binary-log settings.
   * @default MysqlFlavour.MARIADB
   */
  readonly mysqlFlavour?: MysqlFlavour;
  /**
   * mysql: the server's version (`10.5`, `10.11`); the binary-log settings follow it
   * (MariaDB before 10.6 has `expire_logs_days` only).
   * @default - settings every MariaDB 10.x accepts
   */
  readonly mysqlServerVersion?: string;
  /** mongodb: the replica set; dumps then use `--oplog`. @default - a standalone server */
  readonly replicaSet?: string;
  /** With pitr: interval of full physical backups. @default Duration.days(1) */
  readonly fullEvery?: Duration;
  /**
   * How the host gets AWS credentials for an S3 destination.
   * @default AppBackupCredentials.iamUser()
   */
  readonly credentials?: AppBackupCredentials;
  /** Where scripts, settings and state live on the host. @default - DEFAULT_LAYOUT (/usr/local/lib/backup-gov, /etc/backup-gov, ...) */
  readonly layout?: Partial<InstallLayout>;
  /** Share of the data each drill reads back (restic `check --read-data-subset`). @default "5%" */
  readonly checkReadDataSubset?: string;
  /** Where the restore secrets are kept (named in comments, never read). @default - not named */
  readonly secretsRef?: string;
  /** Successful runs also put the CloudWatch heartbeat (S3 destinations). @default true */
  readonly heartbeat?: boolean;
  /** Spread of timer start times. @default - at most 5 minutes, a twelfth of the interval */
  readonly randomizedDelay?: Duration;
  /** Provider of the IAM resources. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

const DAY_MINUTES = 1440;
const SUBSET = /^([1-9][0-9]?(\.[0-9]+)?%|100%)$/;

/**
 * An application-consistent backup of one service, run by systemd timers on its owning host:
 * backup.sh, restore.sh and verify.sh (a restore drill), hardened units, an env template that
 * names where secrets are read from, and least-privilege database access files. With an S3
 * destination it also creates the service's own IAM identity, reaching only its prefix.
 *
 * The construct renders files (see {@link AppBackup.files}); put them on the host with
 * {@link AppBackup.hostBundle}, which also builds `hosts/<host>.tar.gz`; the runtime the
 * entry points load is written once per output, in `hosts/_runtime/`, and each tarball carries it.
 */
export class AppBackup extends Construct {
  /** Everything the host needs, per host: `hosts/<host>/...`, `hosts/<host>.tar.gz` and the shared `hosts/_runtime/`. */
  public static hostBundle(host: string, backups: readonly AppBackup[]): Artifact[] {
    return hostArtifacts(
      host,
      backups.filter((b) => b.spec.host === host).map((b) => b.spec),
    );
  }

  /** The render input: plain data, for the scripts and documents. @attribute */
  public readonly spec: AppBackupSpec;
  /** When backups run: `schedule`, or the largest standard cadence that meets the RPO (GovernanceChecks judges it against the RPO, GOV-013). */
  public readonly schedule: Schedule;
  /** The IAM user, when the credentials are an IAM user's. @attribute */
  public readonly user?: IamUser;
  /** The role, when the credentials come from IAM Roles Anywhere. @attribute */
  public readonly role?: IamRole;
  /** The Roles Anywhere profile. @attribute */
  public readonly profile?: RolesanywhereProfile;

  constructor(scope: Construct, id: string, props: AppBackupProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "AppBackup", props);
    validate(this.node.path, props);
    const tool = props.tool ?? BackupTool.RESTIC;
    const layout: InstallLayout = { ...DEFAULT_LAYOUT, ...props.layout };
    const s3 = props.destination.s3Location;
    const cadence = props.schedule?.cadence ?? Cadence.forRpo(props.rpo) ?? Cadence.shortest();
    // An RPO under the shortest cadence gets the shortest one, and GovernanceChecks reports GOV-013 unless pitr archives continuously.
    const schedule = props.schedule ?? Schedule.at(cadence, cadence.isSubDaily ? 0 : 60);
    this.schedule = schedule;
    const drill = props.drill ?? DrillSchedule.weekly(Schedule.at(Cadence.weekly(), 6 * DAY_MINUTES + 180));
    const interval = cadence.intervalMinutes;
    const outputs: Record<string, string> = {};

    let repositoryUrl: string | undefined;
    let offsiteRepositoryUrl: string | undefined;
    let sftp: AppBackupSpec["sftp"];
    let localRepositoryPath: string | undefined;
    let credentials: CredentialSpec = { source: CredentialSource.NONE, outputs };
    let objectLock: ObjectLockSpec | undefined;
    if (s3) {
      const literal = [s3.bucketName, s3.prefix, s3.region].every((v) => !unresolved(v));
      const url = `s3:s3.${s3.region}.amazonaws.com/${s3.bucketName}/${s3.prefix.replace(/\/+$/, "")}`;
      if (literal) repositoryUrl = url;
      else {
        // PROVIDER NOTE: the bucket name is only known after apply; the env file names this output instead.
        outputs.BACKUP_GOV_REPOSITORY = `app-${props.serviceId}-repository`;
        new TerraformOutput(this, "RepositoryOutput", {
          value: url,
          description: `restic repository of ${props.serviceId}`,
        }).overrideLogicalId(outputs.BACKUP_GOV_REPOSITORY);
      }
      if (s3.offsite && [s3.offsite.bucketName, s3.offsite.region].every((v) => !unresolved(v))) {
        offsiteRepositoryUrl = `s3:s3.${s3.offsite.region}.amazonaws.com/${s3.offsite.bucketName}/${s3.prefix.replace(/\/+$/, "")}`;
      }
      const creds = props.credentials ?? AppBackupCredentials.iamUser();
      credentials = {
        source: creds.source,
        region: literal ? s3.region : undefined,
        trustAnchorArn: creds.trustAnchorArn,
        outputs,
      };
      // PROVIDER NOTE: the job needs the bucket's name at synth time; a bucket named by a token gets no extension job (documented in docs/aws.md).
      if (s3.objectLock && literal) {
        const prefix = s3.prefix.endsWith("/") ? s3.prefix : `${s3.prefix}/`;
        objectLock = {
          bucket: s3.bucketName,
          prefix,
          region: s3.region,
          mode: s3.objectLock.mode,
          days: s3.objectLock.days,
          marginDays: LOCK_MARGIN_DAYS,
          stepDays: LOCK_STEP_DAYS,
          calendar: "*-*-* 11:00:00",
        };
      }
    } else if (props.destination.repositoryUrl !== undefined) {
      const r = toolRepository(props.destination.repositoryUrl, tool);
      repositoryUrl = r.url;
      sftp = r.sftp;
      localRepositoryPath = r.localPath;
    }

    this.spec = {
      estate: props.estate,
      serviceId: props.serviceId,
      host: props.host,
      engine: props.engine,
      tool,
      database: props.database,
      pitr: props.pitr ?? false,
      paths: [...(props.paths ?? [])],
      excludes: [...(props.excludes ?? [])],
      target: props.destination.repositoryUrl !== undefined ? "repository" : "s3",
      repositoryUrl,
      repositoryNote: props.destination.pendingNote,
      offsiteRepositoryUrl,
      sftp,
      localRepositoryPath,
      retention: props.retention,
      rpo: props.rpo,
      rto: props.rto,
      uploadLimitKiB: props.bandwidthLimit?.toKiB(),
      directoryFormatAboveBytes: props.directoryFormatAbove?.totalBytes,
      jobs: props.jobs ?? 2,
      replicaSet: props.replicaSet,
      mysqlFlavour: props.engine === AppEngine.MYSQL ? (props.mysqlFlavour ?? MysqlFlavour.MARIADB) : undefined,
      mysqlServerVersion: props.engine === AppEngine.MYSQL ? props.mysqlServerVersion : undefined,
      fullEverySeconds: (props.fullEvery ?? Duration.days(1)).toMinutes() * 60,
      shipEveryMinutes: Math.min(15, Math.max(1, Math.floor(props.rpo.toMinutes() / 3))),
      backupCalendar: schedule.toCalendarEvent(),
      backupScheduleText: schedule.describe(),
      drillCalendar: drill.calendar,
      drillScheduleText: drill.text,
      randomizedDelaySeconds: props.randomizedDelay
        ? props.randomizedDelay.toMinutes() * 60
        : Math.min(300, Math.floor((interval * 60) / 12)),
      // A run must end before the next one is due; beyond 12 hours something is wrong anyway.
      backupTimeoutMinutes: Math.min(720, Math.floor(interval * 0.9)),
      // Twice the RTO: long enough to measure an overrun, short enough to notice a hang.
      drillTimeoutMinutes: Math.min(DAY_MINUTES, Math.max(30, 2 * props.rto.toMinutes())),
      checkSubset: props.checkReadDataSubset ?? "5%",
      credentials,
      heartbeat: !!s3 && (props.heartbeat ?? true),
      secretsRef: props.secretsRef,
      objectLock,
      layout,
    };

    if (s3) {
      const identity = this.createIdentity(props, s3, credentials.source);
      this.user = identity.user;
      this.role = identity.role;
      this.profile = identity.profile;
      if (identity.user) {
        outputs.IAM_USER = `app-${props.serviceId}-iam-user`;
        new TerraformOutput(this, "UserOutput", {
          value: identity.user.name,
          description: `IAM user of ${props.serviceId}: create its access key by hand`,
        }).overrideLogicalId(outputs.IAM_USER);
      }
      if (identity.role && identity.profile) {
        outputs.RA_ROLE_ARN = `app-${props.serviceId}-role-arn`;
        outputs.RA_PROFILE_ARN = `app-${props.serviceId}-profile-arn`;
        new TerraformOutput(this, "RoleOutput", { value: identity.role.arn }).overrideLogicalId(outputs.RA_ROLE_ARN);
        new TerraformOutput(this, "ProfileOutput", { value: identity.profile.arn }).overrideLogicalId(
          outputs.RA_PROFILE_ARN,
        );
      }
    }
  }

  /** The files of this service, relative to its folder (scripts, units, env template, DB access, README). */
  public get files(): ServiceFile[] {
    return renderServiceFiles(this.spec);
  }

  /** The IAM identity of an S3 destination, with a policy that reaches only the service's prefix. */
  protected createIdentity(
    props: AppBackupProps,
    s3: AppBackupS3Location,
    source: CredentialSource,
  ): { user?: IamUser; role?: IamRole; profile?: RolesanywhereProfile } {
    const name = iamName(props.estate, props.serviceId);
    const tags = { "backup:service": props.serviceId, "backup:host": props.host };
    const policy = new DataAwsIamPolicyDocument(this, "Policy", {
      provider: props.provider,
      statement: identityStatements(s3, props.heartbeat ?? true),
    });
    // Its own policy, so that the access matrix and a reviewer see the Object Lock rights apart from the backup's.
    const lockPolicy = s3.objectLock
      ? new DataAwsIamPolicyDocument(this, "LockPolicy", {
          provider: props.provider,
          statement: lockExtensionStatements(s3, s3.objectLock.days),
        })
      : undefined;
    if (source === CredentialSource.ROLES_ANYWHERE) {
      const trust = new DataAwsIamPolicyDocument(this, "Trust", {
        provider: props.provider,
        statement: [
          {
            effect: "Allow",
            actions: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            principals: [{ type: "Service", identifiers: ["rolesanywhere.amazonaws.com"] }],
            condition: [
              { test: "ArnEquals", variable: "aws:SourceArn", values: [props.credentials!.trustAnchorArn!] },
              // Only this host's certificate may take this service's role.
              { test: "StringEquals", variable: "aws:PrincipalTag/x509Subject/CN", values: [props.host] },
            ],
          },
        ],
      });
      const role = new IamRole(this, "Role", {
        provider: props.provider,
        name,
        path: "/backup-gov/",
        assumeRolePolicy: trust.json,
        maxSessionDuration: 43200,
        tags,
      });
      new IamRolePolicy(this, "RolePolicy", {
        provider: props.provider,
        role: role.id,
        name: "app-backup",
        policy: policy.json,
      });
      if (lockPolicy)
        new IamRolePolicy(this, "RoleLockPolicy", {
          provider: props.provider,
          role: role.id,
          name: LOCK_POLICY_NAME,
          policy: lockPolicy.json,
        });
      // PROVIDER NOTE: the session lasts as long as the longest run may, within Roles Anywhere's 15 min..12 h.
      const seconds = Math.min(
        43200,
        Math.max(900, this.spec.backupTimeoutMinutes * 60, this.spec.drillTimeoutMinutes * 60),
      );
      const profile = new RolesanywhereProfile(this, "Profile", {
        provider: props.provider,
        name,
        roleArns: [role.arn],
        durationSeconds: seconds,
        enabled: true,
        tags,
      });
      return { role, profile };
    }
    const user = new IamUser(this, "User", { provider: props.provider, name, path: "/backup-gov/", tags });
    new IamUserPolicy(this, "UserPolicy", {
      provider: props.provider,
      user: user.name,
      name: "app-backup",
      policy: policy.json,
    });
    if (lockPolicy)
      new IamUserPolicy(this, "UserLockPolicy", {
        provider: props.provider,
        user: user.name,
        name: LOCK_POLICY_NAME,
        policy: lockPolicy.json,
      });
    return { user };
  }
}

/** A token, or a raw Terraform interpolation: known only after apply. */
function unresolved(value: string): boolean {
  return Token.isUnresolved(value) || value.includes("${");
}

/** Least privilege on one prefix: list it, read/write/delete its objects, use the bucket's key; read the offsite copy. */
function identityStatements(s3: AppBackupS3Location, heartbeat: boolean): DataAwsIamPolicyDocumentStatement[] {
  const prefix = s3.prefix.endsWith("/") ? s3.prefix : `${s3.prefix}/`;
  const tls = { test: "Bool", variable: "aws:SecureTransport", values: ["true"] };
  const viaS3 = (region: string) => ({
    test: "StringEquals",
    variable: "kms:ViaService",
    values: [`s3.${region}.amazonaws.com`],
  });
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      sid: "ListOwnPrefix",
      effect: "Allow",
      actions: ["s3:ListBucket"],
      resources: [s3.bucketArn],
      condition: [tls, { test: "StringLike", variable: "s3:prefix", values: [prefix, `${prefix}*`] }],
    },
    {
      sid: "BucketLocation",
      effect: "Allow",
      actions: ["s3:GetBucketLocation"],
      resources: [s3.bucketArn],
      condition: [tls],
    },
    // restic deletes lock files and, on prune, packs: DeleteObject stays within the prefix.
    {
      sid: "ObjectsOfOwnPrefix",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${s3.bucketArn}/${prefix}*`],
      condition: [tls],
    },
    {
      sid: "BucketKey",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: [s3.kmsKeyArn],
      condition: [viaS3(s3.region)],
    },
  ];
  if (s3.offsite) {
    statements.push(
      {
        sid: "ListOffsitePrefix",
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: [s3.offsite.bucketArn],
        condition: [tls, { test: "StringLike", variable: "s3:prefix", values: [prefix, `${prefix}*`] }],
      },
      {
        sid: "ReadOffsiteObjects",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: [`${s3.offsite.bucketArn}/${prefix}*`],
        condition: [tls],
      },
      {
        sid: "OffsiteKey",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [s3.offsite.kmsKeyArn],
        condition: [viaS3(s3.offsite.region)],
      },
    );
  }
  if (heartbeat) {
    // PROVIDER NOTE: PutMetricData has no resource-level permissions; the namespace condition narrows it.
    statements.push({
      sid: "Heartbeat",
      effect: "Allow",
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"],
      condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [Heartbeat.namespace] }],
    });
  }
  return statements;
}

/** Name of the inline policy that lets lock-extend.sh extend retention. */
export const LOCK_POLICY_NAME = "object-lock-extension";

/**
 * Extend, never shorten or bypass, the retention of the service's own objects. S3 lets
 * PutObjectRetention lengthen a retention without s3:BypassGovernanceRetention (S3 user guide,
 * "Object Lock": "extending a retention period"; shortening a GOVERNANCE retention needs the
 * bypass, a COMPLIANCE one cannot be shortened at all). The date the identity may set is capped
 * (s3:object-lock-remaining-retention-days, S3 service authorization reference) at what
 * lock-extend.sh asks for, so a stolen key cannot lock the repository for decades; the bypass is
 * denied outright, whatever else is attached.
 */
function lockExtensionStatements(s3: AppBackupS3Location, days: number): DataAwsIamPolicyDocumentStatement[] {
  const prefix = s3.prefix.endsWith("/") ? s3.prefix : `${s3.prefix}/`;
  const objects = `${s3.bucketArn}/${prefix}*`;
  const tls = { test: "Bool", variable: "aws:SecureTransport", values: ["true"] };
  return [
    {
      sid: "ReadRetentionOfOwnPrefix",
      effect: "Allow",
      actions: ["s3:GetObjectRetention"],
      resources: [objects],
      condition: [tls],
    },
    {
      sid: "ExtendRetentionOfOwnPrefix",
      effect: "Allow",
      actions: ["s3:PutObjectRetention"],
      resources: [objects],
      condition: [
        tls,
        {
          test: "NumericLessThanEquals",
          variable: "s3:object-lock-remaining-retention-days",
          values: [String(days + LOCK_STEP_DAYS + 1)],
        },
      ],
    },
    {
      sid: "NeverBypassGovernance",
      effect: "Deny",
      actions: ["s3:BypassGovernanceRetention"],
      resources: [s3.bucketArn, `${s3.bucketArn}/*`],
    },
  ];
}

/** `<estate>-app-<service>`, within IAM's 64 characters; long names keep their tail and gain a hash. */
export function iamName(estate: string, serviceId: string): string {
  const name = `${estate}-app-${serviceId}`;
  if (name.length <= 64) return name;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return `${name.slice(name.length - 55)}-${h.toString(16).padStart(8, "0")}`;
}

/**
 * The repository in the tool's own syntax. borg takes `ssh://` URLs as they are; restic
 * speaks sftp: `ssh://u@h/./rel` becomes `sftp:u@h:rel`, `ssh://u@h:2222/abs` becomes
 * `sftp://u@h:2222//abs`.
 */
export function toolRepository(
  url: string,
  tool: BackupTool,
): { url: string; sftp?: { target: string; port?: number }; localPath?: string } {
  if (url.startsWith("/")) return { url, localPath: url };
  const m = SSH_REPOSITORY.exec(url);
  if (!m) throw Errors.invalidRepository("AppBackup", url);
  if (tool === BackupTool.BORG) return { url };
  const target = `${m[1] ?? ""}${m[2]}`;
  const port = m[3] ? Number(m[3]) : undefined;
  const rel = m[4].startsWith("./") ? m[4].slice(2) : undefined;
  const path = rel ?? `/${m[4]}`;
  const sftpUrl = port ? `sftp://${target}:${port}/${rel ?? `/${m[4]}`}` : `sftp:${target}:${path}`;
  return { url: sftpUrl, sftp: { target, port } };
}

function validate(where: string, props: AppBackupProps): void {
  // GOV-180, as the catalog rule says it: restic `forget` and borg `prune` with no keep flag
  // would never prune, and the repository would keep every snapshot forever.
  if (props.retention.classes().length === 0) {
    throw new GovernanceError(
      "GOV-180",
      where,
      "the retention keeps no snapshot: every class is 0, so `forget`/`prune` would get no keep flag and the repository would keep everything forever",
      "keep at least one class, e.g. Retention.of({ daily: 7 })",
    );
  }
  const db = props.engine !== AppEngine.FILES;
  if (db && !props.database) throw Errors.appBackupMissingProp(where, "database", props.engine);
  if (!db && (props.paths ?? []).length === 0) throw Errors.appBackupMissingProp(where, "paths", props.engine);
  if (!db && props.database !== undefined)
    throw Errors.appBackupPropNotApplicable(where, "database", props.engine, "postgresql, mysql, mongodb");
  if (db && ((props.paths ?? []).length > 0 || (props.excludes ?? []).length > 0))
    throw Errors.appBackupPropNotApplicable(where, "paths/excludes", props.engine, "files");
  if (props.engine !== AppEngine.POSTGRESQL && (props.directoryFormatAbove !== undefined || props.jobs !== undefined)) {
    throw Errors.appBackupPropNotApplicable(where, "directoryFormatAbove/jobs", props.engine, "postgresql");
  }
  if (props.engine !== AppEngine.MYSQL && props.mysqlFlavour !== undefined)
    throw Errors.appBackupPropNotApplicable(where, "mysqlFlavour", props.engine, "mysql");
  if (props.engine !== AppEngine.MONGODB && props.replicaSet !== undefined)
    throw Errors.appBackupPropNotApplicable(where, "replicaSet", props.engine, "mongodb");
  if (props.pitr && (props.engine === AppEngine.FILES || props.engine === AppEngine.MONGODB))
    throw Errors.pitrNotSupported(where, props.engine);
  if (!props.pitr && props.fullEvery !== undefined)
    throw Errors.appBackupPropNotApplicable(where, "fullEvery", props.engine, "services with pitr");
  if ((props.tool ?? BackupTool.RESTIC) === BackupTool.BORG && props.destination.repositoryUrl === undefined)
    throw Errors.borgNeedsRepository(where);
  if (props.jobs !== undefined && (!Number.isInteger(props.jobs) || props.jobs < 1 || props.jobs > 32))
    throw Errors.invalidAppBackupValue(where, "jobs", props.jobs, "1..32");
  if (props.checkReadDataSubset !== undefined && !SUBSET.test(props.checkReadDataSubset))
    throw Errors.invalidAppBackupValue(
      where,
      "checkReadDataSubset",
      props.checkReadDataSubset,
      "a percentage such as 5% or 100%",
    );
  if (!SERVICE_ID.test(props.serviceId))
    throw Errors.invalidAppBackupValue(
      where,
      "serviceId",
      props.serviceId,
      "lowercase letters, digits and '-', 2-41 characters",
    );
  // The catalog's own formats (lib/core/formats.ts): these values reach file names, SQL and
  // comments as written, so the construct path refuses what validate refuses.
  if (!HOSTNAME.test(props.host))
    throw Errors.invalidAppBackupValue(where, "host", props.host, "a host name (letters, digits, '-' and '.')");
  if (props.database !== undefined && !DATABASE_NAME.test(props.database))
    throw Errors.invalidAppBackupValue(
      where,
      "database",
      props.database,
      "a database name: a letter or '_', then letters, digits, '_', '$' or '-' (at most 63)",
    );
  if (props.secretsRef !== undefined && !SECRET_REF.test(props.secretsRef))
    throw Errors.invalidAppBackupValue(
      where,
      "secretsRef",
      props.secretsRef,
      "a reference such as vault:kv/gitea (scheme:path, no spaces)",
    );
  if (props.destination.repositoryUrl !== undefined)
    toolRepository(props.destination.repositoryUrl, props.tool ?? BackupTool.RESTIC);
  if (props.credentials?.source === CredentialSource.ROLES_ANYWHERE && !props.destination.s3Location) {
    throw Errors.appBackupPropNotApplicable(where, "credentials", props.engine, "S3 destinations");
  }
}
