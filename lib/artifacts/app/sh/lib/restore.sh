# shellcheck shell=bash
# restore.sh: everything or one table/path, from the primary or the offsite copy, or to a
# point in time (pitr).

restore_usage() {
  local unit=TABLE
  [[ $ENGINE == mongodb ]] && unit=COLLECTION
  printf '%s\n' "Usage: restore.sh [options]" \
    "  --list               list the runs that can be restored, and exit" \
    "  --run RUN            restore this run (default: the latest good one)" \
    "  --from primary|offsite  which copy to read (default primary)"
  if [[ $ENGINE == files ]]; then
    printf '%s\n' "  --path PATH          restore only this file or folder (absolute, as backed up)" \
      "  --target DIR         restore under DIR instead of in place"
  else
    printf '  --table %-13srestore only this %s%s\n' "$unit" "${unit,,}" "$([[ $ENGINE == postgresql ]] && echo ' (schema.table; rows are reloaded when it exists)')"
    printf '%s\n' "  --into DB            restore into this database (created when missing) instead of the live one"
  fi
  if ((PITR)); then
    printf '%s\n' "  --to-time TIME       point-in-time restore (e.g. '2025-01-31 14:05:00+00')"
    if [[ $ENGINE == postgresql ]]; then
      printf '%s\n' "  --pgdata DIR         new data directory for --to-time"
    else
      printf '%s\n' "  --datadir DIR        new data directory for --to-time"
    fi
    printf '%s\n' "  --owner USER         owner of that data directory"
  fi
  printf '%s\n' "  --yes                allow replacing the live data in place"
}

on_restore_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}

restore_options() {
  OPT_LIST=0 OPT_RUN='' OPT_FROM=primary OPT_TABLE='' OPT_INTO='' OPT_PATH='' OPT_TARGET='' OPT_TO_TIME='' OPT_PGDATA='' OPT_DATADIR='' OPT_OWNER='' OPT_YES=0
  while (($# > 0)); do
    case $1 in
      --list) OPT_LIST=1 ;;
      --run | --from | --table | --into | --path | --target | --to-time | --pgdata | --datadir | --owner)
        (($# >= 2)) || die "$EXIT_USAGE" "$1 needs a value"
        case $1 in
          --run) OPT_RUN=$2 ;;
          --from) OPT_FROM=$2 ;;
          --table) OPT_TABLE=$2 ;;
          --into) OPT_INTO=$2 ;;
          --path) OPT_PATH=$2 ;;
          --target) OPT_TARGET=$2 ;;
          --to-time) OPT_TO_TIME=$2 ;;
          --pgdata) OPT_PGDATA=$2 ;;
          --datadir) OPT_DATADIR=$2 ;;
          --owner) OPT_OWNER=$2 ;;
        esac
        shift
        ;;
      --yes) OPT_YES=1 ;;
      -h | --help)
        restore_usage
        exit "$EXIT_OK"
        ;;
      *)
        restore_usage >&2
        exit "$EXIT_USAGE"
        ;;
    esac
    shift
  done
  [[ $OPT_FROM == primary || $OPT_FROM == offsite ]] || die "$EXIT_USAGE" "--from must be primary or offsite"
  if [[ $ENGINE == files ]]; then
    [[ -z $OPT_TABLE && -z $OPT_INTO ]] || die "$EXIT_USAGE" "--table and --into are for databases; use --path and --target"
  else
    [[ -z $OPT_PATH && -z $OPT_TARGET ]] || die "$EXIT_USAGE" "--path and --target are for files; use --table and --into"
  fi
}

restore_main() {
  local chosen run name
  local -a all_names
  restore_options "$@"
  FAIL_CODE=$EXIT_CONFIG
  WORK=''
  trap 'on_restore_exit $?' EXIT
  load_env
  engine_setup
  # A backup or a WAL ship may hold the lock: wait for it (bounded, naming it) rather than refuse the restore.
  take_lock "${BACKUP_GOV_LOCK_WAIT:-1800}"
  new_run
  FAIL_CODE=$EXIT_DESTINATION
  aws_credentials
  use_repository "$OPT_FROM"
  repo_preflight
  refresh_stored
  FAIL_CODE=$EXIT_RESTORE
  if ((OPT_LIST)); then
    printf 'RUN\tUNIT\n'
    mapfile -t all_names < <(cut -f 2 <<<"$STORED_LIST" | grep -v '\.capture$' | sort -u)
    good_runs "${all_names[@]}"
    exit "$EXIT_OK"
  fi
  if [[ -n $OPT_TO_TIME ]]; then
    engine_restore_to_time
    exit "$EXIT_OK"
  fi
  if [[ -n $OPT_RUN ]]; then
    chosen=$(good_runs "${MAIN_NAMES[@]}" | awk -F '\t' -v r="$OPT_RUN" '$1 == r' | tail -n 1)
    [[ -n $chosen ]] || die "$EXIT_RESTORE" "run $OPT_RUN is not a complete backup (see --list)"
  else
    chosen=$(good_runs "${MAIN_NAMES[@]}" | tail -n 1)
    [[ -n $chosen ]] || die "$EXIT_RESTORE" "the repository holds no complete backup of $SERVICE"
  fi
  IFS=$'\t' read -r run name <<<"$chosen"
  engine_restore "$run" "$name"
  info "restore of run $run finished"
  exit "$EXIT_OK"
}
