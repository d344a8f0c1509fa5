/**
 * The catalog's closed vocabularies as enums. The YAML schema spells them as string
 * unions; the loader turns them into these once, and everything past the loader uses them.
 * Values are the catalog's own words.
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
