# shellcheck shell=bash
# log/warn: syslog priorities when the journal reads stderr, timestamps otherwise.
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
warn() { log 4 "$*"; }
