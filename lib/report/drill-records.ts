import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * One restore drill as the host recorded it: a line of `<state dir>/<service>/drills.tsv`, which
 * verify.sh appends after every drill it ran, passed or failed (lib/artifacts/app/sh/lib/drill-record.sh).
 */
export interface DrillRecord {
  /** Unix time the drill ended. */
  readonly finished: number;
  readonly service: string;
  readonly engine: string;
  readonly host: string;
  /** The backup run the drill restored (its UTC start, e.g. 20250101T010000Z); empty when it failed before choosing one. */
  readonly run: string;
  readonly passed: boolean;
  readonly exitCode: number;
  /** Seconds the restore took; null when the drill failed before its restore. */
  readonly restoreSeconds: number | null;
  /** Capture-record lines the drill matched; null unless it passed. */
  readonly itemsCompared: number | null;
  readonly rtoSeconds: number;
  /** Where the line came from: file (relative to the folder read) and line number. */
  readonly source: string;
}

/** The records read from a folder, and the lines that were not records (never guessed into one). */
export interface DrillRecords {
  readonly records: readonly DrillRecord[];
  readonly skipped: readonly string[];
}

const FILE = "drills.tsv";
const INT = /^[0-9]+$/;
const NUM = /^[0-9]+(\.[0-9]+)?$/;

/** A line of drills.tsv as a record, or why it is not one. */
export function parseDrillRecord(line: string, source: string): DrillRecord | string {
  const f = line.split("\t");
  if (f.length !== 10) return `${source}: ${f.length} fields, not 10`;
  const [finished, service, engine, host, run, result, code, seconds, items, rto] = f;
  if (!INT.test(finished) || !INT.test(code) || !INT.test(rto))
    return `${source}: time, exit code or RTO is not a whole number`;
  if (result !== "pass" && result !== "fail") return `${source}: result is '${result}', not pass or fail`;
  if ((seconds !== "" && !NUM.test(seconds)) || (items !== "" && !INT.test(items)))
    return `${source}: restore seconds or lines compared is not a number`;
  if (!service) return `${source}: no service`;
  return {
    finished: Number(finished),
    service,
    engine,
    host,
    run,
    passed: result === "pass",
    exitCode: Number(code),
    restoreSeconds: seconds === "" ? null : Number(seconds),
    itemsCompared: items === "" ? null : Number(items),
    rtoSeconds: Number(rto),
    source,
  };
}

/**
 * Every `drills.tsv` under `dir` (any depth: copy each host's state folder, e.g.
 * `rsync host:/var/lib/backup-gov/ DIR/host/`), newest first. Each line names its service, so the
 * layout of the folder does not matter.
 */
export function readDrillRecords(dir: string): DrillRecords {
  const records: DrillRecord[] = [];
  const skipped: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (e === FILE) {
        const rel = relative(dir, p).split("\\").join("/");
        readFileSync(p, "utf8")
          .split("\n")
          .forEach((line, i) => {
            if (line.trim() === "") return;
            const r = parseDrillRecord(line, `${rel}:${i + 1}`);
            if (typeof r === "string") skipped.push(r);
            else records.push(r);
          });
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  records.sort((a, b) => b.finished - a.finished || a.service.localeCompare(b.service));
  return { records, skipped };
}
