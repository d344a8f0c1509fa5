# shellcheck shell=bash
# MongoDB: mongodump --archive --gzip (of the whole replica set with --oplog, so the dump is
# consistent to one point in time; of the one database otherwise). The record is what
# mongodump itself reports per collection ("done dumping db.c (N documents)"). With --oplog
# the archive also replays writes made during the dump, so a drill compares the collections
# and warns about count differences instead of failing on them.
# (Engine interface: engines/files.sh.)

DUMP_NAME=$SERVICE.archive.gz
MAIN_NAMES=("$DUMP_NAME")
# No chains: every unit restores on its own.
CHAIN_HEAD=
CHAIN_NAMES=()
EXACT=$([[ -n $REPLICA_SET ]] && echo 0 || echo 1)
DRILL_USER_DEFAULT=mongodb

engine_setup() {
  MONGO_DATABASE=${BACKUP_GOV_MONGO_DATABASE:-$DATABASE}
  MONGO_CONFIG=${BACKUP_GOV_MONGO_CONFIG:-$CONFIG_DIR/mongodump.yaml}
  RESTORE_MONGO_CONFIG=${BACKUP_GOV_RESTORE_MONGO_CONFIG:-$CONFIG_DIR/mongorestore.yaml}
  need_tool mongodump "MongoDB Database Tools"
  need_tool mongorestore "MongoDB Database Tools"
}
# Collections as reported by mongodump/mongorestore logs, without the server's own namespaces.
collections_of_log() {
  sed -n 's/.*done dumping \([^ ]*\) (\([0-9]*\) documents\{0,1\})$/collection\t\1\t\2/p' "$1" |
    awk -F '\t' '$2 !~ /^(admin|local|config)\./ && $2 !~ /\.system\./'
}

engine_preflight() {
  local err
  need_file "$MONGO_CONFIG" "mongodump settings of the backup user (uri:, password:)"
  err=$(mongodump --config="$MONGO_CONFIG" --db="$MONGO_DATABASE" --collection=backup_gov_preflight --archive=/dev/null 2>&1) ||
    die "$EXIT_DESTINATION" "cannot connect to MongoDB: $(last_lines "$err")"
}

engine_capture() {
  local -a ps args=(--config="$MONGO_CONFIG" --archive --gzip)
  if [[ -n $REPLICA_SET ]]; then
    # --oplog needs the whole instance: it cannot be combined with --db.
    args+=(--oplog)
  else
    args+=(--db="$MONGO_DATABASE")
  fi
  set +e
  mongodump "${args[@]}" 2>"$WORK/mongodump.log" 9>&- | store_stream "$DUMP_NAME"
  ps=("${PIPESTATUS[@]}")
  set -e
  STORED+=("$DUMP_NAME")
  if ((ps[0] != 0)); then warn "mongodump: $(tail -n 5 "$WORK/mongodump.log" | tr '\n' ' ')"; fi
  check_pipe mongodump "${ps[0]}" "${ps[1]}"
  collections_of_log "$WORK/mongodump.log" >"$WORK/capture.body"
  SIZE=$(stored_bytes "$DUMP_NAME")
  ITEMS=$(awk -F '\t' '{ n += $3 } END { printf "%.0f", n }' "$WORK/capture.body")
}

engine_after_commit() { :; }

engine_restore() {
  local run=$1 name=$2 into=${OPT_INTO:-$MONGO_DATABASE}
  local -a ps args
  need_file "$RESTORE_MONGO_CONFIG" "mongorestore settings of an account that may restore (uri:, password:)"
  if [[ $into == "$MONGO_DATABASE" ]] && ((!OPT_YES)); then
    die "$EXIT_USAGE" "restoring into the live database $into drops and replaces its collections: add --yes, or use --into NEW_DB"
  fi
  args=(--config="$RESTORE_MONGO_CONFIG" --archive --gzip --drop)
  if [[ -n $OPT_TABLE ]]; then
    args+=(--nsInclude="$MONGO_DATABASE.$OPT_TABLE")
  else
    args+=(--nsInclude="$MONGO_DATABASE.*")
  fi
  if [[ $into != "$MONGO_DATABASE" ]]; then
    args+=(--nsFrom="$MONGO_DATABASE.*" --nsTo="$into.*")
  fi
  info "restoring run $run into database $into${OPT_TABLE:+ (collection $OPT_TABLE only)}"
  set +e
  fetch_stream "$run" "$name" | mongorestore "${args[@]}"
  ps=("${PIPESTATUS[@]}")
  set -e
  ((ps[0] == 0 && ps[1] == 0)) || die "$EXIT_RESTORE" "mongorestore failed (fetch exit ${ps[0]}, mongorestore exit ${ps[1]})"
}

engine_restore_to_time() { die "$EXIT_USAGE" "--to-time is not available for mongodb: dumps are consistent to their end (--oplog), not continuous"; }

# --- drill: a scratch mongod started as DRILL_USER, never the live one ----------------------
COUNT_JS=$(
  cat <<'JS'
db.adminCommand({ listDatabases: 1 }).databases.forEach(function (d) {
  if (["admin", "local", "config"].indexOf(d.name) >= 0) return;
  var s = db.getSiblingDB(d.name);
  s.getCollectionNames().forEach(function (c) {
    if (c.indexOf("system.") === 0) return;
    print("collection\t" + d.name + "." + c + "\t" + s.getCollection(c).countDocuments({}));
  });
});
JS
)
readonly COUNT_JS

drill_server_start() {
  local dir=$1 port=$2 i
  mkdir -p "$dir/db"
  chown -R "$DRILL_USER:" "$dir"
  as_drill_user mongod --dbpath "$dir/db" --bind_ip 127.0.0.1 --port "$port" --unixSocketPrefix "$dir" --logpath "$dir/mongod.log" 9>&- >/dev/null 2>&1 &
  DRILL_PID=$!
  DRILL_STOP=(mongosh --quiet --host 127.0.0.1 --port "$port" admin --eval 'db.shutdownServer()')
  for i in $(seq 1 121); do
    mongosh --quiet --host 127.0.0.1 --port "$port" --eval 'db.runCommand({ ping: 1 }).ok' >/dev/null 2>&1 && break
    kill -0 "$DRILL_PID" 2>/dev/null || die "$EXIT_RESTORE" "the scratch mongod did not start: $(tail -n 3 "$dir/mongod.log")"
    ((i <= 120)) || die "$EXIT_RESTORE" "the scratch mongod did not answer within 60 s"
    sleep 0.5
  done
}

engine_drill() {
  local run=$1 name=$2 dir port=27499 t0
  local -a ps restore_args=(--host=127.0.0.1 --port="$port" --archive --gzip)
  need_tool mongod "MongoDB server, for the scratch instance of the drill"
  need_tool mongosh "MongoDB shell"
  dir=$(mktemp -d "$DRILL_ROOT/backup-gov-$SERVICE-drill.XXXXXX")
  DRILL_DIR=$dir
  drill_server_start "$dir" "$port"
  if [[ -n $REPLICA_SET ]]; then restore_args+=(--oplogReplay); fi
  t0=$(date +%s.%N)
  set +e
  fetch_stream "$run" "$name" | mongorestore "${restore_args[@]}" 2>"$WORK/mongorestore.log"
  ps=("${PIPESTATUS[@]}")
  set -e
  ((ps[0] == 0)) || die "$EXIT_RESTORE" "reading $name of run $run failed (exit ${ps[0]})"
  ((ps[1] == 0)) || die "$EXIT_RESTORE" "mongorestore into the scratch mongod failed: $(tail -n 3 "$WORK/mongorestore.log" | tr '\n' ' ')"
  DRILL_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  mongosh --quiet --host 127.0.0.1 --port "$port" --eval "$COUNT_JS" >"$WORK/restored.body"
}
