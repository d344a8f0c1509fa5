import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readCapped } from "../private/read-capped";

/** Largest textfile read (node_exporter's own files are kilobytes). */
const MAX_TEXTFILE_BYTES = 16 * 1024 * 1024;
import parsePrometheusText = require("parse-prometheus-text-format");
import { Metrics } from "../core/metrics";
import { Errors } from "../errors";
import type { ServiceObservation } from "../policy/freshness";

/** One sample of a backup metric, as read from a textfile or a Prometheus query. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What a metrics source gave: the samples, and what could not be read (never dropped silently). */
export interface MetricsRead {
  readonly samples: readonly MetricSample[];
  readonly warnings: readonly string[];
  /** Files read, or the URL queried. */
  readonly sources: readonly string[];
}

/** The metric names of the contract (lib/core/metrics.ts): everything else in a textfile is ignored. */
const CONTRACT: ReadonlySet<string> = new Set(Object.values(Metrics));

/** Parses one textfile's content; throws on text that is not the Prometheus text format. */
export function parseTextfile(text: string): { samples: MetricSample[]; invalid: string[] } {
  const samples: MetricSample[] = [];
  const invalid: string[] = [];
  for (const family of parsePrometheusText(text)) {
    if (!CONTRACT.has(family.name)) continue;
    for (const m of family.metrics) {
      const value = Number(m.value);
      // The parser takes any word for a value; a gauge that is not a number is a broken writer.
      if (m.value === undefined || m.value.trim() === "" || Number.isNaN(value)) invalid.push(`${family.name}: value ${JSON.stringify(m.value)} is not a number`);
      else samples.push({ name: family.name, labels: m.labels ?? {}, value });
    }
  }
  return { samples, invalid };
}

/**
 * Reads every `*.prom` file of a node_exporter textfile folder (not the `.`-prefixed
 * temporary files writers rename from). A file that does not parse is reported as a
 * warning, and the others are still read.
 */
export function readTextfileDir(dir: string): MetricsRead {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a folder");
    names = readdirSync(dir).filter((f) => f.endsWith(".prom") && !f.startsWith(".")).sort();
  } catch (e) {
    throw Errors.metricsUnreadable(dir, (e as Error).message);
  }
  const samples: MetricSample[] = [];
  const warnings: string[] = [];
  const sources: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      // A textfile is small; a FIFO or device named *.prom in the folder is refused, not read forever.
      const bytes = readCapped(file, MAX_TEXTFILE_BYTES);
      if (bytes.length > MAX_TEXTFILE_BYTES) {
        warnings.push(`${file}: larger than ${MAX_TEXTFILE_BYTES / 1048576} MiB; skipped`);
        continue;
      }
      const parsed = parseTextfile(bytes.toString("utf8"));
      samples.push(...parsed.samples);
      warnings.push(...parsed.invalid.map((w) => `${file}: ${w}`));
      sources.push(file);
    } catch (e) {
      warnings.push(`${file}: not in the Prometheus text format (${(e as Error).message}); skipped`);
    }
  }
  if (names.length === 0) warnings.push(`${dir}: no *.prom files`);
  return { samples, warnings, sources };
}

/** The fetch this module uses; injectable for tests. */
export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

interface PromResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; value?: [number, string] }> };
}

/** What `status` asks Prometheus: [metric, PromQL] pairs. */
export const FRESHNESS_QUERIES: ReadonlyArray<readonly [string, string]> = [
  // Per source (engine): every source of a service must be fresh, as the alert rules demand.
  [Metrics.lastSuccess, `max by (service, engine) (${Metrics.lastSuccess})`],
  [Metrics.lastRunSuccess, `min by (service) (${Metrics.lastRunSuccess})`],
];

/** What the coverage report asks besides: drill results (with the lines they compared) and log shipping. */
export const EVIDENCE_QUERIES: ReadonlyArray<readonly [string, string]> = [
  [Metrics.drillLastSuccess, `max by (service, engine) (${Metrics.drillLastSuccess})`],
  [Metrics.drillSuccess, `min by (service, engine) (${Metrics.drillSuccess})`],
  [Metrics.drillDuration, `max by (service, engine) (${Metrics.drillDuration})`],
  [Metrics.shipLastSuccess, `max by (service, engine) (${Metrics.shipLastSuccess})`],
  [Metrics.drillItems, `max by (service, engine) (${Metrics.drillItems})`],
];

/**
 * Asks a Prometheus server (its HTTP API, `/api/v1/query`) for the latest success and
 * last-run result of every service (or what `queries` names).
 */
export async function queryPrometheus(baseUrl: string, fetchImpl: Fetch = fetch as unknown as Fetch, queries: ReadonlyArray<readonly [string, string]> = FRESHNESS_QUERIES): Promise<MetricsRead> {
  const base = baseUrl.replace(/\/+$/, "");
  const samples: MetricSample[] = [];
  const warnings: string[] = [];
  for (const [name, query] of queries) {
    const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}`;
    let body: PromResponse;
    try {
      const res = await fetchImpl(url);
      body = (await res.json()) as PromResponse;
      if (!res.ok || body.status !== "success") throw new Error(body.error ?? `HTTP ${res.status}`);
    } catch (e) {
      throw Errors.metricsUnreadable(base, (e as Error).message);
    }
    for (const r of body.data?.result ?? []) {
      const value = Number(r.value?.[1]);
      if (!r.metric?.service || Number.isNaN(value)) {
        warnings.push(`${base}: a ${name} result without a service or a number was ignored`);
        continue;
      }
      samples.push({ name, labels: r.metric, value });
    }
  }
  return { samples, warnings, sources: [base] };
}

/** The latest success per service and whether any of its jobs' last run failed. */
export function observe(samples: readonly MetricSample[]): Map<string, ServiceObservation> {
  const out = new Map<string, { lastSuccessByEngine: Record<string, number>; lastRunFailed?: boolean }>();
  for (const s of samples) {
    const id = s.labels.service;
    if (!id) continue;
    const o = out.get(id) ?? { lastSuccessByEngine: {} };
    const engine = s.labels.engine ?? "";
    if (s.name === Metrics.lastSuccess) o.lastSuccessByEngine[engine] = Math.max(o.lastSuccessByEngine[engine] ?? -Infinity, s.value);
    if (s.name === Metrics.lastRunSuccess) o.lastRunFailed = (o.lastRunFailed ?? false) || s.value === 0;
    out.set(id, o);
  }
  return out;
}
