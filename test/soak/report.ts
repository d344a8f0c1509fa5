/**
 * The soak's figures as a Markdown table (for BENCHMARKS.md): `npx tsx test/soak/report.ts`
 * after `npm run soak`, from .tmp/soak/<service>.json.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SoakResult } from "./harness";

const dir = join(__dirname, "..", "..", ".tmp", "soak");
if (!existsSync(dir)) throw new Error(`no ${dir}: run npm run soak first`);
const stat = (xs: number[]) =>
  xs.length ? `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} / ${Math.max(...xs).toFixed(1)}` : "–";
const rows = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as SoakResult & { days: number });
console.log(
  "| service | days | backup runs (failed as injected) | ships | kept points restored | point-in-time targets restored | restore s, mean / max (kept point; pitr) | wall |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const backups = r.runs.filter((x) => x.kind === "backup");
  const kept = r.checks.filter((c) => c.kind !== "pitr");
  const pitr = r.checks.filter((c) => c.kind === "pitr");
  console.log(
    `| ${r.service} | ${r.days} | ${backups.length} (${backups.filter((x) => x.code !== 0).length}) | ${r.runs.filter((x) => x.kind === "ship").length} | ` +
      `${kept.filter((c) => c.ok).length}/${kept.length} | ${pitr.length ? `${pitr.filter((c) => c.ok).length}/${pitr.length} in ${r.chains.length} chains` : "–"} | ` +
      `${stat(kept.map((c) => c.seconds))}; ${stat(pitr.map((c) => c.seconds))} | ${(r.wallSeconds / 60).toFixed(1)} min |`,
  );
}
