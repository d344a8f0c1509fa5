/**
 * Speed and memory figures: `npm run bench`. Prints tables; nothing here asserts a time.
 * Record the output in BENCHMARKS.md with the date, the machine and the command.
 *
 * Each case runs in a fresh Node process (bench/case.ts, compiled first with
 * bench/tsconfig.json, so it runs plain JavaScript like `backup-gov synth`) and reports its
 * own peak RSS. Catalogs come from bench/catalog.ts; output goes to the OS temp folder.
 *
 *   BENCH_SIZES=100,1000,2000,5000,10000  services per catalog (default)
 *   BENCH_SHAPES=shared,per-host          catalog shapes (bench/catalog.ts): four app-level services
 *                                         per app host, or each on its own host (default: both)
 *   BENCH_RUNS=3                          runs per size up to 2,000 services; the fastest is shown
 *   BENCH_FLOOR=5000                      largest size the cdktf floor is built for (shared shape only; 0: none)
 *   BENCH_BUILD=.tmp/bench-build          where lib/ and bench/case.ts are compiled to
 *
 * Besides the in-process phases, each shape at 1,000 services (and every size for validate)
 * is timed as the user runs it: `backup-gov --help`, `explain`, `validate` and `synth` as
 * whole processes of the compiled CLI, with /usr/bin/time's CPU seconds and peak RSS.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CatalogShape, generatedCatalog } from "./catalog";

const root = join(__dirname, "..");
const sizes = (process.env.BENCH_SIZES ?? "100,1000,2000,5000,10000").split(",").map(Number);
const shapes = (process.env.BENCH_SHAPES ?? "shared,per-host").split(",") as CatalogShape[];
const runs = Number(process.env.BENCH_RUNS ?? 3);
const floorUpTo = Number(process.env.BENCH_FLOOR ?? 5000);
const tmp = mkdtempSync(join(tmpdir(), "backup-gov-bench-"));
// BENCH_BUILD: another folder for the compiled code, so that two benches (one per shape) can run side by side.
const built = join(root, process.env.BENCH_BUILD ?? join(".tmp", "bench-build"));

interface Ours {
  validateMs: number;
  synthMs: number;
  stacksMs: number;
  constructsMs: number;
  cdktfSynthMs: number;
  artifactsMs: number;
  renderMs: number;
  writeMs: number;
  cpu: {
    validateMs: number;
    synthMs: number;
    stacksMs: number;
    artifactsMs: number;
    renderMs: number;
    writeMs: number;
  };
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
  const out = execFileSync(process.execPath, [join(built, "bench", "case.js"), ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

/** The best of several runs: on a shared machine the fastest run is the one least disturbed by others. */
function best<T>(list: T[], by: (t: T) => number): T {
  return [...list].sort((a, b) => by(a) - by(b))[0];
}

const s = (ms: number) => (ms / 1000).toFixed(2);

process.stdout.write("compiling lib/ and bench/case.ts (bench/tsconfig.json) ...\n");
execFileSync(
  process.execPath,
  [
    join(root, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    join(root, "bench", "tsconfig.json"),
    "--outDir",
    built,
  ],
  { cwd: root, stdio: "inherit" },
);
// The runtime's shell and unit files, the report's assets, and the version they carry, as the package ships them beside the compiled code.
for (const dir of ["artifacts/app/sh", "artifacts/app/systemd", "report/assets"]) {
  rmSync(join(built, "lib", dir), { recursive: true, force: true });
  cpSync(join(root, "lib", dir), join(built, "lib", dir), { recursive: true });
}
cpSync(join(root, "package.json"), join(built, "package.json"));

/** A whole process, as the user runs it: wall seconds, and with /usr/bin/time CPU seconds and peak RSS. */
interface Proc {
  wall: number;
  cpu?: number;
  rssMiB?: number;
  status: number | null;
}
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
function proc(args: string[]): Proc {
  const cli = join(built, "lib", "cli", "bin.js");
  const start = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ["-f", "BENCH-TIME %U %S %M", process.execPath, cli, ...args], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      })
    : spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  const wall = (performance.now() - start) / 1000;
  const m = /BENCH-TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  return {
    wall,
    cpu: m ? Number(m[1]) + Number(m[2]) : undefined,
    rssMiB: m ? Number(m[3]) / 1024 : undefined,
    status: r.status,
  };
}
function bestProc(args: string[], count: number): Proc {
  return best(
    Array.from({ length: count }, () => proc(args)),
    (p) => p.wall,
  );
}
/** Files and bytes of a whole output folder (stacks and artifacts). */
function outputSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}
const fmtProc = (p: Proc) =>
  `${p.wall.toFixed(2)}${p.cpu !== undefined ? ` (CPU ${p.cpu.toFixed(2)}, ${p.rssMiB!.toFixed(0)} MiB)` : ""}`;

const rows: Array<{
  shape: CatalogShape;
  n: number;
  ours: Ours;
  floor?: Floor;
  refs?: Floor;
  refsNoStack?: Floor;
  validate: Proc;
  synth?: Proc;
  output: { files: number; bytes: number };
}> = [];
let barrel: { deep: Floor; barrel: Floor; n: number } | undefined;
const cli: Array<{ shape: string; what: string; p: Proc }> = [];
cli.push({ shape: "-", what: "backup-gov --help", p: bestProc(["--help"], runs) });
cli.push({ shape: "-", what: "backup-gov explain GOV-004", p: bestProc(["explain", "GOV-004"], runs) });
for (const shape of shapes) {
  for (const n of sizes) {
    const file = join(tmp, `catalog-${shape}-${n}.yaml`);
    writeFileSync(file, generatedCatalog(n, { shape }));
    const out = join(tmp, `out-${shape}-${n}`);
    const count = n > 2000 ? 1 : runs;
    const results: Ours[] = [];
    for (let i = 0; i < count; i++) {
      rmSync(out, { recursive: true, force: true });
      results.push(run<Ours>("ours", file, out));
    }
    const ours = best(results, (r) => r.synthMs);
    // Peak RSS is the largest of the runs, not the fastest run's.
    ours.peakRssMiB = Math.max(...results.map((r) => r.peakRssMiB));
    const output = outputSize(out);
    const validate = bestProc(["validate", file], count);
    let synth: Proc | undefined;
    if (n === 1000) {
      // The whole `backup-gov synth` process, into a fresh folder each time.
      const procOut = join(tmp, `proc-${shape}-${n}`);
      synth = best(
        Array.from({ length: count }, () => {
          rmSync(procOut, { recursive: true, force: true });
          return proc(["synth", file, "--out", procOut]);
        }),
        (p) => p.wall,
      );
      rmSync(procOut, { recursive: true, force: true });
    }
    const row: (typeof rows)[number] = { shape, n, ours, validate, synth, output };
    if (shape === "shared" && n <= floorUpTo) {
      const floorOf = (variant: string) =>
        best(
          Array.from({ length: count }, () => run<Floor>("floor", out, variant)),
          (f) => f.buildMs + f.cdktfSynthMs,
        );
      row.floor = floorOf("deep");
      row.refs = floorOf("refs");
      row.refsNoStack = floorOf("refs-nostack");
      if (n === 1000 || (!barrel && n === sizes[sizes.length - 1]))
        barrel = { n, deep: row.floor, barrel: run<Floor>("floor", out, "barrel") };
    }
    rows.push(row);
    rmSync(out, { recursive: true, force: true });
    process.stdout.write(`  ${shape} ${n} services done\n`);
  }
}

process.stdout.write(
  `\nnode ${process.version}, ${new Date().toISOString().slice(0, 10)}, best of ${runs} run(s) per size up to 2,000 services, 1 above; wall-clock seconds\n\n`,
);
process.stdout.write(
  "Whole processes of the compiled CLI: wall seconds (CPU seconds, peak RSS)\n\n| shape | command | services | wall s (CPU s, peak RSS) |\n|---|---|---|---|\n",
);
for (const c of cli) process.stdout.write(`| ${c.shape} | ${c.what} | - | ${fmtProc(c.p)} |\n`);
for (const r of rows) process.stdout.write(`| ${r.shape} | backup-gov validate | ${r.n} | ${fmtProc(r.validate)} |\n`);
for (const r of rows.filter((x) => x.synth))
  process.stdout.write(`| ${r.shape} | backup-gov synth | ${r.n} | ${fmtProc(r.synth!)} |\n`);
process.stdout.write("\nIn-process phases (synthesizeCatalog; module loading excluded)\n\n");
process.stdout.write(
  "| shape | services | validate s | synth s | stacks s (constructs + cdktf) | artifacts s (render + write) | peak RSS MiB | resources per stack | artifacts | whole output |\n",
);
process.stdout.write("|---|---|---|---|---|---|---|---|---|---|\n");
for (const { shape, n, ours: o, output } of rows) {
  const perStack = o.stacks.map((st) => `${st.name.replace(/^bench-/, "")} ${st.resources}`).join(", ");
  process.stdout.write(
    `| ${shape} | ${n} | ${s(o.validateMs)} | ${s(o.synthMs)} | ${s(o.stacksMs)} (${s(o.constructsMs)} + ${s(o.cdktfSynthMs)}) | ${s(o.artifactsMs)} (${s(o.renderMs)} + ${s(o.writeMs)}) | ${o.peakRssMiB.toFixed(0)} | ${perStack} | ${o.artifactCount} files, ${(o.artifactBytes / 1048576).toFixed(1)} MiB | ${output.files} files, ${(output.bytes / 1048576).toFixed(1)} MiB |\n`,
  );
}
const floors = rows.filter((r) => r.floor);
if (floors.length) {
  process.stdout.write(
    "\nThe floor (shared shape): the same Terraform (every resource, data source, variable and output of our stacks) built straight with cdktf, in seconds (build + cdktf synth); our stacks over each\n\n",
  );
  process.stdout.write(
    "| services | elements | literal refs | cdktf references | references, no creation stacks | stacks / literal | stacks / references | stacks / references, no stacks |\n|---|---|---|---|---|---|---|---|\n",
  );
  const fl = (f: Floor) => f.buildMs + f.cdktfSynthMs;
  for (const { n, ours: o, floor: f, refs: r, refsNoStack: q } of floors) {
    process.stdout.write(
      `| ${n} | ${f!.elements} | ${s(fl(f!))} | ${s(fl(r!))} | ${s(fl(q!))} | ${(o.stacksMs / fl(f!)).toFixed(2)} | ${(o.stacksMs / fl(r!)).toFixed(2)} | ${(o.stacksMs / fl(q!)).toFixed(2)} |\n`,
    );
  }
}
process.stdout.write(
  "\nCPU seconds of the same in-process runs (user + system, all threads of the process): what the wall times would be with the machine to ourselves, GC threads aside\n\n",
);
process.stdout.write(
  "| shape | services | validate | synth | stacks | artifacts (render + write) |\n|---|---|---|---|---|---|\n",
);
for (const { shape, n, ours: o } of rows) {
  process.stdout.write(
    `| ${shape} | ${n} | ${s(o.cpu.validateMs)} | ${s(o.cpu.synthMs)} | ${s(o.cpu.stacksMs)} | ${s(o.cpu.artifactsMs)} (${s(o.cpu.renderMs)} + ${s(o.cpu.writeMs)}) |\n`,
  );
}
for (const shape of shapes) {
  const at = (n: number) => rows.find((r) => r.shape === shape && r.n === n);
  if (at(1000) && at(2000)) {
    const [a, b] = [at(1000)!.ours, at(2000)!.ours];
    process.stdout.write(
      `\n${shape}: synth of 2,000 services / synth of 1,000: ${(b.synthMs / a.synthMs).toFixed(2)} wall, ${(b.cpu.synthMs / a.cpu.synthMs).toFixed(2)} CPU\n`,
    );
  }
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
