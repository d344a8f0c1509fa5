import type { EstateContext } from "./context";

/** Monitoring: notification wiring, AWS Backup signals, heartbeats, audit, Prometheus and Grafana artifacts. */
export function buildMonitoring(ctx: EstateContext): void {
  void ctx;
}
