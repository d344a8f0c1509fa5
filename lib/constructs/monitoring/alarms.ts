import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Duration } from "../../core/duration";
import type { AlertingScope } from "./scope";

/** CloudWatch's longest evaluation range: period × evaluation periods. */
const MAX_EVALUATION_SECONDS = 7 * 86400;

/**
 * Period and number of periods covering `seconds`: hourly periods (a day or more of them
 * allowed), minutes below an hour, and at most CloudWatch's seven days.
 */
export function evaluationWindow(seconds: number): { period: number; periods: number; capped: boolean } {
  const capped = seconds > MAX_EVALUATION_SECONDS;
  const s = Math.min(seconds, MAX_EVALUATION_SECONDS);
  const period = s >= 3600 ? 3600 : 60;
  return { period, periods: Math.max(1, Math.ceil(s / period)), capped };
}

/** What an absence alarm watches; the rest (statistic, periods, actions) is the alarm's own. */
export type AbsenceAlarmMetric = Pick<
  CloudwatchMetricAlarmConfig,
  "provider" | "alarmName" | "alarmDescription" | "namespace" | "metricName" | "dimensions"
>;

/**
 * An alarm on a count that must reach 1 in every window: fewer than one (or no data at
 * all, which is what a stopped backup sends) for the whole window alarms.
 */
export function absenceAlarm(
  scope: AlertingScope,
  id: string,
  window: Duration,
  metric: AbsenceAlarmMetric,
): CloudwatchMetricAlarm {
  const { period, periods } = evaluationWindow(window.toMinutes() * 60);
  return new CloudwatchMetricAlarm(scope.construct, id, {
    ...metric,
    statistic: "Sum",
    period,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    // Nothing arriving is exactly what this alarm is for.
    treatMissingData: "breaching",
    alarmActions: [scope.topicArn],
    okActions: [scope.topicArn],
  });
}
