/**
 * The metrics contract between what backup jobs write and what monitoring reads.
 *
 * App-level scripts (AppBackup) and the Proxmox vzdump hook write these as Prometheus
 * textfile metrics (node_exporter textfile collector), atomically (write a temp file, then
 * rename). Alert rules, the Grafana dashboard and `backup-gov status` read exactly these
 * names; docs/metrics.md documents them. Renaming one is a breaking change.
 *
 * Labels on every series: `service` (catalog id), `engine` (postgresql, mysql, mongodb,
 * files, vzdump, aws-backup) and `target` (where the backup went, e.g. `s3`, `repository`,
 * `pve/pbs-main`).
 */
export const Metrics = {
  /** Unix time of the last successful backup run. */
  lastSuccess: "backup_last_success_timestamp_seconds",
  /** Unix time of the last run, successful or not. */
  lastRun: "backup_last_run_timestamp_seconds",
  /** 1 when the last run succeeded, 0 when it failed. */
  lastRunSuccess: "backup_last_run_success",
  /**
   * 1 when the last run succeeded but the backup tool reported warnings (borg exit 1, restic
   * exit 3: a file changed or could not be read while it was read); the snapshot is stored.
   */
  lastRunWarnings: "backup_last_run_warnings",
  /** Wall-clock seconds of the last run. */
  duration: "backup_duration_seconds",
  /** Bytes the last successful run stored (dump size, or files' bytes). */
  size: "backup_size_bytes",
  /** Items the last successful run captured (rows, or files). */
  items: "backup_items_total",
  /** Unix time of the last successful restore drill (verify.sh). */
  drillLastSuccess: "backup_restore_drill_last_success_timestamp_seconds",
  /** 1 when the last drill restored and matched the recorded capture, 0 otherwise. */
  drillSuccess: "backup_restore_drill_success",
  /** Seconds the last drill's restore took; compared with the RTO. */
  drillDuration: "backup_restore_drill_duration_seconds",
  /** Capture-record lines (rows, collections or files) the last successful drill matched: the coverage report's evidence. */
  drillItems: "backup_restore_drill_items_total",
  /**
   * Unix time WAL or binary logs were last shipped (services with `pitr`): between base
   * backups, shipping is what meets the RPO.
   */
  shipLastSuccess: "backup_log_shipping_last_success_timestamp_seconds",
  /**
   * Unix time of the last successful Object Lock extension (lock-extend.sh, services whose
   * S3 bucket has Object Lock): the bucket's default retention locks each object for `days`
   * from its upload only, and the extension keeps the packs kept snapshots still reference locked.
   */
  lockExtendLastSuccess: "backup_object_lock_extend_last_success_timestamp_seconds",
  /** 1 when the last Object Lock extension succeeded, 0 when it failed. */
  lockExtendSuccess: "backup_object_lock_extend_success",
  /** The earliest retain-until date (Unix time) of the repository's current objects, as the last successful extension left them. */
  lockMinRetainUntil: "backup_object_lock_min_retain_until_timestamp_seconds",
  /** The bucket's Object Lock days: every referenced object must stay locked at least this long from now. */
  lockDays: "backup_object_lock_days",
  /** The service's RPO in seconds (a constant series, so rules and dashboards need no per-service numbers). */
  rpo: "backup_rpo_seconds",
  /** The service's RTO in seconds. */
  rto: "backup_rto_seconds",
} as const;

/**
 * One HELP text per metric, shared by every writer: a node_exporter that reads two textfiles
 * whose HELP texts differ for one metric drops the second file's series. Plain words only
 * (renderers paste them between single or double quotes).
 */
export const METRIC_HELP: Readonly<Record<(typeof Metrics)[keyof typeof Metrics], string>> = {
  backup_last_success_timestamp_seconds: "Unix time of the last successful backup run.",
  backup_last_run_timestamp_seconds: "Unix time of the last backup run, successful or not.",
  backup_last_run_success: "1 when the last backup run succeeded, 0 when it failed.",
  backup_last_run_warnings:
    "1 when the last backup run succeeded with warnings from the backup tool (a file changed or could not be read), 0 otherwise.",
  backup_duration_seconds: "Wall-clock seconds of the last backup run.",
  backup_size_bytes: "Bytes the last successful backup stored.",
  backup_items_total: "Rows or files the last successful backup captured.",
  backup_restore_drill_last_success_timestamp_seconds: "Unix time of the last successful restore drill.",
  backup_restore_drill_success: "1 when the last restore drill restored and matched the capture record, 0 otherwise.",
  backup_restore_drill_duration_seconds: "Seconds the restore of the last drill took, to compare with the RTO.",
  backup_restore_drill_items_total: "Capture record lines the last successful restore drill compared.",
  backup_log_shipping_last_success_timestamp_seconds:
    "Unix time of the last successful shipping of WAL or binary logs (point-in-time recovery).",
  backup_object_lock_extend_last_success_timestamp_seconds:
    "Unix time of the last successful Object Lock retention extension of the repository.",
  backup_object_lock_extend_success: "1 when the last Object Lock retention extension succeeded, 0 when it failed.",
  backup_object_lock_min_retain_until_timestamp_seconds:
    "Earliest retain-until Unix time of the repository objects, as the last successful extension left them.",
  backup_object_lock_days: "Object Lock days of the bucket: every referenced object stays locked at least this long.",
  backup_rpo_seconds: "Recovery point objective of the service in seconds.",
  backup_rto_seconds: "Recovery time objective of the service in seconds.",
};

/** Label names, in the order scripts write them. */
export const METRIC_LABELS = ["service", "engine", "target"] as const;

/** Default folder of the node_exporter textfile collector on backup hosts. */
export const TEXTFILE_DIR = "/var/lib/node_exporter/textfile_collector";

/** Textfile name of one service's metrics (one file per service and job kind). */
export function textfileName(serviceId: string, kind: "backup" | "drill" | "ship" | "vzdump" | "lock"): string {
  return `backup_${serviceId.replace(/-/g, "_")}_${kind}.prom`;
}

/**
 * CloudWatch heartbeat (the alarm that fires when nothing happened): every successful
 * run also puts a datapoint, when the host has credentials for it.
 *
 * Each source of a service has its own series: the `Source` dimension is the same value as
 * the Prometheus `engine` label (`postgresql`, `mysql`, `mongodb`, `files`, `vzdump`). Without
 * it, a nightly vzdump image would keep the service's heartbeat alarm OK while its required
 * database backup failed for days, and the size anomaly band would mix image and dump sizes.
 */
export const Heartbeat = {
  namespace: "BackupGovernance",
  /** Value 1 per successful run; dimensions `Estate`, `Service` and `Source`. */
  successMetric: "BackupSuccess",
  /** Bytes stored by the run; dimensions `Estate`, `Service` and `Source`. */
  sizeMetric: "BackupSizeBytes",
  dimensions: ["Estate", "Service", "Source"] as const,
} as const;

/** The heartbeat dimensions of one source of one service, as CloudWatch alarms name them. */
export function heartbeatDimensions(
  estate: string,
  serviceId: string,
  source: string,
): Record<(typeof Heartbeat.dimensions)[number], string> {
  return { Estate: estate, Service: serviceId, Source: source };
}

/**
 * The same dimensions in `aws cloudwatch put-metric-data --metric-data` shorthand, for the
 * writers: each argument is a shell word (a `$VAR` expansion) the script defines, so that the
 * dimension names are written once, here.
 */
export function heartbeatDimensionsShorthand(estate: string, serviceId: string, source: string): string {
  const [e, sv, so] = Heartbeat.dimensions;
  return `Dimensions=[{Name=${e},Value=${estate}},{Name=${sv},Value=${serviceId}},{Name=${so},Value=${source}}]`;
}
