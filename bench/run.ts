/**
 * Speed and memory figures: `npm run bench`. Prints a table; nothing here asserts a time.
 * Record the output in BENCHMARKS.md with the date and the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { synthesizeCatalog } from "../lib/estate/synth";
import { validateCatalogFile } from "../lib/governance/validate";

const root = join(__dirname, "..");
const tmp = mkdtempSync(join(root, ".tmp", "bench-"));

/** A synthetic estate of n services over 4 Proxmox hosts, every decision and engine represented. */
function syntheticCatalog(n: number): string {
  const hosts = Object.fromEntries(["pve-a", "pve-b", "pve-c", "pve-d"].map((h) => [h, { endpoint: `https://${h}.bench:8006`, node: h, storage: "pbs" }]));
  const engines = [
    { engine: "postgresql", database: "app" },
    { engine: "mysql", database: "app" },
    { engine: "files", paths: ["/srv/data"] },
  ];
  const services = Array.from({ length: n }, (_, i) => {
    const id = `svc-${String(i).padStart(4, "0")}`;
    const kind = i % 4;
    const base = { id, classification: ["critical", "important", "rebuildable", "important"][kind], rpo: ["4h", "1d", "7d", "12h"][kind], rto: "4h", restore: { secrets: `vault:kv/${id}`, validate: ["true"] } };
    if (kind === 3) return { ...base, app: { decision: "platform-only", rationale: "AWS Backup" }, aws: { resources: [`arn:aws:rds:us-east-1:123456789012:db:${id}`] }, offsite: { required: true, reason: "r" } };
    const vm = { host: Object.keys(hosts)[i % 4], vmid: 100 + i };
    if (kind === 2) return { ...base, vm, app: { decision: "vzdump-only", rationale: "image" }, offsite: { required: false, reason: "rebuildable" } };
    return { ...base, vm, app: { decision: "required", rationale: "consistency", host: `${id}.bench`, ...engines[i % 3] }, offsite: { required: true, reason: "r" } };
  });
  return stringify({ version: 1, name: "bench", owner: "@b", aws: { region: "us-east-1", offsiteRegion: "us-west-2", accountId: "123456789012" }, proxmox: { hosts }, notifications: { email: ["b@bench.dev"] }, services });
}

function measure<T>(label: string, runs: number, fn: () => T): { label: string; ms: number; rssMb: number } {
  fn(); // warm-up
  global.gc?.();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  return { label, ms, rssMb: process.memoryUsage().rss / 1048576 };
}

const rows: Array<{ label: string; ms: number; rssMb: number }> = [];
const defaultCatalog = join(root, "stacks", "catalog.yaml");
rows.push(measure("validate default catalog (9 services)", 20, () => validateCatalogFile(defaultCatalog)));
for (const n of [100, 1000]) {
  const file = join(tmp, `bench-${n}.yaml`);
  writeFileSync(file, syntheticCatalog(n));
  rows.push(measure(`validate ${n} services`, n > 500 ? 3 : 10, () => validateCatalogFile(file)));
}
rows.push(measure("synth default catalog (stacks + artifacts)", 5, () => synthesizeCatalog(defaultCatalog, join(tmp, "out-default"))));
const file100 = join(tmp, "bench-100.yaml");
rows.push(measure("synth 100 services", 3, () => synthesizeCatalog(file100, join(tmp, "out-100"))));

process.stdout.write(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n| what | mean ms | rss MiB after |\n|---|---|---|\n`);
for (const r of rows) process.stdout.write(`| ${r.label} | ${r.ms.toFixed(1)} | ${r.rssMb.toFixed(0)} |\n`);
rmSync(tmp, { recursive: true, force: true });
