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

export enum LockMode {
  COMPLIANCE = "compliance",
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
