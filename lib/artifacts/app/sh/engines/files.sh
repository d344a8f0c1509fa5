# shellcheck shell=bash
# Files: the service's paths in one snapshot/archive named "files". The record is what the
# tool reports it stored (regular files and their bytes); the drill restores the snapshot
# into a scratch folder and counts the same.
#
# An engine defines: engine_setup, engine_preflight, engine_capture, engine_after_commit,
# engine_ship (pitr), engine_restore RUN NAME, engine_restore_to_time, engine_drill RUN NAME,
# and sets MAIN_NAMES (units a restore starts from), CHAIN_HEAD and CHAIN_NAMES (units that only
# restore together: a full or base backup and what follows it), EXACT (record counts compared
# for equality) and DRILL_USER_DEFAULT.

MAIN_NAMES=(files)
# No chains: every unit restores on its own.
CHAIN_HEAD=
CHAIN_NAMES=()
EXACT=1
DRILL_USER_DEFAULT=root

engine_setup() { :; }

engine_preflight() {
  local path
  for path in "${PATHS[@]}"; do
    [[ -e $path ]] || die "$EXIT_DESTINATION" "$path does not exist (is its disk mounted?)"
    [[ -r $path ]] || die "$EXIT_DESTINATION" "$path is not readable"
  done
}

# The tool's warning status (a file changed or could not be read while it was read) still stores a
# complete, valid snapshot: the run succeeds, says so, and sets the warning metric. Other failures fail it.
engine_capture() {
  local rc count bytes
  set +e
  store_files "${PATHS[@]}"
  rc=$?
  set -e
  STORED+=(files)
  if ((rc != 0)); then
    tool_warning_status "$rc" || die "$EXIT_STORE" "storing the files failed (exit $rc)"
    warn "$TOOL stored the $TOOL_NOUN with warnings (exit $rc): a file changed or could not be read while it was read; see the messages above (exclude such files, or fix their permissions)"
    RUN_WARNINGS=1
  fi
  read -r count bytes < <(stored_files_summary)
  printf 'files\t-\t%s\nbytes\t-\t%s\n' "$count" "$bytes" >"$WORK/capture.body"
  SIZE=$bytes
  ITEMS=$count
}

engine_after_commit() { :; }

engine_restore() {
  local run=$1 target=${OPT_TARGET:-/}
  if [[ $target == / ]] && ((!OPT_YES)); then
    die "$EXIT_USAGE" "restoring in place overwrites the live files: add --yes, or use --target DIR"
  fi
  [[ $target == /* ]] || die "$EXIT_USAGE" "--target must be an absolute path"
  if [[ -n $OPT_PATH ]]; then
    [[ $OPT_PATH == /* ]] || die "$EXIT_USAGE" "--path must be absolute, as backed up (e.g. ${PATHS[0]}/some/file)"
    info "restoring $OPT_PATH of run $run under $target"
  else
    info "restoring run $run under $target"
  fi
  mkdir -p "$target"
  restore_files "$run" "$target" "$OPT_PATH" || die "$EXIT_RESTORE" "the restore failed"
}

engine_restore_to_time() { die "$EXIT_USAGE" "--to-time is for databases with pitr"; }

# The drill: the snapshot restored into a scratch folder.
engine_drill() {
  local run=$1 dir t0
  dir=$(mktemp -d "$DRILL_ROOT/backup-gov-$SERVICE-drill.XXXXXX")
  DRILL_DIR=$dir
  t0=$(date +%s.%N)
  restore_files "$run" "$dir" >/dev/null || die "$EXIT_RESTORE" "restoring run $run into $dir failed"
  DRILL_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  find "$dir" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "files\t-\t%.0f\nbytes\t-\t%.0f\n", n, b }' >"$WORK/restored.body"
}
