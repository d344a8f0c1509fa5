# shellcheck shell=bash
# MySQL / MariaDB: mysqldump --single-transaction --routines --triggers --events, whose rows
# are counted on their way into the repository (an awk filter that passes the dump
# through), so the record is exactly what the dump holds. With pitr: mariabackup full
# backups every FULL_EVERY seconds and incremental ones at every run in between, plus the
# closed binary logs, fetched from the server and shipped from a spool.
# (Engine interface: engines/files.sh.)

DUMP_NAME=$SERVICE.sql
FULL_NAME=$SERVICE.full.xb
INCR_NAME=$SERVICE.incr.xb
BINLOG_NAME=$SERVICE.binlog.tar
MAIN_NAMES=("$DUMP_NAME")
# A full backup, every incremental after it and the binary logs after it restore together (chain retention).
CHAIN_HEAD=$FULL_NAME
CHAIN_NAMES=("$FULL_NAME" "$INCR_NAME" "$BINLOG_NAME")
EXACT=1
DRILL_USER_DEFAULT=mysql

engine_setup() {
  MYSQL_DATABASE=${BACKUP_GOV_MYSQL_DATABASE:-$DATABASE}
  MYSQL_DEFAULTS_FILE=${BACKUP_GOV_MYSQL_DEFAULTS_FILE:-$CONFIG_DIR/my.cnf}
  RESTORE_DEFAULTS_FILE=${BACKUP_GOV_RESTORE_MYSQL_DEFAULTS_FILE:-$CONFIG_DIR/restore.cnf}
  MYSQL=$(command -v mariadb || command -v mysql || true)
  MYSQLDUMP=$(command -v mariadb-dump || command -v mysqldump || true)
  [[ -n $MYSQL && -n $MYSQLDUMP ]] || die "$EXIT_CONFIG" "the MariaDB/MySQL client is not installed (apt install mariadb-client)"
}
mysql_() { "$MYSQL" --defaults-file="$MYSQL_DEFAULTS_FILE" "$@"; }

# Passes the dump through and counts each table's rows: tuples of INSERT statements, quoted strings removed.
COUNT_AWK=$(
  cat <<'AWK'
{ print }
/^-- Table structure for table `/ {
  n = $0; sub(/^-- Table structure for table `/, "", n); sub(/`$/, "", n)
  if (!(n in rows)) rows[n] = 0
}
{
  if (!ins) {
    if ($0 !~ /^INSERT INTO `/) next
    t = $0; sub(/^INSERT INTO `/, "", t); sub(/`.*$/, "", t)
    v = $0; sub(/^INSERT INTO `[^`]*` VALUES ?/, "", v)
    ins = 1
  } else v = $0
  gsub(/'([^'\\]|\\.)*'/, "", v)
  rows[t] += gsub(/\(/, "", v)
  if (v ~ /;[ \t]*$/) ins = 0
}
END { for (t in rows) printf "table\t%s\t%.0f\n", t, rows[t] > out }
AWK
)
readonly COUNT_AWK

# counts ARGS...: table<TAB>name<TAB>rows of every base table of the connection's database.
COUNT_QUERY_SQL=$(
  cat <<'SQL'
SET SESSION group_concat_max_len = 16777216;
SELECT GROUP_CONCAT(CONCAT('SELECT ''table'', ', QUOTE(table_name), ', COUNT(*) FROM `', REPLACE(table_name, '`', '``'), '`') SEPARATOR ' UNION ALL ')
FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';
SQL
)
readonly COUNT_QUERY_SQL
counts() {
  local query
  query=$("$MYSQL" "$@" -N -B -e "$COUNT_QUERY_SQL")
  if [[ $query != NULL ]]; then "$MYSQL" "$@" -N -B -e "$query"; fi
}

engine_preflight() {
  local err
  need_file "$MYSQL_DEFAULTS_FILE" "client settings of the backup user ([client] user, password, socket or host)"
  err=$(mysql_ -N -e 'SELECT 1' "$MYSQL_DATABASE" 2>&1 >/dev/null) || die "$EXIT_DESTINATION" "cannot connect to database $MYSQL_DATABASE: $(last_lines "$err")"
}

engine_capture() {
  local -a ps
  set +e
  "$MYSQLDUMP" --defaults-file="$MYSQL_DEFAULTS_FILE" --single-transaction --routines --triggers --events --hex-blob "$MYSQL_DATABASE" 9>&- |
    awk -v out="$WORK/capture.body" "$COUNT_AWK" | store_stream "$DUMP_NAME"
  ps=("${PIPESTATUS[@]}")
  set -e
  STORED+=("$DUMP_NAME")
  check_pipe mysqldump "${ps[0]}" "${ps[2]}"
  ((ps[1] == 0)) || die "$EXIT_CAPTURE" "counting the rows of the dump failed"
  SIZE=$(stored_bytes "$DUMP_NAME")
  ITEMS=$(awk -F '\t' '{ n += $3 } END { printf "%.0f", n }' "$WORK/capture.body")
  if ((PITR)); then pitr_capture; fi
}

# --- pitr: mariabackup full/incremental and binary-log shipping ----------------------------
PHYSICAL_KIND=
pitr_capture() {
  local last=0 name lsn
  local -a ps args=(--backup --stream=xbstream --target-dir="$WORK/mb" --extra-lsndir="$WORK/lsn")
  MARIABACKUP=$(command -v mariabackup || command -v mariadb-backup || true)
  [[ -n $MARIABACKUP ]] || die "$EXIT_CONFIG" "mariabackup is not installed (apt install mariadb-backup)"
  if [[ -r $STATE_DIR/last-full ]]; then read -r last <"$STATE_DIR/last-full"; fi
  if ((RUN_EPOCH - last >= FULL_EVERY)) || [[ ! -s $STATE_DIR/last-lsn ]]; then
    PHYSICAL_KIND=full
    name=$FULL_NAME
  else
    PHYSICAL_KIND=incr
    name=$INCR_NAME
    read -r lsn <"$STATE_DIR/last-lsn"
    args+=(--incremental-lsn="$lsn")
  fi
  set +e
  "$MARIABACKUP" --defaults-file="$MYSQL_DEFAULTS_FILE" "${args[@]}" 2>"$WORK/mariabackup.log" 9>&- | store_stream "$name"
  ps=("${PIPESTATUS[@]}")
  set -e
  STORED+=("$name")
  if ((ps[0] != 0)); then warn "mariabackup: $(tail -n 5 "$WORK/mariabackup.log" | tr '\n' ' ')"; fi
  check_pipe "mariabackup ($PHYSICAL_KIND)" "${ps[0]}" "${ps[1]}"
  TO_LSN=$(sed -n 's/^to_lsn = //p' "$WORK/lsn/xtrabackup_checkpoints")
  BINLOG_FILE=$(sed -n "s/^binlog_pos = filename '\([^']*\)'.*/\1/p" "$WORK/lsn/xtrabackup_info")
  printf 'meta\tphysical\t%s\nmeta\tto_lsn\t%s\nmeta\tbinlog_file\t%s\n' "$PHYSICAL_KIND" "$TO_LSN" "$BINLOG_FILE" >>"$WORK/capture.meta"
  ship_into_run || true
}

# Fetches the closed binary logs into the spool and stores the spool as one tar; 1 when nothing changed.
ship_into_run() {
  local log
  local -a logs=()
  MYSQLBINLOG=$(command -v mariadb-binlog || command -v mysqlbinlog || true)
  [[ -n $MYSQLBINLOG ]] || die "$EXIT_CONFIG" "mariadb-binlog is not installed (apt install mariadb-client)"
  mkdir -p "$SPOOL" "$WORK/binlog"
  mysql_ -e 'FLUSH BINARY LOGS' || die "$EXIT_CAPTURE" "FLUSH BINARY LOGS failed (is log_bin on? see binlog.cnf)"
  mapfile -t logs < <(mysql_ -N -B -e 'SHOW BINARY LOGS' | cut -f 1)
  # The last one is the log the server writes now; the others are closed.
  if ((${#logs[@]} > 0)); then unset 'logs[-1]'; fi
  for log in "${logs[@]}"; do
    [[ -s $SPOOL/$log ]] && continue
    "$MYSQLBINLOG" --defaults-file="$MYSQL_DEFAULTS_FILE" --read-from-remote-server --raw --result-file="$WORK/binlog/" "$log" ||
      die "$EXIT_CAPTURE" "fetching binary log $log failed"
    mv "$WORK/binlog/$log" "$SPOOL/$log"
  done
  ship_spool "$BINLOG_NAME" "shipping the binary logs" binlog_files
}

engine_after_commit() {
  local log
  ((PITR)) || return 0
  if [[ -n ${SHIP_FINGERPRINT:-} ]]; then printf '%s\n' "$SHIP_FINGERPRINT" >"$STATE_DIR/last-ship"; fi
  if [[ -n $PHYSICAL_KIND ]]; then printf '%s\n' "$TO_LSN" >"$STATE_DIR/last-lsn"; fi
  if [[ $PHYSICAL_KIND == full ]]; then
    printf '%s\n' "$RUN_EPOCH" >"$STATE_DIR/last-full"
    # Logs before the new full backup's position that this run's tar holds are in shipped runs now.
    [[ -r $WORK/shipped ]] || return 0
    for log in "$SPOOL"/*; do
      if [[ -f $log && $(basename "$log") < $BINLOG_FILE ]] && grep -qxF "$(basename "$log")" "$WORK/shipped"; then rm -f "$log"; fi
    done
  fi
  return 0
}

engine_ship() {
  : >"$WORK/capture.body"
  if ! ship_into_run; then
    info "no new binary logs since the last ship"
    return 1
  fi
  ITEMS=$SHIP_FILES
  SIZE=$(stored_bytes "$BINLOG_NAME")
}

# --- restore -------------------------------------------------------------------------------
# The sections of some tables from a dump (t: their names, the asked-for one first): the header
# (session settings, FOREIGN_KEY_CHECKS=0 among them), then those tables only. Exit 3: no first table.
TABLE_AWK=$(
  cat <<'AWK'
BEGIN { n = split(t, l, " "); for (i = 1; i <= n; i++) want[l[i]] = 1 }
/^-- (Table structure for table|Temporary table structure for view|Final view structure for view) `/ ||
/^-- Dumping (events|routines) for database / {
  name = ""
  if ($0 ~ /^-- Table structure for table `/) { name = $0; sub(/^-- Table structure for table `/, "", name); sub(/`$/, "", name) }
  state = (name != "" && name in want) ? "table" : "other"
  if (name == l[1]) found = 1
}
state == "" || state == "table" { print }
END { if (!found) exit 3 }
AWK
)
readonly TABLE_AWK

engine_restore() {
  local run=$1 name=$2 into=${OPT_INTO:-$MYSQL_DATABASE} s
  local -a ps
  need_file "$RESTORE_DEFAULTS_FILE" "client settings of an account that may restore ([client] user=root, socket=...)"
  [[ $into =~ ^[A-Za-z0-9_$-]+$ ]] || die "$EXIT_USAGE" "--into must be a plain database name"
  # A table restore says what it touches and asks then (restore_tables).
  if [[ $into == "$MYSQL_DATABASE" && -z $OPT_TABLE ]] && ((!OPT_YES)); then
    die "$EXIT_USAGE" "restoring into the live database $into replaces its tables: add --yes, or use --into NEW_DB"
  fi
  "$MYSQL" --defaults-file="$RESTORE_DEFAULTS_FILE" -e "CREATE DATABASE IF NOT EXISTS \`$into\`" || die "$EXIT_RESTORE" "cannot create database $into"
  if [[ -n $OPT_TABLE ]]; then
    restore_tables "$run" "$name" "$into"
    return
  fi
  info "restoring run $run into database $into"
  set +e
  fetch_stream "$run" "$name" | "$MYSQL" --defaults-file="$RESTORE_DEFAULTS_FILE" "$into"
  ps=("${PIPESTATUS[@]}")
  set -e
  for s in "${ps[@]}"; do ((s == 0)) || die "$EXIT_RESTORE" "the restore failed (exits ${ps[*]})"; done
}

restore_sql() { "$MYSQL" --defaults-file="$RESTORE_DEFAULTS_FILE" -N -B "$@"; }

# referencing_tables DB TABLE: the tables of DB whose foreign keys point at TABLE, directly or through others.
referencing_tables() {
  local db=$1 t r seen=" $2 "
  local -a queue=("$2")
  while ((${#queue[@]} > 0)); do
    t=${queue[0]}
    queue=("${queue[@]:1}")
    while read -r r; do
      [[ -n $r && $seen != *" $r "* ]] || continue
      [[ $r =~ ^[A-Za-z0-9_$]+$ ]] || die "$EXIT_RESTORE" "table '$r' references $t: its name is not plain, restore it by hand"
      seen+="$r "
      queue+=("$r")
      printf '%s\n' "$r"
    done < <(restore_sql -e "SELECT DISTINCT TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '$db' AND REFERENCED_TABLE_NAME = '$t'")
  done
}

# load_tables RUN NAME DB TABLES: the sections of TABLES ("a b c", the asked-for one first) from the
# dump into DB; returns 3 when the dump has no first table, 1 when loading failed.
load_tables() {
  local s
  local -a ps
  set +e
  fetch_stream "$1" "$2" | awk -v t="$4" "$TABLE_AWK" | restore_sql "$3"
  ps=("${PIPESTATUS[@]}")
  set -e
  ((ps[1] != 3)) || return 3
  for s in "${ps[@]}"; do ((s == 0)) || return 1; done
}

# orphans STAGE LIVE TABLES: one line per foreign key of the staged TABLES whose rows point at no row
# (of the staged table when its parent is among TABLES, of the live one otherwise), with the count.
orphans() {
  local stage=$1 live=$2 tables=" $3 " fk child parent cols pcols query n
  while IFS=$'\t' read -r fk child parent cols pcols; do
    [[ -n $fk ]] || continue
    local pdb=$live cond="" notnull="" i
    [[ $tables == *" $parent "* ]] && pdb=$stage
    local -a c p
    IFS=, read -r -a c <<<"$cols"
    IFS=, read -r -a p <<<"$pcols"
    for i in "${!c[@]}"; do
      cond+="${cond:+ AND }p.\`${p[i]}\` = c.\`${c[i]}\`"
      notnull+="${notnull:+ AND }c.\`${c[i]}\` IS NOT NULL"
    done
    query="SELECT COUNT(*) FROM \`$stage\`.\`$child\` c WHERE $notnull AND NOT EXISTS (SELECT 1 FROM \`$pdb\`.\`$parent\` p WHERE $cond)"
    n=$(restore_sql -e "$query") || die "$EXIT_RESTORE" "checking foreign key $fk failed"
    ((n == 0)) || printf '%s (%s -> %s): %s rows\n' "$fk" "$child" "$parent" "$n"
  done < <(restore_sql -e "SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME,
      GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION), GROUP_CONCAT(REFERENCED_COLUMN_NAME ORDER BY ORDINAL_POSITION)
    FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = '$stage' AND REFERENCED_TABLE_NAME IS NOT NULL
    GROUP BY CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME")
}

# restore_tables RUN NAME INTO: --table, with every table that references it (dropping a referenced
# table alone would leave rows pointing at rows the restored one may not have). They are loaded into
# a scratch database first and their foreign keys checked there against the live tables; only
# then are they loaded into INTO (MariaDB cannot roll back DROP/CREATE TABLE).
restore_tables() {
  local run=$1 name=$2 into=$3 others stage bad="" rc
  [[ $OPT_TABLE =~ ^[A-Za-z0-9_$]+$ ]] || die "$EXIT_USAGE" "--table must be a plain table name"
  others=$(referencing_tables "$into" "$OPT_TABLE" | paste -sd ' ')
  if [[ -n $others ]]; then
    confirm_plan "restoring $OPT_TABLE in $into also drops and reloads, from run $run, the tables that reference it: $others (their rows would otherwise point at rows the restored table may not have); the foreign keys are checked first in a scratch database"
  elif [[ $into == "$MYSQL_DATABASE" ]]; then
    confirm_plan "restoring $OPT_TABLE in the live database $into replaces it with its rows of run $run"
  fi
  stage="bgov_check_$$"
  restore_sql -e "CREATE DATABASE \`$stage\`" || die "$EXIT_RESTORE" "cannot create the scratch database $stage"
  rc=0
  load_tables "$run" "$name" "$stage" "$OPT_TABLE${others:+ $others}" || rc=$?
  if ((rc == 0)); then bad=$(orphans "$stage" "$into" "$OPT_TABLE${others:+ $others}") || rc=1; fi
  restore_sql -e "DROP DATABASE \`$stage\`" || warn "could not drop the scratch database $stage"
  ((rc != 3)) || die "$EXIT_RESTORE" "run $run has no table $OPT_TABLE"
  ((rc == 0)) || die "$EXIT_RESTORE" "loading $OPT_TABLE${others:+ and $others} from run $run into a scratch database failed; nothing was changed"
  [[ -z $bad ]] || die "$EXIT_RESTORE" "nothing was changed: rows of run $run would point at rows $into no longer has: $(paste -sd ';' <<<"$bad") (restore the parent tables too, or the whole database)"
  info "restoring $OPT_TABLE${others:+ and $others} of run $run into $into"
  load_tables "$run" "$name" "$into" "$OPT_TABLE${others:+ $others}" || die "$EXIT_RESTORE" "loading $OPT_TABLE${others:+ and $others} from run $run into $into failed"
}

# --- point-in-time restore: full + incrementals prepared, then binary logs up to the time ---
# prepare_backups TARGET FULL_RUN INCR_RUN...: the full backup and its incrementals applied in TARGET; sets INFO_FILE.
prepare_backups() {
  local target=$1 full_run=$2 run n=0
  shift 2
  info "preparing the full backup of run $full_run in $target"
  fetch_stream "$full_run" "$FULL_NAME" | mbstream -x -C "$target" || die "$EXIT_RESTORE" "extracting the full backup failed"
  "$MARIABACKUP" --prepare --target-dir="$target" >"$WORK/prepare.log" 2>&1 || die "$EXIT_RESTORE" "preparing the full backup failed: $(tail -n 3 "$WORK/prepare.log")"
  INFO_FILE=$target/xtrabackup_binlog_info
  for run in "$@"; do
    n=$((n + 1))
    mkdir -p "$WORK/incr$n"
    fetch_stream "$run" "$INCR_NAME" | mbstream -x -C "$WORK/incr$n" || die "$EXIT_RESTORE" "extracting the incremental backup of run $run failed"
    "$MARIABACKUP" --prepare --target-dir="$target" --incremental-dir="$WORK/incr$n" >"$WORK/prepare.log" 2>&1 ||
      die "$EXIT_RESTORE" "applying the incremental backup of run $run failed: $(tail -n 3 "$WORK/prepare.log")"
    INFO_FILE=$WORK/incr$n/xtrabackup_binlog_info
  done
  PREPARED_KIND=$( ((n > 0)) && echo incremental || echo full)
}

# binlog_continuous LOG...: how many of the sorted binary logs follow each other without a hole
# (name.000041, name.000042, ...): retention keeps chains whole, but a chain kept for an old dump
# can be followed by the logs of a later chain whose full backup was pruned.
binlog_continuous() {
  local n=0 prev="" num log
  for log in "$@"; do
    [[ ${log##*.} =~ ^[0-9]+$ ]] || break
    num=$((10#${log##*.}))
    if [[ -n $prev ]] && ((num != prev + 1)); then break; fi
    prev=$num
    n=$((n + 1))
  done
  printf '%s\n' "$n"
}

# binlog_last_event LOG: the UTC time of the last event in one binary log (empty when unreadable).
binlog_last_event() {
  local stamp
  stamp=$(TZ=UTC "$MYSQLBINLOG" "$1" 2>/dev/null | grep -oE '^#[0-9]{6} +[0-9]{1,2}:[0-9]{2}:[0-9]{2}' | tail -n 1 || true)
  [[ -n $stamp ]] || return 0
  stamp=${stamp#\#}
  date -u -d "20${stamp:0:2}-${stamp:2:2}-${stamp:4:2} ${stamp:7}" '+%Y-%m-%d %H:%M:%S UTC'
}

engine_restore_to_time() {
  ((PITR)) || die "$EXIT_USAGE" "--to-time needs pitr: this service ships no binary logs"
  local target=$OPT_DATADIR owner=${OPT_OWNER:-mysql} when full_run run binlog_file binlog_pos logdir
  local -a incr_runs=() log_runs=() logs=()
  MARIABACKUP=$(command -v mariabackup || command -v mariadb-backup || true)
  MYSQLBINLOG=$(command -v mariadb-binlog || command -v mysqlbinlog || true)
  [[ -n $MARIABACKUP && -n $MYSQLBINLOG ]] || die "$EXIT_CONFIG" "mariabackup and mariadb-binlog are needed (apt install mariadb-backup mariadb-client)"
  need_tool mbstream "apt install mariadb-backup"
  [[ -n $target ]] || die "$EXIT_USAGE" "--to-time needs --datadir DIR (a new, empty data directory)"
  if [[ -e $target ]] && [[ -n $(find "$target" -mindepth 1 -maxdepth 1 | head -n 1) ]]; then die "$EXIT_USAGE" "$target is not empty"; fi
  when=$(date -u -d "$OPT_TO_TIME" +%Y%m%dT%H%M%SZ) || die "$EXIT_USAGE" "cannot read --to-time '$OPT_TO_TIME'"
  full_run=$(good_runs "$FULL_NAME" | awk -F '\t' -v t="$when" '$1 <= t { r = $1 } END { print r }')
  [[ -n $full_run ]] || die "$EXIT_RESTORE" "no full backup was taken before $OPT_TO_TIME"
  mapfile -t incr_runs < <(good_runs "$INCR_NAME" | awk -F '\t' -v f="$full_run" -v t="$when" '$1 > f && $1 <= t { print $1 }')
  while IFS=$'\t' read -r run _; do
    [[ $run < $full_run ]] && continue
    log_runs+=("$run")
    [[ $run > $when ]] && break
  done < <(good_runs "$BINLOG_NAME")
  mkdir -p "$target"
  prepare_backups "$target" "$full_run" "${incr_runs[@]}"
  read -r binlog_file binlog_pos _ <"$INFO_FILE"
  logdir=${target%/}.binlogs
  mkdir -p "$logdir"
  for run in "${log_runs[@]}"; do
    fetch_stream "$run" "$BINLOG_NAME" | tar -C "$logdir" --skip-old-files -xf - || die "$EXIT_RESTORE" "extracting the binary logs of run $run failed"
  done
  mapfile -t logs < <(find "$logdir" -maxdepth 1 -type f -name '*.[0-9]*' -printf '%f\n' | sort | awk -v f="$binlog_file" '$0 >= f')
  local continuous reach
  continuous=$(binlog_continuous "${logs[@]}")
  if ((continuous < ${#logs[@]})); then
    # A hole: the logs of a pruned chain are missing. Replaying across it would skip its events and
    # return a database that never was; up to the last event before it, all is there.
    reach=$(cd "$logdir" && binlog_last_event "${logs[continuous - 1]}")
    if [[ -z $reach ]] || (($(date -u -d "$reach" +%s) < $(date -u -d "$OPT_TO_TIME" +%s))); then
      die "$EXIT_RESTORE" "the binary logs kept after the full backup of run $full_run stop before $OPT_TO_TIME: the log after ${logs[continuous - 1]} is missing (its run was pruned or never shipped), so the database as it was then cannot be rebuilt. This chain reaches ${reach:-its backups}: pick a time before that, or restore a dump (restore.sh --run RUN)"
    fi
    logs=("${logs[@]:0:continuous}")
  fi
  if ((${#logs[@]} > 0)) && [[ ${logs[0]} == "$binlog_file" ]]; then
    (cd "$logdir" && TZ=UTC "$MYSQLBINLOG" --start-position="$binlog_pos" --stop-datetime="$(date -u -d "$OPT_TO_TIME" '+%Y-%m-%d %H:%M:%S')" "${logs[@]}") >"$logdir/replay.sql" ||
      die "$EXIT_RESTORE" "reading the binary logs failed"
  else
    warn "no shipped binary log starts at $binlog_file: the restore ends at the last backup ($PREPARED_KIND)"
    : >"$logdir/replay.sql"
  fi
  chown -R "$owner:" "$target"
  info "ready: start MariaDB with --datadir=$target, then replay: mariadb < $logdir/replay.sql"
}

# --- drill: a scratch server started as DRILL_USER, never the live one ----------------------
# drill_server_start DIR: sets DRILL_CLIENT (a client command line) and DRILL_STOP.
drill_server_start() {
  local dir=$1 i
  chown "$DRILL_USER:" "$dir"
  as_drill_user mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
    die "$EXIT_RESTORE" "mariadb-install-db for the scratch server failed: $(tail -n 3 "$dir/install.log")"
  as_drill_user "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --skip-networking --pid-file="$dir/mysqld.pid" --log-error="$dir/server.log" 9>&- >/dev/null 2>&1 &
  DRILL_PID=$!
  DRILL_CLIENT=("$MYSQL" --no-defaults --socket="$dir/mysqld.sock" -uroot)
  DRILL_STOP=("$(command -v mariadb-admin || command -v mysqladmin)" --no-defaults --socket="$dir/mysqld.sock" -uroot shutdown)
  for i in $(seq 1 121); do
    "${DRILL_CLIENT[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$DRILL_PID" 2>/dev/null || die "$EXIT_RESTORE" "the scratch server did not start: $(tail -n 3 "$dir/server.log")"
    ((i <= 120)) || die "$EXIT_RESTORE" "the scratch server did not answer within 60 s"
    sleep 0.5
  done
}

engine_drill() {
  local run=$1 name=$2 dir t0
  local -a ps
  dir=$(mktemp -d "$DRILL_ROOT/backup-gov-$SERVICE-drill.XXXXXX")
  DRILL_DIR=$dir
  drill_server_start "$dir"
  "${DRILL_CLIENT[@]}" -e 'CREATE DATABASE drill'
  t0=$(date +%s.%N)
  set +e
  fetch_stream "$run" "$name" | "${DRILL_CLIENT[@]}" drill
  ps=("${PIPESTATUS[@]}")
  set -e
  ((ps[0] == 0)) || die "$EXIT_RESTORE" "reading $name of run $run failed (exit ${ps[0]})"
  ((ps[1] == 0)) || die "$EXIT_RESTORE" "loading the dump into the scratch server failed (exit ${ps[1]})"
  DRILL_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  counts "${DRILL_CLIENT[@]:1}" -D drill >"$WORK/restored.body"
}
