# shellcheck shell=bash
# What every app-backup script shares: settings, repository choice, the service's lock,
# a run's identity, exit-code mapping, AWS credentials, metrics and run bookkeeping.
#
# The service's constants come from its service.conf (data written by TypeScript, every
# value quoted); the operator's settings from its env file. Nothing here is per service.

# info/die and the checks every script makes before it starts (log and warn: lib/log.sh).
info() { log 6 "$*"; }
die() {
  local code=$1
  shift
  log 3 "$*"
  exit "$code"
}
need_tool() { command -v "$1" >/dev/null 2>&1 || die "$EXIT_CONFIG" "$1 is not installed ($2)"; }
need_file() { [[ -r $1 ]] || die "$EXIT_CONFIG" "cannot read $1 ($2)"; }
last_lines() { printf '%s' "$1" | tail -n 3 | tr '\n' ' '; }

# load_env: reads the env file and sets the paths every script uses.
load_env() {
  ENV_FILE=${BACKUP_GOV_ENV:-$ENV_FILE_DEFAULT}
  [[ -r $ENV_FILE ]] || die "$EXIT_CONFIG" "cannot read $ENV_FILE: install it from the bundle and fill it in (see README.md)"
  # BACKUP_GOV_* settings given in the environment win over the file (one-off runs: another repository, a drill elsewhere).
  local overrides
  overrides=$(declare -px | grep -E '^declare -x BACKUP_GOV_[A-Z0-9_]+=' | sed 's/^declare -x /declare -gx /' || true)
  # shellcheck source=/dev/null
  . "$ENV_FILE"
  eval "$overrides"
  REPOSITORY=${BACKUP_GOV_REPOSITORY:-}
  OFFSITE_REPOSITORY=${BACKUP_GOV_OFFSITE_REPOSITORY:-}
  HOST_TAG=${BACKUP_GOV_HOST:-$HOST_DEFAULT}
  STATE_DIR=${BACKUP_GOV_STATE_DIR:-$STATE_DIR_DEFAULT}
  CACHE_DIR=${BACKUP_GOV_CACHE_DIR:-$CACHE_DIR_DEFAULT}
  TEXTFILE_DIR=${BACKUP_GOV_TEXTFILE_DIR:-$TEXTFILE_DIR_DEFAULT}
  WORK_ROOT=${BACKUP_GOV_WORK_DIR:-$STATE_DIR/work}
  PASSWORD_FILE=${BACKUP_GOV_PASSWORD_FILE:-$CONFIG_DIR/repository-password}
  SPOOL=${BACKUP_GOV_SPOOL_DIR:-$SPOOL_DIR_DEFAULT}
  mkdir -p "$STATE_DIR" "$CACHE_DIR" "$WORK_ROOT"
}

# use_repository primary|offsite: picks the repository; offsite copies are read without locks.
use_repository() {
  READ_ONLY=0
  case $1 in
    primary)
      REPO=$REPOSITORY
      [[ -n $REPO ]] || die "$EXIT_CONFIG" "BACKUP_GOV_REPOSITORY is empty in $ENV_FILE (fill it in from the Terraform output named there)"
      ;;
    offsite)
      REPO=$OFFSITE_REPOSITORY
      [[ -n $REPO ]] || die "$EXIT_USAGE" "this service has no offsite copy (BACKUP_GOV_OFFSITE_REPOSITORY is empty in $ENV_FILE)"
      READ_ONLY=1
      ;;
  esac
  need_file "$PASSWORD_FILE" "the repository password; fetch it from ${SECRETS_REF:-the secret store}"
  tool_setup
}

# try_lock SECONDS: waits up to SECONDS (0: not at all) for the service's lock. The holder writes
# who it is beside the lock, so that whoever waits (or gives up) can say what holds it.
try_lock() {
  local wait=$1 holder
  [[ $wait =~ ^[0-9]+$ ]] || die "$EXIT_CONFIG" "BACKUP_GOV_LOCK_WAIT must be a whole number of seconds, not '$wait' (fix it in $ENV_FILE)"
  need_tool flock "apt install util-linux"
  exec 9>>"$STATE_DIR/lock" || die "$EXIT_CONFIG" "cannot open $STATE_DIR/lock (is $STATE_DIR writable?)"
  if ! flock -n 9; then
    ((wait > 0)) || return 1
    holder=$(lock_holder)
    info "$holder holds the lock of $SERVICE: waiting up to $wait s for it to finish"
    flock -w "$wait" 9 || return 1
  fi
  printf '%s (pid %s, since %s)\n' "${LOG_NAME:-a run}" "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STATE_DIR/lock.holder"
}
# lock_holder: what the holder wrote, when that process still runs.
lock_holder() {
  local line pid
  if [[ -r $STATE_DIR/lock.holder ]] && read -r line <"$STATE_DIR/lock.holder"; then
    pid=$(sed -n 's/.*(pid \([0-9]*\),.*/\1/p' <<<"$line")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      printf '%s' "$line"
      return 0
    fi
  fi
  printf 'a process that did not say who it is (fuser -v %s names it)' "$STATE_DIR/lock"
}
# take_lock SECONDS: a lock still held after the wait ends the run with EXIT_LOCKED, naming the holder.
take_lock() {
  try_lock "$1" || die "$EXIT_LOCKED" "another run of $SERVICE holds $STATE_DIR/lock: $(lock_holder) (waited $1 s; BACKUP_GOV_LOCK_WAIT sets the wait)"
}

# new_run: a run's identity is its UTC start, which is also the time every unit of the run carries.
new_run() {
  RUN_EPOCH=$(date +%s)
  RUN_ID=$(date -u -d "@$RUN_EPOCH" +%Y%m%dT%H%M%SZ)
  WORK=$(mktemp -d "$WORK_ROOT/run.XXXXXX")
}

# map_exit STATUS: the scripts' own codes are kept; any other failure takes the code of the stage (FAIL_CODE).
map_exit() {
  local code
  for code in "${EXIT_CODES[@]}"; do
    if [[ $1 == "$code" ]]; then
      printf '%s' "$1"
      return 0
    fi
  done
  printf '%s' "$FAIL_CODE"
}

# check_pipe WHAT PRODUCER_STATUS STORE_STATUS: status checks of a producer | store pipeline.
check_pipe() {
  (($3 == 0)) || die "$EXIT_STORE" "storing $1 failed (exit $3)"
  (($2 == 0)) || die "$EXIT_CAPTURE" "$1 failed (exit $2); the partial $TOOL_NOUN is forgotten"
}

# store_tar DIR NAME WHAT [LIST]: stores the folder DIR (or the names in the file LIST) as one tar NAME in the current run.
store_tar() {
  local dir=$1 name=$2 what=$3
  local -a ps paths=(.)
  if (($# > 3)); then paths=(--verbatim-files-from -T "$4"); fi
  set +e
  tar -C "$dir" -cf - "${paths[@]}" | store_stream "$name"
  ps=("${PIPESTATUS[@]}")
  set -e
  STORED+=("$name")
  check_pipe "$what" "${ps[0]}" "${ps[1]}"
}

# ship_spool NAME WHAT META_KEY: stores the files of $SPOOL as one tar NAME in the current run,
# unless they are the same (names and sizes) as at the last ship: then returns 1. Files still
# being written (*.part: wal-archive.sh renames them when complete) are left for the next ship.
# Sets SHIP_FILES and SHIP_FINGERPRINT; engine_after_commit records the fingerprint.
ship_spool() {
  local name=$1 what=$2 key=$3 fingerprint last="" count
  fingerprint=$(find "$SPOOL" -maxdepth 1 -type f ! -name '*.part' -printf '%f %s\n' | sort | md5sum | cut -d ' ' -f 1)
  count=$(find "$SPOOL" -maxdepth 1 -type f ! -name '*.part' | wc -l)
  if [[ -r $STATE_DIR/last-ship ]]; then read -r last <"$STATE_DIR/last-ship"; fi
  if ((count == 0)) || [[ $fingerprint == "$last" ]]; then
    return 1
  fi
  # The names tar stores are the only ones a cleanup may remove later: a file that lands after the tar is not shipped yet.
  find "$SPOOL" -maxdepth 1 -type f ! -name '*.part' -printf '%f\n' | sort >"$WORK/shipped"
  store_tar "$SPOOL" "$name" "$what" "$WORK/shipped"
  printf 'meta\t%s\t%s\n' "$key" "$count" >>"$WORK/capture.meta"
  SHIP_FILES=$count
  SHIP_FINGERPRINT=$fingerprint
}

# aws_credentials: AWS access to an S3 destination, from a shared credentials file or IAM Roles Anywhere.
aws_credentials() {
  local source=${BACKUP_GOV_AWS_CREDENTIALS:-$AWS_CREDENTIALS_DEFAULT}
  [[ $source == none ]] && return 0
  export AWS_REGION=${AWS_REGION:-$AWS_REGION_DEFAULT}
  case $source in
    shared-file)
      need_file "${AWS_SHARED_CREDENTIALS_FILE:-}" "the IAM user's access key (AWS_SHARED_CREDENTIALS_FILE; see README.md, key rotation)"
      export AWS_SHARED_CREDENTIALS_FILE
      ;;
    roles-anywhere)
      need_tool aws_signing_helper "the IAM Roles Anywhere credential helper"
      need_tool jq "JSON parsing"
      local var creds
      for var in RA_CERTIFICATE RA_PRIVATE_KEY RA_TRUST_ANCHOR_ARN RA_PROFILE_ARN RA_ROLE_ARN; do
        [[ -n ${!var:-} ]] || die "$EXIT_CONFIG" "$var is empty in $ENV_FILE (IAM Roles Anywhere)"
      done
      creds=$(aws_signing_helper credential-process --certificate "$RA_CERTIFICATE" --private-key "$RA_PRIVATE_KEY" \
        --trust-anchor-arn "$RA_TRUST_ANCHOR_ARN" --profile-arn "$RA_PROFILE_ARN" --role-arn "$RA_ROLE_ARN" --region "$AWS_REGION") ||
        die "$EXIT_DESTINATION" "IAM Roles Anywhere gave no credentials (certificate, trust anchor, profile or role wrong?)"
      AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId <<<"$creds")
      AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey <<<"$creds")
      AWS_SESSION_TOKEN=$(jq -r .SessionToken <<<"$creds")
      export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
      ;;
    *) die "$EXIT_CONFIG" "BACKUP_GOV_AWS_CREDENTIALS must be shared-file, roles-anywhere or none" ;;
  esac
}

# heartbeat BYTES: the CloudWatch heartbeat of a successful run, where the service sends one.
heartbeat() {
  ((HEARTBEAT_ENABLED)) || return 0
  [[ ${BACKUP_GOV_HEARTBEAT:-1} == 1 ]] || return 0
  put_heartbeat "$1" "$ESTATE" "$SERVICE" "$ENGINE" --region "$AWS_REGION" || warn "CloudWatch heartbeat failed (the textfile metrics were written)"
}

# metric NAME HELP VALUE: one gauge with this service's labels.
metric() {
  metric_labeled "$1" "$2" "$(metric_labels "$SERVICE" "$ENGINE" "$TARGET")" "$3"
}

# The objective series: a constant per service, so rules and dashboards need no per-service numbers.
objective_metrics() {
  metric "$METRIC_RPO" "$HELP_RPO" "$RPO_SECONDS"
  metric "$METRIC_RTO" "$HELP_RTO" "$RTO_SECONDS"
}

# Textfiles that cannot be written are reported (write_textfile warns) but never fail a run.
publish() { write_textfile "$1" || true; }

# as_drill_user CMD...: scratch database servers refuse to run as root; their temporary files go into the drill's folder.
as_drill_user() {
  if ((EUID == 0)); then
    setpriv --reuid="$DRILL_USER" --regid="$(id -g "$DRILL_USER")" --init-groups -- env TMPDIR="${DRILL_DIR:-/tmp}" "$@"
  else
    env TMPDIR="${DRILL_DIR:-/tmp}" "$@"
  fi
}

# confirm_plan TEXT: the plan is said; --yes, or a "y" typed at a terminal, lets it go ahead.
confirm_plan() {
  local answer
  info "$1"
  ((OPT_YES)) && return 0
  if [[ -t 0 ]]; then
    read -r -p "go ahead? [y/N] " answer
    [[ $answer == [yY]* ]] && return 0
  fi
  die "$EXIT_USAGE" "nothing was changed: add --yes to go ahead"
}

# --- runs and their units ----------------------------------------------------------------
# Every stored unit (restic snapshot / borg archive) belongs to one run (run=<UTC start>) and
# has a name (<service>.pgdump, files, ... and <name>.capture for its record). A run is good
# for a name only when <name>.capture exists: the record is stored last.

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
  awk -F '\t' -v current="${RUN_ID:-}" '
    NF == 3 { key = $1 "\t" $2; id[key] = $3; have[key] = 1 }
    END {
      for (k in have) {
        if (substr(k, 1, length(current) + 1) == current "\t" && current != "") continue
        if (k ~ /\.capture$/) { base = substr(k, 1, length(k) - 8); if (!(base in have)) print id[k] }
        else if (!((k ".capture") in have)) print id[k]
      }
    }' <<<"$STORED_LIST"
}

# --- retention that knows chains -------------------------------------------------------
# The keep-* flags are applied by the tool to every name that restores on its own (retention_names).
# Units of CHAIN_NAMES restore only together: a full (or base) backup, every incremental after it
# and the logs after it, up to the next full. A chain is kept whole while any run in it still holds
# a restore point of MAIN_NAMES, and the newest chain always; a chain without one goes whole.
# Units older than the first full are kept (nothing to judge them by).

# retention_names: the stored names the tool's keep-* flags apply to (everything but the chains).
retention_names() {
  local chain
  chain=$(printf '%s\n' "${CHAIN_NAMES[@]}" | sed -e '/^$/d' -e 'p' -e 's/$/.capture/')
  cut -f 2 <<<"$STORED_LIST" | sort -u | grep -vxF -f <(printf '%s\n' "$chain" | sed '/^$/d') || true
}

# chain_units_to_forget: IDs of the chain units whose chain holds no kept restore point (after refresh_stored).
chain_units_to_forget() {
  ((${#CHAIN_NAMES[@]} > 0)) || return 0
  local names mains
  names=$(printf '%s\n' "${CHAIN_NAMES[@]}")
  mains=$(printf '%s\n' "${MAIN_NAMES[@]}")
  awk -F '\t' -v head="$CHAIN_HEAD" -v names="$names" -v mains="$mains" '
    BEGIN {
      n = split(names, l, "\n"); for (i = 1; i <= n; i++) { chain[l[i]] = 1; chain[l[i] ".capture"] = 1 }
      n = split(mains, l, "\n"); for (i = 1; i <= n; i++) main[l[i]] = 1
    }
    NF == 3 { have[$1 "\t" $2] = 1; row[++rows] = $0; if ($2 in main) kept[$1] = 1 }
    END {
      # Chain starts: runs holding a complete head (the head and its capture record); the list is in run order.
      for (i = 1; i <= rows; i++) { split(row[i], f, "\t"); if (f[2] == head && ((f[1] "\t" head ".capture") in have)) start[++s] = f[1] }
      for (i = 1; i <= rows; i++) {
        split(row[i], f, "\t")
        c[i] = 0
        for (j = s; j >= 1; j--) if (start[j] <= f[1]) { c[i] = j; break }
        if (c[i] > 0 && (f[1] in kept)) keep[c[i]] = 1
      }
      keep[s] = 1
      for (i = 1; i <= rows; i++) { split(row[i], f, "\t"); if ((f[2] in chain) && c[i] > 0 && !(c[i] in keep)) print f[3] }
    }' <<<"$STORED_LIST"
}

# forget_run RUN: everything this run stored.
forget_run() {
  local -a ids
  refresh_stored
  mapfile -t ids < <(awk -F '\t' -v r="$1" '$1 == r { print $3 }' <<<"$STORED_LIST")
  forget_units "${ids[@]}"
}
