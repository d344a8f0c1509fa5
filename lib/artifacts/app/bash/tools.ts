import { BackupTool } from "../../../core/vocabulary";
import { ExitCode } from "../exit-codes";
import { sh, shArray, shq } from "../shell";
import type { AppBackupSpec } from "../spec";

/**
 * The storage layer, in the same function names for restic and borg:
 *
 * - every stored unit (restic snapshot / borg archive) belongs to one run (`run=<UTC start>`)
 *   and has a name (`<service>.pgdump`, `files`, ... and `<name>.capture` for its record);
 * - all units of a run carry the run's start as their time, so retention keeps or drops a
 *   dump and its record together;
 * - a run is good for a name only when `<name>.capture` exists: the record is stored last,
 *   so a failed run never looks good even if forgetting its remains failed.
 */
export function toolLayer(spec: AppBackupSpec): string {
  return spec.tool === BackupTool.RESTIC ? restic(spec) : borg(spec);
}

function restic(spec: AppBackupSpec): string {
  const sftp = spec.sftp
    ? sh`
  TOOL_ARGS+=(-o "sftp.command=ssh $\{BACKUP_GOV_SSH_OPTIONS:-} ${spec.sftp.port ? `-p ${spec.sftp.port} ` : ""}${shq(spec.sftp.target)} -s sftp")`
    : "";
  return sh`# --- storage: restic ----------------------------------------------------------
tool_setup() {
  need_tool restic "apt install restic"
  export RESTIC_REPOSITORY=$REPO RESTIC_PASSWORD_FILE=$PASSWORD_FILE RESTIC_CACHE_DIR=$CACHE_DIR
  TOOL_ARGS=()
  if [[ -n $\{BACKUP_GOV_UPLOAD_LIMIT_KIB:-} ]]; then
    TOOL_ARGS+=(--limit-upload "$BACKUP_GOV_UPLOAD_LIMIT_KIB")
  fi
  if ((READ_ONLY)); then
    TOOL_ARGS+=(--no-lock)
  fi${sftp}
}
restic_() { restic "$\{TOOL_ARGS[@]}" "$@"; }

repo_init() {
  if restic_ cat config >/dev/null 2>&1; then
    info "repository $REPO already exists"
    return 0
  fi
  restic_ init
}

# Exists, the password opens it, and it is writable (restic writes a lock file first).
repo_preflight() {
  local err
  if ! err=$(restic_ cat config 2>&1 >/dev/null); then
    die ${ExitCode.DESTINATION} "repository $REPO is unreachable, missing, locked against us or not writable: $(last_lines "$err")"
  fi
}

# store_stream NAME: stdin becomes NAME in a snapshot of this run.
store_stream() {
  restic_ backup --json --quiet --stdin --stdin-filename "$1" --host "$HOST_TAG" \
    --tag "svc=$SERVICE" --tag "run=$RUN_ID" --tag "name=$1" \
    --time "$(date -d "@$RUN_EPOCH" '+%Y-%m-%d %H:%M:%S')" >"$WORK/$1.json"
}
stored_bytes() { jq -r 'select(.message_type == "summary") | .total_bytes_processed' "$WORK/$1.json"; }

# store_files PATH...: the files engine's snapshot, named "files"; exit 3 (unreadable files) is a failure.
store_files() {
  local pattern
  local -a exclude_args=()
  for pattern in "$\{EXCLUDES[@]}"; do exclude_args+=(--exclude "$pattern"); done
  restic_ backup --json --quiet --host "$HOST_TAG" --tag "svc=$SERVICE" --tag "run=$RUN_ID" --tag name=files \
    --time "$(date -d "@$RUN_EPOCH" '+%Y-%m-%d %H:%M:%S')" "$\{exclude_args[@]}" -- "$@" >"$WORK/files.json"
}
# "FILES BYTES" of the files snapshot just stored
stored_files_summary() { jq -r 'select(.message_type == "summary") | "\(.total_files_processed) \(.total_bytes_processed)"' "$WORK/files.json"; }

# Every unit of this service as RUN<TAB>NAME<TAB>ID, sorted.
list_stored() {
  restic_ snapshots --json --host "$HOST_TAG" --tag "svc=$SERVICE" | jq -r '.[]
    | [((.tags // [])[] | select(startswith("run=")) | ltrimstr("run=")),
       ((.tags // [])[] | select(startswith("name=")) | ltrimstr("name=")), .id]
    | select(length == 3) | @tsv' | sort
}

# fetch_stream RUN NAME: the stored stream on stdout.
fetch_stream() {
  local id
  id=$(stored_id "$1" "$2")
  [[ -n $id ]] || die ${ExitCode.RESTORE} "run $1 has no $2"
  restic_ dump "$id" "/$2"
}

# restore_files RUN TARGET [PATH]: the files snapshot (or one path of it) under TARGET.
restore_files() {
  local id
  id=$(stored_id "$1" files)
  [[ -n $id ]] || die ${ExitCode.RESTORE} "run $1 has no files snapshot"
  if [[ -n $\{3:-} ]]; then
    restic_ restore "$id" --target "$2" --include "$3"
  else
    restic_ restore "$id" --target "$2"
  fi
}

# forget_units ID...
forget_units() { (($# == 0)) || restic_ forget "$@" >/dev/null; }

# Retention: the effective keep-* per name (group by host and path), then prune.
apply_retention() {
  restic_ forget --quiet --host "$HOST_TAG" --tag "svc=$SERVICE" --group-by host,paths "$\{KEEP[@]}" --prune
}

check_repo() { restic_ check --read-data-subset="$CHECK_SUBSET"; }
readonly CHECK_SUBSET_DEFAULT=${shq(spec.checkSubset)}`;
}

function borg(spec: AppBackupSpec): string {
  return sh`# --- storage: borg ------------------------------------------------------------
tool_setup() {
  need_tool borg "apt install borgbackup"
  BORG_PASSCOMMAND="cat $(printf '%q' "$PASSWORD_FILE")"
  export BORG_REPO=$REPO BORG_PASSCOMMAND
  export BORG_BASE_DIR=$STATE_DIR/borg BORG_CACHE_DIR=$CACHE_DIR/borg
  export BORG_RELOCATED_REPO_ACCESS_IS_OK=no BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no
  if [[ -n $\{BACKUP_GOV_SSH_OPTIONS:-} ]]; then
    export BORG_RSH="ssh $BACKUP_GOV_SSH_OPTIONS"
  fi
  TOOL_ARGS=()
  if ((READ_ONLY)); then
    TOOL_ARGS+=(--bypass-lock)
  fi
  CREATE_ARGS=(--compression "zstd,3")
  if [[ -n $\{BACKUP_GOV_UPLOAD_LIMIT_KIB:-} ]]; then
    CREATE_ARGS+=(--upload-ratelimit "$BACKUP_GOV_UPLOAD_LIMIT_KIB")
  fi
}
# borg_ COMMAND ARGS...: the common options go after the command.
borg_() {
  local cmd=$1
  shift
  borg "$cmd" "$\{TOOL_ARGS[@]}" "$@"
}

repo_init() {
  if borg_ info >/dev/null 2>&1; then
    info "repository $REPO already exists"
    return 0
  fi
  borg init --encryption=repokey-blake2
  info "export the repository key now and keep it with the password: borg key export $REPO"
}

# Exists, the passphrase opens it, and it is writable (with-lock takes the exclusive lock).
repo_preflight() {
  local err
  if ((READ_ONLY)); then
    err=$(borg_ info 2>&1 >/dev/null) || die ${ExitCode.DESTINATION} "repository $REPO is unreachable, missing or the passphrase is wrong: $(last_lines "$err")"
  else
    err=$(borg with-lock "$REPO" true 2>&1 >/dev/null) || die ${ExitCode.DESTINATION} "repository $REPO is unreachable, missing, locked or not writable: $(last_lines "$err")"
  fi
}

archive_of() { printf '%s+%s+%s' "$SERVICE" "$2" "$1"; }

# store_stream NAME: stdin becomes NAME in an archive of this run.
store_stream() {
  borg_ create --json "$\{CREATE_ARGS[@]}" --stdin-name "$1" --timestamp "$(date -u -d "@$RUN_EPOCH" +%Y-%m-%dT%H:%M:%S)" \
    "::$(archive_of "$RUN_ID" "$1")" - >"$WORK/$1.json"
}
# borg's stats count metadata into original_size: the archive's listing gives the stream's own bytes.
stored_bytes() { borg_ list --json-lines "::$(archive_of "$RUN_ID" "$1")" | jq -rs '[.[] | select(.type == "-") | .size] | add // 0'; }

# store_files PATH...: the files engine's archive, named "files".
store_files() {
  local pattern
  local -a exclude_args=()
  for pattern in "$\{EXCLUDES[@]}"; do exclude_args+=(--exclude "$pattern"); done
  borg_ create --json "$\{CREATE_ARGS[@]}" --timestamp "$(date -u -d "@$RUN_EPOCH" +%Y-%m-%dT%H:%M:%S)" "$\{exclude_args[@]}" \
    "::$(archive_of "$RUN_ID" files)" "$@" >"$WORK/files.json"
}
# borg's stats count metadata into original_size: the archive's own listing gives the files' bytes.
stored_files_summary() {
  borg_ list --json-lines "::$(archive_of "$RUN_ID" files)" | jq -rs '[.[] | select(.type == "-" or .type == "h")] | "\(length) \(map(.size) | add // 0)"'
}

# Every unit of this service as RUN<TAB>NAME<TAB>ARCHIVE, sorted.
list_stored() {
  borg_ list --short --glob-archives "$SERVICE+*" | awk -F '+' -v OFS='\t' 'NF == 3 { print $3, $2, $0 }' | sort
}

fetch_stream() {
  [[ -n $(stored_id "$1" "$2") ]] || die ${ExitCode.RESTORE} "run $1 has no $2"
  borg_ extract --stdout "::$(archive_of "$1" "$2")" "$2"
}

# restore_files RUN TARGET [PATH]: borg stores paths without the leading slash.
restore_files() {
  [[ -n $(stored_id "$1" files) ]] || die ${ExitCode.RESTORE} "run $1 has no files archive"
  local path=$\{3:-}
  mkdir -p "$2"
  if [[ -n $path ]]; then
    (cd "$2" && borg_ extract "::$(archive_of "$1" files)" "$\{path#/}")
  else
    (cd "$2" && borg_ extract "::$(archive_of "$1" files)")
  fi
}

forget_units() {
  local archive
  for archive in "$@"; do borg_ delete "::$archive"; done
}

# Retention: the effective keep-* per name, then compact (borg 1.2 frees space only then).
apply_retention() {
  local name
  while read -r name; do
    borg_ prune --glob-archives "$SERVICE+$name+*" "$\{KEEP[@]}"
  done < <(list_stored | cut -f 2 | sort -u)
  borg_ compact
}

check_repo() { borg_ check; }
readonly CHECK_SUBSET_DEFAULT=${shq(spec.checkSubset)}`;
}

/**
 * The catalog's exclude patterns in the tool's syntax, with one meaning for both: a pattern
 * with a leading `/` is anchored at that absolute path; any other matches a name (or path
 * tail) anywhere, the way restic does; a trailing `/` is ignored. borg's fnmatch style
 * anchors at the archive root, whose paths lack the leading `/`: there a bare `cache`
 * gets an `fm:` prefix and a leading star-slash.
 */
export function excludePatterns(tool: BackupTool, excludes: readonly string[]): string[] {
  return excludes.map((raw) => {
    const p = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    if (tool === BackupTool.RESTIC) return p;
    return p.startsWith("/") ? `fm:${p.slice(1)}` : `fm:*/${p}`;
  });
}

/** Helpers over list_stored, shared by both tools. */
export function runQueries(spec: AppBackupSpec): string {
  return sh`readonly KEEP=${shArray(spec.retention.toKeepFlags())}
readonly EXCLUDES=${shArray(excludePatterns(spec.tool, spec.excludes))}

STORED_LIST=
refresh_stored() { STORED_LIST=$(list_stored); }
stored_id() { awk -F '\t' -v r="$1" -v n="$2" '$1 == r && $2 == n { print $3; exit }' <<<"$STORED_LIST"; }

# good_runs NAME...: runs (oldest first) holding one of the names and that name's capture record, as RUN<TAB>NAME.
good_runs() {
  local names
  names=$(printf '%s\n' "$@")
  awk -F '\t' -v names="$names" '
    BEGIN { split(names, list, "\n"); for (i in list) wanted[list[i]] = 1 }
    NF == 3 { have[$1 "\t" $2] = 1; if ($2 in wanted) cand[$1 "\t" $2] = 1 }
    END { for (k in cand) if ((k ".capture") in have) print k }' <<<"$STORED_LIST" | sort
}

# Units whose run never stored their capture record (and records without their unit): remains of failed runs.
incomplete_units() {
  awk -F '\t' -v current="$\{RUN_ID:-}" '
    NF == 3 { key = $1 "\t" $2; id[key] = $3; have[key] = 1 }
    END {
      for (k in have) {
        if (substr(k, 1, length(current) + 1) == current "\t" && current != "") continue
        if (k ~ /\.capture$/) { base = substr(k, 1, length(k) - 8); if (!(base in have)) print id[k] }
        else if (!((k ".capture") in have)) print id[k]
      }
    }' <<<"$STORED_LIST"
}

# forget_run RUN: everything this run stored.
forget_run() {
  local ids
  refresh_stored
  mapfile -t ids < <(awk -F '\t' -v r="$1" '$1 == r { print $3 }' <<<"$STORED_LIST")
  forget_units "$\{ids[@]}"
}`;
}
