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
    expected = Object.fromEntries(
      Object.entries(fileDigests(data)).filter(([p]) => !p.endsWith(".log") && !p.split("/").includes("cache")),
    );
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
    envFile = writeEnv(dir, service, {
      BACKUP_GOV_REPOSITORY: repo,
      BACKUP_GOV_UPLOAD_LIMIT_KIB: String(Size.parseRate("50MiB/s").toKiB()),
    });
  });

  afterAll(() => {
    if (dir) cleanup(dir);
  });

  const run = (script: string, args: string[] = [], extra: Record<string, string> = {}) =>
    runScript(join(scripts, script), args, envFile, extra);
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
    expect(m.get(Metrics.size)?.value).toBe(
      Object.keys(expected).reduce((n, p) => n + statSync(join(data, p)).size, 0),
    );
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

  it("the tool's warning status (borg 1, restic 3) keeps the complete snapshot: the run succeeds, says so and sets the warning metric", () => {
    // borg 1.2 returns 1 for "file changed while we backed it up" and restic 3 for unreadable source data, and both
    // store a valid snapshot (their docs' exit codes): the wrapper gives the real tool's run that status.
    const wrapper = join(dir, "warning-bin");
    mkdirSync(wrapper, { recursive: true });
    const real = tool === BackupTool.RESTIC ? "/usr/bin/restic" : "/usr/bin/borg";
    const verb = tool === BackupTool.RESTIC ? "backup" : "create";
    const code = tool === BackupTool.RESTIC ? 3 : 1;
    writeFileSync(
      join(wrapper, tool),
      `#!/bin/bash\n"${real}" "$@" || exit $?\nfor a in "$@"; do [[ $a == ${verb} ]] && [[ " $* " != *" --stdin "* && " $* " != *" - "* ]] && exit ${code}; done\nexit 0\n`,
      { mode: 0o755 },
    );
    const r = run("backup.sh", [], { PATH: `${wrapper}:${process.env.PATH}` });
    expect({ code: r.code, err: r.stderr.slice(-500) }).toEqual({
      code: 0,
      err: expect.stringMatching(/stored the (snapshot|archive) with warnings \(exit [13]\)/),
    });
    // The warned run is a restore point (the newest one; retention keeps one per day).
    const warned = /run (\S+) stored/.exec(r.stderr)![1];
    expect(
      ok(run("restore.sh", ["--list"]))
        .stdout.trim()
        .split("\n")
        .at(-1),
    ).toBe(`${warned}\tfiles`);
    const m = readMetrics(textfile("backup"));
    expect(m.get(Metrics.lastRunSuccess)?.value).toBe(1);
    expect(m.get(Metrics.lastRunWarnings)?.value).toBe(1);
    // The warned run restores like any other.
    const target = join(dir, "after-warning");
    ok(run("restore.sh", ["--target", target]));
    expect(fileDigests(join(target, data))).toEqual(expected);
    ok(run("backup.sh"));
    expect(readMetrics(textfile("backup")).get(Metrics.lastRunWarnings)?.value).toBe(0);
  });

  it("a failure status of the tool (not its warning) fails the run and leaves no snapshot behind", () => {
    const wrapper = join(dir, "failing-bin");
    mkdirSync(wrapper, { recursive: true });
    const real = tool === BackupTool.RESTIC ? "/usr/bin/restic" : "/usr/bin/borg";
    const verb = tool === BackupTool.RESTIC ? "backup" : "create";
    writeFileSync(
      join(wrapper, tool),
      `#!/bin/bash\n"${real}" "$@" || exit $?\nfor a in "$@"; do [[ $a == ${verb} ]] && [[ " $* " != *" --stdin "* && " $* " != *" - "* ]] && exit 2; done\nexit 0\n`,
      { mode: 0o755 },
    );
    const list = ok(run("restore.sh", ["--list"])).stdout;
    const r = run("backup.sh", [], { PATH: `${wrapper}:${process.env.PATH}` });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/storing the files failed \(exit 2\)/);
    expect(ok(run("restore.sh", ["--list"])).stdout).toBe(list);
  });

  it("restore.sh waits for a backup that holds the lock (bounded) and names it, instead of exiting 75", () => {
    const state = join(dir, "state", service);
    const lock = join(state, "lock");
    const holder = spawn(
      "bash",
      [
        "-c",
        `exec 9>>"$1"; flock 9; printf 'backup.sh (pid %s, since now)\\n' $$ >"$2"; sleep 4`,
        "_",
        lock,
        join(state, "lock.holder"),
      ],
      { stdio: "ignore", detached: true },
    );
    try {
      for (let i = 0; i < 50 && spawnSync("flock", ["-n", lock, "true"]).status === 0; i++) spawnSync("sleep", ["0.1"]);
      const r = ok(run("restore.sh", ["--target", join(dir, "while-locked")]));
      expect(r.stderr).toMatch(
        new RegExp(`backup\\.sh \\(pid ${holder.pid}, since now\\) holds the lock of ${service}: waiting up to 1800 s`),
      );
      expect(fileDigests(join(dir, "while-locked", data))).toEqual(expected);
    } finally {
      try {
        process.kill(-holder.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  });

  it("names the real cause: a bad BACKUP_GOV_LOCK_WAIT and a missing flock are configuration errors, not a held lock", () => {
    const bad = run("backup.sh", [], { BACKUP_GOV_LOCK_WAIT: "10m" });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/BACKUP_GOV_LOCK_WAIT must be a whole number of seconds, not '10m'/);
    expect(bad.stderr).not.toMatch(/holds/);
    // Every tool of the PATH but flock.
    const noFlock = join(dir, "no-flock-bin");
    mkdirSync(noFlock, { recursive: true });
    spawnSync("bash", [
      "-c",
      'for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do for f in "$d"/*; do n=${f##*/}; [[ $n == flock || -e $1/$n ]] || ln -s "$f" "$1/$n"; done; done',
      "_",
      noFlock,
    ]);
    const missing = run("backup.sh", [], { PATH: noFlock });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/flock is not installed \(apt install util-linux\)/);
  });

  it("a full metrics folder never changes the exit code (no 141): the run succeeds and says the metrics were not written", () => {
    const full = join(dir, "full-metrics");
    mkdirSync(full, { recursive: true });
    // A tmpfs of one page, filled: the textfile collector's disk is full (tests run as root, as in CI).
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", full], { encoding: "utf8" });
    if (mount.status !== 0) throw new Error(`this test needs to mount a tmpfs (root): ${mount.stderr}`);
    try {
      spawnSync("bash", ["-c", 'dd if=/dev/zero of="$1/fill" bs=1k count=64 2>/dev/null; true', "_", full]);
      const r = run("backup.sh", [], { BACKUP_GOV_TEXTFILE_DIR: full });
      expect({ code: r.code, err: r.stderr.slice(-400) }).toEqual({
        code: 0,
        err: expect.stringMatching(/writing .*backup\.prom failed \(disk full\?\)/),
      });
      const v = run("verify.sh", [], { BACKUP_GOV_TEXTFILE_DIR: full });
      expect(v.code).toBe(0);
    } finally {
      spawnSync("umount", [full]);
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
      // The holder wrote no lock.holder line (or a stale one of a finished run): the message says how to find it.
      expect(r.stderr).toMatch(
        /holds .*lock: a process that did not say who it is \(fuser -v .*\) \(waited 1 s; BACKUP_GOV_LOCK_WAIT sets the wait\)/,
      );
      expect(readFileSync(textfile("backup"), "utf8")).toBe(before);
      expect(run("verify.sh", [], { BACKUP_GOV_LOCK_WAIT: "0" }).code).toBe(75);
      expect(run("restore.sh", ["--list"], { BACKUP_GOV_LOCK_WAIT: "1" }).code).toBe(75);
    } finally {
      process.kill(-holder.pid!, "SIGTERM");
    }
  });

  it("a stale restic lock (its process killed) is removed: retention and the drill run, and the drill never calls a lock damage", () => {
    if (tool !== BackupTool.RESTIC) return; // borg 1.2 breaks a lock of a dead process on this host itself
    const password = join(dir, "secrets", `${service}.repo-password`);
    // A lock whose process is gone: a backup killed while it waits for its stdin (its lock is written and valid by then).
    const staleLock = () => {
      const r = spawnSync(
        "bash",
        [
          "-c",
          'exec 3< <(sleep 300); s=$!; restic -r "$1" --password-file "$2" backup --stdin --stdin-filename stale-probe <&3 >/dev/null 2>&1 & p=$!; for i in $(seq 1 600); do [[ -n $(ls "$1/locks") ]] && break; sleep 0.1; done; sleep 2; kill -9 $p; wait $p; kill $s; ls "$1/locks" | wc -l',
          "_",
          repo,
          password,
        ],
        { encoding: "utf8", env: { ...process.env, RESTIC_CACHE_DIR: join(dir, "stale-cache") } },
      );
      expect(r.stdout.trim()).toBe("1");
    };
    staleLock();
    // Retention needs the exclusive lock: the stale one is removed (restic unlock removes only locks of processes that are gone) and it runs.
    const b = run("backup.sh");
    expect({ code: b.code, err: b.stderr.slice(-600) }).toEqual({
      code: 0,
      err: expect.stringMatching(
        /the repository is locked \(.*already locked.*\): removing stale locks and trying once more/,
      ),
    });
    staleLock();
    const v = run("verify.sh");
    expect({ code: v.code, err: v.stderr.slice(-600) }).toEqual({
      code: 0,
      err: expect.stringMatching(/drill of run \S+ passed/),
    });
    expect(v.stderr).not.toMatch(/damage/);
  });

  it("key recovery drill (DR runbook): verify.sh restores with the break-glass copy of the password while the host's file is gone; a wrong copy is named", () => {
    const hostCopy = join(dir, "secrets", `${service}.repo-password`);
    const breakGlass = join(dir, "break-glass", `${service}.repo-password`);
    mkdirSync(join(dir, "break-glass"), { recursive: true });
    writeFileSync(breakGlass, readFileSync(hostCopy), { mode: 0o600 });
    if (tool === BackupTool.BORG) {
      // borg's repokey lives in the repository; the break-glass copy also keeps its export (borg key export), readable offline.
      const exported = spawnSync("borg", ["key", "export", repo, join(dir, "break-glass", `${service}.borg-key`)], {
        encoding: "utf8",
        env: { ...process.env, BORG_PASSCOMMAND: `cat ${breakGlass}`, BORG_BASE_DIR: join(dir, "borg-probe") },
      });
      expect(exported.status).toBe(0);
      expect(readFileSync(join(dir, "break-glass", `${service}.borg-key`), "utf8")).toMatch(/^BORG_KEY /);
    }
    rmSync(hostCopy);
    try {
      const r = run("verify.sh", [], { BACKUP_GOV_PASSWORD_FILE: breakGlass });
      expect({ code: r.code, err: r.stderr.slice(-400) }).toEqual({
        code: 0,
        err: expect.stringMatching(/drill of run \S+ passed/),
      });
      writeFileSync(join(dir, "break-glass", "wrong"), "not the password\n", { mode: 0o600 });
      const wrong = run("verify.sh", [], { BACKUP_GOV_PASSWORD_FILE: join(dir, "break-glass", "wrong") });
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toMatch(/passphrase is wrong|passphrase of repository .* is wrong|wrong password/);
    } finally {
      writeFileSync(hostCopy, readFileSync(breakGlass), { mode: 0o600 });
    }
  });

  it("verify.sh catches a corrupted repository", () => {
    const damaged = join(dir, "corrupted");
    copyTree(repo, damaged);
    corruptRepository(damaged, tool === BackupTool.RESTIC ? "data" : "borg");
    const metrics = join(METRICS_ROOT, `${service}-corrupted`);
    mkdirSync(metrics, { recursive: true });
    const r = run("verify.sh", [], {
      BACKUP_GOV_REPOSITORY: damaged,
      BACKUP_GOV_CHECK_SUBSET: "100%",
      BACKUP_GOV_TEXTFILE_DIR: metrics,
      BACKUP_GOV_STATE_DIR: join(dir, "state-corrupted"),
    });
    expect(r.code).toBe(9);
    expect(
      readMetrics(join(metrics, `backup_${service.replace(/-/g, "_")}_drill.prom`)).get(Metrics.drillSuccess)?.value,
    ).toBe(0);
  });
});
