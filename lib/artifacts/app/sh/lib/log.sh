# shellcheck shell=bash
# log/info/warn/die: syslog priorities when the journal reads stderr, timestamps otherwise.
# Shared by the app-backup scripts and the vzdump hook; LOG_NAME and LOG_TAG name the writer.

log() {
  local prio=$1
  shift
  if [[ -n ${JOURNAL_STREAM:-} ]]; then
    printf '<%s>%s\n' "$prio" "$*" >&2
  else
    printf '%s %s[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${LOG_NAME:-backup-gov}" "${LOG_TAG:-}" "$*" >&2
  fi
}
info() { log 6 "$*"; }
warn() { log 4 "$*"; }
die() {
  local code=$1
  shift
  log 3 "$*"
  exit "$code"
}
need_tool() { command -v "$1" >/dev/null 2>&1 || die "$EXIT_CONFIG" "$1 is not installed ($2)"; }
need_file() { [[ -r $1 ]] || die "$EXIT_CONFIG" "cannot read $1 ($2)"; }
last_lines() { printf '%s' "$1" | tail -n 3 | tr '\n' ' '; }
