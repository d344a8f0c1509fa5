# shellcheck shell=bash
# The drill's record: every restore drill (verify.sh) that ran, passed or failed, appends one
# line to the service's state folder, drills.tsv, so that the coverage report's drill ledger
# (backup-gov report --drill-records DIR) lists the drills themselves, not only the last one the
# metrics keep. Tab-separated, one drill per line, oldest first:
#
#   finished (Unix time)  service  engine  host  run drilled  result (pass|fail)  exit code
#   restore seconds  record lines compared  RTO seconds
#
# A run that never started (another run held the service's lock) is no drill and is not recorded;
# fields not measured (a drill that failed before its restore) are empty. A record that cannot be
# written is reported and never fails the drill.

# record_drill STATUS: appends this drill's line to $STATE_DIR/drills.tsv.
record_drill() {
  local rc=$1 result=fail items='' line
  [[ -n ${STATE_DIR:-} && -d $STATE_DIR ]] || return 0
  if ((rc == 0)); then
    result=pass
    items=${DRILL_ITEMS:-}
  fi
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(date +%s)" "$SERVICE" "$ENGINE" "${HOST_TAG:-}" "${DRILL_RUN:-}" "$result" "$rc" \
    "${DRILL_SECONDS:-}" "$items" "$RTO_SECONDS")
  printf '%s\n' "${line//$'\n'/ }" >>"$STATE_DIR/drills.tsv" || warn "could not append the drill's record to $STATE_DIR/drills.tsv"
}
