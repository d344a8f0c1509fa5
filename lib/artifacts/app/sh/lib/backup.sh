# shellcheck shell=bash
# backup.sh: one backup run (preflight, capture, store, capture record, retention), or
# --init (create the repository once), or --ship (pitr: ship the archived logs).

backup_usage() {
  printf 'Usage: backup.sh [--init%s]\n' "$( ((PITR)) && echo ' | --ship')"
  printf '  (no option)  one backup run: preflight, capture, store, capture record, retention\n'
  printf '  --init       create the repository once, before the first run\n'
  if ((PITR)); then
    printf '  --ship       ship the %s (run by the ship timer)\n' "$([[ $ENGINE == postgresql ]] && echo 'archived WAL' || echo 'closed binary logs')"
  fi
}

# on_backup_exit STATUS: forgets what a failed run stored, writes the run's metrics, cleans up.
on_backup_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if ((rc != 0 && COMMITTED == 0 && ${#STORED[@]} > 0)); then
    warn "forgetting what run $RUN_ID stored: it never counts as a backup"
    forget_run "$RUN_ID" || warn "could not forget run $RUN_ID now; it has no capture record, and the next run removes it"
  fi
  if [[ $MODE == backup && $rc != "$EXIT_LOCKED" && -n $TEXTFILE ]]; then
    write_backup_metrics "$rc"
  fi
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}

write_backup_metrics() {
  local rc=$1 now last_success=0 last_size=0 last_items=0
  now=$(date +%s)
  if [[ -r $STATE_DIR/last-success ]]; then read -r last_success last_size last_items <"$STATE_DIR/last-success"; fi
  {
    metric "$METRIC_LAST_RUN" "$HELP_LAST_RUN" "$now"
    metric "$METRIC_LAST_RUN_SUCCESS" "$HELP_LAST_RUN_SUCCESS" "$((rc == 0 ? 1 : 0))"
    metric "$METRIC_LAST_RUN_WARNINGS" "$HELP_LAST_RUN_WARNINGS" "$((rc == 0 ? RUN_WARNINGS : 0))"
    metric "$METRIC_DURATION" "$HELP_DURATION" "$((now - START_EPOCH))"
    metric "$METRIC_LAST_SUCCESS" "$HELP_LAST_SUCCESS" "$last_success"
    metric "$METRIC_SIZE" "$HELP_SIZE" "$last_size"
    metric "$METRIC_ITEMS" "$HELP_ITEMS" "$last_items"
    objective_metrics
  } | publish "$TEXTFILE"
}

# Between base backups, shipping is what meets the RPO: its own freshness series (a file of its own, so the backup's stays intact).
write_ship_metrics() {
  metric "$METRIC_SHIP_LAST_SUCCESS" "$HELP_SHIP_LAST_SUCCESS" "$(date +%s)" | publish "$SHIP_TEXTFILE"
}

# The capture record goes in last, once per stored unit: it is what makes the run count.
commit_run() {
  local name
  {
    printf 'meta\tservice\t%s\nmeta\tengine\t%s\nmeta\trun\t%s\nmeta\texact\t%s\n' "$SERVICE" "$ENGINE" "$RUN_ID" "$EXACT"
    cat "$WORK/capture.meta"
    sort "$WORK/capture.body"
  } >"$WORK/record"
  for name in "${STORED[@]}"; do
    store_stream "$name.capture" <"$WORK/record" || die "$EXIT_STORE" "storing the capture record of $name failed"
  done
  COMMITTED=1
}

forget_incomplete() {
  local -a stale
  mapfile -t stale < <(incomplete_units)
  if ((${#stale[@]} > 0)); then
    warn "forgetting ${#stale[@]} unit(s) that failed runs left without a capture record"
    forget_units "${stale[@]}" || warn "forgetting them failed; they never count as backups"
  fi
}

backup_init() {
  take_lock 0
  aws_credentials
  use_repository primary
  repo_init
}

backup_ship() {
  try_lock 60 || {
    info "another run holds the lock; the spool keeps everything until the next ship"
    exit "$EXIT_OK"
  }
  new_run
  FAIL_CODE=$EXIT_DESTINATION
  aws_credentials
  use_repository primary
  repo_preflight
  FAIL_CODE=$EXIT_CAPTURE
  : >"$WORK/capture.meta"
  if ! engine_ship; then
    # Nothing new since the last ship: the archive is as current as the database.
    write_ship_metrics
    exit "$EXIT_OK"
  fi
  FAIL_CODE=$EXIT_STORE
  commit_run
  engine_after_commit
  write_ship_metrics
  info "run $RUN_ID shipped $ITEMS file(s), $SIZE bytes"
}

backup_run() {
  # A drill or a long backup may still hold the lock: wait for it (bounded) rather than skip this run.
  take_lock "${BACKUP_GOV_LOCK_WAIT:-1800}"
  new_run
  FAIL_CODE=$EXIT_DESTINATION
  aws_credentials
  use_repository primary
  repo_preflight
  engine_preflight
  refresh_stored
  forget_incomplete
  FAIL_CODE=$EXIT_CAPTURE
  : >"$WORK/capture.meta"
  engine_capture
  FAIL_CODE=$EXIT_STORE
  commit_run
  engine_after_commit
  printf '%s %s %s\n' "$RUN_EPOCH" "$SIZE" "$ITEMS" >"$STATE_DIR/last-success"
  if ((PITR)); then write_ship_metrics; fi
  info "run $RUN_ID stored $ITEMS item(s), $SIZE bytes"
  heartbeat "$SIZE"
  FAIL_CODE=$EXIT_RETENTION
  REPO_LOCKED=''
  apply_retention || die "$EXIT_RETENTION" "retention (forget/prune) failed${REPO_LOCKED:+ because another process holds the repository lock ($REPO_LOCKED)}; the new backup is stored"
}

backup_main() {
  MODE=backup
  case ${1:-} in
    "") ;;
    --init) MODE=init ;;
    --ship)
      ((PITR)) || {
        backup_usage >&2
        exit "$EXIT_USAGE"
      }
      MODE=ship
      ;;
    -h | --help)
      backup_usage
      exit "$EXIT_OK"
      ;;
    *)
      backup_usage >&2
      exit "$EXIT_USAGE"
      ;;
  esac
  STORED=()
  COMMITTED=0
  RUN_WARNINGS=0
  SIZE=0
  ITEMS=0
  FAIL_CODE=$EXIT_CONFIG
  START_EPOCH=$(date +%s)
  RUN_ID=''
  WORK=''
  TEXTFILE=''
  trap 'on_backup_exit $?' EXIT
  load_env
  TEXTFILE=${BACKUP_GOV_BACKUP_TEXTFILE:-$TEXTFILE_DIR/$BACKUP_TEXTFILE_NAME}
  SHIP_TEXTFILE=${BACKUP_GOV_SHIP_TEXTFILE:-$TEXTFILE_DIR/$SHIP_TEXTFILE_NAME}
  engine_setup
  case $MODE in
    init) backup_init ;;
    ship) backup_ship ;;
    backup) backup_run ;;
  esac
  exit "$EXIT_OK"
}
