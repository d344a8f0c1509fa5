/**
 * File backups with the generated scripts, into a restic repository (with an upload limit)
 * and a borg repository: excludes honoured, the capture record (files and bytes) matched by
 * verify.sh, one damaged file restored alone, everything restored, a corrupted repository
 * caught, and unreadable files failing the run instead of leaving an incomplete snapshot.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Metrics } from "../../lib/core/metrics";
import { Retention } from "../../lib/core/retention";
import { Size } from "../../lib/core/size";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import {
  METRICS_ROOT,
  cleanup,
  copyTree,
  corruptRepository,
  installService,
  readMetrics,
  recordDuration,
  requireTools,
  resticSnapshots,
  runScript,
  scratch,
  writeEnv,
  fileDigests,
} from "./support";

jest.setTimeout(300_000);

describe.each([
  { tool: BackupTool.RESTIC, service: "files-restic" },
  { tool: BackupTool.BORG, service: "files-borg" },
])("file backups with $tool", ({ tool, service }) => {
  let dir: string;
  let data: string;
  let envFile: string;
  let scripts: string;
  let repo: string;
  let expected: Record<string, string>;

  beforeAll(() => {
    requireTools(tool === BackupTool.RESTIC ? "restic" : "borg", "jq");
    dir = scratch(service);
    data = join(dir, "srv", "photos");
    repo = join(dir, "repo");
    for (const [path, size] of [
      ["2024/a.jpg", 300_000],
      ["2024/b.jpg", 120_000],
      ["2024/deep/c d e.raw", 50_000],
      ["2025/notes.txt", 1_000],
      ["2025/render.log", 5_000],
      ["cache/thumb.bin", 20_000],
      ["2025/cache/nested-thumb.bin", 10_000],
      ["empty.txt", 0],
    ] as const) {
      mkdirSync(join(data, path, ".."), { recursive: true });
      writeFileSync(join(data, path), Buffer.alloc(size, path));
    }
    expected = Object.fromEntries(Object.entries(fileDigests(data)).filter(([p]) => !p.endsWith(".log") && !p.split("/").includes("cache")));
    const installed = installService(dir, {
      estate: "roundtrip",
      serviceId: service,
      host: "roundtrip",
      engine: AppEngine.FILES,
      tool,
      paths: [data],
      excludes: ["*.log", "cache"],
      bandwidthLimit: Size.parseRate("50MiB/s"),
      destination: AppBackupDestination.repository(repo),
      retention: Retention.of({ daily: 3, weekly: 2 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("4h"),
    });
    scripts = installed.scripts;
    envFile = writeEnv(dir, service, { BACKUP_GOV_REPOSITORY: repo, BACKUP_GOV_UPLOAD_LIMIT_KIB: String(Size.parseRate("50MiB/s").toKiB()) });
  });

  afterAll(() => {
    if (dir) cleanup(dir);
  });

  const run = (script: string, args: string[] = [], extra: Record<string, string> = {}) => runScript(join(scripts, script), args, envFile, extra);
  const ok = (r: ReturnType<typeof run>) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  const textfile = (kind: string) => join(METRICS_ROOT, service, `backup_${service.replace(/-/g, "_")}_${kind}.prom`);

  it("refuses to run before the repository exists (preflight), then backs up after --init", () => {
    const pre = run("backup.sh");
    expect(pre.code).toBe(4);
    expect(pre.stderr).toMatch(/repository .* (unreachable|missing)/);
    ok(run("backup.sh", ["--init"]));
    const r = ok(run("backup.sh"));
    recordDuration("files", `${tool} backup (${Object.keys(expected).length} files)`, r.seconds);
    const m = readMetrics(textfile("backup"));
    expect(m.get(Metrics.items)?.value).toBe(Object.keys(expected).length);
    expect(m.get(Metrics.size)?.value).toBe(Object.keys(expected).reduce((n, p) => n + statSync(join(data, p)).size, 0));
    expect(m.get(Metrics.lastRunSuccess)?.labels).toBe(`service="${service}",engine="files",target="repository"`);
  });

  it("verify.sh restores the snapshot into a scratch folder and matches its files and bytes", () => {
    const r = ok(run("verify.sh"));
    recordDuration("files", `${tool} drill`, r.seconds);
    expect(r.stderr).toMatch(/drill of run \S+ passed: 2 record line\(s\) match/);
    expect(readMetrics(textfile("drill")).get(Metrics.drillSuccess)?.value).toBe(1);
  });

  it("restores one damaged file alone, leaving a newer file untouched", () => {
    writeFileSync(join(data, "2024/a.jpg"), "damaged");
    writeFileSync(join(data, "2025/notes.txt"), "edited after the backup");
    expect(run("restore.sh", ["--path", join(data, "2024/a.jpg")]).code).toBe(2);
    ok(run("restore.sh", ["--path", join(data, "2024/a.jpg"), "--yes"]));
    expect(fileDigests(data)["2024/a.jpg"]).toBe(expected["2024/a.jpg"]);
    expect(readFileSync(join(data, "2025/notes.txt"), "utf8")).toBe("edited after the backup");
  });

  it("restores everything in place after the folder is lost, without the excluded files", () => {
    rmSync(data, { recursive: true, force: true });
    const r = ok(run("restore.sh", ["--yes"]));
    recordDuration("files", `${tool} restore (all, in place)`, r.seconds);
    expect(fileDigests(data)).toEqual(expected);
    expect(existsSync(join(data, "2025/render.log"))).toBe(false);
  });

  it("restores under another folder with --target", () => {
    const target = join(dir, "elsewhere");
    ok(run("restore.sh", ["--target", target]));
    expect(fileDigests(join(target, data))).toEqual(expected);
  });

  it("a run the tool reports incomplete (unreadable files) fails with exit 5 and leaves no snapshot behind", () => {
    // The tool stores what it could read and says so in its exit code (restic 3, borg 1): that snapshot must go.
    const wrapper = join(dir, "incomplete-bin");
    mkdirSync(wrapper, { recursive: true });
    const real = tool === BackupTool.RESTIC ? "/usr/bin/restic" : "/usr/bin/borg";
    const verb = tool === BackupTool.RESTIC ? "backup" : "create";
    const code = tool === BackupTool.RESTIC ? 3 : 1;
    writeFileSync(join(wrapper, tool), `#!/bin/bash\n"${real}" "$@" || exit $?\nfor a in "$@"; do [[ $a == ${verb} ]] && [[ " $* " != *" --stdin "* && " $* " != *" - "* ]] && exit ${code}; done\nexit 0\n`, { mode: 0o755 });
    const list = ok(run("restore.sh", ["--list"])).stdout;
    const r = run("backup.sh", [], { PATH: `${wrapper}:${process.env.PATH}` });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/some files could not be read/);
    expect(ok(run("restore.sh", ["--list"])).stdout).toBe(list);
    if (tool === BackupTool.RESTIC) {
      const names = resticSnapshots(repo, join(dir, "secrets", `${service}.repo-password`)).map((x) => x.tags!.find((t) => t.startsWith("run="))).filter(Boolean);
      expect(new Set(names).size).toBe(list.trim().split("\n").length - 1);
    }
  });

  it("never overlaps another run: a lock held past the wait ends the run with 75 and leaves the metrics alone", () => {
    const lock = join(dir, "state", service, "lock");
    // Its own process group, so that the holder and its sleep go together.
    const holder = spawn("flock", [lock, "sleep", "60"], { stdio: "ignore", detached: true });
    try {
      for (let i = 0; i < 50 && spawnSync("flock", ["-n", lock, "true"]).status === 0; i++) spawnSync("sleep", ["0.1"]);
      const before = readFileSync(textfile("backup"), "utf8");
      const r = run("backup.sh", [], { BACKUP_GOV_LOCK_WAIT: "1" });
      expect(r.code).toBe(75);
      expect(r.stderr).toMatch(/holds .*lock \(waited 1 s\)/);
      expect(readFileSync(textfile("backup"), "utf8")).toBe(before);
      expect(run("verify.sh", [], { BACKUP_GOV_LOCK_WAIT: "0" }).code).toBe(75);
    } finally {
      process.kill(-holder.pid!, "SIGTERM");
    }
  });

  it("verify.sh catches a corrupted repository", () => {
    const damaged = join(dir, "corrupted");
    copyTree(repo, damaged);
    corruptRepository(damaged, tool === BackupTool.RESTIC ? "data" : "borg");
    const metrics = join(METRICS_ROOT, `${service}-corrupted`);
    mkdirSync(metrics, { recursive: true });
    const r = run("verify.sh", [], { BACKUP_GOV_REPOSITORY: damaged, BACKUP_GOV_CHECK_SUBSET: "100%", BACKUP_GOV_TEXTFILE_DIR: metrics, BACKUP_GOV_STATE_DIR: join(dir, "state-corrupted") });
    expect(r.code).toBe(9);
    expect(readMetrics(join(metrics, `backup_${service.replace(/-/g, "_")}_drill.prom`)).get(Metrics.drillSuccess)?.value).toBe(0);
  });
});
