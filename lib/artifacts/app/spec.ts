import type { Duration } from "../../core/duration";
import { textfileName } from "../../core/metrics";
import type { Retention } from "../../core/retention";
import { AppEngine, BackupTool, type MysqlFlavour } from "../../core/vocabulary";

/**
 * Everything the app-backup renderers need, as plain data. The AppBackup construct builds
 * it from its props; renderers are pure functions of it (same spec, byte-identical files).
 */

/** Where things live on the owning host. */
export interface InstallLayout {
  /** Scripts go to `<prefix>/<service>/`. */
  readonly prefix: string;
  /** Settings and secrets go to `<configDir>/<service>/`. */
  readonly configDir: string;
  /** State (lock, last results, staging) goes to `<stateDir>/<service>/`. */
  readonly stateDir: string;
  /** The tools' caches go to `<cacheDir>/<service>/`. */
  readonly cacheDir: string;
  /** The node_exporter textfile collector folder. */
  readonly textfileDir: string;
}

/** How the host gets AWS credentials for an S3 destination. */
export enum CredentialSource {
  /** No AWS access: the destination is a repository path or ssh:// URL. */
  NONE = "none",
  /** An IAM user's access key in a shared credentials file the operator installs and rotates. */
  SHARED_FILE = "shared-file",
  /** Temporary credentials from IAM Roles Anywhere (aws_signing_helper and the host's certificate). */
  ROLES_ANYWHERE = "roles-anywhere",
}

export interface CredentialSpec {
  readonly source: CredentialSource;
  /** AWS region of the S3 bucket (and of the heartbeat metric). */
  readonly region?: string;
  /** Roles Anywhere: trust anchor ARN (known from the catalog). */
  readonly trustAnchorArn?: string;
  /** Roles Anywhere: profile ARN, when known at synth time. */
  readonly profileArn?: string;
  /** Roles Anywhere: role ARN, when known at synth time. */
  readonly roleArn?: string;
  /** Terraform outputs that hold values unknown at synth time (env key → output name). */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface AppBackupSpec {
  readonly estate: string;
  readonly serviceId: string;
  /** The owning host: snapshot host name and Roles Anywhere certificate CN. */
  readonly host: string;
  readonly engine: AppEngine;
  readonly tool: BackupTool;
  readonly database?: string;
  readonly pitr: boolean;
  readonly paths: readonly string[];
  readonly excludes: readonly string[];
  /** Metrics label `target`: `s3` or `repository`. */
  readonly target: string;
  /** Repository in the tool's own syntax; undefined when it is only known after `terraform apply`. */
  readonly repositoryUrl?: string;
  /** Why the repository is not known at synth time, and where to get it (env file comment). */
  readonly repositoryNote?: string;
  /** The offsite copy, in the tool's syntax, when there is one. */
  readonly offsiteRepositoryUrl?: string;
  /** For ssh repositories with restic: `user@host` and port for the sftp command. */
  readonly sftp?: { readonly target: string; readonly port?: number };
  /** Where the repository is a local path (NAS mount): units need write access to it. */
  readonly localRepositoryPath?: string;
  readonly retention: Retention;
  readonly rpo: Duration;
  readonly rto: Duration;
  readonly uploadLimitKiB?: number;
  /** postgresql: dump in directory format above this many bytes. */
  readonly directoryFormatAboveBytes?: number;
  /** postgresql: parallel workers in directory format. */
  readonly jobs: number;
  /** mysql: the server flavour (grants, binary-log settings). */
  readonly mysqlFlavour?: MysqlFlavour;
  /** mysql: the server's version, when named (binary-log settings). */
  readonly mysqlServerVersion?: string;
  /** mongodb: replica set (dumps use --oplog). */
  readonly replicaSet?: string;
  /** With pitr: seconds between full physical backups. */
  readonly fullEverySeconds: number;
  /** With pitr: minutes between WAL / binary-log shipping runs. */
  readonly shipEveryMinutes: number;
  /** systemd OnCalendar of the backup. */
  readonly backupCalendar: string;
  /** systemd OnCalendar of the restore drill; undefined when the tier drills never. */
  readonly drillCalendar?: string;
  /** How the schedule reads in documents. */
  readonly backupScheduleText: string;
  readonly drillScheduleText?: string;
  readonly randomizedDelaySeconds: number;
  readonly backupTimeoutMinutes: number;
  readonly drillTimeoutMinutes: number;
  /** restic `check --read-data-subset` value, e.g. `5%`. */
  readonly checkSubset: string;
  readonly credentials: CredentialSpec;
  /** Whether successful runs also put the CloudWatch heartbeat. */
  readonly heartbeat: boolean;
  /** Where the restore secrets are kept (catalog `restore.secrets`), named in comments. */
  readonly secretsRef?: string;
  /**
   * The S3 bucket's Object Lock, when it has one: lock-extend.sh keeps the repository's objects
   * locked beyond the default retention's `days` from their upload.
   */
  readonly objectLock?: ObjectLockSpec;
  readonly layout: InstallLayout;
}

/** How lock-extend.sh keeps the objects of a repository on a bucket with Object Lock locked. */
export interface ObjectLockSpec {
  readonly bucket: string;
  /** The repository's key prefix, ending in `/`. */
  readonly prefix: string;
  readonly region: string;
  /** `COMPLIANCE` or `GOVERNANCE`: the mode of an object that has no retention yet. */
  readonly mode: "COMPLIANCE" | "GOVERNANCE";
  /** The bucket's default retention days: every current object stays locked at least this long from now. */
  readonly days: number;
  /** An object is extended once its lock would end within `days` + this many days. */
  readonly marginDays: number;
  /** ... to `days` + this many days from the run. */
  readonly stepDays: number;
  /** systemd OnCalendar of the daily run. */
  readonly calendar: string;
}

/** Days beyond the lock days that trigger an extension (a late or failed daily run still leaves `days`). */
export const LOCK_MARGIN_DAYS = 2;
/** Days beyond the lock days an extension reaches: each object is touched about once a week, not daily. */
export const LOCK_STEP_DAYS = 7;

/** Default layout on a Debian host. */
export const DEFAULT_LAYOUT: InstallLayout = {
  prefix: "/usr/local/lib/backup-gov",
  configDir: "/etc/backup-gov",
  stateDir: "/var/lib/backup-gov",
  cacheDir: "/var/cache/backup-gov",
  textfileDir: "/var/lib/node_exporter/textfile_collector",
};

export type JobKind = "backup" | "drill" | "ship" | "lock";

/** `backup-gov-<service>-<kind>.<suffix>` */
export function unitName(spec: Pick<AppBackupSpec, "serviceId">, kind: JobKind, suffix: "service" | "timer"): string {
  return `backup-gov-${spec.serviceId}-${kind}.${suffix}`;
}

/** Derived paths of one service on its host. */
export function servicePaths(spec: Pick<AppBackupSpec, "serviceId" | "layout">) {
  const { layout, serviceId: id } = spec;
  return {
    scripts: `${layout.prefix}/${id}`,
    config: `${layout.configDir}/${id}`,
    env: `${layout.configDir}/${id}/env`,
    state: `${layout.stateDir}/${id}`,
    cache: `${layout.cacheDir}/${id}`,
    spool: `${layout.stateDir}/${id}/spool`,
    backupTextfile: `${layout.textfileDir}/${textfileName(id, "backup")}`,
    drillTextfile: `${layout.textfileDir}/${textfileName(id, "drill")}`,
    lockTextfile: `${layout.textfileDir}/${textfileName(id, "lock")}`,
  };
}

/** Engines whose backups are database dumps. */
export function isDatabase(engine: AppEngine): boolean {
  return engine !== AppEngine.FILES;
}

/** File name of the main stored stream of a run (the name in the snapshot/archive). */
export function dumpName(spec: Pick<AppBackupSpec, "serviceId" | "engine">): string {
  switch (spec.engine) {
    case AppEngine.POSTGRESQL:
      return `${spec.serviceId}.pgdump`;
    case AppEngine.MYSQL:
      return `${spec.serviceId}.sql`;
    case AppEngine.MONGODB:
      return `${spec.serviceId}.archive.gz`;
    case AppEngine.FILES:
      return "files";
  }
}

/** The tool's word for one stored unit: restic snapshots, borg archives. */
export function toolNoun(tool: BackupTool): string {
  return tool === BackupTool.RESTIC ? "snapshot" : "archive";
}
