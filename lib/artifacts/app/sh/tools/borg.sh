# shellcheck shell=bash
# The storage layer with borg. Same function names as tools/restic.sh; archives are named
# <service>+<name>+<run>.

TOOL_NOUN=archive

tool_setup() {
  need_tool borg "apt install borgbackup"
  BORG_PASSCOMMAND="cat $(printf '%q' "$PASSWORD_FILE")"
  export BORG_REPO=$REPO BORG_PASSCOMMAND
  export BORG_BASE_DIR=$STATE_DIR/borg BORG_CACHE_DIR=$CACHE_DIR/borg
  export BORG_RELOCATED_REPO_ACCESS_IS_OK=no BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no
  if [[ -n ${BACKUP_GOV_SSH_OPTIONS:-} ]]; then
    export BORG_RSH="ssh $BACKUP_GOV_SSH_OPTIONS"
  fi
  TOOL_ARGS=()
  if ((READ_ONLY)); then
    TOOL_ARGS+=(--bypass-lock)
  fi
  CREATE_ARGS=(--compression "zstd,3")
  if [[ -n ${BACKUP_GOV_UPLOAD_LIMIT_KIB:-} ]]; then
    CREATE_ARGS+=(--upload-ratelimit "$BACKUP_GOV_UPLOAD_LIMIT_KIB")
  fi
}
# borg_ COMMAND ARGS...: the common options go after the command.
borg_() {
  local cmd=$1
  shift
  borg "$cmd" "${TOOL_ARGS[@]}" "$@"
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
    err=$(borg_ info 2>&1 >/dev/null) || die "$EXIT_DESTINATION" "repository $REPO is unreachable, missing or the passphrase is wrong: $(last_lines "$err")"
    return 0
  fi
  err=$(borg with-lock "$REPO" true 2>&1 >/dev/null) || die "$EXIT_DESTINATION" "repository $REPO is unreachable, missing, locked or not writable: $(last_lines "$err")"
  # with-lock opens no key: a wrong passphrase would otherwise be read later as damage. Other
  # errors of info (a damaged manifest) are left to the check, which names them.
  if ! err=$(borg_ info 2>&1 >/dev/null) && grep -qi 'passphrase.*incorrect' <<<"$err"; then
    die "$EXIT_DESTINATION" "the passphrase of repository $REPO is wrong: $(last_lines "$err")"
  fi
}

archive_of() { printf '%s+%s+%s' "$SERVICE" "$2" "$1"; }
run_time() { date -u -d "@$RUN_EPOCH" +%Y-%m-%dT%H:%M:%S; }

# store_stream NAME: stdin becomes NAME in an archive of this run.
store_stream() {
  borg_ create --json "${CREATE_ARGS[@]}" --stdin-name "$1" --timestamp "$(run_time)" \
    "::$(archive_of "$RUN_ID" "$1")" - >"$WORK/$1.json"
}
# borg's stats count metadata into original_size: the archive's listing gives the stream's own bytes.
stored_bytes() { borg_ list --json-lines "::$(archive_of "$RUN_ID" "$1")" | jq -rs '[.[] | select(.type == "-") | .size] | add // 0'; }

# store_files PATH...: the files engine's archive, named "files".
store_files() {
  local pattern
  local -a exclude_args=()
  for pattern in "${EXCLUDES[@]}"; do exclude_args+=(--exclude "$pattern"); done
  borg_ create --json "${CREATE_ARGS[@]}" --timestamp "$(run_time)" "${exclude_args[@]}" \
    "::$(archive_of "$RUN_ID" files)" "$@" >"$WORK/files.json"
}
# borg's stats count metadata into original_size: the archive's own listing gives the files' bytes.
stored_files_summary() {
  borg_ list --json-lines "::$(archive_of "$RUN_ID" files)" | jq -rs '[.[] | select(.type == "-" or .type == "h")] | "\(length) \(map(.size) | add // 0)"'
}
# borg 1.2: 1 is a warning (the archive is complete and valid, e.g. a file changed while it was read,
# or one could not be read), 2 an error (https://borgbackup.readthedocs.io/en/1.2-maintenance/usage/general.html#return-codes).
tool_warning_status() { (($1 == 1)); }

# Every unit of this service as RUN<TAB>NAME<TAB>ARCHIVE, sorted.
list_stored() {
  borg_ list --short --glob-archives "$SERVICE+*" | awk -F '+' -v OFS='\t' 'NF == 3 { print $3, $2, $0 }' | sort
}

fetch_stream() {
  [[ -n $(stored_id "$1" "$2") ]] || die "$EXIT_RESTORE" "run $1 has no $2"
  borg_ extract --stdout "::$(archive_of "$1" "$2")" "$2"
}

# restore_files RUN TARGET [PATH]: borg stores paths without the leading slash.
restore_files() {
  [[ -n $(stored_id "$1" files) ]] || die "$EXIT_RESTORE" "run $1 has no files archive"
  local path=${3:-}
  mkdir -p "$2"
  if [[ -n $path ]]; then
    (cd "$2" && borg_ extract "::$(archive_of "$1" files)" "${path#/}")
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
  local -a chain
  refresh_stored
  while read -r name; do
    [[ -n $name ]] || continue
    borg_ prune --glob-archives "$SERVICE+$name+*" "${KEEP[@]}"
  done < <(retention_names)
  refresh_stored
  mapfile -t chain < <(chain_units_to_forget)
  if ((${#chain[@]} > 0)); then
    info "retention: ${#chain[@]} archive(s) of chains that hold no kept restore point go (a chain is kept or forgotten whole)"
    forget_units "${chain[@]}"
  fi
  borg_ compact
}

check_repo() { borg_ check; }
