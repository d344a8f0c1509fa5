import { ExitCode } from "../exit-codes";
import { sh, shArray } from "../shell";
import type { AppBackupSpec } from "../spec";
import type { EngineBash } from "./engine";

/**
 * Files: the catalog's paths in one snapshot/archive named `files`. The record is what the
 * tool reports it stored (regular files and their bytes); the drill restores the snapshot
 * into a scratch folder and counts the same.
 */
export function files(spec: AppBackupSpec): EngineBash {
  return {
    mainNames: ["files"],
    exact: true,
    setup: sh`# --- engine: files -----------------------------------------------------------
readonly PATHS=${shArray(spec.paths)}
engine_setup() { :; }`,

    preflight: sh`engine_preflight() {
  local path
  for path in "$\{PATHS[@]}"; do
    [[ -e $path ]] || die ${ExitCode.DESTINATION} "$path does not exist (is its disk mounted?)"
    [[ -r $path ]] || die ${ExitCode.DESTINATION} "$path is not readable"
  done
}`,

    capture: sh`# Unreadable or vanished files make the snapshot incomplete: that run fails and is forgotten.
engine_capture() {
  local rc count bytes
  set +e
  store_files "$\{PATHS[@]}"
  rc=$?
  set -e
  STORED+=(files)
  case $TOOL:$rc in
    *:0) ;;
    restic:3 | borg:1) die ${ExitCode.CAPTURE} "some files could not be read; see the messages above (exclude them, or fix their permissions)" ;;
    *) die ${ExitCode.STORE} "storing the files failed (exit $rc)" ;;
  esac
  read -r count bytes < <(stored_files_summary)
  printf 'files\t-\t%s\nbytes\t-\t%s\n' "$count" "$bytes" >"$WORK/capture.body"
  SIZE=$bytes
  ITEMS=$count
}`,

    pitr: sh`engine_after_commit() { :; }`,

    restore: sh`# --- restore ---------------------------------------------------------------------
engine_restore() {
  local run=$1 target=$\{OPT_TARGET:-/}
  if [[ $target == / ]] && ((!OPT_YES)); then
    die ${ExitCode.USAGE} "restoring in place overwrites the live files: add --yes, or use --target DIR"
  fi
  [[ $target == /* ]] || die ${ExitCode.USAGE} "--target must be an absolute path"
  if [[ -n $OPT_PATH ]]; then
    [[ $OPT_PATH == /* ]] || die ${ExitCode.USAGE} "--path must be absolute, as backed up (e.g. $\{PATHS[0]}/some/file)"
    info "restoring $OPT_PATH of run $run under $target"
  else
    info "restoring run $run under $target"
  fi
  mkdir -p "$target"
  restore_files "$run" "$target" "$OPT_PATH" || die ${ExitCode.RESTORE} "the restore failed"
}`,

    pitrRestore: sh`engine_restore_to_time() { die ${ExitCode.USAGE} "--to-time is for databases with pitr"; }`,

    drill: sh`# --- drill: the snapshot restored into a scratch folder ---------------------------
engine_drill() {
  local run=$1 dir t0
  dir=$(mktemp -d "$DRILL_ROOT/backup-gov-$SERVICE-drill.XXXXXX")
  DRILL_DIR=$dir
  t0=$(date +%s.%N)
  restore_files "$run" "$dir" >/dev/null || die ${ExitCode.RESTORE} "restoring run $run into $dir failed"
  DRILL_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  find "$dir" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "files\t-\t%.0f\nbytes\t-\t%.0f\n", n, b }' >"$WORK/restored.body"
}`,
  };
}
