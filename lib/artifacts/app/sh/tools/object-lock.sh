# shellcheck shell=bash
# lock-extend.sh: keeps the objects of this service's repository locked on a bucket with
# S3 Object Lock. The bucket's default retention locks each object version for LOCK_DAYS from
# its own upload (S3 user guide, "Object Lock"); a deduplicating repository (restic) keeps
# referencing packs uploaded long before, which would otherwise fall out of their lock while
# every kept snapshot still needs them. This job extends each current object's retention
# (PutObjectRetention with a later retain-until date) so that every object stays locked for at
# least LOCK_DAYS from now.
#
# What it locks: every current object under the repository's prefix except restic's lock
# files. backup.sh prunes after each run, and restic's prune removes every pack no snapshot
# references, so the current objects are the ones kept snapshots reference (a pack prune keeps
# because it is partly used is referenced too); a pruned pack becomes a noncurrent version
# (a delete marker hides it) and is no longer extended: its lock ends, then lifecycle expires it.
#
# It never shortens a retention: an object already locked until the threshold or later is
# left alone, the new date is always later than the current one, and it never sends
# x-amz-bypass-governance-retention (the identity has no s3:BypassGovernanceRetention, and its
# IAM policy caps the date it may set at LOCK_DAYS + LOCK_STEP_DAYS + 1 days from the request).

# on_lock_exit STATUS: metrics of the run (a locked-out run writes none), then the run's exit code.
on_lock_exit() {
  local rc
  rc=$(map_exit "$1")
  trap - EXIT
  if [[ $rc != "$EXIT_LOCKED" && -n $TEXTFILE ]]; then write_lock_metrics "$rc"; fi
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}

# write_lock_metrics STATUS: the job's freshness (last success), outcome and the earliest
# retain-until date of the repository's current objects as the last successful run left them.
write_lock_metrics() {
  local rc=$1 last_success=0 min_until=0
  if [[ -r $STATE_DIR/last-lock-extend ]]; then read -r last_success min_until <"$STATE_DIR/last-lock-extend"; fi
  if ((rc == 0)); then
    last_success=$(date +%s)
    min_until=$LOCK_MIN_UNTIL
    printf '%s %s\n' "$last_success" "$min_until" >"$STATE_DIR/last-lock-extend"
  fi
  {
    metric "$METRIC_LOCK_EXTEND_SUCCESS" "$HELP_LOCK_EXTEND_SUCCESS" "$((rc == 0 ? 1 : 0))"
    metric "$METRIC_LOCK_EXTEND_LAST_SUCCESS" "$HELP_LOCK_EXTEND_LAST_SUCCESS" "$last_success"
    metric "$METRIC_LOCK_MIN_RETAIN_UNTIL" "$HELP_LOCK_MIN_RETAIN_UNTIL" "$min_until"
    # shellcheck disable=SC2153 # LOCK_DAYS is set by service.conf
    metric "$METRIC_LOCK_DAYS" "$HELP_LOCK_DAYS" "$LOCK_DAYS"
  } | publish "$TEXTFILE"
}

# lock_aws OPERATION ARGS...: an s3api call in the bucket's Region; its error output goes to $WORK/err.
lock_aws() {
  local op=$1
  shift
  "$LOCK_AWS" s3api "$op" --region "$LOCK_REGION" "$@" 2>"$WORK/err"
}

# lock_retention KEY: prints "MODE EPOCH" of the current version's retention ("NONE 0" without one).
lock_retention() {
  local got mode until
  if ! got=$(lock_aws get-object-retention --bucket "$LOCK_BUCKET" --key "$1" --query 'Retention.[Mode,RetainUntilDate]' --output text); then
    if grep -q 'NoSuchObjectLockConfiguration' "$WORK/err"; then
      printf 'NONE 0\n'
      return 0
    fi
    return 1
  fi
  read -r mode until <<<"$got"
  [[ -n $mode && $mode != None && -n $until ]] || {
    printf 'NONE 0\n'
    return 0
  }
  printf '%s %s\n' "$mode" "$(date -u -d "$until" +%s)"
}

lock_extend_main() {
  (($# == 0)) || die "$EXIT_USAGE" "lock-extend.sh takes no arguments"
  FAIL_CODE=$EXIT_CONFIG
  WORK=''
  TEXTFILE=''
  LOCK_MIN_UNTIL=0
  trap 'on_lock_exit $?' EXIT
  [[ -n ${LOCK_BUCKET:-} ]] || die "$EXIT_CONFIG" "the bucket of $SERVICE has no Object Lock: there is no retention to extend"
  load_env
  TEXTFILE=${BACKUP_GOV_LOCK_TEXTFILE:-$TEXTFILE_DIR/$LOCK_TEXTFILE_NAME}
  LOCK_AWS=${BACKUP_GOV_AWS_CLI:-aws}
  need_tool "$LOCK_AWS" "apt install awscli"
  # A prune running meanwhile would delete packs between the listing and their extension: wait for it.
  take_lock "${BACKUP_GOV_LOCK_WAIT:-1800}"
  new_run
  FAIL_CODE=$EXIT_DESTINATION
  aws_credentials

  local now threshold target target_iso key mode until listed=0 extended=0 kept=0
  now=$(date +%s)
  # Extended once it would end within LOCK_MARGIN_DAYS beyond LOCK_DAYS, to LOCK_STEP_DAYS beyond:
  # a daily run leaves every object locked for at least LOCK_DAYS at any moment, and touches each
  # object about once every LOCK_STEP_DAYS - LOCK_MARGIN_DAYS days rather than every day.
  threshold=$((now + (LOCK_DAYS + LOCK_MARGIN_DAYS) * 86400))
  target=$((now + (LOCK_DAYS + LOCK_STEP_DAYS) * 86400))
  target_iso=$(date -u -d "@$target" +%Y-%m-%dT%H:%M:%SZ)

  lock_aws list-objects-v2 --bucket "$LOCK_BUCKET" --prefix "$LOCK_PREFIX" --query 'Contents[].[Key]' --output text >"$WORK/keys" ||
    die "$EXIT_DESTINATION" "listing s3://$LOCK_BUCKET/$LOCK_PREFIX failed: $(last_lines "$(cat "$WORK/err")")"
  FAIL_CODE=$EXIT_RETENTION
  LOCK_MIN_UNTIL=$target
  while IFS= read -r key; do
    [[ -n $key && $key != None ]] || continue
    # restic's lock files come and go with every run; they hold no backup data.
    [[ $key == "${LOCK_PREFIX}locks/"* ]] && continue
    listed=$((listed + 1))
    if ! read -r mode until < <(lock_retention "$key"); then
      # Deleted since the listing (a prune of another host's run): nothing left to protect.
      if grep -q 'NoSuchKey\|Not Found\|404' "$WORK/err"; then continue; fi
      die "$EXIT_RETENTION" "reading the retention of s3://$LOCK_BUCKET/$key failed: $(last_lines "$(cat "$WORK/err")")"
    fi
    if ((until >= threshold)); then
      kept=$((kept + 1))
      if ((until < LOCK_MIN_UNTIL)); then LOCK_MIN_UNTIL=$until; fi
      continue
    fi
    # The object's own mode is kept (an object without retention takes the bucket's); the date
    # only ever moves later: target > threshold > until.
    [[ $mode == NONE ]] && mode=$LOCK_MODE
    # S3 needs a checksum on this request (PutObjectRetention API reference: Content-MD5 or an
    # x-amz-checksum-* header); --checksum-algorithm makes the CLI send one whatever its release.
    lock_aws put-object-retention --bucket "$LOCK_BUCKET" --key "$key" --checksum-algorithm SHA256 \
      --retention "Mode=$mode,RetainUntilDate=$target_iso" >/dev/null ||
      die "$EXIT_RETENTION" "extending the retention of s3://$LOCK_BUCKET/$key to $target_iso failed: $(last_lines "$(cat "$WORK/err")")"
    extended=$((extended + 1))
  done <"$WORK/keys"
  ((listed > 0)) || LOCK_MIN_UNTIL=0
  info "object lock of s3://$LOCK_BUCKET/$LOCK_PREFIX: $listed object(s), $extended extended to $target_iso, $kept already locked long enough"
  exit "$EXIT_OK"
}
