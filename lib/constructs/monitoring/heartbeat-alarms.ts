import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Duration } from "../../core/duration";
import { Heartbeat, heartbeatDimensions } from "../../core/metrics";
import { absenceAlarm } from "./alarms";
import type { AlertingScope } from "./scope";

/** One service whose backups must keep arriving: its heartbeat and size alarms. */
export interface HeartbeatServiceProps {
  /** The catalog id, the `Service` dimension of the heartbeat metrics. */
  readonly serviceId: string;
  /**
   * Which of the service's backups this alarm watches: the `Source` dimension (the
   * Prometheus `engine` label: `postgresql`, `mysql`, `mongodb`, `files`, `vzdump`). A service
   * backed up by more than one source gets one entry per source, so that one source's
   * successes never hide another's failures. Alarm ids and names then carry the source.
   * @default - no `Source` dimension: only for heartbeats written without one
   */
  readonly source?: string;
  /**
   * How long without a successful run before the alarm fires (the service's freshness
   * threshold: RPO or job cadence, plus margin).
   *
   * PROVIDER NOTE: CloudWatch evaluates at most 7 days (period × evaluation periods ≤
   * 604,800 s); a longer window is cut to 7 days.
   */
  readonly window: Duration;
  /**
   * The period of the size metric for the anomaly band: how often runs happen.
   * @default - one day
   */
  readonly sizePeriod?: Duration;
  /**
   * Whether to alarm when the backup size leaves its anomaly-detection band.
   * @default true
   */
  readonly sizeAnomaly?: boolean;
}

/** Props of {@link HeartbeatAlarms}. */
export interface HeartbeatAlarmsProps {
  /** The services watched. */
  readonly services: readonly HeartbeatServiceProps[];
}

/**
 * Freshness of the backups this library runs itself (app-level dumps, vzdump): per service
 * and source, an alarm on the heartbeat metric that treats missing data as breaching over the
 * service's window (the alarm that fires when nothing happened), and an anomaly-detection
 * alarm on the backup size (a dump that suddenly shrinks is often an empty one).
 */
export class HeartbeatAlarms {
  /** Every alarm, in the order created. */
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: AlertingScope, props: HeartbeatAlarmsProps) {
    for (const h of props.services) this.watch(scope, h);
  }

  private watch(scope: AlertingScope, h: HeartbeatServiceProps): void {
    const { construct, provider, estate, topicArn } = scope;
    const dimensions: Record<string, string> =
      h.source !== undefined
        ? heartbeatDimensions(estate, h.serviceId, h.source)
        : { [Heartbeat.dimensions[0]]: estate, [Heartbeat.dimensions[1]]: h.serviceId };
    const tail = h.source !== undefined ? `${h.serviceId}-${h.source}` : h.serviceId;
    const what = h.source !== undefined ? `${h.source} backup of ${h.serviceId}` : `backup of ${h.serviceId}`;
    this.alarms.push(
      absenceAlarm(scope, `Heartbeat-${tail}`, h.window, {
        provider,
        alarmName: `${estate}-${tail}-backup-heartbeat`,
        alarmDescription: `No successful ${what} reported for ${h.window} (heartbeat ${Heartbeat.namespace}/${Heartbeat.successMetric})`,
        namespace: Heartbeat.namespace,
        metricName: Heartbeat.successMetric,
        dimensions,
      }),
    );
    if (h.sizeAnomaly === false) return;
    const sizePeriod = Math.min(86400, Math.max(3600, (h.sizePeriod?.toMinutes() ?? 1440) * 60));
    this.alarms.push(
      new CloudwatchMetricAlarm(construct, `SizeAnomaly-${tail}`, {
        provider,
        alarmName: `${estate}-${tail}-backup-size-anomaly`,
        alarmDescription: `The size of the ${what} left its expected band (${Heartbeat.namespace}/${Heartbeat.sizeMetric})`,
        comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
        evaluationPeriods: 1,
        thresholdMetricId: "band",
        // A missing size is the heartbeat alarm's business.
        treatMissingData: "notBreaching",
        metricQuery: [
          {
            id: "size",
            returnData: true,
            metric: {
              namespace: Heartbeat.namespace,
              metricName: Heartbeat.sizeMetric,
              dimensions,
              stat: "Maximum",
              period: sizePeriod,
            },
          },
          { id: "band", returnData: true, expression: "ANOMALY_DETECTION_BAND(size, 2)", label: "expected size" },
        ],
        alarmActions: [topicArn],
        okActions: [topicArn],
      }),
    );
  }
}
