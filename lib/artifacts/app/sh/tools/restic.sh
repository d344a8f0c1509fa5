# shellcheck shell=bash
# The storage layer with restic. Same function names as tools/borg.sh:
# every unit of a run carries the run's start as its time, so retention keeps or drops a
# dump and its record together.

TOOL_NOUN=snapshot

tool_setup() {
  need_tool restic "apt install restic"
  export RESTIC_REPOSITORY=$REPO RESTIC_PASSWORD_FILE=$PASSWORD_FILE RESTIC_CACHE_DIR=$CACHE_DIR
  TOOL_ARGS=()
  if [[ -n ${BACKUP_GOV_UPLOAD_LIMIT_KIB:-} ]]; then
    TOOL_ARGS+=(--limit-upload "$BACKUP_GOV_UPLOAD_LIMIT_KIB")
  fi
  # An S3-compatible endpoint with a private CA (the estate's own object store).
  if [[ -n ${BACKUP_GOV_CACERT:-} ]]; then
    TOOL_ARGS+=(--cacert "$BACKUP_GOV_CACERT")
  fi
  if ((READ_ONLY)); then
    TOOL_ARGS+=(--no-lock)
  fi
  if [[ -n $SFTP_TARGET ]]; then
    # restic runs this command line itself, split at spaces: the options come from the env file, the target from service.conf.
    TOOL_ARGS+=(-o "sftp.command=ssh ${BACKUP_GOV_SSH_OPTIONS:-}${SFTP_PORT:+ -p $SFTP_PORT} $SFTP_TARGET -s sftp")
  fi
}
restic_() { restic "${TOOL_ARGS[@]}" "$@"; }

repo_init() {
  if restic_ cat config >/dev/null 2>&1; then
    info "repository $REPO already exists"
    return 0
  fi
  restic_ init
}

# Exists, the password opens it, and it is writable (restic writes a lock file first).
repo_preflight() {
  local err errf=${WORK:-$STATE_DIR}/preflight.stderr
  REPO_LOCKED=''
  if restic_unlocked cat config >/dev/null 2>"$errf"; then
    # What restic_unlocked said about a stale lock it removed.
    grep -F 'stale locks' "$errf" >&2 || true
  else
    err=$(cat "$errf")
    [[ -z $REPO_LOCKED ]] || die "$EXIT_LOCKED" "another process holds the lock of repository $REPO ($REPO_LOCKED); it is not stale, so it was left alone"
    die "$EXIT_DESTINATION" "repository $REPO is unreachable, missing or not writable: $(last_lines "$err")"
  fi
}

run_time() { date -d "@$RUN_EPOCH" '+%Y-%m-%d %H:%M:%S'; }

# store_stream NAME: stdin becomes NAME in a snapshot of this run.
store_stream() {
  restic_ backup --json --quiet --stdin --stdin-filename "$1" --host "$HOST_TAG" \
    --tag "svc=$SERVICE" --tag "run=$RUN_ID" --tag "name=$1" \
    --time "$(run_time)" >"$WORK/$1.json"
}
stored_bytes() { jq -r 'select(.message_type == "summary") | .total_bytes_processed' "$WORK/$1.json"; }

# store_files PATH...: the files engine's snapshot, named "files"; exit 3 is a warning (tool_warning_status).
store_files() {
  local pattern
  local -a exclude_args=()
  for pattern in "${EXCLUDES[@]}"; do exclude_args+=(--exclude "$pattern"); done
  restic_ backup --json --quiet --host "$HOST_TAG" --tag "svc=$SERVICE" --tag "run=$RUN_ID" --tag name=files \
    --time "$(run_time)" "${exclude_args[@]}" -- "$@" >"$WORK/files.json"
}
# "FILES BYTES" of the files snapshot just stored
stored_files_summary() { jq -r 'select(.message_type == "summary") | "\(.total_files_processed) \(.total_bytes_processed)"' "$WORK/files.json"; }
# restic: 3 means the snapshot was created but some source data could not be read
# (https://restic.readthedocs.io/en/stable/075_scripting.html#exit-codes); 1 is a failure.
tool_warning_status() { (($1 == 3)); }

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
  [[ -n $id ]] || die "$EXIT_RESTORE" "run $1 has no $2"
  restic_ dump "$id" "/$2"
}

# restore_files RUN TARGET [PATH]: the files snapshot (or one path of it) under TARGET.
restore_files() {
  local id
  id=$(stored_id "$1" files)
  [[ -n $id ]] || die "$EXIT_RESTORE" "run $1 has no files snapshot"
  if [[ -n ${3:-} ]]; then
    restic_ restore "$id" --target "$2" --include "$3"
  else
    restic_ restore "$id" --target "$2"
  fi
}

# forget_units ID...: a stale lock (a restic dump that died of a closed pipe in a table restore leaves one) is removed first.
forget_units() { (($# == 0)) || restic_unlocked forget "$@" >/dev/null; }

# restic_unlocked ARGS...: restic ARGS; when a lock stops it, `restic unlock` removes the locks restic
# itself calls stale (their process is gone, or they are older than 30 minutes) and the command runs
# once more. A lock that is still held sets REPO_LOCKED to restic's words, so the caller names it
# instead of calling it damage.
restic_unlocked() {
  local errf=${WORK:-$STATE_DIR}/restic.stderr
  if restic_ "$@" 2>"$errf"; then
    cat "$errf" >&2
    return 0
  fi
  cat "$errf" >&2
  grep -q 'already locked' "$errf" || return 1
  warn "the repository is locked ($(grep -m 1 'already locked' "$errf")): removing stale locks and trying once more"
  restic_ unlock >&2 || return 1
  if restic_ "$@" 2>"$errf"; then
    cat "$errf" >&2
    return 0
  fi
  cat "$errf" >&2
  if grep -q 'already locked' "$errf"; then REPO_LOCKED=$(grep -m 1 'already locked' "$errf"); fi
  return 1
}

# Retention: the effective keep-* per name (group by host and path), then prune.
apply_retention() {
  local name
  local -a chain
  refresh_stored
  while read -r name; do
    [[ -n $name ]] || continue
    restic_unlocked forget --quiet --host "$HOST_TAG" --tag "svc=$SERVICE,name=$name" --group-by host,paths "${KEEP[@]}" || return 1
  done < <(retention_names)
  refresh_stored
  mapfile -t chain < <(chain_units_to_forget)
  if ((${#chain[@]} > 0)); then
    info "retention: ${#chain[@]} snapshot(s) of chains that hold no kept restore point go (a chain is kept or forgotten whole)"
    restic_unlocked forget --quiet "${chain[@]}" || return 1
  fi
  restic_unlocked prune --quiet
}

check_repo() { restic_unlocked check --read-data-subset="$CHECK_SUBSET"; }
