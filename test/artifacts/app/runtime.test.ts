/**
 * The app-backup runtime as real shell files: each file linted where it lives with
 * `shellcheck -x`, the whole runtime checked for globals nobody reads, `shfmt -d` for
 * formatting, the constants shared with TypeScript checked against their definitions, and
 * the entry point's refusal of a runtime from another synth.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  entryPoint,
  exitCodeConstants,
  metricConstantNames,
  renderRuntimeConstants,
  runtimeFiles,
  runtimeSourceDir,
  runtimeVersion,
} from "../../../lib/artifacts/app/runtime";
import { renderBundleFiles, renderHostFiles, renderServiceFiles } from "../../../lib/artifacts/app/bundle";
import { ExitCode } from "../../../lib/artifacts/app/exit-codes";
import { Heartbeat, METRIC_HELP, Metrics } from "../../../lib/core/metrics";
import { scratch } from "../../support/tools";
import { variants } from "./fixtures";

const SH = runtimeSourceDir();

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]))
    .sort();
}
const shellFiles = walk(SH).filter((f) => f.endsWith(".sh"));

/** The files in the order lib/load.sh sources them (then the rest): one program, for whole-runtime checks. */
function inLoadOrder(): string[] {
  const load = readFileSync(join(SH, "lib", "load.sh"), "utf8");
  const sourced = [...load.matchAll(/^\s*\. "\$RUNTIME\/([^"]+)"$/gm)].map((m) => join(SH, m[1]));
  return [...sourced, ...shellFiles.filter((f) => !sourced.includes(f) && f.includes(`${SH}/lib/`))];
}

describe("the runtime's shell files", () => {
  it("are the library, one file per tool and engine, the scripts' main functions and one entry point", () => {
    expect(shellFiles.map((f) => relative(SH, f))).toEqual(
      expect.arrayContaining([
        "lib/common.sh",
        "lib/log.sh",
        "lib/metrics.sh",
        "lib/heartbeat.sh",
        "lib/constants.sh",
        "lib/backup.sh",
        "lib/restore.sh",
        "lib/verify.sh",
        "tools/restic.sh",
        "tools/borg.sh",
        "engines/postgresql.sh",
        "engines/mysql.sh",
        "engines/mongodb.sh",
        "engines/files.sh",
        "entry/entry.sh",
        "bundle/install.sh",
      ]),
    );
  });

  it("shellcheck -x finds nothing in any of them, each checked where it lives", () => {
    // SC2034 (assigned but unused) is checked on the whole runtime below: a library file's globals are read by the others.
    const r = spawnSync("shellcheck", ["-x", "-s", "bash", "-f", "gcc", "-e", "SC2034", ...shellFiles], {
      cwd: SH,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("no global of the runtime is assigned without being read somewhere in it", () => {
    // constants.sh's own file-wide SC2034 directive would cover the whole program: it is left out, so unused constants count too.
    const program = [
      "#!/usr/bin/env bash",
      ...inLoadOrder().map((f) => readFileSync(f, "utf8").replace(/^# shellcheck disable=SC2034.*$/m, "")),
    ].join("\n");
    const file = join(scratch("runtime-lint"), "runtime.sh");
    writeFileSync(file, program);
    const r = spawnSync("shellcheck", ["-s", "bash", "-f", "gcc", "-i", "SC2034", file], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    // The oracle works: a global nobody reads is caught.
    writeFileSync(file, program + "\nNOBODY_READS_THIS=1\n");
    expect(
      spawnSync("shellcheck", ["-s", "bash", "-f", "gcc", "-i", "SC2034", file], { encoding: "utf8" }).stdout,
    ).toMatch(/NOBODY_READS_THIS appears unused/);
  });

  it("shellcheck catches a bug planted in a library file (the oracle works)", () => {
    const dir = scratch("runtime-planted");
    const bad = join(dir, "bad.sh");
    writeFileSync(bad, readFileSync(join(SH, "lib", "common.sh"), "utf8") + "\ncleanup() { rm -rf $1/*; }\n");
    expect(
      spawnSync("shellcheck", ["-x", "-s", "bash", "-f", "gcc", "-e", "SC2034", bad], { encoding: "utf8" }).stdout,
    ).toMatch(/SC2086/);
  });

  it("are formatted as shfmt writes them (.editorconfig: 2 spaces, indented case items)", () => {
    const r = spawnSync("shfmt", ["-d", SH], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("a host bundle's entry points as shipped", () => {
  it("shellcheck, plain and with -x, finds nothing in any <service>/*.sh or install.sh, run from the bundle's root (issue 20 item 12)", () => {
    // Unpacked as the tarball unpacks: db.internal/ and _runtime/ beside it; the entry points' `source` lines reach the runtime there.
    const root = scratch("bundle-lint");
    for (const f of renderBundleFiles(
      "db.internal",
      Object.values(variants()).map((b) => b.spec),
    )) {
      mkdirSync(join(root, f.path, ".."), { recursive: true });
      writeFileSync(join(root, f.path), f.content, { mode: f.mode });
    }
    const dir = join(root, "db.internal");
    const files = renderHostFiles(
      "db.internal",
      Object.values(variants()).map((b) => b.spec),
    );
    const entries = files.map((f) => f.path).filter((p) => p.endsWith(".sh"));
    expect(entries).toEqual(
      expect.arrayContaining(["install.sh", "pg-a/backup.sh", "pg-a/wal-archive.sh", "files-a/verify.sh"]),
    );
    for (const args of [[], ["-x"]]) {
      const r = spawnSync("shellcheck", [...args, "-f", "gcc", ...entries], { cwd: dir, encoding: "utf8" });
      expect({ args, out: r.stdout + r.stderr }).toEqual({ args, out: "" });
      expect(r.status).toBe(0);
    }
    // The oracle sees an unused variable in a shipped entry point.
    writeFileSync(
      join(dir, "pg-a/backup.sh"),
      readFileSync(join(dir, "pg-a/backup.sh"), "utf8").replace(
        "LOG_NAME=$(basename",
        "UNUSED_HERE=1\nLOG_NAME=$(basename",
      ),
    );
    expect(spawnSync("shellcheck", ["-f", "gcc", "pg-a/backup.sh"], { cwd: dir, encoding: "utf8" }).stdout).toMatch(
      /UNUSED_HERE appears unused/,
    );
  });
});

describe("constants shared with TypeScript", () => {
  it("lib/constants.sh is the rendering of their TS definitions (npm run gen)", () => {
    expect(readFileSync(join(SH, "lib", "constants.sh"), "utf8")).toBe(renderRuntimeConstants());
  });

  it("bash reads back every exit code, metric name, HELP text and heartbeat name as TypeScript defines it", () => {
    const names = metricConstantNames();
    const vars = [
      ...exitCodeConstants().map(([k]) => k),
      ...Object.values(names).flatMap((n) => [n.name, n.help]),
      "HEARTBEAT_NAMESPACE",
      "HEARTBEAT_SUCCESS_METRIC",
      "HEARTBEAT_SIZE_METRIC",
    ];
    const r = spawnSync(
      "bash",
      [
        "-c",
        `. "$1"; shift; for v in "$@"; do printf '%s\\t%s\\n' "$v" "\${!v}"; done; printf 'DIMS\\t%s\\n' "\${HEARTBEAT_DIMENSIONS[*]}"`,
        "_",
        join(SH, "lib", "constants.sh"),
        ...vars,
      ],
      { encoding: "utf8" },
    );
    const got = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t")),
    );
    for (const [k, v] of exitCodeConstants()) expect(got[k]).toBe(String(v));
    expect(got.EXIT_LOCKED).toBe(String(ExitCode.LOCKED));
    for (const [key, metric] of Object.entries(Metrics)) {
      expect(got[names[key].name]).toBe(metric);
      expect(got[names[key].help]).toBe(METRIC_HELP[metric]);
    }
    expect(got.HEARTBEAT_NAMESPACE).toBe(Heartbeat.namespace);
    expect(got.DIMS).toBe(Heartbeat.dimensions.join(" "));
  });

  it("the shell files name metrics, exit codes and heartbeat only through the constants", () => {
    const metricNames = Object.values(Metrics);
    for (const f of shellFiles.filter((x) => !x.endsWith("constants.sh"))) {
      const text = readFileSync(f, "utf8");
      for (const m of metricNames) expect({ f, m, found: text.includes(m) }).toEqual({ f, m, found: false });
      expect({ f, hardCodedDie: /\bdie [0-9]/.test(text.replace(/die 1 "\$dest exists/, "")) }).toEqual({
        f,
        hardCodedDie: false,
      });
      expect(text).not.toContain(Heartbeat.namespace);
    }
  });

  it("each script writes exactly the metrics of its kind (backup: run, size, objectives; drill: drill series; ship: shipping)", () => {
    const names = metricConstantNames();
    const uses = (file: string) =>
      [...readFileSync(join(SH, "lib", file), "utf8").matchAll(/\bmetric "\$(METRIC_[A-Z_]+)"/g)]
        .map((m) => m[1])
        .sort();
    const of = (...keys: Array<keyof typeof Metrics>) => keys.map((k) => names[k].name).sort();
    expect(uses("backup.sh")).toEqual(
      of("lastRun", "lastRunSuccess", "lastRunWarnings", "duration", "lastSuccess", "size", "items", "shipLastSuccess"),
    );
    expect(uses("common.sh")).toEqual(of("rpo", "rto"));
    expect(uses("verify.sh")).toEqual(of("drillSuccess", "drillLastSuccess", "drillDuration", "drillItems"));
    // The objective series come from backup.sh only (one series, one file).
    expect(readFileSync(join(SH, "lib", "backup.sh"), "utf8")).toMatch(/^\s+objective_metrics$/m);
    expect(readFileSync(join(SH, "lib", "verify.sh"), "utf8")).not.toContain("objective_metrics");
  });

  it("the entry point's own exit code for a missing or foreign runtime is the configuration code", () => {
    expect([...entryPoint().matchAll(/^\s*exit ([0-9]+)$/gm)].map((m) => Number(m[1]))).toEqual([ExitCode.CONFIG]);
  });
});

describe("runtime version", () => {
  const backup = variants()["files-restic-pending"];

  /** A service folder and a runtime installed from this synth, under a scratch prefix. */
  function install(versionFile?: string): { dir: string; entry: string } {
    const dir = scratch("runtime-version");
    const runtime = join(dir, "runtime");
    for (const f of runtimeFiles()) {
      mkdirSync(join(runtime, f.path, ".."), { recursive: true });
      writeFileSync(
        join(runtime, f.path),
        f.path === "VERSION" && versionFile !== undefined ? versionFile : f.content,
        { mode: f.mode },
      );
    }
    const svc = join(dir, "svc");
    mkdirSync(svc);
    for (const f of renderServiceFiles(backup.spec)) {
      mkdirSync(join(svc, f.path, ".."), { recursive: true });
      writeFileSync(join(svc, f.path), f.content, { mode: f.mode });
    }
    return { dir, entry: join(svc, "backup.sh") };
  }
  const run = (entry: string, dir: string) =>
    spawnSync(entry, ["--help"], {
      encoding: "utf8",
      env: { ...process.env, BACKUP_GOV_RUNTIME_DIR: join(dir, "runtime") },
    });

  it("is the package version and a digest of the runtime's files", () => {
    expect(runtimeVersion()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(runtimeFiles().find((f) => f.path === "VERSION")!.content).toBe(`${runtimeVersion()}\n`);
  });

  it("matching: the entry point loads the runtime and runs", () => {
    const { dir, entry } = install();
    const r = run(entry, dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: backup.sh [--init]");
  });

  it("another version: exit 3 with the fix, before any of the runtime runs", () => {
    const { dir, entry } = install("0.0.1+000000000000\n");
    const r = run(entry, dir);
    expect(r.status).toBe(ExitCode.CONFIG);
    expect(r.stderr).toContain(
      `needs backup-gov runtime ${runtimeVersion()}, but ${join(dir, "runtime")} holds 0.0.1+000000000000`,
    );
    expect(r.stderr).toContain("Fix: install the host bundle this service came from");
  });

  it("no runtime installed: exit 3 naming the folder it looked in", () => {
    const { dir, entry } = install();
    const r = spawnSync(entry, [], {
      encoding: "utf8",
      env: { ...process.env, BACKUP_GOV_RUNTIME_DIR: join(dir, "nowhere") },
    });
    expect(r.status).toBe(ExitCode.CONFIG);
    expect(r.stderr).toContain(`but ${join(dir, "nowhere")} holds none`);
  });
});
