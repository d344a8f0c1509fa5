# shellcheck shell=bash
# Prometheus textfile writing, shared by the app-backup scripts and the vzdump hook: the
# metric names and HELP texts come from constants.sh (rendered from lib/core/metrics.ts).

# metric_labeled NAME HELP LABELS VALUE: one gauge family, HELP and TYPE right before its sample.
metric_labeled() {
  printf '# HELP %s %s\n# TYPE %s gauge\n%s{%s} %s\n' "$1" "$2" "$1" "$1" "$3" "$4"
}

# label_escape VALUE: a label value in the text format (backslash, double quote and newline escaped).
label_escape() {
  local v=${1//\\/\\\\}
  v=${v//\"/\\\"}
  printf '%s' "${v//$'\n'/\\n}"
}

# metric_labels SERVICE ENGINE TARGET: the labels every series carries, in METRIC_LABELS order.
metric_labels() {
  printf '%s="%s",%s="%s",%s="%s"' "${METRIC_LABELS[0]}" "$(label_escape "$1")" "${METRIC_LABELS[1]}" "$(label_escape "$2")" "${METRIC_LABELS[2]}" "$(label_escape "$3")"
}

# write_textfile FILE: stdin becomes FILE atomically (temp file in the same folder, then rename).
# A folder that is missing or not writable is reported and returns 1; the caller decides.
write_textfile() {
  local file=$1 dir tmp
  dir=$(dirname "$file")
  if [[ ! -d $dir ]]; then
    warn "the textfile collector folder $dir does not exist: metrics not written"
    cat >/dev/null
    return 1
  fi
  if ! tmp=$(mktemp "$dir/.$(basename "$file").XXXXXX"); then
    warn "cannot write metrics into $dir"
    cat >/dev/null
    return 1
  fi
  if cat >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$file"; then
    return 0
  fi
  # A full disk stops cat mid-stream: read the rest, so that the writer gets no SIGPIPE (exit 141).
  cat >/dev/null || true
  rm -f "$tmp"
  warn "writing $file failed (disk full?): metrics not written"
  return 1
}
