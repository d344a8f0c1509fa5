# shellcheck shell=bash
# The CloudWatch heartbeat: the datapoint whose absence the alarm notices. Shared by the
# app-backup scripts and the vzdump hook; names from constants.sh (lib/core/metrics.ts).

# heartbeat_dimensions ESTATE SERVICE SOURCE: the series' dimensions in put-metric-data shorthand,
# in the order and with the names of HEARTBEAT_DIMENSIONS.
heartbeat_dimensions() {
  local name value out=""
  for name in "${HEARTBEAT_DIMENSIONS[@]}"; do
    case $name in
      Estate) value=$1 ;;
      Service) value=$2 ;;
      Source) value=$3 ;;
      *)
        warn "unknown heartbeat dimension $name"
        return 1
        ;;
    esac
    out+="${out:+,}{Name=$name,Value=$value}"
  done
  printf 'Dimensions=[%s]' "$out"
}

# put_heartbeat BYTES ESTATE SERVICE SOURCE [AWS CLI OPTIONS...]: 1 when the aws CLI is missing or the call fails.
put_heartbeat() {
  local size=$1 dims
  if ! command -v aws >/dev/null 2>&1; then
    warn "aws CLI missing: CloudWatch heartbeat of $3 not sent"
    return 1
  fi
  dims=$(heartbeat_dimensions "$2" "$3" "$4") || return 1
  shift 4
  local -a data=("MetricName=$HEARTBEAT_SUCCESS_METRIC,$dims,Value=1,Unit=Count")
  if [[ -n $size ]]; then data+=("MetricName=$HEARTBEAT_SIZE_METRIC,$dims,Value=$size,Unit=Bytes"); fi
  aws cloudwatch put-metric-data "$@" --namespace "$HEARTBEAT_NAMESPACE" --metric-data "${data[@]}" >/dev/null
}
