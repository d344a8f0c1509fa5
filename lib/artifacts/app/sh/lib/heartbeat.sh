# shellcheck shell=bash
# The CloudWatch heartbeat: the datapoint whose absence the alarm notices. Shared by the
# app-backup scripts and the vzdump hook; names from constants.sh (lib/core/metrics.ts).

# put_heartbeat ESTATE SERVICE [BYTES] [AWS CLI OPTIONS...]: 1 when the aws CLI is missing or the call fails.
put_heartbeat() {
  local estate=$1 service=$2 size=${3:-} dims
  shift 3 || shift $#
  if ! command -v aws >/dev/null 2>&1; then
    warn "aws CLI missing: CloudWatch heartbeat of $service not sent"
    return 1
  fi
  dims="Dimensions=[{Name=${HEARTBEAT_DIMENSIONS[0]},Value=$estate},{Name=${HEARTBEAT_DIMENSIONS[1]},Value=$service}]"
  local -a data=("MetricName=$HEARTBEAT_SUCCESS_METRIC,Value=1,Unit=Count,$dims")
  if [[ -n $size ]]; then data+=("MetricName=$HEARTBEAT_SIZE_METRIC,Value=$size,Unit=Bytes,$dims"); fi
  aws cloudwatch put-metric-data "$@" --namespace "$HEARTBEAT_NAMESPACE" --metric-data "${data[@]}" >/dev/null
}
