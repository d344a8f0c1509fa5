# shellcheck shell=bash
# shellcheck disable=SC2034 # constants for the other files of the runtime
# Constants shared with TypeScript, rendered from lib/artifacts/app/exit-codes.ts and
# lib/core/metrics.ts by `npm run gen`; a test checks that this file is current. Do not edit.

# Exit codes of backup.sh, restore.sh and verify.sh.
readonly EXIT_OK=0
readonly EXIT_USAGE=2
readonly EXIT_CONFIG=3
readonly EXIT_DESTINATION=4
readonly EXIT_CAPTURE=5
readonly EXIT_STORE=6
readonly EXIT_RETENTION=7
readonly EXIT_MISMATCH=8
readonly EXIT_CHECK=9
readonly EXIT_RESTORE=10
readonly EXIT_LOCKED=75
readonly EXIT_CODES=(0 2 3 4 5 6 7 8 9 10 75)

# Metric names and their one HELP text each (the metrics contract, docs/metrics.md).
readonly METRIC_LAST_SUCCESS=backup_last_success_timestamp_seconds
readonly HELP_LAST_SUCCESS='Unix time of the last successful backup run.'
readonly METRIC_LAST_RUN=backup_last_run_timestamp_seconds
readonly HELP_LAST_RUN='Unix time of the last backup run, successful or not.'
readonly METRIC_LAST_RUN_SUCCESS=backup_last_run_success
readonly HELP_LAST_RUN_SUCCESS='1 when the last backup run succeeded, 0 when it failed.'
readonly METRIC_LAST_RUN_WARNINGS=backup_last_run_warnings
readonly HELP_LAST_RUN_WARNINGS='1 when the last backup run succeeded with warnings from the backup tool (a file changed or could not be read), 0 otherwise.'
readonly METRIC_DURATION=backup_duration_seconds
readonly HELP_DURATION='Wall-clock seconds of the last backup run.'
readonly METRIC_SIZE=backup_size_bytes
readonly HELP_SIZE='Bytes the last successful backup stored.'
readonly METRIC_ITEMS=backup_items_total
readonly HELP_ITEMS='Rows or files the last successful backup captured.'
readonly METRIC_DRILL_LAST_SUCCESS=backup_restore_drill_last_success_timestamp_seconds
readonly HELP_DRILL_LAST_SUCCESS='Unix time of the last successful restore drill.'
readonly METRIC_DRILL_SUCCESS=backup_restore_drill_success
readonly HELP_DRILL_SUCCESS='1 when the last restore drill restored and matched the capture record, 0 otherwise.'
readonly METRIC_DRILL_DURATION=backup_restore_drill_duration_seconds
readonly HELP_DRILL_DURATION='Seconds the restore of the last drill took, to compare with the RTO.'
readonly METRIC_DRILL_ITEMS=backup_restore_drill_items_total
readonly HELP_DRILL_ITEMS='Capture record lines the last successful restore drill compared.'
readonly METRIC_SHIP_LAST_SUCCESS=backup_log_shipping_last_success_timestamp_seconds
readonly HELP_SHIP_LAST_SUCCESS='Unix time of the last successful shipping of WAL or binary logs (point-in-time recovery).'
readonly METRIC_LOCK_EXTEND_LAST_SUCCESS=backup_object_lock_extend_last_success_timestamp_seconds
readonly HELP_LOCK_EXTEND_LAST_SUCCESS='Unix time of the last successful Object Lock retention extension of the repository.'
readonly METRIC_LOCK_EXTEND_SUCCESS=backup_object_lock_extend_success
readonly HELP_LOCK_EXTEND_SUCCESS='1 when the last Object Lock retention extension succeeded, 0 when it failed.'
readonly METRIC_LOCK_MIN_RETAIN_UNTIL=backup_object_lock_min_retain_until_timestamp_seconds
readonly HELP_LOCK_MIN_RETAIN_UNTIL='Earliest retain-until Unix time of the repository objects, as the last successful extension left them.'
readonly METRIC_LOCK_DAYS=backup_object_lock_days
readonly HELP_LOCK_DAYS='Object Lock days of the bucket: every referenced object stays locked at least this long.'
readonly METRIC_RPO=backup_rpo_seconds
readonly HELP_RPO='Recovery point objective of the service in seconds.'
readonly METRIC_RTO=backup_rto_seconds
readonly HELP_RTO='Recovery time objective of the service in seconds.'
readonly METRIC_LABELS=(service engine target)

# The CloudWatch heartbeat.
readonly HEARTBEAT_NAMESPACE=BackupGovernance
readonly HEARTBEAT_SUCCESS_METRIC=BackupSuccess
readonly HEARTBEAT_SIZE_METRIC=BackupSizeBytes
readonly HEARTBEAT_DIMENSIONS=(Estate Service Source)
