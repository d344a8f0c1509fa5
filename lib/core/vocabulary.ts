/**
 * The catalog's closed vocabularies as enums: the one spelling of each term. The zod schema
 * of the catalog is built from them (`z.enum(AppDecision)`), so the YAML, the JSON Schema,
 * the model and the constructs share one set of values and the loader converts nothing.
 * Values are the catalog's own words; where a provider or tool spells a term otherwise
 * (Velero's `Fail`), the construct that writes it translates.
 */

export enum Classification {
  CRITICAL = "critical",
  IMPORTANT = "important",
  REBUILDABLE = "rebuildable",
}

export enum AppDecision {
  /** An application-consistent backup runs on the owning host. */
  REQUIRED = "required",
  /** The guest image (vzdump) is enough. */
  VZDUMP_ONLY = "vzdump-only",
  /** The platform's own backup (AWS Backup) is enough. */
  PLATFORM_ONLY = "platform-only",
}

export enum AppEngine {
  POSTGRESQL = "postgresql",
  MYSQL = "mysql",
  MONGODB = "mongodb",
  FILES = "files",
}

/** Which server an engine `mysql` service runs: the backup user's grants and the binary-log settings differ. */
export enum MysqlFlavour {
  /** MariaDB (10.x, 11.x): routines live in `mysql.proc`; mariabackup for physical backups. */
  MARIADB = "mariadb",
  /** MySQL 8.0 or later: no `mysql.proc`; `SHOW_ROUTINE` (8.0.20+) lets mysqldump read routines. */
  MYSQL8 = "mysql8",
}

export enum BackupTool {
  RESTIC = "restic",
  BORG = "borg",
}

export enum GuestKind {
  QEMU = "qemu",
  LXC = "lxc",
}

/** vzdump backup modes: the catalog's words are the provider's `mode` values. */
export enum VzdumpMode {
  /** Live backup with a snapshot (qemu) or a storage snapshot (lxc, falls back to suspend). */
  SNAPSHOT = "snapshot",
  /** Suspend the guest for the copy (lxc: rsync, then a short suspend). */
  SUSPEND = "suspend",
  /** Stop the guest, back it up, start it again: the most consistent, with downtime. */
  STOP = "stop",
}

/**
 * S3 Object Lock and AWS Backup Vault Lock modes: the one lock-mode enum of the catalog, the
 * schema and the constructs (`ObjectLockMode` is its deprecated alias). Values are the
 * catalog's words; the constructs write the provider's spelling (`COMPLIANCE`).
 */
export enum LockMode {
  /** Nobody, the root user included, can delete a locked version or shorten its lock. */
  COMPLIANCE = "compliance",
  /** Callers with `s3:BypassGovernanceRetention` (or the vault-lock permission) can. */
  GOVERNANCE = "governance",
}

export enum ComplianceRegime {
  GDPR = "gdpr",
  HIPAA = "hipaa",
  SOC2 = "soc2",
  PCI = "pci",
}

/** Kinds of Proxmox backup storage a host can declare (the provider's `proxmox_storage_*`). */
export enum StorageKind {
  /** Proxmox Backup Server datastore. */
  PBS = "pbs",
  NFS = "nfs",
  CIFS = "cifs",
  /** A directory on the node (often a mounted disk or NAS share). */
  DIR = "dir",
}

/** How a cluster's persistent volumes can be captured. */
export enum ClusterSnapshots {
  /** CSI volume snapshots; Velero's data mover copies their data to the object store. */
  CSI = "csi",
  /** No snapshots: volumes are backed up through Kopia file-system backup only. */
  NONE = "none",
}

/** How a Kubernetes service's pod volumes are backed up. */
export enum VolumeBackupMode {
  /** Kopia file-system backup of every pod volume (`defaultVolumesToFsBackup`). */
  FS = "fs",
  /** CSI snapshots moved into the bucket by the data mover (`snapshotMoveData`). */
  SNAPSHOT = "snapshot",
}

/**
 * What Velero does when a backup hook fails. Values are the catalog's words; Velero spells
 * them `Fail` and `Continue`, which VeleroProtection writes (`veleroOnError`).
 */
export enum HookOnError {
  FAIL = "fail",
  CONTINUE = "continue",
}

/** The chat tools alerts reach: through AWS Chatbot, or (refused, GOV-102) an incoming webhook. */
export enum ChatTool {
  SLACK = "slack",
  TEAMS = "teams",
}

/** What receives a webhook: an endpoint that confirms SNS subscriptions, or a chat tool's incoming webhook. */
export enum WebhookKind {
  GENERIC = "generic",
  SLACK = ChatTool.SLACK,
  TEAMS = ChatTool.TEAMS,
}

/** Remote state backends. */
export enum StateBackend {
  /** Terraform's S3 backend, with `encrypt` and `use_lockfile`. */
  S3 = "s3",
}

/** How Proxmox resources are split into stacks (`stacks.proxmox`). */
export enum ProxmoxStackSplit {
  /** One `<name>-proxmox` stack, a provider alias per host. */
  SINGLE = "single",
  /** A `<name>-proxmox-<host>` stack per host, each with its own provider and credentials. */
  PER_HOST = "per-host",
}

/** How Terraform logs in to a Proxmox host. */
export enum ProxmoxAuth {
  /** An API token (`proxmox_api_token_<host>`). */
  TOKEN = "token",
  /** root@pam with its password (`proxmox_root_password_<host>`): what a job's `script` needs. */
  ROOT_PASSWORD = "root-password",
}

/**
 * How a host's vzdump runs reach the freshness hook. The catalog's `vzdumpHook` says
 * `false`, `true` or `vzdump.conf`; the loader maps those onto these.
 */
export enum VzdumpHookMode {
  /** No hook: vzdump runs report no metrics. */
  NONE = "none",
  /** Every backup job's `script` runs the hook. */
  JOB = "job",
  /** The node's /etc/vzdump.conf runs it for every job; the jobs are left alone. */
  NODE_CONFIG = "vzdump.conf",
}
