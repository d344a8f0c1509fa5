import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { METRIC_LABELS, Metrics, textfileName } from "../../lib/core/metrics";

/** One job's textfile, in the contract's format (lib/core/metrics.ts; docs/monitoring.md). */
export function writeTextfile(
  dir: string,
  s: {
    service: string;
    engine: string;
    target: string;
    kind: "backup" | "drill" | "vzdump";
    lastSuccess?: number;
    lastRun: number;
    ok: boolean;
    size?: number;
  },
): string {
  mkdirSync(dir, { recursive: true });
  const labels = METRIC_LABELS.map((l) => `${l}="${s[l]}"`).join(",");
  const gauge = (name: string, v: number) =>
    `# HELP ${name} backup metric\n# TYPE ${name} gauge\n${name}{${labels}} ${v}\n`;
  let text = "";
  if (s.lastSuccess !== undefined) text += gauge(Metrics.lastSuccess, s.lastSuccess);
  text += gauge(Metrics.lastRun, s.lastRun) + gauge(Metrics.lastRunSuccess, s.ok ? 1 : 0) + gauge(Metrics.duration, 42);
  if (s.size !== undefined) text += gauge(Metrics.size, s.size);
  const file = join(dir, textfileName(s.service, s.kind));
  writeFileSync(file, text);
  return file;
}

/** A restore drill's textfile (verify.sh): last result, last success, the restore's seconds and the lines compared. */
export function writeDrillTextfile(
  dir: string,
  s: {
    service: string;
    engine: string;
    target: string;
    ok: boolean;
    lastSuccess: number;
    seconds: number;
    items?: number;
  },
): string {
  mkdirSync(dir, { recursive: true });
  const labels = METRIC_LABELS.map((l) => `${l}="${s[l]}"`).join(",");
  const gauge = (name: string, v: number) =>
    `# HELP ${name} backup metric\n# TYPE ${name} gauge\n${name}{${labels}} ${v}\n`;
  const text =
    gauge(Metrics.drillSuccess, s.ok ? 1 : 0) +
    gauge(Metrics.drillLastSuccess, s.lastSuccess) +
    gauge(Metrics.drillDuration, s.seconds) +
    (s.items !== undefined ? gauge(Metrics.drillItems, s.items) : "");
  const file = join(dir, textfileName(s.service, "drill"));
  writeFileSync(file, text);
  return file;
}
