/// <reference lib="dom" />
/**
 * The coverage report at scale: `npm run bench:report`. Prints figures; nothing asserts a time.
 * Record them in BENCHMARKS.md with the date, the machine, the load and the command.
 *
 * For each size: the report's build (validate, the estate in memory, the data, the HTML), the
 * page's size, and in Debian's Chromium (playwright-core, offline, a fresh profile) the load,
 * the first filter over every table, and "Show all" of the coverage table.
 *
 *   BENCH_REPORT_SIZES=1000,5000   services per catalog (default)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { App } from "../lib/core/cdk";
import { Estate } from "../lib/estate/estate";
import { validateCatalogFile } from "../lib/governance/validate";
import { reportData } from "../lib/report/data";
import { renderReportHtml } from "../lib/report/html";
import { generatedCatalog } from "./catalog";

const sizes = (process.env.BENCH_REPORT_SIZES ?? "1000,5000").split(",").map(Number);
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "backup-gov-bench-report-"));
  const profile = join(tmp, "profile");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const rows: string[] = [];
  try {
    for (const n of sizes) {
      const catalog = join(tmp, `bench-${n}.yaml`);
      writeFileSync(catalog, generatedCatalog(n));
      let t = process.hrtime.bigint();
      const ms = () => {
        const now = process.hrtime.bigint();
        const d = Number(now - t) / 1e6;
        t = now;
        return d;
      };
      const report = validateCatalogFile(catalog);
      const validateMs = ms();
      const ctx = Estate.fromReport(new App({ outdir: join(tmp, "out") }), report).context;
      const estateMs = ms();
      const data = reportData(ctx);
      const dataMs = ms();
      const html = renderReportHtml(data);
      const htmlMs = ms();
      const file = join(tmp, `report-${n}.html`);
      writeFileSync(file, html);
      const page = await context.newPage();
      await page.route("**/*", (r) => (r.request().url() === `file://${file}` ? r.continue() : r.abort()));
      ms();
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const loadMs = ms();
      const nav = await page.evaluate(() => {
        const e = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return { domContentLoaded: Math.round(e.domContentLoadedEventEnd), load: Math.round(e.loadEventEnd) };
      });
      const filterMs = await page.evaluate(() => {
        const s = performance.now();
        const sel = document.querySelector('#filters select[name="tier"]') as HTMLSelectElement;
        sel.value = "critical";
        sel.dispatchEvent(new Event("input", { bubbles: true }));
        document.body.getBoundingClientRect();
        const d = performance.now() - s;
        sel.value = "";
        sel.dispatchEvent(new Event("input", { bubbles: true }));
        return Math.round(d);
      });
      const showAllMs = await page.evaluate(() => {
        const s = performance.now();
        (document.querySelector('.pager[data-for="coverage-table"] [data-all]') as HTMLButtonElement).click();
        document.body.getBoundingClientRect();
        return Math.round(performance.now() - s);
      });
      await page.close();
      const f = (x: number) => (x / 1000).toFixed(2);
      rows.push(
        `| ${n} | ${f(validateMs)} | ${f(estateMs)} | ${f(dataMs)} | ${f(htmlMs)} | ${(Buffer.byteLength(html) / 1048576).toFixed(1)} | ${f(loadMs)} (DOMContentLoaded ${f(nav.domContentLoaded)}, load ${f(nav.load)}) | ${f(filterMs)} | ${f(showAllMs)} |`,
      );
    }
  } finally {
    await context.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    "| services | validate s | estate s | report data s | HTML s | page MiB | Chromium load s | filter s | show all s |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
