# shellcheck shell=bash
# PostgreSQL: pg_dump in custom format (directory format with parallel workers above a
# size), taken from a snapshot exported by a session that counts every table's rows in that
# same snapshot, so the record is exactly what the dump holds. With pitr: a pg_basebackup
# every FULL_EVERY seconds and the archived WAL shipped from a spool.
# (Engine interface: engines/files.sh.)

DUMP_CUSTOM=$SERVICE.pgdump
DUMP_DIRECTORY=$SERVICE.pgdir.tar
BASE_NAME=$SERVICE.base.tar
WAL_NAME=$SERVICE.wal.tar
MAIN_NAMES=("$DUMP_CUSTOM" "$DUMP_DIRECTORY")
# A base backup and the WAL shipped after it restore together (lib/common.sh, chain retention).
CHAIN_HEAD=$BASE_NAME
CHAIN_NAMES=("$BASE_NAME" "$WAL_NAME")
EXACT=1
DRILL_USER_DEFAULT=postgres

engine_setup() {
  export PGDATABASE=${PGDATABASE:-${DATABASE:-postgres}}
  export PGHOST PGPORT PGUSER PGPASSFILE PGSSLMODE
  PG_BINDIR=${BACKUP_GOV_PG_BINDIR:-}
  if [[ -z $PG_BINDIR ]]; then
    PG_BINDIR=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  fi
  [[ -x $PG_BINDIR/pg_dump ]] || die "$EXIT_CONFIG" "no pg_dump in '$PG_BINDIR' (set BACKUP_GOV_PG_BINDIR; apt install postgresql-client)"
}
psql_() { "$PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# One line per table: table<TAB>schema.table<TAB>rows (extension tables excluded: pg_dump skips their data).
COUNT_SQL=$(
  cat <<'SQL'
SELECT format(E'table\t%s.%s\t%s', quote_ident(n.nspname), quote_ident(c.relname),
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1;
SQL
)
readonly COUNT_SQL

engine_preflight() {
  local err
  err=$(psql_ -c 'SELECT 1' 2>&1 >/dev/null) || die "$EXIT_DESTINATION" "cannot connect to PostgreSQL database $PGDATABASE as ${PGUSER:-$(id -un)}: $(last_lines "$err")"
}

# --- capture -------------------------------------------------------------------------------
# A session holds a REPEATABLE READ snapshot; the rows are counted in it and pg_dump dumps it.
snapshot_begin() {
  coproc SNAP { psql_ 9>&-; }
  printf '%s\n' 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;' 'SELECT pg_export_snapshot();' >&"${SNAP[1]}"
  read -r -t 120 -u "${SNAP[0]}" PG_SNAPSHOT || die "$EXIT_CAPTURE" "could not export a snapshot"
}
# snapshot_query SQL: its rows, read up to a sentinel.
snapshot_query() {
  local line
  printf '%s\n' "$1" "SELECT '__end__';" >&"${SNAP[1]}"
  while IFS= read -r -t 86400 -u "${SNAP[0]}" line; do
    [[ $line == __end__ ]] && return 0
    printf '%s\n' "$line"
  done
  return 1
}
snapshot_end() {
  local fd=${SNAP[1]}
  printf 'COMMIT;\n' >&"$fd"
  exec {fd}>&-
  wait "$SNAP_PID" || die "$EXIT_CAPTURE" "the snapshot session failed"
}

# dump_directory: directory format with parallel workers, stored as one tar.
dump_directory() {
  "$PG_BINDIR/pg_dump" -Fd -j "$PG_JOBS" -Z 0 --snapshot="$PG_SNAPSHOT" -f "$WORK/dump" 9>&- || die "$EXIT_CAPTURE" "pg_dump failed"
  store_tar "$WORK/dump" "$DUMP_DIRECTORY" "the directory-format dump"
  rm -rf "$WORK/dump"
  printf 'meta\tformat\tdirectory\n' >>"$WORK/capture.meta"
  SIZE=$(stored_bytes "$DUMP_DIRECTORY")
}

# dump_custom: one custom-format stream straight into the repository.
dump_custom() {
  local -a ps
  set +e
  "$PG_BINDIR/pg_dump" -Fc -Z 0 --snapshot="$PG_SNAPSHOT" 9>&- | store_stream "$DUMP_CUSTOM"
  ps=("${PIPESTATUS[@]}")
  set -e
  STORED+=("$DUMP_CUSTOM")
  check_pipe pg_dump "${ps[0]}" "${ps[1]}"
  printf 'meta\tformat\tcustom\n' >>"$WORK/capture.meta"
  SIZE=$(stored_bytes "$DUMP_CUSTOM")
}

engine_capture() {
  local size
  snapshot_begin
  snapshot_query "$COUNT_SQL" >"$WORK/capture.body" || die "$EXIT_CAPTURE" "counting rows failed"
  size=$(snapshot_query 'SELECT pg_database_size(current_database());') || die "$EXIT_CAPTURE" "reading the database size failed"
  if ((DIRECTORY_FORMAT_ABOVE > 0 && size > DIRECTORY_FORMAT_ABOVE)); then
    info "the database has $size bytes: directory format with $PG_JOBS workers"
    dump_directory
  else
    dump_custom
  fi
  snapshot_end
  ITEMS=$(awk -F '\t' '$1 == "table" { n += $3 } END { printf "%.0f", n }' "$WORK/capture.body")
  if ((PITR)); then pitr_capture; fi
}

# --- pitr: base backups and WAL shipping ---------------------------------------------------
BASE_TAKEN=0
pitr_capture() {
  local last=0
  if [[ -r $STATE_DIR/last-base ]]; then read -r last <"$STATE_DIR/last-base"; fi
  if ((RUN_EPOCH - last >= FULL_EVERY)); then
    base_backup
  fi
  ship_into_run || true
}

base_backup() {
  local staging=$WORK/base
  "$PG_BINDIR/pg_basebackup" -D "$staging" -Fp -X stream -c fast -l "backup-gov $SERVICE $RUN_ID" 9>&- || die "$EXIT_CAPTURE" "pg_basebackup failed"
  "$PG_BINDIR/pg_verifybackup" -q "$staging" || die "$EXIT_CAPTURE" "pg_verifybackup found the base backup damaged"
  BASE_START_WAL=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\))$/\1/p' "$staging/backup_label")
  [[ -n $BASE_START_WAL ]] || die "$EXIT_CAPTURE" "backup_label names no start WAL file"
  store_tar "$staging" "$BASE_NAME" "the base backup"
  rm -rf "$staging"
  printf 'meta\tbase_start_wal\t%s\n' "$BASE_START_WAL" >>"$WORK/capture.meta"
  BASE_TAKEN=1
}

# The WAL spool as one tar in the current run; returns 1 when nothing changed since the last ship.
ship_into_run() {
  [[ -d $SPOOL ]] || die "$EXIT_CONFIG" "the WAL spool $SPOOL does not exist (see README.md: archive_command)"
  ship_spool "$WAL_NAME" "shipping the WAL spool" wal_files
}

engine_after_commit() {
  ((PITR)) || return 0
  if [[ -n ${SHIP_FINGERPRINT:-} ]]; then printf '%s\n' "$SHIP_FINGERPRINT" >"$STATE_DIR/last-ship"; fi
  if ((BASE_TAKEN)); then
    printf '%s\n' "$RUN_EPOCH" >"$STATE_DIR/last-base"
    # What is older than the new base's start and was in this run's tar is in shipped runs now. A segment
    # that landed after the tar (archive_command runs any time) is older too, but shipped by no run yet:
    # pg_archivecleanup only lists (-n), and the spool keeps what no tar holds.
    spool_cleanup "$BASE_START_WAL" || warn "cleaning the WAL spool failed; it keeps older WAL"
  fi
}

# spool_cleanup WAL: removes the spool's files older than WAL that this run shipped.
spool_cleanup() {
  local file
  [[ -r $WORK/shipped ]] || return 0
  "$PG_BINDIR/pg_archivecleanup" -n "$SPOOL" "$1" >"$WORK/older" || return 1
  while IFS= read -r file; do
    if grep -qxF "$(basename "$file")" "$WORK/shipped"; then rm -f "$file"; fi
  done <"$WORK/older"
}

engine_ship() {
  : >"$WORK/capture.body"
  if ! ship_into_run; then
    info "no new WAL in $SPOOL since the last ship"
    return 1
  fi
  ITEMS=$SHIP_FILES
  SIZE=$(stored_bytes "$WAL_NAME")
}

# --- restore -------------------------------------------------------------------------------
database_exists() { [[ $(psql_ -d postgres -v d="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'d';") == 1 ]]; }

engine_restore() {
  local run=$1 name=$2 into=${OPT_INTO:-$PGDATABASE} source=-
  local -a ps
  export PGUSER=${BACKUP_GOV_RESTORE_PGUSER:-postgres}
  [[ $into =~ ^[A-Za-z_][A-Za-z0-9_$-]*$ ]] || die "$EXIT_USAGE" "--into must be a plain database name"
  # A table restore says what it touches and asks then (restore_table).
  if [[ $into == "$PGDATABASE" && -z $OPT_TABLE ]] && ((!OPT_YES)); then
    die "$EXIT_USAGE" "restoring into the live database $into replaces its contents: add --yes, or use --into NEW_DB"
  fi
  if ! database_exists "$into"; then
    info "creating database $into"
    psql_ -d postgres -c "CREATE DATABASE \"$into\" TEMPLATE template0" || die "$EXIT_RESTORE" "cannot create database $into"
  fi
  if [[ $name == "$DUMP_DIRECTORY" ]]; then
    mkdir -p "$WORK/dump"
    fetch_stream "$run" "$name" | tar -C "$WORK/dump" -xf - || die "$EXIT_RESTORE" "fetching the dump failed"
    source=$WORK/dump
  fi
  if [[ -n $OPT_TABLE ]]; then
    restore_table "$run" "$name" "$into" "$source"
    return
  fi
  info "restoring run $run ($name) into database $into"
  if [[ $into == "$PGDATABASE" ]]; then close_connections "$into"; fi
  # Never wait without end on a lock an application still holds: fail, saying so, instead.
  export PGOPTIONS="${PGOPTIONS:-} -c lock_timeout=${BACKUP_GOV_RESTORE_LOCK_TIMEOUT:-120s}"
  if [[ $source == - ]]; then
    set +e
    fetch_stream "$run" "$name" | "$PG_BINDIR/pg_restore" --exit-on-error --clean --if-exists --single-transaction -d "$into"
    ps=("${PIPESTATUS[@]}")
    set -e
    ((ps[0] == 0 && ps[1] == 0)) || die "$EXIT_RESTORE" "pg_restore failed (fetch exit ${ps[0]}, pg_restore exit ${ps[1]})"
  else
    "$PG_BINDIR/pg_restore" --exit-on-error --clean --if-exists -j "$PG_JOBS" -d "$into" "$source" || die "$EXIT_RESTORE" "pg_restore failed"
  fi
}

# close_connections DB: the application's sessions end, so that pg_restore --clean does not wait on their locks.
close_connections() {
  local n
  n=$(psql_ -d postgres -v d="$1" <<<"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'d' AND pid <> pg_backend_pid();") ||
    die "$EXIT_RESTORE" "cannot end the sessions connected to $1"
  if ((n > 0)); then
    warn "ended $n session(s) connected to $1 so that the restore does not wait on their locks; stop the application for the restore, or it reconnects and writes in between"
  fi
}

# table_data RUN NAME SCHEMA TABLE SOURCE: the table's rows as COPY statements.
# pg_restore stops reading once it has the table, so the fetch may die of the closed pipe: only pg_restore's status counts.
table_data() {
  local -a ps
  if [[ $5 == - ]]; then
    set +e
    fetch_stream "$1" "$2" | "$PG_BINDIR/pg_restore" --data-only -n "$3" -t "$4" -f -
    ps=("${PIPESTATUS[@]}")
    set -e
    return "${ps[1]}"
  else
    "$PG_BINDIR/pg_restore" --data-only -n "$3" -t "$4" -f - "$5"
  fi
}

# table_names: SCHEMA and TABLE of --table (schema.table, or a table of public).
table_names() {
  if [[ $OPT_TABLE == *.* ]]; then
    SCHEMA=${OPT_TABLE%%.*}
    TABLE=${OPT_TABLE#*.}
  else
    SCHEMA=public
    TABLE=$OPT_TABLE
  fi
}

# The tables a reload must empty with TABLE (:'t', a regclass text): every table that references it,
# directly or through others (TRUNCATE refuses a referenced table alone), and the foreign keys
# that touch them. One line each: table<TAB>schema<TAB>name, fk<TAB>table<TAB>name<TAB>definition,
# seq<TAB>schema<TAB>name (sequences owned by those tables), lo<TAB>table<TAB>column (oid/lo columns).
RELATED_SQL=$(
  cat <<'SQL'
SET search_path = '';
WITH RECURSIVE refs(oid) AS (
  SELECT :'t'::regclass::oid
  UNION
  SELECT c.conrelid FROM pg_constraint c JOIN refs r ON c.confrelid = r.oid WHERE c.contype = 'f'
)
SELECT format(E'table\t%s\t%s', n.nspname, k.relname) FROM refs JOIN pg_class k ON k.oid = refs.oid JOIN pg_namespace n ON n.oid = k.relnamespace
UNION ALL
SELECT DISTINCT format(E'fk\t%s\t%I\t%s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
  FROM pg_constraint c WHERE c.contype = 'f' AND (c.conrelid IN (SELECT oid FROM refs) OR c.confrelid IN (SELECT oid FROM refs))
UNION ALL
SELECT format(E'seq\t%s\t%s', sn.nspname, s.relname) FROM pg_depend d
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
  WHERE d.classid = 'pg_class'::regclass AND d.refobjid IN (SELECT oid FROM refs) AND d.deptype IN ('a', 'i')
UNION ALL
SELECT format(E'lo\t%s\t%I', a.attrelid::regclass, a.attname) FROM pg_attribute a
  WHERE a.attrelid IN (SELECT oid FROM refs) AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid::regtype::text IN ('oid', 'lo');
SQL
)
readonly RELATED_SQL

# reload_table RUN NAME INTO SOURCE: the table, and every table that references it, emptied and
# reloaded from the run in one transaction. Their foreign keys are dropped for the load and added
# back, which checks every row again: a row whose parent is gone rolls everything back.
reload_table() {
  local run=$1 name=$2 into=$3 source=$4 qualified kind a b c others="" los=""
  local -a tables=() fks=() seqs=()
  qualified=$(psql_ -d "$into" -v s="$SCHEMA" -v t="$TABLE" <<<"SELECT format('%I.%I', :'s', :'t');")
  while IFS=$'\t' read -r kind a b c; do
    case $kind in
      table) tables+=("$a"$'\t'"$b") ;;
      fk) fks+=("$a"$'\t'"$b"$'\t'"$c") ;;
      seq) seqs+=("$a"$'\t'"$b") ;;
      lo) los+=" $a.$b" ;;
    esac
  done < <(psql_ -d "$into" -v t="$qualified" <<<"$RELATED_SQL")
  for a in "${tables[@]}"; do
    [[ ${a/$'\t'/.} == "$SCHEMA.$TABLE" ]] || others+=" ${a/$'\t'/.}"
  done
  if [[ -n $others ]]; then
    confirm_plan "restoring $SCHEMA.$TABLE in $into also empties and reloads, from run $run, the tables that reference it:$others (TRUNCATE cannot empty a referenced table alone); ${#fks[@]} foreign key(s) are checked again afterwards${los:+; large objects that the oid columns$los point to are not part of a table restore}"
  elif [[ $into == "$PGDATABASE" ]]; then
    confirm_plan "restoring $SCHEMA.$TABLE in the live database $into replaces its rows with those of run $run${los:+; large objects that the oid columns$los point to are not part of a table restore}"
  fi
  info "reloading the rows of $SCHEMA.$TABLE${others:+ and$others} in $into from run $run"
  {
    for a in "${fks[@]}"; do
      IFS=$'\t' read -r b c _ <<<"$a"
      printf 'ALTER TABLE %s DROP CONSTRAINT %s;\n' "$b" "$c"
    done
    printf 'TRUNCATE TABLE %s;\n' "$(for a in "${tables[@]}"; do psql_ -d "$into" -v s="${a%%$'\t'*}" -v t="${a#*$'\t'}" <<<"SELECT format('%I.%I', :'s', :'t');"; done | paste -sd ',')"
    for a in "${tables[@]}" "${seqs[@]}"; do
      table_data "$run" "$name" "${a%%$'\t'*}" "${a#*$'\t'}" "$source" || die "$EXIT_RESTORE" "reading ${a/$'\t'/.} from run $run failed; nothing was changed"
    done
    for a in "${fks[@]}"; do
      IFS=$'\t' read -r b c _ <<<"$a"
      printf 'ALTER TABLE %s ADD CONSTRAINT %s %s;\n' "$b" "$c" "${a#*$'\t'*$'\t'}"
    done
  } >"$WORK/table.sql" || die "$EXIT_RESTORE" "reading $SCHEMA.$TABLE${others:+ and$others} from run $run failed"
  PGOPTIONS="${PGOPTIONS:-} -c lock_timeout=${BACKUP_GOV_RESTORE_LOCK_TIMEOUT:-120s}" psql_ -1 -d "$into" -f "$WORK/table.sql" ||
    die "$EXIT_RESTORE" "reloading $SCHEMA.$TABLE${others:+ and$others} failed (a lock timeout means a session of the application holds these tables: stop it and run this again); nothing was changed"
}

# create_table RUN NAME INTO SOURCE: a missing table created with its data.
create_table() {
  local -a ps
  info "creating $SCHEMA.$TABLE in $3 from run $1"
  set +e
  if [[ $4 == - ]]; then
    fetch_stream "$1" "$2" | "$PG_BINDIR/pg_restore" --exit-on-error -n "$SCHEMA" -t "$TABLE" -d "$3"
    ps=("${PIPESTATUS[@]}")
  else
    "$PG_BINDIR/pg_restore" --exit-on-error -n "$SCHEMA" -t "$TABLE" -d "$3" "$4"
    ps=("$?")
  fi
  set -e
  # As in table_data: the last status is pg_restore's, the only one that says whether the table came back.
  ((ps[-1] == 0)) || die "$EXIT_RESTORE" "restoring table $SCHEMA.$TABLE failed"
}

# One table: emptied and reloaded in one transaction when it exists, created with its data otherwise.
restore_table() {
  local exists
  table_names
  exists=$(psql_ -d "$3" -v s="$SCHEMA" -v t="$TABLE" <<<"SELECT count(*) FROM pg_tables WHERE schemaname = :'s' AND tablename = :'t';")
  if ((exists == 1)); then
    reload_table "$@"
  else
    create_table "$@"
  fi
}

# --- point-in-time restore: a base backup plus the WAL shipped after it ---------------------
# wal_first_gap WALDIR START SEGMENT_BYTES: the first segment after START that WALDIR lacks (on
# any timeline: a promotion continues the numbering), up to the newest one there; empty when the
# WAL is continuous. Retention keeps chains whole, but a chain kept for an old dump (borg keeps
# the oldest archive) is followed by the WAL of later chains whose base was pruned: replaying
# across that hole would stop at it and promote the database as it was there, without a word.
wal_first_gap() {
  local per=$((0x100000000 / $3)) first last=-1 n name
  local -A have=()
  first=$((16#${2:8:8} * per + 16#${2:16:8}))
  while read -r name; do
    n=$((16#${name:8:8} * per + 16#${name:16:8}))
    have[$n]=1
    ((n > last)) && last=$n
  done < <(find "$1" -maxdepth 1 -type f -printf '%f\n' | grep -xE '[0-9A-F]{24}' || true)
  for ((n = first; n <= last; n++)); do
    if [[ -z ${have[$n]:-} ]]; then
      printf '%s%08X%08X\n' "${2:0:8}" $((n / per)) $((n % per))
      return 0
    fi
  done
}

# last_commit_time WALDIR START: the time of the last commit in the WAL from the base's start on (empty when unknown).
last_commit_time() {
  local start=$2 end
  end=$(find "$1" -maxdepth 1 -type f -printf '%f\n' | grep -xE '[0-9A-F]{24}' | sort | tail -n 1 || true)
  [[ -n $start && -e $1/$start && -n $end ]] || return 0
  # pg_waldump may end with an error at the end of the WAL it has: only the records it printed count.
  TZ=UTC "$PG_BINDIR/pg_waldump" -p "$1" -r Transaction "$start" "$end" 2>/dev/null |
    sed -n 's/.*desc: COMMIT \([0-9-]* [0-9:.]*\) UTC.*/\1 UTC/p' | tail -n 1 || true
}

engine_restore_to_time() {
  ((PITR)) || die "$EXIT_USAGE" "--to-time needs pitr: this service has no WAL archive"
  local target=$OPT_PGDATA owner=${OPT_OWNER:-postgres} when base_run waldir run last_wal=""
  [[ -n $target ]] || die "$EXIT_USAGE" "--to-time needs --pgdata DIR (a new, empty data directory; the server must not run there)"
  if [[ -e $target ]] && [[ -n $(find "$target" -mindepth 1 -maxdepth 1 | head -n 1) ]]; then
    die "$EXIT_USAGE" "$target is not empty"
  fi
  [[ $OPT_TO_TIME != *"'"* ]] || die "$EXIT_USAGE" "--to-time must not contain quotes"
  when=$(date -u -d "$OPT_TO_TIME" +%Y%m%dT%H%M%SZ) || die "$EXIT_USAGE" "cannot read --to-time '$OPT_TO_TIME'"
  base_run=$(good_runs "$BASE_NAME" | awk -F '\t' -v t="$when" '$1 <= t { r = $1 } END { print r }')
  [[ -n $base_run ]] || die "$EXIT_RESTORE" "no base backup was taken before $OPT_TO_TIME"
  # Every WAL run from the base on, up to the first one after the target time (segments never change: the tars add up).
  local -a wal_runs=()
  while IFS=$'\t' read -r run _; do
    [[ $run < $base_run ]] && continue
    wal_runs+=("$run")
    if [[ $run > $when ]]; then
      last_wal=$run
      break
    fi
  done < <(good_runs "$WAL_NAME")
  [[ -n $last_wal ]] || die "$EXIT_RESTORE" "no WAL was shipped after $OPT_TO_TIME yet: run 'backup.sh --ship' first, or pick an earlier time"
  waldir=${target%/}.wal
  local made_waldir=0
  [[ -e $waldir ]] || made_waldir=1
  mkdir -p "$target" "$waldir"
  info "restoring the base backup of run $base_run into $target"
  fetch_stream "$base_run" "$BASE_NAME" | tar -C "$target" -xf - || die "$EXIT_RESTORE" "extracting the base backup failed"
  for run in "${wal_runs[@]}"; do
    fetch_stream "$run" "$WAL_NAME" | tar -C "$waldir" --skip-old-files -xf - || die "$EXIT_RESTORE" "extracting the WAL of run $run failed"
  done
  rm -f "$target/postmaster.pid"
  # Recovery stops at the first commit after the target; when the shipped WAL holds none (the database
  # was idle from its last commit until the ship after the target), PostgreSQL 13+ refuses to promote
  # ("recovery ended before configured recovery target was reached"). The state at the target is then
  # the end of that WAL: it is replayed whole instead.
  local target_line last_commit start segment_bytes gap
  start=$(fetch_stream "$base_run" "$BASE_NAME.capture" | awk -F '\t' '$2 == "base_start_wal" { print $3 }')
  target_line="recovery_target_time = '$(date -u -d "$OPT_TO_TIME" '+%Y-%m-%d %H:%M:%S.%N+00')'"
  last_commit=$(last_commit_time "$waldir" "$start")
  if [[ $start =~ ^[0-9A-F]{24}$ ]]; then
    segment_bytes=$("$PG_BINDIR/pg_controldata" "$target" 2>/dev/null | awk -F ':' '/^Bytes per WAL segment/ { gsub(/ /, "", $2); print $2 }' || true)
    [[ $segment_bytes =~ ^[0-9]+$ ]] && ((segment_bytes > 0)) || segment_bytes=16777216
    gap=$(wal_first_gap "$waldir" "$start" "$segment_bytes")
    # Past a hole the state at the target cannot be rebuilt: recovery would stop at the hole and
    # promote that instead. Before it (a commit after the target precedes the hole), all is there.
    if [[ -n $gap ]] && { [[ -z $last_commit ]] || (($(date -u -d "$last_commit" +%s) <= $(date -u -d "$OPT_TO_TIME" +%s))); }; then
      # Only what this run wrote: the target was empty, and the WAL folder is removed only when it made it.
      ((made_waldir)) && rm -rf -- "$waldir"
      find "$target" -mindepth 1 -delete
      die "$EXIT_RESTORE" "the WAL kept after the base backup of run $base_run stops before $OPT_TO_TIME: segment $gap is missing (its run was pruned or never shipped), so the database as it was then cannot be rebuilt. This chain reaches ${last_commit:-its base backup}: pick a time before that, or restore a dump (restore.sh --run RUN)"
    fi
  else
    warn "the base backup of run $base_run names no start segment: the WAL is not checked for holes"
  fi
  if [[ -n $last_commit ]] && (($(date -u -d "$last_commit" +%s) <= $(date -u -d "$OPT_TO_TIME" +%s))); then
    info "the shipped WAL holds no commit after $OPT_TO_TIME (the last is at $last_commit): it is replayed to its end, which is the database as it was at $OPT_TO_TIME"
    target_line="# recovery_target_time: none (no commit after $OPT_TO_TIME was shipped; replay to the end)"
  fi
  cat >>"$target/postgresql.auto.conf" <<CONF
# point-in-time restore by backup-gov restore.sh (remove these lines once the server runs again)
restore_command = 'cp "$waldir/%f" "%p"'
$target_line
recovery_target_action = 'promote'
archive_mode = 'off'
CONF
  touch "$target/recovery.signal"
  chmod 0700 "$target"
  chown -R "$owner:" "$target" "$waldir"
  info "ready: start PostgreSQL on $target; it replays WAL up to $OPT_TO_TIME and promotes. Then re-enable archive_mode."
}

# --- drill: a scratch server started as DRILL_USER, never the live one ----------------------
drill_server_start() {
  local dir=$1 port=$2
  chown "$DRILL_USER:" "$dir"
  as_drill_user "$PG_BINDIR/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "$EXIT_RESTORE" "initdb of the scratch server failed: $(tail -n 3 "$dir/initdb.log")"
  as_drill_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c jit=off -c dynamic_shared_memory_type=mmap" start >/dev/null 9>&- ||
    die "$EXIT_RESTORE" "the scratch server did not start: $(tail -n 3 "$dir/server.log")"
  DRILL_STOP=(as_drill_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate stop)
  export PGHOST=$dir PGPORT=$port PGUSER=postgres
  unset PGPASSFILE
}

engine_drill() {
  local run=$1 name=$2 dir t0
  local -a ps
  dir=$(mktemp -d "$DRILL_ROOT/backup-gov-$SERVICE-drill.XXXXXX")
  DRILL_DIR=$dir
  drill_server_start "$dir" 5499
  psql_ -d postgres -c 'CREATE DATABASE drill'
  t0=$(date +%s.%N)
  if [[ $name == "$DUMP_DIRECTORY" ]]; then
    mkdir -p "$WORK/dump"
    fetch_stream "$run" "$name" | tar -C "$WORK/dump" -xf - || die "$EXIT_RESTORE" "reading $name of run $run failed"
    "$PG_BINDIR/pg_restore" --exit-on-error --no-owner --no-privileges -j "$PG_JOBS" -d drill "$WORK/dump" ||
      die "$EXIT_RESTORE" "pg_restore into the scratch server failed"
  else
    set +e
    fetch_stream "$run" "$name" | "$PG_BINDIR/pg_restore" --exit-on-error --no-owner --no-privileges -d drill
    ps=("${PIPESTATUS[@]}")
    set -e
    ((ps[0] == 0)) || die "$EXIT_RESTORE" "reading $name of run $run failed (exit ${ps[0]})"
    ((ps[1] == 0)) || die "$EXIT_RESTORE" "pg_restore into the scratch server failed (exit ${ps[1]})"
  fi
  DRILL_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  psql_ -d drill -c "$COUNT_SQL" >"$WORK/restored.body"
}
