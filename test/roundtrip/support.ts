/**
 * Real servers and real repositories for the app-backup round trips: PostgreSQL 15 and
 * MariaDB started by the tests as unprivileged users on loopback, restic and borg
 * repositories in temporary folders, and the generated scripts run as they would run on a
 * host (only the env file points into the test's folder).
 *
 * Nothing is skipped: a missing tool fails the test with the package that provides it.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { type ServiceFile } from "../../lib/artifacts/app/bundle";
import { runtimeFiles } from "../../lib/artifacts/app/runtime";
import { AppBackup, type AppBackupProps } from "../../lib/constructs/app-backup";
import { Construct } from "../../lib/core/cdk";

export const ROOT = join(__dirname, "..", "..");
/** Textfile metrics of the round trips stay here for the monitoring work (`backup-gov status`). */
export const METRICS_ROOT = join(ROOT, ".tmp", "roundtrip-metrics");

const PACKAGES: Record<string, string> = {
  restic: "restic",
  borg: "borgbackup",
  shellcheck: "shellcheck",
  jq: "jq",
  setpriv: "util-linux",
  "/usr/lib/postgresql/15/bin/initdb": "postgresql-15",
  "/usr/lib/postgresql/15/bin/pg_ctl": "postgresql-15",
  "/usr/lib/postgresql/15/bin/pg_dump": "postgresql-client-15",
  mariadbd: "mariadb-server",
  "mariadb-install-db": "mariadb-server",
  mariadb: "mariadb-client",
  "mariadb-dump": "mariadb-client",
  "mariadb-binlog": "mariadb-client",
  mariabackup: "mariadb-backup",
  mbstream: "mariadb-backup",
  "prometheus-node-exporter": "prometheus-node-exporter",
};

/** Fails (never skips) when a tool is missing, naming the Debian package to install. */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter(
    (t) =>
      spawnSync("bash", ["-c", `command -v "$1" || test -x "$1"`, "_", t], {
        env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
      }).status !== 0,
  );
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => PACKAGES[t] ?? t))];
    throw new Error(
      `missing tools: ${missing.join(", ")}. Install them: apt-get install -y --no-install-recommends ${pkgs.join(" ")} (.ci/run does)`,
    );
  }
}

const isRoot = process.getuid?.() === 0;

/** A command line run as `user` (when the tests run as root, as in CI), else as ourselves. */
export function asUser(user: string, argv: string[]): string[] {
  return isRoot ? ["runuser", "-u", user, "--", ...argv] : argv;
}

/** A scratch folder every service user can enter (mkdtemp makes 0700 folders). */
export function scratch(name: string): string {
  const base = join(ROOT, ".tmp", "roundtrip");
  mkdirSync(base, { recursive: true });
  chmodSync(join(ROOT, ".tmp"), 0o755);
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, `${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function chownTo(path: string, user: string): void {
  if (!isRoot) return;
  execFileSync("chown", ["-R", `${user}:`, path]);
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a generated script with the env file of the test service. */
export function runScript(
  file: string,
  args: string[],
  envFile: string,
  extraEnv: Record<string, string> = {},
): RunResult {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, {
    encoding: "utf8",
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin`, BACKUP_GOV_ENV: envFile, ...extraEnv },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 240_000,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    code: r.status ?? -1,
    stdout: r.stdout ?? "",
    stderr: (r.stderr ?? "") + (r.error ? String(r.error) : ""),
    seconds,
  };
}

/**
 * Renders an AppBackup's files into `<dir>/prefix/<service>/` and the host's runtime into
 * `<dir>/prefix/runtime/` (what the bundle's install.sh does), and returns the construct.
 */
export function installService(
  dir: string,
  props: Omit<AppBackupProps, "layout">,
): { backup: AppBackup; scripts: string } {
  const root = new Construct(undefined as unknown as Construct, "roundtrip");
  const backup = new AppBackup(root, props.serviceId, { ...props, layout: { prefix: join(dir, "prefix") } });
  const scripts = join(dir, "prefix", props.serviceId);
  writeFiles(join(dir, "prefix", "runtime"), runtimeFiles());
  writeFiles(scripts, backup.files);
  return { backup, scripts };
}

export function writeFiles(dir: string, files: readonly ServiceFile[]): void {
  for (const f of files) {
    const file = join(dir, f.path);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, f.content);
    chmodSync(file, f.mode);
  }
}

/** An env file for a test service: the generated template's keys, pointed at the test's folders. */
export function writeEnv(dir: string, service: string, settings: Record<string, string>): string {
  const metrics = join(METRICS_ROOT, service);
  mkdirSync(metrics, { recursive: true });
  const drill = join(dir, "drill");
  mkdirSync(drill, { recursive: true });
  chmodSync(drill, 0o755);
  const lines = {
    BACKUP_GOV_HOST: "roundtrip",
    BACKUP_GOV_STATE_DIR: join(dir, "state", service),
    BACKUP_GOV_CACHE_DIR: join(dir, "cache", service),
    BACKUP_GOV_TEXTFILE_DIR: metrics,
    BACKUP_GOV_DRILL_DIR: drill,
    BACKUP_GOV_PASSWORD_FILE: secret(dir, `${service}.repo-password`, "correct horse battery staple\n"),
    ...settings,
  };
  const file = join(dir, `${service}.env`);
  writeFileSync(
    file,
    Object.entries(lines)
      .map(([k, v]) => `${k}='${v}'`)
      .join("\n") + "\n",
  );
  return file;
}

export function secret(dir: string, name: string, content: string): string {
  const file = join(dir, "secrets", name);
  mkdirSync(join(dir, "secrets"), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** Parses a Prometheus textfile into `name → value` (labels checked by the caller). */
export function readMetrics(file: string): Map<string, { labels: string; value: number }> {
  const out = new Map<string, { labels: string; value: number }>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m) out.set(m[1], { labels: m[2], value: Number(m[3]) });
  }
  return out;
}

/** Snapshots of a restic repository (id, tags, paths). */
export function resticSnapshots(
  repo: string,
  passwordFile: string,
): Array<{ id: string; tags?: string[]; paths: string[] }> {
  const out = execFileSync(
    "restic",
    ["-r", repo, "--password-file", passwordFile, "--no-lock", "snapshots", "--json"],
    { encoding: "utf8", env: { ...process.env, RESTIC_CACHE_DIR: join(repo, "..", "restic-cache-probe") } },
  );
  return JSON.parse(out) as Array<{ id: string; tags?: string[]; paths: string[] }>;
}

/** Archive names of a borg repository. */
export function borgArchives(repo: string, passwordFile: string, baseDir: string): string[] {
  const out = execFileSync("borg", ["list", "--short", "--bypass-lock", repo], {
    encoding: "utf8",
    env: {
      ...process.env,
      BORG_PASSCOMMAND: `cat ${passwordFile}`,
      BORG_BASE_DIR: baseDir,
      BORG_RELOCATED_REPO_ACCESS_IS_OK: "yes",
    },
  });
  return out.split("\n").filter(Boolean);
}

/** Overwrites the middle of the largest data file of a repository: what verify.sh must catch. */
export function corruptRepository(repo: string, subdir: "data" | "borg"): string {
  const list = execFileSync(
    "bash",
    [
      "-c",
      subdir === "data"
        ? `find "$1/data" -type f -printf '%s %p\\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-`
        : `find "$1/data" -type f -name '[0-9]*' -printf '%s %p\\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-`,
      "_",
      repo,
    ],
    { encoding: "utf8" },
  ).trim();
  if (!list) throw new Error(`no data file in ${repo}`);
  const bytes = readFileSync(list);
  const at = Math.floor(bytes.length / 2);
  for (let i = 0; i < Math.min(4096, bytes.length - at); i++) bytes[at + i] ^= 0xff;
  chmodSync(list, 0o644);
  writeFileSync(list, bytes);
  return list;
}

export function copyTree(from: string, to: string): void {
  execFileSync("cp", ["-a", from, to]);
}

// --- PostgreSQL 15 --------------------------------------------------------------------

export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A PostgreSQL 15 cluster started by the test as the postgres user, on 127.0.0.1 only. */
export class PgServer {
  public readonly data: string;
  public readonly socket: string;
  /** The environment of the server's processes (the soak's faked clock), when not ours. */
  private readonly env?: NodeJS.ProcessEnv;
  /** The server log, in the socket folder (which the postgres user owns). */
  private get log(): string {
    return join(this.socket, "server.log");
  }

  constructor(
    public readonly dir: string,
    public readonly port: number,
    options: { archiveCommand?: string; data?: string; env?: Record<string, string> } = {},
  ) {
    this.env = options.env ? { ...process.env, ...options.env } : undefined;
    this.data = options.data ?? join(dir, "pgdata");
    this.socket = join(dir, `pgsock-${port}`);
    mkdirSync(this.socket, { recursive: true });
    chownTo(this.socket, "postgres");
    if (!options.data) {
      mkdirSync(this.data, { recursive: true });
      chownTo(this.data, "postgres");
      run(
        asUser("postgres", [
          `${PG_BIN}/initdb`,
          "-D",
          this.data,
          "-U",
          "postgres",
          "-A",
          "trust",
          "--no-sync",
          "-E",
          "UTF8",
          "--locale=C.UTF-8",
        ]),
      );
    }
    const settings = [
      "-c listen_addresses=127.0.0.1",
      `-p ${port}`,
      `-k ${this.socket}`,
      "-c fsync=off",
      "-c wal_level=replica",
      "-c max_wal_senders=5",
      ...(options.archiveCommand
        ? ["-c archive_mode=on", `-c archive_command='${options.archiveCommand}'`, "-c archive_timeout=60"]
        : []),
    ].join(" ");
    this.pgctl(["-l", this.log, "-w", "-t", "120", "-o", settings, "start"]);
  }

  public pgctl(args: string[]): void {
    const argv = asUser("postgres", [`${PG_BIN}/pg_ctl`, "-D", this.data, ...args]);
    const r = spawnSync(argv[0], argv.slice(1), {
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
      env: this.env,
    });
    if (r.status !== 0)
      throw new Error(
        `pg_ctl ${args.at(-1)} failed: ${r.stderr}\n${existsSync(this.log) ? readFileSync(this.log, "utf8").slice(-2000) : ""}`,
      );
  }

  /** psql as the superuser over TCP; returns unaligned, tuples-only output. */
  public sql(sql: string, db = "postgres"): string {
    return execFileSync(
      `${PG_BIN}/psql`,
      [
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-U",
        "postgres",
        "-d",
        db,
      ],
      { input: sql, encoding: "utf8" },
    ).trim();
  }

  public stop(): void {
    try {
      this.pgctl(["-m", "fast", "stop"]);
    } catch {
      /* already stopped */
    }
  }
}

// --- MariaDB ---------------------------------------------------------------------------

/** A MariaDB server started by the test as the mysql user, on a socket and 127.0.0.1 only. */
export class MariaServer {
  public readonly data: string;
  public readonly socket: string;
  private readonly log: string;
  private readonly pidFile: string;

  constructor(
    public readonly dir: string,
    public readonly port: number,
    options: { binlog?: boolean; data?: string; env?: Record<string, string> } = {},
  ) {
    this.data = options.data ?? join(dir, "mariadata");
    this.socket = join(dir, `mysqld-${port}.sock`);
    this.log = join(dir, `mariadb-${port}.log`);
    this.pidFile = join(dir, `mysqld-${port}.pid`);
    if (!options.data) {
      mkdirSync(this.data, { recursive: true });
      chownTo(this.data, "mysql");
      run(
        asUser("mysql", [
          "mariadb-install-db",
          "--no-defaults",
          `--datadir=${this.data}`,
          "--auth-root-authentication-method=normal",
          "--skip-test-db",
        ]),
      );
    }
    chownTo(dir, "mysql");
    const argv = asUser("mysql", [
      "/usr/sbin/mariadbd",
      "--no-defaults",
      `--datadir=${this.data}`,
      `--socket=${this.socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${join(dir, `mysqld-${port}.pid`)}`,
      `--log-error=${this.log}`,
      "--innodb-flush-log-at-trx-commit=0",
      ...(options.binlog ? [`--log-bin=${join(this.data, "mysql-bin")}`, "--server-id=1", "--binlog-format=ROW"] : []),
    ]);
    // What mariadbd says before its error log is open (a refused option, a library) goes here.
    const early = join(dir, `mariadbd-${port}.out`);
    const out = openSync(early, "a");
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ["ignore", out, out],
      detached: true,
      env: options.env ? { ...process.env, ...options.env } : undefined,
    });
    child.unref();
    closeSync(out);
    for (let i = 0; i < 240; i++) {
      if (
        spawnSync("mariadb", ["--no-defaults", "-S", this.socket, "-uroot", "-e", "SELECT 1"], { stdio: "ignore" })
          .status === 0
      )
        return;
      spawnSync("sleep", ["0.25"]);
    }
    throw new Error(
      `mariadbd did not start: ${existsSync(this.log) ? readFileSync(this.log, "utf8").slice(-2000) : "(no log)"}; its output: ${readFileSync(early, "utf8").slice(-2000) || "(none)"}; exit: ${String(child.exitCode ?? "still running")}`,
    );
  }

  public sql(sql: string, db?: string): string {
    return execFileSync("mariadb", ["--no-defaults", "-S", this.socket, "-uroot", "-N", "-B", ...(db ? [db] : [])], {
      input: sql,
      encoding: "utf8",
    }).trim();
  }

  /** Shuts the server down; with `wait`, returns once its pid file is gone (its data folder can be removed then). */
  public stop(wait = false): void {
    spawnSync("mariadb-admin", ["--no-defaults", "-S", this.socket, "-uroot", "shutdown"], { stdio: "ignore" });
    for (let i = 0; wait && i < 600 && existsSync(this.pidFile); i++) spawnSync("sleep", ["0.1"]);
  }
}

export function cleanup(dir: string): void {
  if (process.env.BACKUP_GOV_KEEP_ROUNDTRIP) return;
  rmSync(dir, { recursive: true, force: true });
}

/** Durations of the round trips, for bench/app-roundtrip.ts and the report. */
export function recordDuration(suite: string, step: string, seconds: number): void {
  mkdirSync(METRICS_ROOT, { recursive: true });
  const file = join(METRICS_ROOT, "durations.json");
  const all = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, number>>)
    : {};
  all[suite] = { ...(all[suite] ?? {}), [step]: Math.round(seconds * 1000) / 1000 };
  writeFileSync(file, JSON.stringify(all, null, 2) + "\n");
}

/** Runs a command line, throwing with its stderr when it fails. */
export function run(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Path → sha256 of every regular file under a folder (what a restore must give back). */
export function fileDigests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[relative(root, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(root);
  return out;
}
