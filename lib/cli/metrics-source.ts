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
      const value = sampleValue(m.value ?? "");
      // The parser takes any word for a value; a gauge that is not a number is a broken writer.
      if (Number.isNaN(value)) invalid.push(`${family.name}: value ${JSON.stringify(m.value)} is not a number`);
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
    names = readdirSync(dir)
      .filter((f) => f.endsWith(".prom") && !f.startsWith("."))
      .sort();
  } catch (e) {
    throw Errors.metricsUnreadable(dir, (e as Error).message);
  }
  const samples: MetricSample[] = [];
  const warnings: string[] = [];
  const sources: string[] = [];
  const firstSeen = new Map<string, string>();
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
      for (const sample of parsed.samples) {
        // node_exporter refuses a series collected twice (and with it the whole textfile collector).
        const key = seriesKey(sample.name, sample.labels);
        const first = firstSeen.get(key);
        if (first !== undefined)
          warnings.push(
            `${file}: ${key} is also in ${first}; node_exporter rejects a series given twice, and status uses the latest value`,
          );
        else firstSeen.set(key, file);
      }
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

/** How long `--prometheus` waits for each answer, headers and body. @default 10 seconds */
export const PROMETHEUS_TIMEOUT_MS = 10_000;
/** Largest Prometheus answer read, after decompression (a gzip bomb stops here). */
export const MAX_PROMETHEUS_BYTES = 16 * 1024 * 1024;

/** Limits of one Prometheus read. */
export interface PrometheusLimits {
  /** @default PROMETHEUS_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default MAX_PROMETHEUS_BYTES */
  readonly maxBytes?: number;
}

/**
 * One GET, bounded in time (the whole exchange, body included: a server that drips bytes
 * is cut off too) and in the bytes read after decompression.
 */
async function getBounded(
  url: string,
  limits: Required<PrometheusLimits>,
): Promise<{ status: number; ok: boolean; text: string }> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const res = await fetch(url, { signal, headers: { accept: "application/json" } });
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > limits.maxBytes) {
          await reader.cancel();
          throw new Error(
            `the answer is larger than ${limits.maxBytes} bytes (decompressed); at most that much is read`,
          );
        }
        chunks.push(value);
      }
    }
    return { status: res.status, ok: res.ok, text: Buffer.concat(chunks).toString("utf8") };
  } catch (e) {
    if (signal.aborted) throw new Error(`no complete answer within ${limits.timeoutMs / 1000} s`);
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(cause ? `${(e as Error).message} (${cause})` : (e as Error).message);
  }
}

/** A result row of an instant vector query, when it has that shape. */
function vectorRow(r: unknown): { labels: Record<string, string>; value: string } | undefined {
  if (!r || typeof r !== "object") return undefined;
  const { metric, value } = r as { metric?: unknown; value?: unknown };
  if (!metric || typeof metric !== "object" || Array.isArray(metric)) return undefined;
  if (!Object.values(metric).every((v) => typeof v === "string")) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== "string") return undefined;
  return { labels: metric as Record<string, string>, value: value[1] };
}

/** Prometheus' own spelling of sample values: a decimal number, +Inf, -Inf or NaN. */
export function sampleValue(text: string): number {
  const t = text.trim();
  if (t === "+Inf" || t === "Inf") return Infinity;
  if (t === "-Inf") return -Infinity;
  return t === "" ? NaN : Number(t);
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
 * last-run result of every service (or what `queries` names). Every answer is distrusted: bounded in time and size,
 * and rows of another shape are reported, not read.
 */
export async function queryPrometheus(
  baseUrl: string,
  limits: PrometheusLimits = {},
  queries: ReadonlyArray<readonly [string, string]> = FRESHNESS_QUERIES,
): Promise<MetricsRead> {
  const bounds = {
    timeoutMs: limits.timeoutMs ?? PROMETHEUS_TIMEOUT_MS,
    maxBytes: limits.maxBytes ?? MAX_PROMETHEUS_BYTES,
  };
  const base = baseUrl.replace(/\/+$/, "");
  const samples: MetricSample[] = [];
  const warnings: string[] = [];
  for (const [name, query] of queries) {
    const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}`;
    let result: unknown[];
    try {
      const res = await getBounded(url, bounds);
      let body: { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
      try {
        body = JSON.parse(res.text) as typeof body;
      } catch {
        throw new Error(`HTTP ${res.status}, and the answer is not JSON`);
      }
      if (!body || typeof body !== "object") throw new Error("the answer is not a JSON object");
      if (!res.ok || body.status !== "success")
        throw new Error(typeof body.error === "string" ? body.error : `HTTP ${res.status}`);
      if (body.data?.resultType !== "vector" || !Array.isArray(body.data.result))
        throw new Error('the answer is not an instant vector (data.resultType "vector" with a data.result list)');
      result = body.data.result;
    } catch (e) {
      throw Errors.metricsUnreadable(base, (e as Error).message);
    }
    const seen = new Set<string>();
    let malformed = 0;
    for (const r of result) {
      const row = vectorRow(r);
      const value = row ? sampleValue(row.value) : NaN;
      if (!row || !row.labels.service || Number.isNaN(value)) {
        malformed++;
        continue;
      }
      const key = seriesKey(name, row.labels);
      if (seen.has(key)) warnings.push(`${base}: ${key} is answered more than once; the latest value is used`);
      seen.add(key);
      samples.push({ name, labels: row.labels, value });
    }
    if (malformed)
      warnings.push(`${base}: ${malformed} ${name} result(s) without a service label or a number were ignored`);
  }
  return { samples, warnings, sources: [base] };
}

/** A series as Prometheus prints it: name{label="value",...}, labels sorted. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",")}}`;
}

/** The latest success per service and whether any of its jobs' last run failed. */
export function observe(samples: readonly MetricSample[]): Map<string, ServiceObservation> {
  const out = new Map<string, { lastSuccessByEngine: Record<string, number>; lastRunFailed?: boolean }>();
  for (const s of samples) {
    const id = s.labels.service;
    if (!id) continue;
    const o = out.get(id) ?? { lastSuccessByEngine: {} };
    const engine = s.labels.engine ?? "";
    if (s.name === Metrics.lastSuccess)
      o.lastSuccessByEngine[engine] = Math.max(o.lastSuccessByEngine[engine] ?? -Infinity, s.value);
    if (s.name === Metrics.lastRunSuccess) o.lastRunFailed = (o.lastRunFailed ?? false) || s.value === 0;
    out.set(id, o);
  }
  return out;
}
