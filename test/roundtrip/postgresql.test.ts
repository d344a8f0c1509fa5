/**
 * PostgreSQL 15 round trips with the generated scripts: backed up as the generated backup
 * role (pg_read_all_data, BYPASSRLS, REPLICATION) through its pg_hba lines into a restic
 * repository (with pitr) and a borg repository, damaged, restored (all, one table, into a
 * new database, from the offsite copy, to a point in time), drilled by verify.sh, which
 * must catch a corrupted repository. Servers and repositories are started by this file.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Metrics } from "../../lib/core/metrics";
import { ExitCode } from "../../lib/artifacts/app/exit-codes";
import { cli } from "../support/cli";
import { scrapeTextfiles } from "../support/node-exporter";
import {
  METRICS_ROOT,
  PG_BIN,
  PgServer,
  borgArchives,
  chownTo,
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
  secret,
  writeEnv,
} from "./support";

jest.setTimeout(300_000);

// Overridable when another checkout's round trip holds the port on a shared machine.
const PORT = Number(process.env.ROUNDTRIP_PG_PORT ?? 54391);
const DB = "shop";
const SEED = `
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 5000) g;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id), amount numeric(10, 2), note text);
INSERT INTO orders (customer_id, amount, note)
  SELECT 1 + g % 5000, (g % 1000) / 10.0, 'order ' || g || E' with a tab\\tand a quote '' ' FROM generate_series(1, 100000) g;
CREATE INDEX orders_customer ON orders (customer_id);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 50;
CREATE FUNCTION order_total(c int) RETURNS numeric LANGUAGE sql AS $$ SELECT sum(amount) FROM orders WHERE customer_id = c $$;
CREATE TABLE audit (id int, owner text);
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON audit USING (owner = current_user);
INSERT INTO audit VALUES (1, 'postgres'), (2, 'someone else');
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id int PRIMARY KEY, total numeric);
INSERT INTO billing.invoices SELECT g, g * 1.5 FROM generate_series(1, 300) g;
CREATE TABLE teams (id serial PRIMARY KEY, name text NOT NULL, lead_id int);
CREATE TABLE members (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, team_id int NOT NULL REFERENCES teams (id), name text);
INSERT INTO teams (name) SELECT 'team ' || g FROM generate_series(1, 20) g;
INSERT INTO members (team_id, name) SELECT 1 + g % 20, 'member ' || g FROM generate_series(1, 200) g;
UPDATE teams SET lead_id = id;
ALTER TABLE teams ADD CONSTRAINT teams_lead FOREIGN KEY (lead_id) REFERENCES members (id);
`;
const TABLES = [
  "public.customers",
  "public.orders",
  "public.audit",
  "billing.invoices",
  "public.teams",
  "public.members",
];

/** Row count and an order-independent checksum of every table, plus the view and the function. */
function fingerprint(server: PgServer, db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of TABLES)
    out[t] = server.sql(
      `SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${t} t`,
      db,
    );
  out.view = server.sql("SELECT count(*) FROM big_orders", db);
  out.function = server.sql("SELECT order_total(7)", db);
  return out;
}

describe("PostgreSQL 15 round trip with the generated scripts", () => {
  let dir: string;
  let server: PgServer;
  let original: Record<string, string>;
  const svc = { restic: "pg-restic", borg: "pg-borg" };
  const env: Record<string, string> = {};
  const scripts: Record<string, string> = {};
  const repo = { restic: "", borg: "" };

  beforeAll(() => {
    requireTools(
      "restic",
      "borg",
      "jq",
      "setpriv",
      "prometheus-node-exporter",
      `${PG_BIN}/initdb`,
      `${PG_BIN}/pg_ctl`,
      `${PG_BIN}/pg_dump`,
    );
    dir = scratch("pg");
    repo.restic = join(dir, "restic-repo");
    repo.borg = join(dir, "borg-repo");
    const common = {
      estate: "roundtrip",
      host: "roundtrip",
      engine: AppEngine.POSTGRESQL,
      database: DB,
      retention: Retention.of({ daily: 7, weekly: 4 }),
      rpo: Duration.parse("15m"),
      rto: Duration.parse("1h"),
    };
    const r = installService(dir, {
      ...common,
      serviceId: svc.restic,
      pitr: true,
      destination: AppBackupDestination.repository(repo.restic),
    });
    const b = installService(dir, {
      ...common,
      serviceId: svc.borg,
      tool: BackupTool.BORG,
      rpo: Duration.parse("1d"),
      destination: AppBackupDestination.repository(repo.borg),
    });
    scripts[svc.restic] = r.scripts;
    scripts[svc.borg] = b.scripts;
    // The WAL spool: what archive_command writes into (owned by postgres, like install.sh makes it).
    const spool = join(dir, "spool");
    mkdirSync(spool, { recursive: true });
    chownTo(spool, "postgres");
    server = new PgServer(dir, PORT, {
      archiveCommand: `BACKUP_GOV_SPOOL_DIR=${spool} ${r.scripts}/wal-archive.sh %p %f`,
    });
    server.sql(`CREATE DATABASE ${DB}`);
    server.sql(SEED, DB);
    original = fingerprint(server, DB);

    // The generated roles and pg_hba lines, with passwords set the way the role file says (never in a file of ours).
    const hba = ["local all postgres trust", "host all postgres 127.0.0.1/32 trust"];
    for (const s of [svc.restic, svc.borg]) {
      const folder = scripts[s];
      server.sql(readFileSync(join(folder, "postgresql/backup-role.sql"), "utf8"));
      const role = `backup_gov_${s.replace(/-/g, "_")}`;
      server.sql(`ALTER ROLE ${role} PASSWORD 'test-only-${s}'`);
      hba.push(
        ...readFileSync(join(folder, "postgresql/pg_hba.conf"), "utf8")
          .split("\n")
          .filter((l) => l.startsWith("host")),
      );
      const pgpass = secret(
        dir,
        `${s}.pgpass`,
        `127.0.0.1:${PORT}:${DB}:${role}:test-only-${s}\n127.0.0.1:${PORT}:replication:${role}:test-only-${s}\n`,
      );
      env[s] = writeEnv(dir, s, {
        BACKUP_GOV_REPOSITORY: s === svc.restic ? repo.restic : repo.borg,
        PGHOST: "127.0.0.1",
        PGPORT: String(PORT),
        PGUSER: role,
        PGDATABASE: DB,
        PGPASSFILE: pgpass,
        BACKUP_GOV_RESTORE_PGUSER: "postgres",
        BACKUP_GOV_PG_BINDIR: PG_BIN,
        BACKUP_GOV_SPOOL_DIR: spool,
      });
    }
    writeFileSync(join(server.data, "pg_hba.conf"), hba.join("\n") + "\n");
    server.sql("SELECT pg_reload_conf()");
  });

  afterAll(() => {
    server?.stop();
    if (dir) cleanup(dir);
  });

  const run = (s: string, script: string, args: string[] = [], extra: Record<string, string> = {}) =>
    runScript(join(scripts[s], script), args, env[s], extra);
  const ok = (r: ReturnType<typeof run>) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr.slice(-3000)}`);
    return r;
  };

  it("the backup role cannot read what it is not given: no login to other databases through pg_hba", () => {
    const r = execFileSync(
      "bash",
      [
        "-c",
        `PGPASSWORD=test-only-${svc.restic} ${PG_BIN}/psql -X -h 127.0.0.1 -p ${PORT} -U backup_gov_pg_restic -d postgres -c 'select 1' 2>&1 || true`,
      ],
      { encoding: "utf8" },
    );
    expect(r).toMatch(/no pg_hba.conf entry/);
  });

  it("restic: init, then a backup run as the generated role stores the dump, the base backup, the WAL and their capture records", () => {
    ok(run(svc.restic, "backup.sh", ["--init"]));
    const r = ok(run(svc.restic, "backup.sh"));
    recordDuration("postgresql", "restic backup (dump + base backup + WAL)", r.seconds);
    const names = resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).map((s) =>
      s.tags!.find((t) => t.startsWith("name="))!.slice(5),
    );
    expect(names.sort()).toEqual([
      "pg-restic.base.tar",
      "pg-restic.base.tar.capture",
      "pg-restic.pgdump",
      "pg-restic.pgdump.capture",
      "pg-restic.wal.tar",
      "pg-restic.wal.tar.capture",
    ]);
  });

  it("writes the backup metrics atomically with the contract's names and labels", () => {
    const m = readMetrics(join(METRICS_ROOT, svc.restic, "backup_pg_restic_backup.prom"));
    expect(m.get(Metrics.lastRunSuccess)?.value).toBe(1);
    expect(m.get(Metrics.lastSuccess)!.value).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(m.get(Metrics.items)?.value).toBe(5000 + 100000 + 2 + 300 + 20 + 200);
    expect(m.get(Metrics.size)!.value).toBeGreaterThan(1_000_000);
    expect(m.get(Metrics.rpo)?.value).toBe(900);
    expect(m.get(Metrics.lastRunSuccess)?.labels).toBe('service="pg-restic",engine="postgresql",target="repository"');
    expect(readdirSync(join(METRICS_ROOT, svc.restic)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("backup-gov status reads these real metrics: the service that just ran is fresh, one that never ran is not", async () => {
    const catalog = join(dir, "status-catalog.yaml");
    const svcYaml = (id: string) =>
      `  - id: ${id}\n    classification: important\n    rpo: 15m\n    rto: 1h\n    app: { decision: required, rationale: "db", engine: postgresql, host: db.test, database: shop, pitr: true, repository: /srv/repo }\n    offsite: { required: false, reason: "test" }\n    restore: { secrets: "file:/x", validate: ["true"] }\n`;
    writeFileSync(
      catalog,
      `version: 1\nname: roundtrip\nowner: "@t"\nnotifications: { email: [t@example.com] }\nservices:\n${svcYaml(svc.restic)}${svcYaml("never-ran")}`,
    );
    const r = await cli("status", catalog, "--metrics-dir", join(METRICS_ROOT, svc.restic), "--format", "json");
    const rows = JSON.parse(r.out).services as Array<{ service: string; state: string }>;
    expect(rows.find((x) => x.service === svc.restic)?.state).toBe("ok");
    expect(rows.find((x) => x.service === "never-ran")?.state).not.toBe("ok");
    expect(r.code).toBe(1);
  });

  it("verify.sh restores the latest backup into a scratch server and matches the capture record", () => {
    const r = ok(run(svc.restic, "verify.sh"));
    recordDuration("postgresql", "restic drill (check 5% + restore into scratch server)", r.seconds);
    const named = /drill of run \S+ passed: (\d+) record line\(s\) match/.exec(r.stderr);
    // One record line per table of the fixture (customers, orders, audit, invoices, teams, members).
    expect(named?.[1]).toBe("6");
    const m = readMetrics(join(METRICS_ROOT, svc.restic, "backup_pg_restic_drill.prom"));
    expect(m.get(Metrics.drillSuccess)?.value).toBe(1);
    expect(m.get(Metrics.drillDuration)!.value).toBeGreaterThan(0);
    // The lines it compared, for the coverage report's drill ledger: the ones the log names.
    expect(m.get(Metrics.drillItems)?.value).toBe(Number(named?.[1]));
    // The RTO the drill is judged against comes from the backup's file: one series, one file.
    expect(m.get(Metrics.rto)).toBeUndefined();
    expect(readMetrics(join(METRICS_ROOT, svc.restic, "backup_pg_restic_backup.prom")).get(Metrics.rto)?.value).toBe(
      3600,
    );
  });

  it("refuses to replace the live database without --yes, then restores everything after damage", () => {
    server.sql(
      "DELETE FROM orders WHERE id % 3 = 0; DROP TABLE billing.invoices; UPDATE customers SET name = 'x' WHERE id < 50;",
      DB,
    );
    expect(server.sql("SELECT count(*) FROM orders", DB)).not.toBe("100000");
    expect(run(svc.restic, "restore.sh").code).toBe(2);
    const r = ok(run(svc.restic, "restore.sh", ["--yes"]));
    recordDuration("postgresql", "restic restore (all, in place)", r.seconds);
    expect(fingerprint(server, DB)).toEqual(original);
  });

  it("restores one table and leaves the others as they are", () => {
    server.sql(
      "DELETE FROM orders WHERE id < 1000; UPDATE customers SET name = 'changed after the backup' WHERE id = 1;",
      DB,
    );
    ok(run(svc.restic, "restore.sh", ["--table", "public.orders", "--yes"]));
    const now = fingerprint(server, DB);
    expect(now["public.orders"]).toBe(original["public.orders"]);
    expect(server.sql("SELECT name FROM customers WHERE id = 1", DB)).toBe("changed after the backup");
    server.sql("UPDATE customers SET name = 'customer 1' WHERE id = 1", DB);
    expect(fingerprint(server, DB)).toEqual(original);
  });

  it("restores a table others reference (customers, by orders) and tables referenced in both directions (teams <-> members): says what else it touches, asks, then reloads them together with their sequences", () => {
    const seq = () => [
      server.sql("SELECT last_value FROM customers_id_seq", DB),
      server.sql("SELECT last_value FROM teams_id_seq", DB),
      server.sql("SELECT last_value FROM members_id_seq", DB),
    ];
    const seqBefore = seq();
    server.sql(
      "DELETE FROM orders WHERE customer_id = 9; DELETE FROM customers WHERE id = 9; INSERT INTO customers (name) VALUES ('new after the backup');",
      DB,
    );
    server.sql(
      "UPDATE teams SET lead_id = NULL WHERE lead_id IN (SELECT id FROM members WHERE team_id = 3); DELETE FROM members WHERE team_id = 3; UPDATE teams SET name = 'renamed' WHERE id = 5; INSERT INTO members (team_id, name) VALUES (1, 'joined after the backup');",
      DB,
    );
    expect(seq()).not.toEqual(seqBefore);
    // Without --yes (and no terminal to ask at): the plan, and nothing changed.
    const refused = run(svc.restic, "restore.sh", ["--table", "public.customers"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /restoring public\.customers in shop also empties and reloads, from run \S+, the tables that reference it: public\.orders .*nothing was changed: add --yes/s,
    );
    expect(server.sql("SELECT count(*) FROM customers WHERE id = 9", DB)).toBe("0");
    const r = ok(run(svc.restic, "restore.sh", ["--table", "public.customers", "--yes"]));
    expect(r.stderr).toMatch(/the tables that reference it: public\.orders/);
    const both = ok(run(svc.restic, "restore.sh", ["--table", "teams", "--yes"]));
    expect(both.stderr).toMatch(
      /the tables that reference it: public\.members .*2 foreign key\(s\) are checked again/s,
    );
    const now = fingerprint(server, DB);
    for (const t of ["public.customers", "public.orders", "public.teams", "public.members"])
      expect({ t, v: now[t] }).toEqual({ t, v: original[t] });
    expect(seq()).toEqual(seqBefore);
    // The foreign keys are back and enforced.
    expect(
      server.sql(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('orders'::regclass, 'teams'::regclass, 'members'::regclass)",
        DB,
      ),
    ).toBe("3");
    expect(() => server.sql("INSERT INTO orders (customer_id, amount) VALUES (999999, 1)", DB)).toThrow(
      /violates foreign key constraint/,
    );
  });

  it("a table restore that would leave a row without its parent changes nothing", () => {
    // The backup's orders point at customer 11; customer 11 goes, and orders alone cannot come back.
    server.sql("DELETE FROM orders WHERE customer_id = 11; DELETE FROM customers WHERE id = 11;", DB);
    const before = fingerprint(server, DB);
    const r = run(svc.restic, "restore.sh", ["--table", "public.orders", "--yes"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(
      /violates foreign key constraint[\s\S]*reloading public\.orders failed .*nothing was changed/,
    );
    expect(fingerprint(server, DB)).toEqual(before);
    ok(run(svc.restic, "restore.sh", ["--table", "public.customers", "--yes"]));
    expect(fingerprint(server, DB)).toEqual(original);
  });

  it("--yes in place does not wait on the application's locks: it ends the sessions connected to the database and says so", () => {
    // An application session in the middle of a transaction, holding a lock on orders.
    const app = spawn(
      `${PG_BIN}/psql`,
      ["-X", "-q", "-h", "127.0.0.1", "-p", String(PORT), "-U", "postgres", "-d", DB],
      { stdio: ["pipe", "ignore", "ignore"] },
    );
    app.stdin!.write("BEGIN; LOCK TABLE orders IN ACCESS SHARE MODE; SELECT pg_sleep(600);\n");
    try {
      for (
        let i = 0;
        i < 100 &&
        server.sql(
          "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'AccessShareLock' AND l.granted AND l.pid <> pg_backend_pid()",
          DB,
        ) === "0";
        i++
      )
        execFileSync("sleep", ["0.1"]);
      server.sql("UPDATE customers SET name = 'while the application runs' WHERE id = 2", DB);
      const r = ok(run(svc.restic, "restore.sh", ["--yes"], { BACKUP_GOV_RESTORE_LOCK_TIMEOUT: "20s" }));
      expect(r.stderr).toMatch(
        /ended [1-9]\d* session\(s\) connected to shop so that the restore does not wait on their locks/,
      );
      expect(fingerprint(server, DB)).toEqual(original);
    } finally {
      app.kill();
    }
  });

  it("restores into a new database with --into", () => {
    ok(run(svc.restic, "restore.sh", ["--into", "shop_copy"]));
    expect(fingerprint(server, "shop_copy")).toEqual(original);
  });

  it("a failed dump leaves no snapshot that looks good: the partial one is forgotten and the exit code says capture", () => {
    const before = resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).length;
    const list = ok(run(svc.restic, "restore.sh", ["--list"])).stdout;
    // A pg_dump that dies halfway: restic 0.14 would keep the partial stream as a snapshot.
    const fake = join(dir, "failing-bin");
    mkdirSync(fake, { recursive: true });
    for (const tool of readdirSync(PG_BIN))
      if (tool !== "pg_dump") execFileSync("ln", ["-sf", join(PG_BIN, tool), join(fake, tool)]);
    writeFileSync(join(fake, "pg_dump"), `#!/bin/bash\n"${PG_BIN}/pg_dump" "$@" | head -c 300000\nexit 1\n`, {
      mode: 0o755,
    });
    const r = run(svc.restic, "backup.sh", [], { BACKUP_GOV_PG_BINDIR: fake });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/forgetting what run \S+ stored/);
    const after = resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`));
    expect({ n: after.length, tags: after.map((x) => x.tags!.join(",")).sort(), err: r.stderr.slice(-1500) }).toEqual({
      n: before,
      tags: expect.any(Array),
      err: expect.any(String),
    });
    expect(ok(run(svc.restic, "restore.sh", ["--list"])).stdout).toBe(list);
    const m = readMetrics(join(METRICS_ROOT, svc.restic, "backup_pg_restic_backup.prom"));
    expect(m.get(Metrics.lastRunSuccess)?.value).toBe(0);
    // The last success is still the earlier run.
    expect(m.get(Metrics.lastSuccess)!.value).toBeLessThan(m.get(Metrics.lastRun)!.value);
    ok(run(svc.restic, "backup.sh"));
  });

  it("restores from the offsite copy and drills it, reading it without locks", () => {
    const offsite = join(dir, "offsite-repo");
    copyTree(repo.restic, offsite);
    execFileSync("chmod", ["-R", "a-w", offsite]);
    const extra = { BACKUP_GOV_OFFSITE_REPOSITORY: offsite };
    ok(run(svc.restic, "restore.sh", ["--from", "offsite", "--into", "shop_offsite"], extra));
    expect(fingerprint(server, "shop_offsite")).toEqual(original);
    ok(
      run(svc.restic, "verify.sh", ["--from", "offsite"], {
        ...extra,
        BACKUP_GOV_DRILL_TEXTFILE: join(dir, "offsite-drill.prom"),
      }),
    );
  });

  it("verify.sh catches a corrupted repository and reports the failed drill in its metrics", () => {
    const damaged = join(dir, "corrupted-repo");
    copyTree(repo.restic, damaged);
    corruptRepository(damaged, "data");
    const metrics = join(METRICS_ROOT, `${svc.restic}-corrupted`);
    mkdirSync(metrics, { recursive: true });
    const r = run(svc.restic, "verify.sh", [], {
      BACKUP_GOV_REPOSITORY: damaged,
      BACKUP_GOV_CHECK_SUBSET: "100%",
      BACKUP_GOV_TEXTFILE_DIR: metrics,
      BACKUP_GOV_STATE_DIR: join(dir, "state-corrupted"),
    });
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/repository check found damage/);
    expect(readMetrics(join(metrics, "backup_pg_restic_drill.prom")).get(Metrics.drillSuccess)?.value).toBe(0);
  });

  it("restores to a point in time between two writes and sees only the first (base backup + shipped WAL)", () => {
    server.sql(
      "CREATE TABLE pitr_probe (id int, at timestamptz DEFAULT now()); INSERT INTO pitr_probe VALUES (1);",
      DB,
    );
    execFileSync("sleep", ["1.2"]);
    const target = server.sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
    execFileSync("sleep", ["1.2"]);
    server.sql("INSERT INTO pitr_probe VALUES (2);", DB);
    const closed = server.sql("SELECT pg_walfile_name(pg_switch_wal())");
    for (let i = 0; i < 150 && server.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < closed; i++)
      execFileSync("sleep", ["0.2"]);
    expect(server.sql("SELECT last_archived_wal FROM pg_stat_archiver") >= closed).toBe(true);
    const before = Date.now() / 1000;
    const ship = ok(run(svc.restic, "backup.sh", ["--ship"]));
    recordDuration("postgresql", "restic WAL ship", ship.seconds);
    expect(run(svc.restic, "backup.sh", ["--ship"]).stderr).toMatch(/no new WAL/);
    // Shipping has its own freshness series: what meets an RPO shorter than the base backups.
    const shipped = readMetrics(join(METRICS_ROOT, svc.restic, "backup_pg_restic_ship.prom"));
    expect(shipped.get(Metrics.shipLastSuccess)!.value).toBeGreaterThanOrEqual(Math.floor(before));

    const restored = join(dir, "pitr-data");
    const r = ok(run(svc.restic, "restore.sh", ["--to-time", target, "--pgdata", restored]));
    recordDuration("postgresql", "restic point-in-time restore (base + WAL fetched)", r.seconds);
    expect(existsSync(join(restored, "recovery.signal"))).toBe(true);
    const pitr = new PgServer(dir, PORT + 1, { data: restored });
    try {
      for (let i = 0; i < 150 && pitr.sql("SELECT pg_is_in_recovery()") === "t"; i++) execFileSync("sleep", ["0.2"]);
      expect(pitr.sql("SELECT pg_is_in_recovery()")).toBe("f");
      expect(pitr.sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM pitr_probe", DB)).toBe("1");
      expect(pitr.sql("SELECT count(*) FROM orders", DB)).toBe("100000");
    } finally {
      pitr.stop();
    }
  });

  it("refuses a point in time past a hole in the kept WAL (a pruned chain between two kept ones) instead of promoting the database as it was at the hole (found by the soak)", () => {
    // Every run is kept for now (all runs here fall on one day, where daily retention keeps the newest
    // chain only): the first chain must outlive the second, as borg's keep-oldest makes it do over weeks.
    const conf = join(scripts[svc.restic], "service.conf");
    const original = readFileSync(conf, "utf8");
    expect(original).toMatch(/^KEEP=.*$/m);
    writeFileSync(conf, original.replace(/^KEEP=.*$/m, "KEEP=(--keep-last 1000)"));
    try {
      makeHole();
    } finally {
      writeFileSync(conf, original);
    }
    const restored = join(dir, "hole-data");
    const r = run(svc.restic, "restore.sh", ["--to-time", holeTarget, "--pgdata", restored]);
    expect(r.code).toBe(ExitCode.RESTORE);
    expect(r.stderr).toMatch(
      /stops before .*: segment [0-9A-F]{24} is missing .*pick a time before that, or restore a dump/,
    );
    // Nothing half-restored is left where the operator pointed it: the folder is as empty as it was.
    expect(existsSync(restored) ? readdirSync(restored) : []).toEqual([]);
  });

  let holeTarget = "";
  function makeHole(): void {
    const password = join(dir, "secrets", `${svc.restic}.repo-password`);
    const archived = (closed: string) => {
      for (
        let i = 0;
        i < 150 && server.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < closed;
        i++
      )
        execFileSync("sleep", ["0.2"]);
    };
    // Row 3 reaches the spool but no ship of its own: the next chain's base run ships it, then cleans the spool.
    server.sql("CREATE TABLE hole_probe (id int); INSERT INTO hole_probe VALUES (3);", DB);
    archived(server.sql("SELECT pg_walfile_name(pg_switch_wal())"));
    execFileSync("rm", ["-f", join(dir, "state", svc.restic, "last-base")]);
    ok(run(svc.restic, "backup.sh"));
    const bases = resticSnapshots(repo.restic, password).filter((x) => x.tags!.includes(`name=${svc.restic}.base.tar`));
    const secondChain = bases
      .map((x) => x.tags!.find((t) => t.startsWith("run="))!)
      .sort()
      .at(-1)!;
    server.sql("INSERT INTO hole_probe VALUES (4);", DB);
    archived(server.sql("SELECT pg_walfile_name(pg_switch_wal())"));
    execFileSync("sleep", ["1.2"]);
    const target = server.sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
    execFileSync("sleep", ["1.2"]);
    server.sql("INSERT INTO hole_probe VALUES (5);", DB);
    archived(server.sql("SELECT pg_walfile_name(pg_switch_wal())"));
    ok(run(svc.restic, "backup.sh", ["--ship"]));
    // The second chain's base run goes, as a prune that kept the first chain (for an old dump) would take it.
    const pruned = resticSnapshots(repo.restic, password)
      .filter((x) => x.tags!.includes(secondChain))
      .map((x) => x.id);
    expect(pruned.length).toBeGreaterThan(0);
    execFileSync("restic", ["-r", repo.restic, "--password-file", password, "forget", ...pruned], {
      env: { ...process.env, RESTIC_CACHE_DIR: join(dir, "hole-cache") },
      stdio: "ignore",
    });
    // A base of the first chain is still there to start from.
    expect(
      resticSnapshots(repo.restic, password).filter((x) => x.tags!.includes(`name=${svc.restic}.base.tar`)).length,
    ).toBeGreaterThan(0);
    holeTarget = target;
  }

  it("a WAL segment that lands between the tar and the spool cleanup is kept and shipped by the next run, never deleted unshipped", () => {
    const spool = join(dir, "spool");
    const late = "000000010000000000000000";
    // archive_command runs any time: this pg_archivecleanup lets a segment older than the new base land first.
    const fake = join(dir, "late-wal-bin");
    mkdirSync(fake, { recursive: true });
    for (const t of readdirSync(PG_BIN))
      if (t !== "pg_archivecleanup") execFileSync("ln", ["-sf", join(PG_BIN, t), join(fake, t)]);
    writeFileSync(
      join(fake, "pg_archivecleanup"),
      `#!/bin/bash\n[[ -e "${spool}/${late}" ]] || printf 'a late segment' >"${spool}/${late}"\nexec "${PG_BIN}/pg_archivecleanup" "$@"\n`,
      { mode: 0o755 },
    );
    // A base backup is due (FULL_EVERY elapsed): its run ships the spool, then cleans it.
    execFileSync("rm", ["-f", join(dir, "state", svc.restic, "last-base")]);
    const segmentsBefore = readdirSync(spool).filter((f) => /^[0-9A-F]{24}$/.test(f));
    ok(run(svc.restic, "backup.sh", [], { BACKUP_GOV_PG_BINDIR: fake }));
    expect(existsSync(join(spool, late))).toBe(true);
    // The segments that run did ship and that precede its base are gone from the spool.
    const after = new Set(readdirSync(spool));
    expect(segmentsBefore.filter((f) => !after.has(f)).length).toBeGreaterThan(0);
    ok(run(svc.restic, "backup.sh", ["--ship"]));
    const password = join(dir, "secrets", `${svc.restic}.repo-password`);
    const wal = resticSnapshots(repo.restic, password).filter((x) => x.tags!.includes(`name=${svc.restic}.wal.tar`));
    const newest = wal
      .map((x) => x.tags!.find((t) => t.startsWith("run="))!)
      .sort()
      .at(-1)!;
    const id = wal.find((x) => x.tags!.includes(newest))!.id;
    const listing = execFileSync(
      "bash",
      [
        "-c",
        `restic -r "$1" --password-file "$2" --no-lock dump "$3" /${svc.restic}.wal.tar | tar -tf -`,
        "_",
        repo.restic,
        password,
        id,
      ],
      { encoding: "utf8", env: { ...process.env, RESTIC_CACHE_DIR: join(dir, "late-cache") } },
    );
    expect(listing.split("\n")).toContain(late);
  });

  it("the real node_exporter serves every textfile the scripts wrote (backup, drill, ship) without a gathering error", async () => {
    const { body, errors } = await scrapeTextfiles(join(METRICS_ROOT, svc.restic));
    expect(errors).toEqual([]);
    for (const m of [Metrics.lastSuccess, Metrics.drillDuration, Metrics.shipLastSuccess, Metrics.rpo, Metrics.rto]) {
      expect(body).toMatch(new RegExp(`^${m}\\{engine="postgresql",service="pg-restic",target="repository"\\} `, "m"));
    }
  });

  it("borg: backup as its own role, drill, damage, restore all and one table, catch a corrupted repository", () => {
    ok(run(svc.borg, "backup.sh", ["--init"]));
    const b = ok(run(svc.borg, "backup.sh"));
    recordDuration("postgresql", "borg backup (dump)", b.seconds);
    expect(
      borgArchives(repo.borg, join(dir, "secrets", `${svc.borg}.repo-password`), join(dir, "borg-probe"))
        .map((a) => a.split("+")[1])
        .sort(),
    ).toEqual(["pg-borg.pgdump", "pg-borg.pgdump.capture"]);
    const v = ok(run(svc.borg, "verify.sh"));
    recordDuration("postgresql", "borg drill (check + restore into scratch server)", v.seconds);
    expect(
      readMetrics(join(METRICS_ROOT, svc.borg, "backup_pg_borg_drill.prom")).get(Metrics.drillSuccess)?.value,
    ).toBe(1);

    server.sql("DROP TABLE pitr_probe; TRUNCATE orders; DELETE FROM billing.invoices;", DB);
    const r = ok(run(svc.borg, "restore.sh", ["--yes"]));
    recordDuration("postgresql", "borg restore (all, in place)", r.seconds);
    expect(fingerprint(server, DB)).toEqual(original);
    server.sql("DELETE FROM billing.invoices WHERE id > 10", DB);
    ok(run(svc.borg, "restore.sh", ["--table", "billing.invoices", "--yes"]));
    expect(fingerprint(server, DB)).toEqual(original);

    const damaged = join(dir, "corrupted-borg");
    copyTree(repo.borg, damaged);
    corruptRepository(damaged, "borg");
    const metrics = join(METRICS_ROOT, `${svc.borg}-corrupted`);
    mkdirSync(metrics, { recursive: true });
    const c = run(svc.borg, "verify.sh", [], {
      BACKUP_GOV_REPOSITORY: damaged,
      BACKUP_GOV_TEXTFILE_DIR: metrics,
      BACKUP_GOV_STATE_DIR: join(dir, "state-borg-corrupted"),
    });
    expect([9, 4]).toContain(c.code);
    expect(readMetrics(join(metrics, "backup_pg_borg_drill.prom")).get(Metrics.drillSuccess)?.value).toBe(0);
  });
});
