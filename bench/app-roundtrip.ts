/**
 * Measures the generated app-backup scripts on real servers and prints a BENCHMARKS.md-ready
 * table: backup, drill (verify.sh) and restore durations of PostgreSQL 15, MariaDB and files,
 * each stored with restic and with borg into local repositories.
 *
 *   npx tsx bench/app-roundtrip.ts [--rows N] [--file-mib N]
 *
 * The round-trip tests (test/roundtrip/) prove correctness with smaller data; they also leave
 * their own step durations in .tmp/roundtrip-metrics/durations.json, printed at the end.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { AppBackupDestination } from "../lib/constructs/app-backup";
import { Duration } from "../lib/core/duration";
import { Retention } from "../lib/core/retention";
import { AppEngine, BackupTool } from "../lib/core/vocabulary";
import {
  MariaServer,
  METRICS_ROOT,
  PG_BIN,
  PgServer,
  cleanup,
  installService,
  requireTools,
  runScript,
  scratch,
  secret,
  writeEnv,
} from "../test/roundtrip/support";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg("--rows", 1_000_000);
const FILE_MIB = arg("--file-mib", 256);

interface Row {
  readonly engine: string;
  readonly tool: string;
  readonly data: string;
  readonly stored: string;
  readonly backup: number;
  readonly drill: number;
  readonly restore: number;
}

function timed(file: string, args: string[], env: string, extra: Record<string, string> = {}): number {
  const r = runScript(file, args, env, extra);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")}: exit ${r.code}\n${r.stderr.slice(-2000)}`);
  return r.seconds;
}

function storedBytes(service: string): string {
  const prom = readFileSync(
    join(METRICS_ROOT, `bench-${service}`, `backup_bench_${service.replace(/-/g, "_")}_backup.prom`),
    "utf8",
  );
  const bytes = Number(/^backup_size_bytes\{[^}]*\} (\d+)$/m.exec(prom)?.[1] ?? 0);
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

const common = {
  estate: "bench",
  host: "bench",
  retention: Retention.of({ daily: 7 }),
  rpo: Duration.parse("1d"),
  rto: Duration.parse("1h"),
};

function postgres(dir: string, rows: Row[]): void {
  const server = new PgServer(dir, 54491);
  try {
    server.sql("CREATE DATABASE shop");
    server.sql(
      `CREATE TABLE orders (id bigserial PRIMARY KEY, customer int, amount numeric(10,2), note text);
       INSERT INTO orders (customer, amount, note) SELECT g % 5000, (g % 1000) / 10.0, md5(g::text) || ' order ' || g FROM generate_series(1, ${ROWS}) g;`,
      "shop",
    );
    const size = server.sql("SELECT pg_size_pretty(pg_database_size('shop'))");
    for (const tool of [BackupTool.RESTIC, BackupTool.BORG]) {
      const service = `pg-${tool}`;
      const repo = join(dir, `${tool}-repo`);
      const { scripts } = installService(dir, {
        ...common,
        serviceId: `bench-${service}`,
        engine: AppEngine.POSTGRESQL,
        database: "shop",
        tool,
        destination: AppBackupDestination.repository(repo),
      });
      const env = writeEnv(dir, `bench-${service}`, {
        BACKUP_GOV_REPOSITORY: repo,
        PGHOST: "127.0.0.1",
        PGPORT: "54491",
        PGUSER: "postgres",
        PGDATABASE: "shop",
        BACKUP_GOV_RESTORE_PGUSER: "postgres",
        BACKUP_GOV_PG_BINDIR: PG_BIN,
      });
      timed(join(scripts, "backup.sh"), ["--init"], env);
      const backup = timed(join(scripts, "backup.sh"), [], env);
      const drill = timed(join(scripts, "verify.sh"), [], env);
      const restore = timed(join(scripts, "restore.sh"), ["--into", `shop_${tool}`], env);
      rows.push({
        engine: "PostgreSQL 15 (pg_dump -Fc)",
        tool,
        data: `${ROWS.toLocaleString("en")} rows, ${size}`,
        stored: storedBytes(service),
        backup,
        drill,
        restore,
      });
    }
  } finally {
    server.stop();
  }
}

function mariadb(dir: string, rows: Row[]): void {
  const serverDir = join(dir, "server");
  mkdirSync(serverDir);
  const server = new MariaServer(serverDir, 33491);
  try {
    server.sql("CREATE DATABASE shop");
    server.sql(
      `CREATE TABLE orders (id INT PRIMARY KEY, customer INT, amount DECIMAL(10,2), note TEXT) ENGINE=InnoDB;
       INSERT INTO orders SELECT seq, seq % 5000, (seq % 1000) / 10, CONCAT(MD5(seq), ' order ', seq) FROM seq_1_to_${ROWS};`,
      "shop",
    );
    server.sql("ANALYZE TABLE orders", "shop");
    const size = server.sql(
      "SELECT CONCAT(ROUND(SUM(data_length + index_length) / 1048576), ' MiB') FROM information_schema.tables WHERE table_schema = 'shop'",
    );
    const cnf = secret(dir, "root.cnf", `[client]\nuser=root\nsocket=${server.socket}\n`);
    for (const tool of [BackupTool.RESTIC, BackupTool.BORG]) {
      const service = `my-${tool}`;
      const repo = join(dir, `${tool}-repo`);
      const { scripts } = installService(dir, {
        ...common,
        serviceId: `bench-${service}`,
        engine: AppEngine.MYSQL,
        database: "shop",
        tool,
        destination: AppBackupDestination.repository(repo),
      });
      const env = writeEnv(dir, `bench-${service}`, {
        BACKUP_GOV_REPOSITORY: repo,
        BACKUP_GOV_MYSQL_DATABASE: "shop",
        BACKUP_GOV_MYSQL_DEFAULTS_FILE: cnf,
        BACKUP_GOV_RESTORE_MYSQL_DEFAULTS_FILE: cnf,
      });
      timed(join(scripts, "backup.sh"), ["--init"], env);
      const backup = timed(join(scripts, "backup.sh"), [], env);
      const drill = timed(join(scripts, "verify.sh"), [], env);
      const restore = timed(join(scripts, "restore.sh"), ["--into", `shop_${tool}`], env);
      rows.push({
        engine: "MariaDB 10.11 (mysqldump)",
        tool,
        data: `${ROWS.toLocaleString("en")} rows, ${size}`,
        stored: storedBytes(service),
        backup,
        drill,
        restore,
      });
    }
  } finally {
    server.stop();
  }
}

function files(dir: string, rows: Row[]): void {
  const data = join(dir, "srv");
  mkdirSync(data, { recursive: true });
  const count = 64;
  for (let i = 0; i < count; i++)
    writeFileSync(
      join(data, `f${i}.bin`),
      execFileSync("head", ["-c", String((FILE_MIB * 1024 * 1024) / count), "/dev/urandom"], { maxBuffer: 1 << 30 }),
    );
  for (const tool of [BackupTool.RESTIC, BackupTool.BORG]) {
    const service = `files-${tool}`;
    const repo = join(dir, `${tool}-repo`);
    const { scripts } = installService(dir, {
      ...common,
      serviceId: `bench-${service}`,
      engine: AppEngine.FILES,
      paths: [data],
      tool,
      destination: AppBackupDestination.repository(repo),
    });
    const env = writeEnv(dir, `bench-${service}`, { BACKUP_GOV_REPOSITORY: repo });
    timed(join(scripts, "backup.sh"), ["--init"], env);
    const backup = timed(join(scripts, "backup.sh"), [], env);
    const drill = timed(join(scripts, "verify.sh"), [], env);
    const restore = timed(join(scripts, "restore.sh"), ["--target", join(dir, `restored-${tool}`)], env);
    rows.push({
      engine: "files (random, incompressible)",
      tool,
      data: `${count} files, ${FILE_MIB} MiB`,
      stored: storedBytes(service),
      backup,
      drill,
      restore,
    });
  }
}

function main(): void {
  requireTools("restic", "borg", "jq", "setpriv", `${PG_BIN}/initdb`, "mariadbd", "mariadb-dump");
  const rows: Row[] = [];
  for (const [name, fn] of [
    ["pg", postgres],
    ["maria", mariadb],
    ["files", files],
  ] as const) {
    const dir = scratch(`bench-${name}`);
    try {
      fn(dir, rows);
    } finally {
      cleanup(dir);
    }
  }
  const s = (x: number) => `${x.toFixed(1)} s`;
  const out = [
    `### App-level backups: generated scripts on real servers (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, local repositories)`,
    "",
    "Backup = `backup.sh` (preflight, dump, store, capture record, forget/prune); drill = `verify.sh` (repository check, restore into a scratch server or folder, compare with the record); restore = `restore.sh --into NEW_DB` / `--target DIR`.",
    "",
    "| Engine | Tool | Data | Stored | Backup | Drill | Restore |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.engine} | ${r.tool} | ${r.data} | ${r.stored} | ${s(r.backup)} | ${s(r.drill)} | ${s(r.restore)} |`,
    ),
  ];
  const steps = join(METRICS_ROOT, "durations.json");
  if (existsSync(steps)) {
    out.push(
      "",
      "Steps of the round-trip tests (smaller data, see test/roundtrip/):",
      "",
      "| Suite | Step | Seconds |",
      "|---|---|---|",
    );
    for (const [suite, entries] of Object.entries(
      JSON.parse(readFileSync(steps, "utf8")) as Record<string, Record<string, number>>,
    )) {
      for (const [step, seconds] of Object.entries(entries)) out.push(`| ${suite} | ${step} | ${seconds.toFixed(1)} |`);
    }
  }
  process.stdout.write(out.join("\n") + "\n");
}

main();
