/**
 * Speed and memory figures: `npm run bench`. Prints tables; nothing here asserts a time.
 * Record the output in BENCHMARKS.md with the date, the machine and the command.
 *
 * Each case runs in a fresh Node process (bench/case.ts, compiled first with
 * bench/tsconfig.json, so it runs plain JavaScript like `backup-gov synth`) and reports its
 * own peak RSS. Catalogs come from bench/catalog.ts; output goes to the OS temp folder.
 *
 *   BENCH_SIZES=100,1000,2000,5000  services per catalog (default)
 *   BENCH_RUNS=3                    runs per size up to 2,000 services; the fastest is shown
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedCatalog } from "./catalog";

const root = join(__dirname, "..");
const sizes = (process.env.BENCH_SIZES ?? "100,1000,2000,5000").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), "backup-gov-bench-"));
const built = join(root, ".tmp", "bench-build");

interface Ours {
  validateMs: number;
  synthMs: number;
  stacksMs: number;
  constructsMs: number;
  cdktfSynthMs: number;
  artifactsMs: number;
  renderMs: number;
  writeMs: number;
  cpu: { validateMs: number; synthMs: number; stacksMs: number; artifactsMs: number; renderMs: number; writeMs: number };
  peakRssMiB: number;
  stacks: Array<{ name: string; resources: number; elements: number }>;
  artifactCount: number;
  artifactBytes: number;
}
interface Floor {
  variant: string;
  resources: number;
  elements: number;
  loadMs: number;
  buildMs: number;
  cdktfSynthMs: number;
  totalMs: number;
  /** CPU time of build + cdktf synth. */
  cpuMs: number;
  /** CPU time of the whole process. */
  totalCpuMs: number;
  peakRssMiB: number;
}

function run<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, [join(built, "bench", "case.js"), ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

/** The best of several runs: on a shared machine the fastest run is the one least disturbed by others. */
function best<T>(list: T[], by: (t: T) => number): T {
  return [...list].sort((a, b) => by(a) - by(b))[0];
}

const s = (ms: number) => (ms / 1000).toFixed(2);

process.stdout.write("compiling lib/ and bench/case.ts (bench/tsconfig.json) ...\n");
execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "bench", "tsconfig.json")], { cwd: root, stdio: "inherit" });
// The runtime's shell and unit files, and the version they carry, as the package ships them beside the compiled code.
for (const dir of ["sh", "systemd"]) cpSync(join(root, "lib", "artifacts", "app", dir), join(built, "lib", "artifacts", "app", dir), { recursive: true });
cpSync(join(root, "package.json"), join(built, "package.json"));

const rows: Array<{ n: number; ours: Ours; floor: Floor; refs: Floor; refsNoStack: Floor }> = [];
let barrel: { deep: Floor; barrel: Floor; n: number } | undefined;
for (const n of sizes) {
  const file = join(tmp, `catalog-${n}.yaml`);
  writeFileSync(file, generatedCatalog(n));
  const out = join(tmp, `out-${n}`);
  const count = n > 2000 ? 1 : runs;
  const results: Ours[] = [];
  for (let i = 0; i < count; i++) {
    rmSync(out, { recursive: true, force: true });
    results.push(run<Ours>("ours", file, out));
  }
  const ours = best(results, (r) => r.synthMs);
  // Peak RSS is the largest of the runs, not the fastest run's.
  const peak = Math.max(...results.map((r) => r.peakRssMiB));
  const floorOf = (variant: string) => best(Array.from({ length: count }, () => run<Floor>("floor", out, variant)), (f) => f.buildMs + f.cdktfSynthMs);
  const floor = floorOf("deep");
  const refs = floorOf("refs");
  const refsNoStack = floorOf("refs-nostack");
  ours.peakRssMiB = peak;
  rows.push({ n, ours, floor, refs, refsNoStack });
  if (n === 1000 || (!barrel && n === sizes[sizes.length - 1])) barrel = { n, deep: floor, barrel: run<Floor>("floor", out, "barrel") };
  process.stdout.write(`  ${n} services done\n`);
}

process.stdout.write(`\nnode ${process.version}, ${new Date().toISOString().slice(0, 10)}, best of ${runs} run(s) per size up to 2,000 services, 1 above; wall-clock seconds\n\n`);
process.stdout.write("| services | validate s | synth s | stacks s (constructs + cdktf) | artifacts s (render + write) | peak RSS MiB | resources per stack | artifacts |\n");
process.stdout.write("|---|---|---|---|---|---|---|---|\n");
for (const { n, ours: o } of rows) {
  const perStack = o.stacks.map((st) => `${st.name.replace(/^bench-/, "")} ${st.resources}`).join(", ");
  process.stdout.write(
    `| ${n} | ${s(o.validateMs)} | ${s(o.synthMs)} | ${s(o.stacksMs)} (${s(o.constructsMs)} + ${s(o.cdktfSynthMs)}) | ${s(o.artifactsMs)} (${s(o.renderMs)} + ${s(o.writeMs)}) | ${o.peakRssMiB.toFixed(0)} | ${perStack} | ${o.artifactCount} files, ${(o.artifactBytes / 1048576).toFixed(1)} MiB |\n`,
  );
}
process.stdout.write("\nThe floor: the same Terraform (every resource, data source, variable and output of our stacks) built straight with cdktf, in seconds (build + cdktf synth); our stacks over each\n\n");
process.stdout.write("| services | elements | literal refs | cdktf references | references, no creation stacks | stacks / literal | stacks / references | stacks / references, no stacks |\n|---|---|---|---|---|---|---|---|\n");
const fl = (f: Floor) => f.buildMs + f.cdktfSynthMs;
for (const { n, ours: o, floor: f, refs: r, refsNoStack: q } of rows) {
  process.stdout.write(`| ${n} | ${f.elements} | ${s(fl(f))} | ${s(fl(r))} | ${s(fl(q))} | ${(o.stacksMs / fl(f)).toFixed(2)} | ${(o.stacksMs / fl(r)).toFixed(2)} | ${(o.stacksMs / fl(q)).toFixed(2)} |\n`);
}
process.stdout.write("\nCPU seconds of the same runs (user + system, all threads of the process): what the wall times would be with the machine to ourselves, GC threads aside\n\n");
process.stdout.write("| services | validate | synth | stacks | artifacts (render + write) | floor: literal / references / no stacks | stacks / floor (references, no stacks) |\n|---|---|---|---|---|---|---|\n");
for (const { n, ours: o, floor: f, refs: r, refsNoStack: q } of rows) {
  process.stdout.write(`| ${n} | ${s(o.cpu.validateMs)} | ${s(o.cpu.synthMs)} | ${s(o.cpu.stacksMs)} | ${s(o.cpu.artifactsMs)} (${s(o.cpu.renderMs)} + ${s(o.cpu.writeMs)}) | ${s(f.cpuMs)} / ${s(r.cpuMs)} / ${s(q.cpuMs)} | ${(o.cpu.stacksMs / q.cpuMs).toFixed(2)} |\n`);
}
const at = (n: number) => rows.find((r) => r.n === n);
if (at(1000) && at(2000)) {
  const [a, b] = [at(1000)!.ours, at(2000)!.ours];
  process.stdout.write(`\nsynth of 2,000 services / synth of 1,000: ${(b.synthMs / a.synthMs).toFixed(2)} wall, ${(b.cpu.synthMs / a.cpu.synthMs).toFixed(2)} CPU\n`);
}
if (barrel) {
  const d = barrel.deep;
  const b = barrel.barrel;
  process.stdout.write(
    `\nfloor of ${barrel.n} services, whole process (load + build + cdktf synth): deep imports ${s(d.totalMs)} s (load ${s(d.loadMs)}), ` +
      `barrel ${s(b.totalMs)} s (load ${s(b.loadMs)}), ratio ${(b.totalMs / d.totalMs).toFixed(2)} wall, ${(b.totalCpuMs / d.totalCpuMs).toFixed(2)} CPU; peak RSS ${d.peakRssMiB.toFixed(0)} vs ${b.peakRssMiB.toFixed(0)} MiB\n`,
  );
}
rmSync(tmp, { recursive: true, force: true });
