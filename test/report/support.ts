import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "../../lib/core/cdk";
import type { EstateContext } from "../../lib/estate/context";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import type { ReportData } from "../../lib/report/data";
import { cli } from "../support/cli";

/** The built estate of a catalog file (what `backup-gov report` builds in memory). */
export function estateOf(file: string): EstateContext {
  const report = validateCatalogFile(file);
  const out = mkdtempSync(join(tmpdir(), "report-test-"));
  try {
    return Estate.fromReport(new App({ outdir: out }), report).context;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `backup-gov report ... --format json`, parsed; fails the test on a non-zero exit. */
export async function reportJson(...args: string[]): Promise<ReportData> {
  const r = await cli("report", ...args, "--format", "json");
  if (r.code !== 0) throw new Error(`backup-gov report exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as ReportData;
}

/** `backup-gov report ...` as HTML. */
export async function reportHtml(...args: string[]): Promise<string> {
  const r = await cli("report", ...args);
  if (r.code !== 0) throw new Error(`backup-gov report exited ${r.code}: ${r.err}`);
  return r.out;
}

/** The data-* attributes of every row of one table of the report, in document order. */
export function tableRows(html: string, tableId: string): Array<Record<string, string>> {
  const start = html.indexOf(`<table id="${tableId}"`);
  const body = html.slice(start, html.indexOf("</table>", start));
  return [...body.matchAll(/<tr (data-id=[^>]*)>/g)].map((m) =>
    Object.fromEntries([...m[1].matchAll(/data-([a-z]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}
