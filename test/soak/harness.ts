/**
 * Time travel for the app-backup runtime: one service (PostgreSQL or MariaDB with pitr, or
 * files) run by the generated scripts on the real servers and tools through DAYS simulated days
 * of its real schedule, then every restore point the retention kept restored and compared with
 * what the data was at that moment.
 *
 * - The clock: every process of the run (the database server, the generated scripts, borg) runs
 *   under libfaketime with one offset file (FAKETIME_TIMESTAMP_FILE, re-read at every call:
 *   FAKETIME_NO_CACHE). The harness sets the offset before each event, so the server's commit
 *   timestamps, the run ids and the WAL/binlog times all agree with the simulated time. restic is
 *   a static Go binary that libfaketime cannot reach; the runtime gives it each unit's time
 *   (`--time`), which is all its retention reads.
 * - The schedule: the backup timer's OnCalendar as systemd computes it (`systemd-analyze calendar
 *   --base-time`), each elapse delayed by a seeded draw within RandomizedDelaySec as systemd
 *   does; the ship timer (pitr) likewise, at its first elapse after each write. Ship elapses
 *   with no write before them find nothing new (the runtime then stores nothing), so they are
 *   not run.
 * - The data: seeded writes (insert, update, delete) at random times between the runs; the
 *   harness keeps its own model of the rows (or files) after each write: the oracle.
 * - Failures: a capture that fails midway (pg_dump/mariadb-dump exit non-zero after some output;
 *   for files the repository gone), and a run that finds the service's lock held. Each must
 *   exit with its code and leave nothing that counts as a backup.
 * - Retention: the runtime's own (keep-* per unit, chains kept whole, prune/compact) at every run.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import {
  MariaServer,
  PG_BIN,
  PgServer,
  chownTo,
  fileDigests,
  installService,
  requireTools,
  runScript,
  scratch,
  secret,
  writeEnv,
  type RunResult,
} from "../roundtrip/support";

export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
/** Monday 2027-01-04 00:00 UTC: a fixed start makes a run reproducible. */
export const SIM_START = Date.UTC(2027, 0, 4) / 1000;

export type SoakEngine = "postgresql" | "mysql" | "files";

export interface SoakOptions {
  readonly engine: SoakEngine;
  readonly tool: BackupTool;
  readonly days: number;
  readonly seed: number;
  readonly rpo: string;
  readonly retention: Retention;
  /** pitr: interval of base/full backups. */
  readonly fullEvery?: Duration;
  /** Writes a day (Poisson-ish: uniform times). */
  readonly writesPerDay: number;
  /** Random point-in-time targets per kept chain. */
  readonly targetsPerChain: number;
  readonly ports: { readonly live: number; readonly restore: number };
}

export interface Check {
  readonly kind: "dump" | "pitr" | "files";
  readonly at: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail?: string;
}

export interface SoakResult {
  readonly service: string;
  readonly runs: Array<{
    at: string;
    kind: "backup" | "ship";
    code: number;
    expected: number;
    injected?: string;
    seconds: number;
    id?: string;
  }>;
  readonly keptDumps: string[];
  readonly expectedKeptDumps: string[];
  readonly goodRuns: string[];
  readonly chains: string[];
  readonly checks: Check[];
  readonly wallSeconds: number;
  readonly leftovers: string[];
}

/** A seeded PRNG (mulberry32): the same seed gives the same writes, delays and targets. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next `count` elapses of an OnCalendar expression after `base` (epoch seconds), as systemd computes them. */
export function calendarElapses(expr: string, base: number, count: number): number[] {
  const out = execFileSync("systemd-analyze", ["calendar", `--iterations=${count}`, `--base-time=@${base}`, expr], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
  });
  const times: number[] = [];
  for (const m of out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/g))
    times.push(Date.parse(`${m[1]}T${m[2]}Z`) / 1000);
  if (times.length !== count)
    throw new Error(`systemd-analyze gave ${times.length} elapses of '${expr}', not ${count}:\n${out}`);
  return times;
}

export function runIdOf(epoch: number): string {
  return new Date(epoch * 1000)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
export function epochOfRun(run: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(run)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}
function iso(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(".000", "");
}

/**
 * What the keep-* flags keep of one unit's runs (newest first), as the tool documents it. restic
 * applies every policy to all snapshots at once (a snapshot kept by daily also fills a weekly
 * bucket: restic docs, "Removing snapshots according to a policy"). borg 1.2 applies the rules in
 * order: a period whose newest archive an earlier rule kept counts for nothing in a later rule,
 * and a rule that finds fewer periods than its count keeps the oldest archive (borg docs, "borg
 * prune": "the oldest archive is kept if the retention target is not met"; 1.2 prune_split).
 */
export function expectedKept(runs: string[], retention: Retention, tool: BackupTool): string[] {
  const sorted = [...runs].sort().reverse();
  const key: Record<string, (d: Date) => string> = {
    hourly: (d) => d.toISOString().slice(0, 13),
    daily: (d) => d.toISOString().slice(0, 10),
    weekly: (d) => isoWeek(d),
    monthly: (d) => d.toISOString().slice(0, 7),
    yearly: (d) => d.toISOString().slice(0, 4),
  };
  const counts = retention.toJSON() as Record<string, number>;
  const kept = new Set<string>();
  for (const rule of ["hourly", "daily", "weekly", "monthly", "yearly"]) {
    let left = counts[rule];
    if (!left) continue;
    let last: string | undefined;
    for (const r of sorted) {
      if (left <= 0) break;
      const k = key[rule](new Date(epochOfRun(r) * 1000));
      if (k === last) continue;
      last = k;
      if (tool === BackupTool.BORG && kept.has(r)) continue;
      if (tool === BackupTool.RESTIC || !kept.has(r)) kept.add(r);
      left--;
    }
    const oldest = sorted.at(-1);
    if (tool === BackupTool.BORG && left > 0 && oldest && !kept.has(oldest)) kept.add(oldest);
  }
  return [...kept].sort();
}
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(y, 0, 1)) / 86400000 + 1) / 7);
  return `${y}-${String(week).padStart(2, "0")}`;
}

/** The clock of every process of the simulation: an offset file libfaketime reads at every call. */
class SimClock {
  public readonly file: string;
  public now = SIM_START;
  constructor(dir: string) {
    this.file = join(dir, "faketime");
    this.set(SIM_START - 3600);
  }
  public set(epoch: number): void {
    const offset = Math.round(epoch - Date.now() / 1000);
    writeFileSync(this.file, `${offset >= 0 ? "+" : ""}${offset}\n`, { mode: 0o644 });
    this.now = epoch;
  }
  public get env(): Record<string, string> {
    return {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: this.file,
      FAKETIME_NO_CACHE: "1",
      FAKETIME_DONT_RESET: "1",
      TZ: "UTC",
    };
  }
}

type Rows = Map<number, number>;
const rowsText = (rows: Rows) =>
  [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => `${k}:${v}`)
    .join(",");

/** One simulated service: its server, its generated scripts, its model of the data. */
export function soak(opts: SoakOptions): SoakResult {
  const t0 = Date.now();
  const { engine, tool } = opts;
  requireTools(tool === BackupTool.RESTIC ? "restic" : "borg", "jq", "systemd-analyze", "flock");
  if (!existsSync(LIBFAKETIME))
    throw new Error(
      `missing ${LIBFAKETIME}. Install it: apt-get install -y --no-install-recommends libfaketime (scripts/test-tools.sh does)`,
    );
  if (engine === "postgresql") requireTools(`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`, `${PG_BIN}/pg_dump`);
  if (engine === "mysql")
    requireTools(
      "mariadbd",
      "mariadb-install-db",
      "mariadb",
      "mariadb-dump",
      "mariadb-binlog",
      "mariabackup",
      "mbstream",
    );
  const rnd = prng(opts.seed);
  const service = `soak-${engine === "postgresql" ? "pg" : engine === "mysql" ? "my" : "files"}-${tool}`;
  const dir = scratch(service);
  const clock = new SimClock(dir);
  const env = clock.env;
  const repo = join(dir, "repo");
  const pitr = engine !== "files";
  const data = join(dir, "live-files");
  const { backup, scripts } = installService(dir, {
    estate: "soak",
    serviceId: service,
    host: "soak",
    engine: engine === "postgresql" ? AppEngine.POSTGRESQL : engine === "mysql" ? AppEngine.MYSQL : AppEngine.FILES,
    ...(pitr ? { database: "shop", pitr: true, fullEvery: opts.fullEvery } : { paths: [data] }),
    tool,
    destination: AppBackupDestination.repository(repo),
    retention: opts.retention,
    rpo: Duration.parse(opts.rpo),
    rto: Duration.parse("1h"),
  });
  const unit = (suffix: string) => {
    const f = backup.files.find((x) => x.path.endsWith(suffix));
    if (!f) throw new Error(`no ${suffix} among the generated files`);
    return f.content;
  };
  const timerOf = (suffix: string) => ({
    calendar: /^OnCalendar=(.+)$/m.exec(unit(suffix))![1],
    delay: Number(/^RandomizedDelaySec=(\d+)$/m.exec(unit(suffix))![1]),
  });
  const backupTimer = timerOf("-backup.timer");
  const shipTimer = pitr ? timerOf("-ship.timer") : undefined;

  // --- the live service ---------------------------------------------------------------------
  const settings: Record<string, string> = { BACKUP_GOV_REPOSITORY: repo, BACKUP_GOV_LOCK_WAIT: "1" };
  let pg: PgServer | undefined;
  let my: MariaServer | undefined;
  const spool = join(dir, "spool");
  const rows: Rows = new Map();
  let files = new Map<string, string>();
  let nextId = 1;
  if (engine === "postgresql") {
    mkdirSync(spool, { recursive: true });
    chownTo(spool, "postgres");
    pg = new PgServer(dir, opts.ports.live, {
      archiveCommand: `BACKUP_GOV_SPOOL_DIR=${spool} ${scripts}/wal-archive.sh %p %f`,
      env,
    });
    pg.sql("CREATE DATABASE shop");
    pg.sql("CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL)", "shop");
    Object.assign(settings, {
      PGHOST: "127.0.0.1",
      PGPORT: String(opts.ports.live),
      PGUSER: "postgres",
      PGDATABASE: "shop",
      BACKUP_GOV_RESTORE_PGUSER: "postgres",
      BACKUP_GOV_PG_BINDIR: PG_BIN,
      BACKUP_GOV_SPOOL_DIR: spool,
    });
  } else if (engine === "mysql") {
    const serverDir = join(dir, "server");
    mkdirSync(serverDir);
    // The server's temporary files go into its own folder (the test's TMPDIR is ours, not mysql's).
    my = new MariaServer(serverDir, opts.ports.live, { binlog: true, env: { ...env, TMPDIR: serverDir } });
    my.sql("CREATE DATABASE shop");
    my.sql("CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL) ENGINE=InnoDB", "shop");
    const cnf = secret(dir, "root.cnf", `[client]\nuser=root\nsocket=${my.socket}\n`);
    Object.assign(settings, {
      BACKUP_GOV_MYSQL_DATABASE: "shop",
      BACKUP_GOV_MYSQL_DEFAULTS_FILE: cnf,
      BACKUP_GOV_RESTORE_MYSQL_DEFAULTS_FILE: cnf,
      BACKUP_GOV_SPOOL_DIR: spool,
    });
  } else {
    mkdirSync(data, { recursive: true });
  }
  const envFile = writeEnv(dir, service, settings);
  const stateDir = join(dir, "state", service);
  const run = (script: string, args: string[], extra: Record<string, string> = {}): RunResult =>
    runScript(join(scripts, script), args, envFile, { ...env, ...extra });

  const history: Array<{ at: number; state: string }> = [];
  const liveState = (): string => {
    if (engine === "files") return JSON.stringify(Object.fromEntries([...files.entries()].sort()));
    return rowsText(rows);
  };
  const record = (at: number) => history.push({ at, state: liveState() });
  const stateAt = (at: number) => [...history].reverse().find((h) => h.at <= at)?.state;

  // One write: a few inserts, an update and a delete (or files added, changed, removed).
  const write = (at: number) => {
    if (engine === "files") {
      const next = new Map(files);
      for (let i = 0; i < 3; i++) {
        const name = `d${Math.floor(rnd() * 4)}/f${nextId++}.txt`;
        next.set(name, `${name} written at ${iso(at)} ${rnd()}\n`.repeat(1 + Math.floor(rnd() * 50)));
      }
      const keys = [...next.keys()];
      if (keys.length > 4) {
        next.set(keys[Math.floor(rnd() * keys.length)], `changed at ${iso(at)}\n`);
        next.delete(keys[Math.floor(rnd() * keys.length)]);
      }
      rmSync(data, { recursive: true, force: true });
      mkdirSync(data, { recursive: true });
      for (const [k, v] of next) {
        mkdirSync(join(data, k, ".."), { recursive: true });
        writeFileSync(join(data, k), v);
      }
      files = next;
      return;
    }
    const stmts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = nextId++;
      const v = Math.floor(rnd() * 1e6);
      rows.set(id, v);
      stmts.push(`INSERT INTO items VALUES (${id}, ${v});`);
    }
    const ids = [...rows.keys()];
    const up = ids[Math.floor(rnd() * ids.length)];
    const nv = Math.floor(rnd() * 1e6);
    rows.set(up, nv);
    stmts.push(`UPDATE items SET v = ${nv} WHERE id = ${up};`);
    if (ids.length > 8) {
      const del = ids[Math.floor(rnd() * ids.length)];
      rows.delete(del);
      stmts.push(`DELETE FROM items WHERE id = ${del};`);
    }
    const sql = `BEGIN; ${stmts.join(" ")} COMMIT;`;
    if (pg) {
      pg.sql(sql, "shop");
      // The segment is closed and archived now (archive_timeout would, later): the next ship finds it.
      const closed = pg.sql("SELECT pg_walfile_name(pg_switch_wal())");
      for (let i = 0; i < 200 && pg.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < closed; i++)
        execFileSync("sleep", ["0.1"]);
    } else my!.sql(sql.replace("BEGIN;", "START TRANSACTION;"), "shop");
  };

  // --- the timeline ---------------------------------------------------------------------------
  const end = SIM_START + opts.days * 86400;
  type Event = { at: number; kind: "backup" | "write" | "ship"; inject?: string };
  const events: Event[] = [];
  const elapses = calendarElapses(backupTimer.calendar, SIM_START, Math.ceil((opts.days * 86400) / 3600) + 2).filter(
    (t) => t < end,
  );
  for (const t of elapses) events.push({ at: t + Math.floor(rnd() * backupTimer.delay), kind: "backup" });
  const backups = events.slice();
  backups[Math.floor(backups.length / 3)].inject = engine === "files" ? "destination gone" : "failed dump";
  backups[Math.floor((2 * backups.length) / 3)].inject = "held lock";
  const writes = Math.max(2, Math.round(opts.days * opts.writesPerDay));
  const writeTimes = Array.from(
    { length: writes },
    () => SIM_START + 600 + Math.floor(rnd() * (opts.days * 86400 - 1200)),
  ).sort((a, b) => a - b);
  for (const w of writeTimes) {
    events.push({ at: w, kind: "write" });
    if (shipTimer) events.push({ at: calendarElapses(shipTimer.calendar, w, 1)[0], kind: "ship" });
  }
  events.sort((a, b) => a.at - b.at || (a.kind === "write" ? -1 : 1));

  const fakeBin = join(dir, "fake-bin");
  const failingDump = (): Record<string, string> => {
    mkdirSync(fakeBin, { recursive: true });
    if (engine === "postgresql") {
      for (const t of readdirSync(PG_BIN))
        if (t !== "pg_dump" && !existsSync(join(fakeBin, t)))
          execFileSync("ln", ["-sf", join(PG_BIN, t), join(fakeBin, t)]);
      writeFileSync(join(fakeBin, "pg_dump"), `#!/bin/bash\nprintf 'PGDMP partial'\nexit 1\n`, { mode: 0o755 });
      return { BACKUP_GOV_PG_BINDIR: fakeBin };
    }
    writeFileSync(join(fakeBin, "mariadb-dump"), `#!/bin/bash\nprintf -- '-- partial dump\\n'\nexit 2\n`, {
      mode: 0o755,
    });
    return { PATH: `${fakeBin}:${process.env.PATH}:/usr/sbin:/sbin` };
  };

  const runs: SoakResult["runs"] = [];
  clock.set(SIM_START - 1800);
  const init = run("backup.sh", ["--init"]);
  if (init.code !== 0) throw new Error(`backup.sh --init failed (${init.code}): ${init.stderr.slice(-2000)}`);
  record(SIM_START - 1800);
  try {
    for (const e of events) {
      clock.set(e.at);
      if (e.kind === "write") {
        write(e.at);
        record(e.at);
        continue;
      }
      if (e.kind === "ship") {
        const r = run("backup.sh", ["--ship"]);
        runs.push({
          at: iso(e.at),
          kind: "ship",
          code: r.code,
          expected: 0,
          seconds: r.seconds,
          id: runIdIn(r.stderr),
        });
        if (r.code !== 0) throw new Error(`ship at ${iso(e.at)} failed (${r.code}): ${r.stderr.slice(-2000)}`);
        continue;
      }
      let extra: Record<string, string> = {};
      let expected = 0;
      let holder: ReturnType<typeof spawn> | undefined;
      if (e.inject === "failed dump") {
        extra = failingDump();
        expected = 5;
      } else if (e.inject === "destination gone") {
        renameSync(repo, `${repo}.away`);
        expected = 4;
      } else if (e.inject === "held lock") {
        mkdirSync(stateDir, { recursive: true });
        // Its own process group: the sleep holds the lock too, and goes with flock.
        holder = spawn("flock", [join(stateDir, "lock"), "sleep", "60"], { stdio: "ignore", detached: true });
        for (let i = 0; i < 100 && spawnSync("flock", ["-n", join(stateDir, "lock"), "true"]).status === 0; i++)
          execFileSync("sleep", ["0.05"]);
        expected = 75;
      }
      const r = run("backup.sh", [], extra);
      if (holder?.pid) process.kill(-holder.pid, "SIGTERM");
      if (e.inject === "destination gone") renameSync(`${repo}.away`, repo);
      runs.push({
        at: iso(e.at),
        kind: "backup",
        code: r.code,
        expected,
        injected: e.inject,
        seconds: r.seconds,
        id: runIdIn(r.stderr),
      });
      if (r.code !== expected)
        throw new Error(
          `backup at ${iso(e.at)}${e.inject ? ` (${e.inject})` : ""} exited ${r.code}, not ${expected}: ${r.stderr.slice(-3000)}`,
        );
    }

    // --- restore every kept point ----------------------------------------------------------------
    clock.set(end);
    const list = run("restore.sh", ["--list"]);
    if (list.code !== 0) throw new Error(`restore.sh --list failed: ${list.stderr.slice(-2000)}`);
    const listed = list.stdout
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split("\t"));
    const mainName = engine === "postgresql" ? `${service}.pgdump` : engine === "mysql" ? `${service}.sql` : "files";
    const headName = engine === "postgresql" ? `${service}.base.tar` : `${service}.full.xb`;
    const logName = engine === "postgresql" ? `${service}.wal.tar` : `${service}.binlog.tar`;
    const keptDumps = listed.filter((l) => l[1] === mainName).map((l) => l[0]);
    const chains = listed.filter((l) => l[1] === headName).map((l) => l[0]);
    const logRuns = listed.filter((l) => l[1] === logName).map((l) => l[0]);
    const goodRuns = runs.filter((r) => r.kind === "backup" && r.code === 0).map((r) => r.id!);
    const checks: Check[] = [];

    for (const runId of keptDumps) {
      const expected = stateAt(epochOfRun(runId));
      const s0 = Date.now();
      let actual = "";
      if (engine === "files") {
        const target = join(dir, "restored", runId);
        const r = run("restore.sh", ["--run", runId, "--target", target]);
        if (r.code !== 0) throw new Error(`restore of ${runId} failed: ${r.stderr.slice(-2000)}`);
        const digests = existsSync(join(target, data)) ? fileDigests(join(target, data)) : {};
        actual = JSON.stringify(
          Object.fromEntries(
            Object.keys(digests)
              .sort()
              .map((k) => [k, readText(join(target, data, k))]),
          ),
        );
        rmSync(target, { recursive: true, force: true });
      } else {
        const db = `r_${runId.toLowerCase()}`;
        const r = run("restore.sh", ["--run", runId, "--into", db]);
        if (r.code !== 0) throw new Error(`restore of ${runId} failed: ${r.stderr.slice(-2000)}`);
        actual = pg
          ? pg.sql("SELECT coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '') FROM items", db)
          : my!.sql(
              "SET SESSION group_concat_max_len = 16777216; SELECT coalesce(GROUP_CONCAT(CONCAT(id, ':', v) ORDER BY id SEPARATOR ','), '') FROM items",
              db,
            );
        if (pg) pg.sql(`DROP DATABASE ${db}`);
        else my!.sql(`DROP DATABASE ${db}`);
      }
      checks.push({
        kind: engine === "files" ? "files" : "dump",
        at: runId,
        ok: actual === expected,
        seconds: (Date.now() - s0) / 1000,
        detail: actual === expected ? undefined : `expected ${expected?.slice(0, 200)} got ${actual.slice(0, 200)}`,
      });
    }

    // Point-in-time targets inside every kept chain: between two writes, after the chain's head and before its last shipped log.
    for (let c = 0; c < chains.length; c++) {
      const from = epochOfRun(chains[c]);
      const nextHead = c + 1 < chains.length ? epochOfRun(chains[c + 1]) : end;
      const lastLog = Math.max(...logRuns.map(epochOfRun).filter((t) => t < nextHead + 1));
      const gaps: Array<[number, number]> = [];
      const marks = [from, ...history.map((h) => h.at).filter((t) => t > from && t < lastLog), lastLog];
      for (let i = 0; i + 1 < marks.length; i++)
        if (marks[i + 1] - marks[i] > 240) gaps.push([marks[i] + 60, marks[i + 1] - 60]);
      for (let k = 0; k < opts.targetsPerChain && gaps.length > 0; k++) {
        const [a, b] = gaps[Math.floor(rnd() * gaps.length)];
        const target = a + Math.floor(rnd() * (b - a));
        checks.push(restoreToTime(target));
      }
      // And a target just after a write, before the ship that carries it: the WAL then holds no commit after the target.
      const inside = history.filter((h) => h.at > from + 60 && h.at < lastLog - 120);
      if (inside.length > 0) checks.push(restoreToTime(inside[Math.floor(rnd() * inside.length)].at + 20));
    }

    function restoreToTime(target: number): Check {
      const expected = stateAt(target);
      const s0 = Date.now();
      const out = join(dir, `pitr-${target}`);
      let actual = "";
      let said = "";
      const when = `${iso(target).replace("T", " ").replace("Z", "")}+00`;
      if (pg) {
        const r = run("restore.sh", ["--to-time", when, "--pgdata", out, "--owner", "postgres"]);
        if (r.code !== 0)
          return {
            kind: "pitr",
            at: iso(target),
            ok: false,
            seconds: 0,
            detail: `restore.sh exited ${r.code}: ${r.stderr.slice(-1500)}`,
          };
        said = r.stderr.slice(-1500);
        let server: PgServer | undefined;
        try {
          server = new PgServer(dir, opts.ports.restore, { data: out, env });
          for (let i = 0; i < 300 && server.sql("SELECT pg_is_in_recovery()") === "t"; i++)
            execFileSync("sleep", ["0.1"]);
          actual = server.sql("SELECT coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '') FROM items", "shop");
        } catch (err) {
          actual = `server failed: ${String(err).slice(-1500)}`;
        } finally {
          server?.stop();
        }
        rmSync(`${out}.wal`, { recursive: true, force: true });
      } else {
        const r = run("restore.sh", ["--to-time", when, "--datadir", out, "--owner", "mysql"]);
        if (r.code !== 0)
          return {
            kind: "pitr",
            at: iso(target),
            ok: false,
            seconds: 0,
            detail: `restore.sh exited ${r.code}: ${r.stderr.slice(-1500)}`,
          };
        const sdir = join(dir, `pitr-server-${target}`);
        mkdirSync(sdir);
        let server: MariaServer | undefined;
        try {
          server = new MariaServer(sdir, opts.ports.restore, { data: out, env: { ...env, TMPDIR: sdir } });
          execFileSync("mariadb", ["--no-defaults", "-S", server.socket, "-uroot"], {
            input: readText(`${out}.binlogs/replay.sql`),
          });
          actual = server.sql(
            "SET SESSION group_concat_max_len = 16777216; SELECT coalesce(GROUP_CONCAT(CONCAT(id, ':', v) ORDER BY id SEPARATOR ','), '') FROM items",
            "shop",
          );
        } catch (err) {
          actual = `server failed: ${String(err).slice(-1500)}`;
        } finally {
          server?.stop(true);
        }
        rmSync(`${out}.binlogs`, { recursive: true, force: true });
        rmSync(sdir, { recursive: true, force: true });
      }
      rmSync(out, { recursive: true, force: true });
      return {
        kind: "pitr",
        at: iso(target),
        ok: actual === expected,
        seconds: (Date.now() - s0) / 1000,
        detail:
          actual === expected
            ? undefined
            : `expected ${expected?.slice(0, 300)} got ${actual.slice(-800)}; restore.sh said: ${said}`,
      };
    }

    // Nothing a failed run stored is left: every listed unit belongs to a run that said it stored or shipped.
    const succeeded = new Set(runs.filter((r) => r.code === 0).map((r) => r.id));
    const leftovers = listed.filter((l) => !succeeded.has(l[0])).map((l) => l.join(" "));
    const expectedKeptDumps = expectedKept(goodRuns, opts.retention, tool);
    return {
      service,
      runs,
      keptDumps,
      expectedKeptDumps,
      goodRuns,
      chains,
      checks,
      wallSeconds: (Date.now() - t0) / 1000,
      leftovers,
    };
  } finally {
    pg?.stop();
    my?.stop(true);
    if (!process.env.BACKUP_GOV_KEEP_ROUNDTRIP) rmSync(dir, { recursive: true, force: true });
  }
}

/** The run id a successful run names in its last message ("run <id> stored ..." / "shipped"). */
function runIdIn(stderr: string): string | undefined {
  return /run (\d{8}T\d{6}Z) (?:stored|shipped)/.exec(stderr)?.[1];
}

function readText(file: string): string {
  return execFileSync("cat", [file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}
