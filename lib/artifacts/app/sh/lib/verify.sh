# shellcheck shell=bash
# verify.sh: the restore drill. Checks the repository, restores the latest backup into a
# scratch place and compares it with its capture record.

verify_usage() {
  printf '%s\n' "Usage: verify.sh [--from primary|offsite] [--run RUN] [--keep]" \
    "  --from     which copy to drill (default primary)" \
    "  --run      drill this run (default: the latest good one)" \
    "  --keep     keep the scratch restore for inspection"
}

on_verify_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if ((${#DRILL_STOP[@]} > 0)); then "${DRILL_STOP[@]}" >/dev/null 2>&1 || warn "stopping the scratch server failed"; fi
  if [[ -n $DRILL_DIR ]]; then
    if ((OPT_KEEP)); then info "kept the scratch restore in $DRILL_DIR"; else rm -rf "$DRILL_DIR"; fi
  fi
  if [[ $rc != "$EXIT_LOCKED" && -n $TEXTFILE ]]; then write_drill_metrics "$rc"; fi
  if [[ $rc != "$EXIT_LOCKED" ]]; then record_drill "$rc"; fi
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}

write_drill_metrics() {
  local rc=$1 last_success=0 last_seconds=0 last_items=0
  # A state file from before the items were recorded has two fields: the third reads empty.
  if [[ -r $STATE_DIR/last-drill ]]; then read -r last_success last_seconds last_items <"$STATE_DIR/last-drill"; fi
  if ((rc == 0)); then
    last_success=$(date +%s)
    last_seconds=$DRILL_SECONDS
    last_items=$DRILL_ITEMS
    printf '%s %s %s\n' "$last_success" "$last_seconds" "$last_items" >"$STATE_DIR/last-drill"
  fi
  {
    metric "$METRIC_DRILL_SUCCESS" "$HELP_DRILL_SUCCESS" "$((rc == 0 ? 1 : 0))"
    metric "$METRIC_DRILL_LAST_SUCCESS" "$HELP_DRILL_LAST_SUCCESS" "$last_success"
    metric "$METRIC_DRILL_DURATION" "$HELP_DRILL_DURATION" "${DRILL_SECONDS:-$last_seconds}"
    metric "$METRIC_DRILL_ITEMS" "$HELP_DRILL_ITEMS" "${last_items:-0}"
  } | publish "$TEXTFILE"
}

verify_options() {
  OPT_FROM=primary OPT_RUN='' OPT_KEEP=0
  while (($# > 0)); do
    case $1 in
      --from | --run)
        (($# >= 2)) || die "$EXIT_USAGE" "$1 needs a value"
        if [[ $1 == --from ]]; then OPT_FROM=$2; else OPT_RUN=$2; fi
        shift
        ;;
      --keep) OPT_KEEP=1 ;;
      -h | --help)
        verify_usage
        exit "$EXIT_OK"
        ;;
      *)
        verify_usage >&2
        exit "$EXIT_USAGE"
        ;;
    esac
    shift
  done
  [[ $OPT_FROM == primary || $OPT_FROM == offsite ]] || die "$EXIT_USAGE" "--from must be primary or offsite"
}

# compare_record RUN: the restored copy against the capture record (exact, or collections only with --oplog dumps).
compare_record() {
  local run=$1
  awk -F '\t' '$1 != "meta"' "$WORK/record" | sort >"$WORK/expected"
  sort "$WORK/restored.body" >"$WORK/actual"
  if ((EXACT)); then
    if ! cmp -s "$WORK/expected" "$WORK/actual"; then
      die "$EXIT_MISMATCH" "the restore of run $run differs from its capture record: $(diff "$WORK/expected" "$WORK/actual" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
    fi
  else
    if ! cmp -s <(cut -f 1,2 "$WORK/expected") <(cut -f 1,2 "$WORK/actual"); then
      die "$EXIT_MISMATCH" "the restore of run $run lacks or adds collections: $(diff <(cut -f 1,2 "$WORK/expected") <(cut -f 1,2 "$WORK/actual") | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
    fi
    cmp -s "$WORK/expected" "$WORK/actual" || warn "document counts differ from the dump's (writes replayed from the oplog)"
  fi
}

verify_main() {
  local chosen run name
  verify_options "$@"
  FAIL_CODE=$EXIT_CONFIG
  WORK=''
  TEXTFILE=''
  DRILL_DIR=''
  DRILL_STOP=()
  DRILL_SECONDS=''
  DRILL_ITEMS=0
  DRILL_RUN=''
  trap 'on_verify_exit $?' EXIT
  load_env
  TEXTFILE=${BACKUP_GOV_DRILL_TEXTFILE:-$TEXTFILE_DIR/$DRILL_TEXTFILE_NAME}
  DRILL_ROOT=${BACKUP_GOV_DRILL_DIR:-/var/tmp}
  DRILL_USER=${BACKUP_GOV_DRILL_USER:-$DRILL_USER_DEFAULT}
  CHECK_SUBSET=${BACKUP_GOV_CHECK_SUBSET:-$CHECK_SUBSET_DEFAULT}
  engine_setup
  # A drill or a long backup may still hold the lock: wait for it (bounded) rather than skip this run.
  take_lock "${BACKUP_GOV_LOCK_WAIT:-1800}"
  new_run
  FAIL_CODE=$EXIT_DESTINATION
  aws_credentials
  use_repository "$OPT_FROM"
  repo_preflight
  FAIL_CODE=$EXIT_CHECK
  info "checking the repository"
  REPO_LOCKED=''
  if ! check_repo; then
    [[ -z $REPO_LOCKED ]] || die "$EXIT_LOCKED" "the repository check could not run: another process holds the lock of $REPO ($REPO_LOCKED); the drill runs again at its next timer"
    die "$EXIT_CHECK" "the repository check found damage in $REPO"
  fi
  refresh_stored
  FAIL_CODE=$EXIT_RESTORE
  if [[ -n $OPT_RUN ]]; then
    chosen=$(good_runs "${MAIN_NAMES[@]}" | awk -F '\t' -v r="$OPT_RUN" '$1 == r' | tail -n 1)
  else
    chosen=$(good_runs "${MAIN_NAMES[@]}" | tail -n 1)
  fi
  [[ -n $chosen ]] || die "$EXIT_RESTORE" "no complete backup of $SERVICE to drill"
  IFS=$'\t' read -r run name <<<"$chosen"
  DRILL_RUN=$run
  fetch_stream "$run" "$name.capture" >"$WORK/record" || die "$EXIT_RESTORE" "reading the capture record of run $run failed"
  info "drilling run $run ($name)"
  engine_drill "$run" "$name"
  FAIL_CODE=$EXIT_MISMATCH
  compare_record "$run"
  DRILL_ITEMS=$(wc -l <"$WORK/expected")
  info "drill of run $run passed: $DRILL_ITEMS record line(s) match; the restore took ${DRILL_SECONDS}s (RTO ${RTO_SECONDS}s)"
  if awk -v d="$DRILL_SECONDS" -v r="$RTO_SECONDS" 'BEGIN { exit !(d > r) }'; then
    warn "the restore took longer than the RTO"
  fi
  exit "$EXIT_OK"
}
