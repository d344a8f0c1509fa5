#!/usr/bin/env bash
# The vzdump hook of a Proxmox host: after each guest's backup it writes the service's
# textfile metrics (engine vzdump, target <host>/<storage>) atomically, and on success puts
# the CloudWatch heartbeat when the heartbeat settings file exists. It always exits 0: a
# failure to publish shows as a stale service, never as a failed backup.
#
# vzdump calls it as: <phase> [<mode> <vmid>], with STOREID and TARGET in the environment.
# The library below is the app-backup runtime's (lib/log.sh, lib/metrics.sh,
# lib/heartbeat.sh, lib/constants.sh); the synthesized artifact carries it inline, with this
# host's data, so that the node needs this one file.
# shellcheck source-path=SCRIPTDIR/..
set -uo pipefail

HOOK_LIB=${BACKUP_GOV_RUNTIME_DIR:-$(dirname "${BASH_SOURCE[0]}")/..}
# shellcheck source=lib/constants.sh
. "$HOOK_LIB/lib/constants.sh" # @inline
# shellcheck source=lib/log.sh
. "$HOOK_LIB/lib/log.sh" # @inline
# shellcheck source=lib/metrics.sh
. "$HOOK_LIB/lib/metrics.sh" # @inline
# shellcheck source=lib/heartbeat.sh
. "$HOOK_LIB/lib/heartbeat.sh" # @inline

# This host's data (ESTATE, HOST_KEY, DEFAULT_STORAGE, HEARTBEAT, the GUEST_* tables, the
# default folders), every value quoted by the generator.
# shellcheck source=/dev/null
. "${BACKUP_GOV_HOOK_CONF:-$(dirname "${BASH_SOURCE[0]}")/vzdump-hook.conf}" # @data

LOG_NAME=vzdump-hook
LOG_TAG=$HOST_KEY
TEXTFILE_DIR=${BACKUP_GOV_TEXTFILE_DIR:-$TEXTFILE_DIR_DEFAULT}
STATE_DIR=${BACKUP_GOV_STATE_DIR:-$STATE_DIR_DEFAULT}
HEARTBEAT_ENV=${BACKUP_GOV_HEARTBEAT_ENV:-$HEARTBEAT_ENV_DEFAULT}

# guest_index VMID: the guest's row in the GUEST_* tables; 1 when the guest is not in the catalog.
guest_index() {
  local i
  for i in "${!GUEST_VMIDS[@]}"; do
    if [[ ${GUEST_VMIDS[i]} == "$1" ]]; then
      printf '%s' "$i"
      return 0
    fi
  done
  return 1
}

# The file of one key in the guest's state: what the last runs left behind.
state_file() {
  printf '%s/%s.%s' "$STATE_DIR" "$1" "$2"
}

read_state() {
  local file
  file=$(state_file "$1" "$2")
  if [[ -r $file ]]; then cat -- "$file"; fi
}

write_state() {
  printf '%s\n' "$3" >"$(state_file "$1" "$2")"
}

# The archive's size when TARGET is a local file; empty for PBS, where it is not.
archive_size() {
  local target=${TARGET:-${TARFILE:-}}
  if [[ -n $target && -f $target ]]; then stat -c %s -- "$target"; fi
}

write_metrics() {
  local vmid=$1 i=$2 labels last_success size
  labels=$(metric_labels "${GUEST_SERVICES[i]}" "$ENGINE" "$HOST_KEY/${STOREID:-$DEFAULT_STORAGE}")
  last_success=$(read_state "$vmid" last_success)
  size=$(read_state "$vmid" size)
  {
    if [[ -n $last_success ]]; then metric_labeled "$METRIC_LAST_SUCCESS" "$HELP_LAST_SUCCESS" "$labels" "$last_success"; fi
    metric_labeled "$METRIC_LAST_RUN" "$HELP_LAST_RUN" "$labels" "$(read_state "$vmid" last_run)"
    metric_labeled "$METRIC_LAST_RUN_SUCCESS" "$HELP_LAST_RUN_SUCCESS" "$labels" "$(read_state "$vmid" run_ok)"
    metric_labeled "$METRIC_DURATION" "$HELP_DURATION" "$labels" "$(read_state "$vmid" duration)"
    if [[ -n $size ]]; then metric_labeled "$METRIC_SIZE" "$HELP_SIZE" "$labels" "$size"; fi
    metric_labeled "$METRIC_RPO" "$HELP_RPO" "$labels" "${GUEST_RPO_SECONDS[i]}"
    metric_labeled "$METRIC_RTO" "$HELP_RTO" "$labels" "${GUEST_RTO_SECONDS[i]}"
  } | write_textfile "$TEXTFILE_DIR/${GUEST_TEXTFILES[i]}"
}

# hook_heartbeat SERVICE SIZE: with the settings file, in a subshell so that its settings (AWS_REGION, AWS_PROFILE) stay there.
hook_heartbeat() {
  ((HEARTBEAT)) && [[ -r $HEARTBEAT_ENV ]] || return 0
  (
    set -a
    # shellcheck source=/dev/null
    . "$HEARTBEAT_ENV"
    set +a
    put_heartbeat "$2" "$ESTATE" "$1" "$ENGINE"
  )
}

main() {
  local phase=${1:-} vmid=${3:-} i t start size
  case $phase in
    backup-start | backup-end | backup-abort) ;;
    *) return 0 ;;
  esac
  if ! i=$(guest_index "$vmid"); then
    warn "guest $vmid is not in the catalog of estate $ESTATE: no metrics written"
    return 0
  fi
  mkdir -p -- "$STATE_DIR" "$TEXTFILE_DIR" || return 1
  t=$(date +%s)
  case $phase in
    backup-start)
      write_state "$vmid" start "$t" || return 1
      return 0
      ;;
    backup-end)
      size=$(archive_size)
      write_state "$vmid" last_success "$t" || return 1
      write_state "$vmid" run_ok 1 || return 1
      if [[ -n $size ]]; then write_state "$vmid" size "$size" || return 1; fi
      ;;
    backup-abort)
      write_state "$vmid" run_ok 0 || return 1
      ;;
  esac
  start=$(read_state "$vmid" start)
  write_state "$vmid" last_run "$t" || return 1
  write_state "$vmid" duration "$((t - ${start:-$t}))" || return 1
  write_metrics "$vmid" "$i" || return 1
  if [[ $phase == backup-end ]]; then
    hook_heartbeat "${GUEST_SERVICES[i]}" "${size:-}" || warn "could not put the CloudWatch heartbeat for ${GUEST_SERVICES[i]}"
  fi
  return 0
}

if ! main "$@"; then
  warn "could not publish the metrics of this run (phase ${1:-?}, guest ${3:-?})"
fi
exit 0
