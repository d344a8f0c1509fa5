import { METRIC_HELP, Metrics, textfileName } from "../../core/metrics";
import { AppEngine } from "../../core/vocabulary";
import {
  awsCredentials,
  drillUser,
  envLoading,
  heartbeat,
  locking,
  logging,
  metricsWriting,
  pipeChecks,
  preamble,
  runIdentity,
} from "./bash/common";
import type { EngineBash } from "./bash/engine";
import { files } from "./bash/files";
import { mongodb } from "./bash/mongodb";
import { mysql } from "./bash/mysql";
import { postgresql } from "./bash/postgresql";
import { runQueries, toolLayer } from "./bash/tools";
import { ExitCode } from "./exit-codes";
import { script, sh, shArray, shq } from "./shell";
import { type AppBackupSpec, servicePaths } from "./spec";

/** The engine's bash parts for a spec. */
export function engineBash(spec: AppBackupSpec): EngineBash {
  switch (spec.engine) {
    case AppEngine.POSTGRESQL:
      return postgresql(spec);
    case AppEngine.MYSQL:
      return mysql(spec);
    case AppEngine.MONGODB:
      return mongodb(spec);
    case AppEngine.FILES:
      return files(spec);
  }
}

const KNOWN_CODES = Object.values(ExitCode).filter((v): v is number => typeof v === "number");

/** Codes an EXIT trap keeps; any other failure is mapped to the stage's code. */
function exitMapping(): string {
  return sh`# Failures other than the scripts' own codes take the code of the stage they happened in.
map_exit() {
  case $1 in
    ${KNOWN_CODES.join(" | ")}) printf '%s' "$1" ;;
    *) printf '%s' "$FAIL_CODE" ;;
  esac
}`;
}

/** The common head of every script: options, logging, env, lock, tool layer, engine. */
function head(spec: AppBackupSpec, kind: "backup" | "restore" | "verify", usage: string, e: EngineBash): string[] {
  return [
    preamble(spec, kind, usage),
    logging(),
    envLoading(spec),
    locking(),
    runIdentity(),
    exitMapping(),
    awsCredentials(spec),
    pipeChecks(spec),
    runQueries(spec),
    toolLayer(spec),
    e.setup,
    e.preflight,
  ];
}

const BACKUP_USAGE = (spec: AppBackupSpec) =>
  [
    "Usage: backup.sh [--init" + (spec.pitr ? " | --ship" : "") + "]",
    "  (no option)  one backup run: preflight, capture, store, capture record, retention",
    "  --init       create the repository once, before the first run",
    ...(spec.pitr ? [`  --ship       ship the ${spec.engine === AppEngine.POSTGRESQL ? "archived WAL" : "closed binary logs"} (run by the ship timer)`] : []),
  ].join("\n");

/** backup.sh: one run (or --init, or --ship with pitr). */
export function renderBackupScript(spec: AppBackupSpec): string {
  const e = engineBash(spec);
  const usage = BACKUP_USAGE(spec);
  return script(
    ...head(spec, "backup", usage, e),
    e.capture,
    e.pitr,
    metricsWriting(spec),
    heartbeat(spec),
    sh`# --- the run ---------------------------------------------------------------------
readonly USAGE=${shq(usage)}
MODE=backup
case $\{1:-} in
  "") ;;
  --init) MODE=init ;;
${spec.pitr ? "  --ship) MODE=ship ;;\n" : ""}  -h | --help)
    printf '%s\n' "$USAGE"
    exit 0
    ;;
  *)
    printf '%s\n' "$USAGE" >&2
    exit ${ExitCode.USAGE}
    ;;
esac

STORED=()
COMMITTED=0
SIZE=0
ITEMS=0
FAIL_CODE=${ExitCode.CONFIG}
START_EPOCH=$(date +%s)
RUN_ID=''
WORK=''
TEXTFILE=''

on_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if ((rc != 0 && COMMITTED == 0 && $\{#STORED[@]} > 0)); then
    warn "forgetting what run $RUN_ID stored: it never counts as a backup"
    forget_run "$RUN_ID" || warn "could not forget run $RUN_ID now; it has no capture record, and the next run removes it"
  fi
  if [[ $MODE == backup && $rc != ${ExitCode.LOCKED} && -n $TEXTFILE ]]; then
    write_backup_metrics "$rc"
  fi
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap 'on_exit $?' EXIT

write_backup_metrics() {
  local rc=$1 now last_success=0 last_size=0 last_items=0
  now=$(date +%s)
  if [[ -r $STATE_DIR/last-success ]]; then read -r last_success last_size last_items <"$STATE_DIR/last-success"; fi
  {
    metric ${Metrics.lastRun} "${METRIC_HELP[Metrics.lastRun]}" "$now"
    metric ${Metrics.lastRunSuccess} "${METRIC_HELP[Metrics.lastRunSuccess]}" "$((rc == 0 ? 1 : 0))"
    metric ${Metrics.duration} "${METRIC_HELP[Metrics.duration]}" "$((now - START_EPOCH))"
    metric ${Metrics.lastSuccess} "${METRIC_HELP[Metrics.lastSuccess]}" "$last_success"
    metric ${Metrics.size} "${METRIC_HELP[Metrics.size]}" "$last_size"
    metric ${Metrics.items} "${METRIC_HELP[Metrics.items]}" "$last_items"
    objective_metrics
  } | write_textfile "$TEXTFILE"
}

# The capture record goes in last, once per stored unit: it is what makes the run count.
commit_run() {
  local name
  {
    printf 'meta\tservice\t%s\nmeta\tengine\t%s\nmeta\trun\t%s\nmeta\texact\t%s\n' "$SERVICE" "$ENGINE" "$RUN_ID" ${e.exact ? 1 : 0}
    cat "$WORK/capture.meta"
    sort "$WORK/capture.body"
  } >"$WORK/record"
  for name in "$\{STORED[@]}"; do
    store_stream "$name.capture" <"$WORK/record" || die ${ExitCode.STORE} "storing the capture record of $name failed"
  done
  COMMITTED=1
}

forget_incomplete() {
  local -a stale
  mapfile -t stale < <(incomplete_units)
  if (($\{#stale[@]} > 0)); then
    warn "forgetting $\{#stale[@]} unit(s) that failed runs left without a capture record"
    forget_units "$\{stale[@]}" || warn "forgetting them failed; they never count as backups"
  fi
}

load_env
TEXTFILE=$\{BACKUP_GOV_BACKUP_TEXTFILE:-$TEXTFILE_DIR/${textfileName(spec.serviceId, "backup")}}
${
  spec.pitr
    ? sh`SHIP_TEXTFILE=$\{BACKUP_GOV_SHIP_TEXTFILE:-$TEXTFILE_DIR/${textfileName(spec.serviceId, "ship")}}
# Between base backups, shipping is what meets the RPO: its own freshness series (a file of its own, so the backup's stays intact).
write_ship_metrics() {
  metric ${Metrics.shipLastSuccess} "${METRIC_HELP[Metrics.shipLastSuccess]}" "$(date +%s)" | write_textfile "$SHIP_TEXTFILE"
}
`
    : ""
}engine_setup
case $MODE in
  init)
    take_lock 0
    aws_credentials
    use_repository primary
    repo_init
    exit 0
    ;;
  ship)
    try_lock 60 || {
      info "another run holds the lock; the spool keeps everything until the next ship"
      exit 0
    }
    new_run
    FAIL_CODE=${ExitCode.DESTINATION}
    aws_credentials
    use_repository primary
    repo_preflight
    FAIL_CODE=${ExitCode.CAPTURE}
    : >"$WORK/capture.meta"
    if ! engine_ship; then
      # Nothing new since the last ship: the archive is as current as the database.
      write_ship_metrics
      exit 0
    fi
    FAIL_CODE=${ExitCode.STORE}
    commit_run
    engine_after_commit
    write_ship_metrics
    info "run $RUN_ID shipped $ITEMS file(s), $SIZE bytes"
    exit 0
    ;;
esac

# A drill or a long backup may still hold the lock: wait for it (bounded) rather than skip this run.
take_lock "$\{BACKUP_GOV_LOCK_WAIT:-1800}"
new_run
FAIL_CODE=${ExitCode.DESTINATION}
aws_credentials
use_repository primary
repo_preflight
engine_preflight
refresh_stored
forget_incomplete
FAIL_CODE=${ExitCode.CAPTURE}
: >"$WORK/capture.meta"
engine_capture
FAIL_CODE=${ExitCode.STORE}
commit_run
engine_after_commit
printf '%s %s %s\n' "$RUN_EPOCH" "$SIZE" "$ITEMS" >"$STATE_DIR/last-success"
${spec.pitr ? "write_ship_metrics\n" : ""}info "run $RUN_ID stored $ITEMS item(s), $SIZE bytes"
heartbeat "$SIZE"
FAIL_CODE=${ExitCode.RETENTION}
apply_retention || die ${ExitCode.RETENTION} "retention (forget/prune) failed; the new backup is stored"`,
  );
}

const RESTORE_USAGE = (spec: AppBackupSpec) => {
  const db = spec.engine !== AppEngine.FILES;
  const unit = spec.engine === AppEngine.MONGODB ? "COLLECTION" : "TABLE";
  return [
    "Usage: restore.sh [options]",
    "  --list               list the runs that can be restored, and exit",
    "  --run RUN            restore this run (default: the latest good one)",
    "  --from primary|offsite  which copy to read (default primary)",
    ...(db
      ? [
          `  --table ${unit}${" ".repeat(Math.max(1, 13 - unit.length))}restore only this ${unit.toLowerCase()}${spec.engine === AppEngine.POSTGRESQL ? " (schema.table; rows are reloaded when it exists)" : ""}`,
          "  --into DB            restore into this database (created when missing) instead of the live one",
        ]
      : ["  --path PATH          restore only this file or folder (absolute, as backed up)", "  --target DIR         restore under DIR instead of in place"]),
    ...(spec.pitr
      ? [
          "  --to-time TIME       point-in-time restore (e.g. '2025-01-31 14:05:00+00')",
          spec.engine === AppEngine.POSTGRESQL ? "  --pgdata DIR         new data directory for --to-time" : "  --datadir DIR        new data directory for --to-time",
          "  --owner USER         owner of that data directory",
        ]
      : []),
    "  --yes                allow replacing the live data in place",
  ].join("\n");
};

/** restore.sh: everything or one table/path, from the primary or the offsite copy. */
export function renderRestoreScript(spec: AppBackupSpec): string {
  const e = engineBash(spec);
  const usage = RESTORE_USAGE(spec);
  return script(
    ...head(spec, "restore", usage, e),
    e.restore,
    e.pitrRestore,
    sh`# --- the restore -----------------------------------------------------------------
readonly USAGE=${shq(usage)}
readonly MAIN_NAMES=${shArray(e.mainNames)}
OPT_LIST=0 OPT_RUN='' OPT_FROM=primary OPT_TABLE='' OPT_INTO='' OPT_PATH='' OPT_TARGET='' OPT_TO_TIME='' OPT_PGDATA='' OPT_DATADIR='' OPT_OWNER='' OPT_YES=0
while (($# > 0)); do
  case $1 in
    --list) OPT_LIST=1 ;;
    --run | --from | --table | --into | --path | --target | --to-time | --pgdata | --datadir | --owner)
      (($# >= 2)) || die ${ExitCode.USAGE} "$1 needs a value"
      case $1 in
        --run) OPT_RUN=$2 ;;
        --from) OPT_FROM=$2 ;;
        --table) OPT_TABLE=$2 ;;
        --into) OPT_INTO=$2 ;;
        --path) OPT_PATH=$2 ;;
        --target) OPT_TARGET=$2 ;;
        --to-time) OPT_TO_TIME=$2 ;;
        --pgdata) OPT_PGDATA=$2 ;;
        --datadir) OPT_DATADIR=$2 ;;
        --owner) OPT_OWNER=$2 ;;
      esac
      shift
      ;;
    --yes) OPT_YES=1 ;;
    -h | --help)
      printf '%s\n' "$USAGE"
      exit 0
      ;;
    *)
      printf '%s\n' "$USAGE" >&2
      exit ${ExitCode.USAGE}
      ;;
  esac
  shift
done
[[ $OPT_FROM == primary || $OPT_FROM == offsite ]] || die ${ExitCode.USAGE} "--from must be primary or offsite"
${
  spec.engine === AppEngine.FILES
    ? sh`[[ -z $OPT_TABLE && -z $OPT_INTO ]] || die ${ExitCode.USAGE} "--table and --into are for databases; use --path and --target"`
    : sh`[[ -z $OPT_PATH && -z $OPT_TARGET ]] || die ${ExitCode.USAGE} "--path and --target are for files; use --table and --into"`
}

FAIL_CODE=${ExitCode.CONFIG}
WORK=''
on_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap 'on_exit $?' EXIT

load_env
engine_setup
take_lock 0
new_run
FAIL_CODE=${ExitCode.DESTINATION}
aws_credentials
use_repository "$OPT_FROM"
repo_preflight
refresh_stored
FAIL_CODE=${ExitCode.RESTORE}
if ((OPT_LIST)); then
  printf 'RUN\tUNIT\n'
  mapfile -t all_names < <(cut -f 2 <<<"$STORED_LIST" | grep -v '\.capture$' | sort -u)
  good_runs "$\{all_names[@]}"
  exit 0
fi
if [[ -n $OPT_TO_TIME ]]; then
  engine_restore_to_time
  exit 0
fi
if [[ -n $OPT_RUN ]]; then
  chosen=$(good_runs "$\{MAIN_NAMES[@]}" | awk -F '\t' -v r="$OPT_RUN" '$1 == r' | tail -n 1)
  [[ -n $chosen ]] || die ${ExitCode.RESTORE} "run $OPT_RUN is not a complete backup (see --list)"
else
  chosen=$(good_runs "$\{MAIN_NAMES[@]}" | tail -n 1)
  [[ -n $chosen ]] || die ${ExitCode.RESTORE} "the repository holds no complete backup of $SERVICE"
fi
IFS=$'\t' read -r run name <<<"$chosen"
engine_restore "$run" "$name"
info "restore of run $run finished"`,
  );
}

const VERIFY_USAGE = [
  "Usage: verify.sh [--from primary|offsite] [--run RUN] [--keep]",
  "  --from     which copy to drill (default primary)",
  "  --run      drill this run (default: the latest good one)",
  "  --keep     keep the scratch restore for inspection",
].join("\n");

/** verify.sh: the restore drill. */
export function renderVerifyScript(spec: AppBackupSpec): string {
  const e = engineBash(spec);
  return script(
    ...head(spec, "verify", VERIFY_USAGE, e),
    e.drillUser ? drillUser() : undefined,
    e.drill,
    metricsWriting(spec),
    sh`# --- the drill -------------------------------------------------------------------
readonly USAGE=${shq(VERIFY_USAGE)}
readonly MAIN_NAMES=${shArray(e.mainNames)}
readonly EXACT=${e.exact ? 1 : 0}
OPT_FROM=primary OPT_RUN='' OPT_KEEP=0
while (($# > 0)); do
  case $1 in
    --from | --run)
      (($# >= 2)) || die ${ExitCode.USAGE} "$1 needs a value"
      if [[ $1 == --from ]]; then OPT_FROM=$2; else OPT_RUN=$2; fi
      shift
      ;;
    --keep) OPT_KEEP=1 ;;
    -h | --help)
      printf '%s\n' "$USAGE"
      exit 0
      ;;
    *)
      printf '%s\n' "$USAGE" >&2
      exit ${ExitCode.USAGE}
      ;;
  esac
  shift
done
[[ $OPT_FROM == primary || $OPT_FROM == offsite ]] || die ${ExitCode.USAGE} "--from must be primary or offsite"

FAIL_CODE=${ExitCode.CONFIG}
WORK=''
TEXTFILE=''
DRILL_DIR=''
DRILL_STOP=()
DRILL_SECONDS=''
on_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if (($\{#DRILL_STOP[@]} > 0)); then "$\{DRILL_STOP[@]}" >/dev/null 2>&1 || warn "stopping the scratch server failed"; fi
  if [[ -n $DRILL_DIR ]]; then
    if ((OPT_KEEP)); then info "kept the scratch restore in $DRILL_DIR"; else rm -rf "$DRILL_DIR"; fi
  fi
  if [[ $rc != ${ExitCode.LOCKED} && -n $TEXTFILE ]]; then write_drill_metrics "$rc"; fi
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap 'on_exit $?' EXIT

write_drill_metrics() {
  local rc=$1 last_success=0 last_seconds=0
  if [[ -r $STATE_DIR/last-drill ]]; then read -r last_success last_seconds <"$STATE_DIR/last-drill"; fi
  if ((rc == 0)); then
    last_success=$(date +%s)
    last_seconds=$DRILL_SECONDS
    printf '%s %s\n' "$last_success" "$last_seconds" >"$STATE_DIR/last-drill"
  fi
  {
    metric ${Metrics.drillSuccess} "${METRIC_HELP[Metrics.drillSuccess]}" "$((rc == 0 ? 1 : 0))"
    metric ${Metrics.drillLastSuccess} "${METRIC_HELP[Metrics.drillLastSuccess]}" "$last_success"
    metric ${Metrics.drillDuration} "${METRIC_HELP[Metrics.drillDuration]}" "$\{DRILL_SECONDS:-$last_seconds}"
  } | write_textfile "$TEXTFILE"
}

load_env
TEXTFILE=$\{BACKUP_GOV_DRILL_TEXTFILE:-$TEXTFILE_DIR/${textfileName(spec.serviceId, "drill")}}
DRILL_ROOT=$\{BACKUP_GOV_DRILL_DIR:-/var/tmp}
DRILL_USER=$\{BACKUP_GOV_DRILL_USER:-${e.drillUser ?? "root"}}
CHECK_SUBSET=$\{BACKUP_GOV_CHECK_SUBSET:-$CHECK_SUBSET_DEFAULT}
engine_setup
# A drill or a long backup may still hold the lock: wait for it (bounded) rather than skip this run.
take_lock "$\{BACKUP_GOV_LOCK_WAIT:-1800}"
new_run
FAIL_CODE=${ExitCode.DESTINATION}
aws_credentials
use_repository "$OPT_FROM"
repo_preflight
FAIL_CODE=${ExitCode.CHECK}
info "checking the repository"
check_repo || die ${ExitCode.CHECK} "the repository check found damage in $REPO"
refresh_stored
FAIL_CODE=${ExitCode.RESTORE}
if [[ -n $OPT_RUN ]]; then
  chosen=$(good_runs "$\{MAIN_NAMES[@]}" | awk -F '\t' -v r="$OPT_RUN" '$1 == r' | tail -n 1)
else
  chosen=$(good_runs "$\{MAIN_NAMES[@]}" | tail -n 1)
fi
[[ -n $chosen ]] || die ${ExitCode.RESTORE} "no complete backup of $SERVICE to drill"
IFS=$'\t' read -r run name <<<"$chosen"
fetch_stream "$run" "$name.capture" >"$WORK/record" || die ${ExitCode.RESTORE} "reading the capture record of run $run failed"
info "drilling run $run ($name)"
engine_drill "$run" "$name"
FAIL_CODE=${ExitCode.MISMATCH}
awk -F '\t' '$1 != "meta"' "$WORK/record" | sort >"$WORK/expected"
sort "$WORK/restored.body" >"$WORK/actual"
if ((EXACT)); then
  if ! cmp -s "$WORK/expected" "$WORK/actual"; then
    die ${ExitCode.MISMATCH} "the restore of run $run differs from its capture record: $(diff "$WORK/expected" "$WORK/actual" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
  fi
else
  if ! cmp -s <(cut -f 1,2 "$WORK/expected") <(cut -f 1,2 "$WORK/actual"); then
    die ${ExitCode.MISMATCH} "the restore of run $run lacks or adds collections: $(diff <(cut -f 1,2 "$WORK/expected") <(cut -f 1,2 "$WORK/actual") | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
  fi
  cmp -s "$WORK/expected" "$WORK/actual" || warn "document counts differ from the dump's (writes replayed from the oplog)"
fi
info "drill of run $run passed: $(wc -l <"$WORK/expected") record line(s) match; the restore took $\{DRILL_SECONDS}s (RTO $\{RTO_SECONDS}s)"
if awk -v d="$DRILL_SECONDS" -v r="$RTO_SECONDS" 'BEGIN { exit !(d > r) }'; then
  warn "the restore took longer than the RTO"
fi`,
  );
}

/** wal-archive.sh: PostgreSQL's archive_command, copying a segment durably into the spool. */
export function renderWalArchiveScript(spec: AppBackupSpec): string {
  const p = servicePaths(spec);
  return script(
    sh`#!/usr/bin/env bash
# wal-archive.sh of service ${spec.serviceId}: PostgreSQL's archive_command (archive_command = '${p.scripts}/wal-archive.sh %p %f').
# Runs as the postgres user. Copies one WAL file into the spool durably; the backup's ship timer stores the spool.
# Generated by cdktf-backup-governance; do not edit, re-synthesize.
set -euo pipefail
umask 077
readonly SPOOL=$\{BACKUP_GOV_SPOOL_DIR:-${p.spool}}
(($# == 2)) || {
  echo "usage: wal-archive.sh %p %f" >&2
  exit 2
}
src=$1
dest=$SPOOL/$2
# PostgreSQL may archive a file again after a crash: the same content is success, different content is an error.
if [[ -e $dest ]]; then
  cmp -s "$src" "$dest" && exit 0
  echo "wal-archive.sh: $dest exists with different content" >&2
  exit 1
fi
cp "$src" "$dest.part"
sync "$dest.part"
mv "$dest.part" "$dest"
sync "$SPOOL"`,
  );
}
