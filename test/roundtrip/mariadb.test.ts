/**
 * MariaDB round trips with the generated scripts: backed up as the generated backup user
 * (global RELOAD, PROCESS, REPLICATION CLIENT/SLAVE; SELECT, LOCK TABLES, SHOW VIEW, EVENT,
 * TRIGGER on the database; SELECT on mysql.proc) into a restic repository (with pitr:
 * mariabackup full and incremental, binary logs shipped) and a borg repository, damaged,
 * restored (all, one table, into a new database, to a point in time), drilled by verify.sh,
 * which must catch a corrupted repository. The server is started by this file.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Metrics } from "../../lib/core/metrics";
import { Retention } from "../../lib/core/retention";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import {
  METRICS_ROOT,
  MariaServer,
  borgArchives,
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
const PORT = Number(process.env.ROUNDTRIP_MARIADB_PORT ?? 33391);
const DB = "shop";
const SEED = `
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_5000;
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2), note TEXT,
  FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
INSERT INTO orders SELECT seq, 1 + seq % 5000, (seq % 1000) / 10, CONCAT('order ', seq, ' with a tab\\tand a quote '' and ),( in it') FROM seq_1_to_100000;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 50;
CREATE PROCEDURE order_count() SELECT COUNT(*) FROM orders;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(50)) ENGINE=InnoDB;
CREATE TRIGGER orders_audit AFTER DELETE ON orders FOR EACH ROW INSERT INTO audit (what) VALUES ('deleted');
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit;
`;

/** CHECKSUM TABLE and counts of the tables, plus the view, routine, trigger and event. */
function fingerprint(server: MariaServer, db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of ["customers", "orders", "audit"]) {
    const checksum = server.sql(`CHECKSUM TABLE ${t}`, db).split("\t")[1];
    out[t] = `${server.sql(`SELECT COUNT(*) FROM ${t}`, db)} ${checksum}`;
  }
  out.view = server.sql("SELECT COUNT(*) FROM big_orders", db);
  out.routines = server.sql(`SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = '${db}'`);
  out.triggers = server.sql(`SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = '${db}'`);
  out.events = server.sql(`SELECT COUNT(*) FROM information_schema.events WHERE event_schema = '${db}'`);
  return out;
}

describe("MariaDB round trip with the generated scripts", () => {
  let dir: string;
  let server: MariaServer;
  let original: Record<string, string>;
  const svc = { restic: "my-restic", borg: "my-borg" };
  const env: Record<string, string> = {};
  const scripts: Record<string, string> = {};
  const repo = { restic: "", borg: "" };

  beforeAll(() => {
    requireTools(
      "restic",
      "borg",
      "jq",
      "setpriv",
      "mariadbd",
      "mariadb-install-db",
      "mariadb",
      "mariadb-dump",
      "mariadb-binlog",
      "mariabackup",
      "mbstream",
    );
    dir = scratch("maria");
    repo.restic = join(dir, "restic-repo");
    repo.borg = join(dir, "borg-repo");
    const common = {
      estate: "roundtrip",
      host: "roundtrip",
      engine: AppEngine.MYSQL,
      database: DB,
      retention: Retention.of({ daily: 7, weekly: 4 }),
      rpo: Duration.parse("15m"),
      rto: Duration.parse("1h"),
    };
    scripts[svc.restic] = installService(dir, {
      ...common,
      serviceId: svc.restic,
      pitr: true,
      destination: AppBackupDestination.repository(repo.restic),
    }).scripts;
    scripts[svc.borg] = installService(dir, {
      ...common,
      serviceId: svc.borg,
      tool: BackupTool.BORG,
      rpo: Duration.parse("1d"),
      destination: AppBackupDestination.repository(repo.borg),
    }).scripts;
    const serverDir = join(dir, "server");
    mkdirSync(serverDir);
    server = new MariaServer(serverDir, PORT, { binlog: true });
    server.sql(`CREATE DATABASE ${DB}`);
    server.sql(SEED, DB);
    original = fingerprint(server, DB);

    const restoreCnf = secret(dir, "restore.cnf", `[client]\nuser=root\nsocket=${server.socket}\n`);
    for (const s of [svc.restic, svc.borg]) {
      const user = `backup_gov_${s.replace(/-/g, "_")}`;
      server.sql(readFileSync(join(scripts[s], "mysql/backup-user.sql"), "utf8"));
      server.sql(`ALTER USER '${user}'@'localhost' IDENTIFIED BY 'test-only-${s}'`);
      const cnf = secret(
        dir,
        `${s}.my.cnf`,
        `[client]\nuser=${user}\npassword=test-only-${s}\nsocket=${server.socket}\n`,
      );
      env[s] = writeEnv(dir, s, {
        BACKUP_GOV_REPOSITORY: s === svc.restic ? repo.restic : repo.borg,
        BACKUP_GOV_MYSQL_DATABASE: DB,
        BACKUP_GOV_MYSQL_DEFAULTS_FILE: cnf,
        BACKUP_GOV_RESTORE_MYSQL_DEFAULTS_FILE: restoreCnf,
        BACKUP_GOV_SPOOL_DIR: join(dir, `${s}-spool`),
      });
    }
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

  it("grants the backup user only what the rendered SQL names", () => {
    const grants = server.sql("SHOW GRANTS FOR 'backup_gov_my_restic'@'localhost'");
    expect(grants).toMatch(
      /GRANT RELOAD, PROCESS, (REPLICATION SLAVE, BINLOG MONITOR|BINLOG MONITOR, REPLICATION SLAVE) ON \*\.\*/,
    );
    expect(grants).toMatch(/GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER ON `shop`\.\*/);
    expect(grants).toMatch(/GRANT SELECT ON `mysql`\.`proc`/);
    expect(grants).not.toMatch(/ALL PRIVILEGES|GRANT SELECT[^\n]*ON \*\.\*/);
  });

  it("restic: a backup run as the generated user stores the dump, a full mariabackup and the binary logs, with capture records", () => {
    ok(run(svc.restic, "backup.sh", ["--init"]));
    const r = ok(run(svc.restic, "backup.sh"));
    recordDuration("mariadb", "restic backup (dump + full mariabackup + binlogs)", r.seconds);
    const names = resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).map((s) =>
      s.tags!.find((t) => t.startsWith("name="))!.slice(5),
    );
    expect(names.sort()).toEqual([
      "my-restic.binlog.tar",
      "my-restic.binlog.tar.capture",
      "my-restic.full.xb",
      "my-restic.full.xb.capture",
      "my-restic.sql",
      "my-restic.sql.capture",
    ]);
    const m = readMetrics(join(METRICS_ROOT, svc.restic, "backup_my_restic_backup.prom"));
    expect(m.get(Metrics.lastRunSuccess)?.value).toBe(1);
    expect(m.get(Metrics.items)?.value).toBe(105000);
    expect(m.get(Metrics.items)?.labels).toBe('service="my-restic",engine="mysql",target="repository"');
  });

  it("verify.sh loads the dump into a scratch server and matches the rows the dump recorded", () => {
    const r = ok(run(svc.restic, "verify.sh"));
    recordDuration("mariadb", "restic drill (check 5% + load into scratch server)", r.seconds);
    expect(r.stderr).toMatch(/drill of run \S+ passed: 3 record line\(s\) match/);
    expect(
      readMetrics(join(METRICS_ROOT, svc.restic, "backup_my_restic_drill.prom")).get(Metrics.drillSuccess)?.value,
    ).toBe(1);
  });

  it("restores everything after damage, with the routine, trigger, event and view", () => {
    server.sql(
      "DELETE FROM orders WHERE id % 3 = 0; DROP PROCEDURE order_count; UPDATE customers SET name = 'x' WHERE id < 50;",
      DB,
    );
    expect(server.sql("SELECT COUNT(*) FROM orders", DB)).not.toBe("100000");
    expect(run(svc.restic, "restore.sh").code).toBe(2);
    const r = ok(run(svc.restic, "restore.sh", ["--yes"]));
    recordDuration("mariadb", "restic restore (all, in place)", r.seconds);
    expect(fingerprint(server, DB)).toEqual(original);
  });

  it("restores one table and leaves the others as they are", () => {
    server.sql(
      "DELETE FROM orders WHERE id < 1000; UPDATE customers SET name = 'changed after the backup' WHERE id = 1; DELETE FROM audit;",
      DB,
    );
    ok(run(svc.restic, "restore.sh", ["--table", "orders", "--yes"]));
    expect(fingerprint(server, DB).orders).toBe(original.orders);
    expect(server.sql("SELECT name FROM customers WHERE id = 1", DB)).toBe("changed after the backup");
    expect(run(svc.restic, "restore.sh", ["--table", "no_such_table", "--yes"]).code).toBe(10);
    server.sql("UPDATE customers SET name = 'customer 1' WHERE id = 1", DB);
    expect(fingerprint(server, DB)).toEqual(original);
  });

  it("restores into a new database with --into", () => {
    ok(run(svc.restic, "restore.sh", ["--into", "shop_copy"]));
    expect(fingerprint(server, "shop_copy")).toEqual(original);
  });

  it("a failed dump leaves no snapshot that looks good and exits with the capture code", () => {
    const before = resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).length;
    const fake = join(dir, "failing-bin");
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, "mariadb-dump"), `#!/bin/bash\n/usr/bin/mariadb-dump "$@" | head -c 200000\nexit 2\n`, {
      mode: 0o755,
    });
    const r = run(svc.restic, "backup.sh", [], { PATH: `${fake}:${process.env.PATH}:/usr/sbin` });
    expect(r.code).toBe(5);
    expect(resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).length).toBe(before);
    expect(
      readMetrics(join(METRICS_ROOT, svc.restic, "backup_my_restic_backup.prom")).get(Metrics.lastRunSuccess)?.value,
    ).toBe(0);
  });

  it("restores to a point in time: full + incremental mariabackup prepared, binary logs replayed up to the time", () => {
    const inc = ok(run(svc.restic, "backup.sh"));
    recordDuration("mariadb", "restic backup (dump + incremental mariabackup + binlogs)", inc.seconds);
    expect(
      resticSnapshots(repo.restic, join(dir, "secrets", `${svc.restic}.repo-password`)).some((s) =>
        s.tags!.includes("name=my-restic.incr.xb"),
      ),
    ).toBe(true);
    server.sql("CREATE TABLE pitr_probe (id INT) ENGINE=InnoDB; INSERT INTO pitr_probe VALUES (1);", DB);
    execFileSync("sleep", ["1.5"]);
    const target = execFileSync("date", ["-u", "+%Y-%m-%d %H:%M:%S+00"], { encoding: "utf8" }).trim();
    execFileSync("sleep", ["1.5"]);
    server.sql("INSERT INTO pitr_probe VALUES (2);", DB);
    ok(run(svc.restic, "backup.sh", ["--ship"]));

    const data = join(dir, "pitr", "data");
    const r = ok(run(svc.restic, "restore.sh", ["--to-time", target, "--datadir", data]));
    recordDuration(
      "mariadb",
      "restic point-in-time restore (full + incremental prepared, binlogs extracted)",
      r.seconds,
    );
    const pitr = new MariaServer(join(dir, "pitr"), PORT + 1, { data });
    try {
      execFileSync("mariadb", ["--no-defaults", "-S", pitr.socket, "-uroot"], {
        input: readFileSync(`${data}.binlogs/replay.sql`),
      });
      expect(pitr.sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM pitr_probe", DB)).toBe("1");
      expect(pitr.sql("SELECT COUNT(*) FROM orders", DB)).toBe("100000");
    } finally {
      pitr.stop();
    }
  });

  it("borg: backup as its own user, drill, damage, restore all and one table, catch a corrupted repository", () => {
    ok(run(svc.borg, "backup.sh", ["--init"]));
    const b = ok(run(svc.borg, "backup.sh"));
    recordDuration("mariadb", "borg backup (dump)", b.seconds);
    expect(
      borgArchives(repo.borg, join(dir, "secrets", `${svc.borg}.repo-password`), join(dir, "borg-probe"))
        .map((a) => a.split("+")[1])
        .sort(),
    ).toEqual(["my-borg.sql", "my-borg.sql.capture"]);
    const v = ok(run(svc.borg, "verify.sh"));
    recordDuration("mariadb", "borg drill (check + load into scratch server)", v.seconds);

    server.sql("DROP TABLE pitr_probe; DELETE FROM orders; DELETE FROM audit;", DB);
    const r = ok(run(svc.borg, "restore.sh", ["--yes"]));
    recordDuration("mariadb", "borg restore (all, in place)", r.seconds);
    expect(fingerprint(server, DB)).toEqual(original);
    server.sql("UPDATE customers SET name = 'y' WHERE id > 4000", DB);
    ok(run(svc.borg, "restore.sh", ["--table", "customers", "--yes"]));
    expect(fingerprint(server, DB).customers).toBe(original.customers);

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
    expect(c.code).toBe(9);
    expect(readMetrics(join(metrics, "backup_my_borg_drill.prom")).get(Metrics.drillSuccess)?.value).toBe(0);
  });
});
