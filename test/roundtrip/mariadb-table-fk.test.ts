/**
 * `restore.sh --table` on MariaDB with foreign keys, on a real MariaDB 10.11 and restic: a parent
 * table is restored with every table that references it (directly, through others, and in a
 * cycle), after saying so and asking; a child whose rows would point at parent rows the live
 * database no longer has is refused before anything changes (checked in a scratch database).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine } from "../../lib/core/vocabulary";
import { MariaServer, cleanup, installService, requireTools, runScript, scratch, secret, writeEnv } from "./support";

jest.setTimeout(300_000);

const PORT = Number(process.env.ROUNDTRIP_MARIADB_FK_PORT ?? 33397);
const DB = "shop";
const SEED = `
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_200;
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
INSERT INTO orders SELECT seq, 1 + seq % 200 FROM seq_1_to_1000;
CREATE TABLE order_lines (order_id INT NOT NULL, line INT NOT NULL, qty INT, PRIMARY KEY (order_id, line),
  CONSTRAINT line_order FOREIGN KEY (order_id) REFERENCES orders (id)) ENGINE=InnoDB;
INSERT INTO order_lines SELECT 1 + seq % 1000, seq, seq % 7 FROM seq_1_to_3000;
CREATE TABLE teams (id INT PRIMARY KEY, name VARCHAR(50), lead_id INT NULL) ENGINE=InnoDB;
CREATE TABLE members (id INT PRIMARY KEY, team_id INT NOT NULL, FOREIGN KEY (team_id) REFERENCES teams (id)) ENGINE=InnoDB;
INSERT INTO teams SELECT seq, CONCAT('team ', seq), NULL FROM seq_1_to_10;
INSERT INTO members SELECT seq, 1 + seq % 10 FROM seq_1_to_100;
UPDATE teams SET lead_id = id;
ALTER TABLE teams ADD CONSTRAINT team_lead FOREIGN KEY (lead_id) REFERENCES members (id);
`;
const TABLES = ["customers", "orders", "order_lines", "teams", "members"];

describe("MariaDB restore.sh --table with foreign keys", () => {
  let dir: string;
  let server: MariaServer;
  let scripts: string;
  let env: string;
  let original: Record<string, string>;
  const sums = () => Object.fromEntries(TABLES.map((t) => [t, server.sql(`CHECKSUM TABLE ${t}`, DB).split("\t")[1]]));
  const run = (args: string[]) => runScript(join(scripts, "restore.sh"), args, env);

  beforeAll(() => {
    requireTools("restic", "jq", "mariadbd", "mariadb-install-db", "mariadb", "mariadb-dump");
    dir = scratch("maria-fk");
    const service = "my-fk";
    scripts = installService(dir, {
      estate: "roundtrip",
      serviceId: service,
      host: "roundtrip",
      engine: AppEngine.MYSQL,
      database: DB,
      destination: AppBackupDestination.repository(join(dir, "repo")),
      retention: Retention.of({ daily: 7 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("1h"),
    }).scripts;
    const serverDir = join(dir, "server");
    mkdirSync(serverDir);
    server = new MariaServer(serverDir, PORT, { env: { TMPDIR: serverDir } });
    server.sql(`CREATE DATABASE ${DB}`);
    server.sql(SEED, DB);
    original = sums();
    const cnf = secret(dir, "root.cnf", `[client]\nuser=root\nsocket=${server.socket}\n`);
    env = writeEnv(dir, service, {
      BACKUP_GOV_REPOSITORY: join(dir, "repo"),
      BACKUP_GOV_MYSQL_DATABASE: DB,
      BACKUP_GOV_MYSQL_DEFAULTS_FILE: cnf,
      BACKUP_GOV_RESTORE_MYSQL_DEFAULTS_FILE: cnf,
    });
    for (const args of [["--init"], []]) {
      const r = runScript(join(scripts, "backup.sh"), args, env);
      if (r.code !== 0) throw new Error(`backup.sh ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
    }
  });

  afterAll(() => {
    server?.stop(true);
    if (dir) cleanup(dir);
  });

  it("a parent table: names the tables that reference it and changes nothing without --yes", () => {
    server.sql(
      "UPDATE customers SET name = 'changed' WHERE id <= 50; DELETE FROM order_lines WHERE order_id > 900; UPDATE orders SET customer_id = 1 WHERE id > 500;",
      DB,
    );
    const damaged = sums();
    const r = run(["--table", "customers"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/also drops and reloads, from run \S+, the tables that reference it: orders order_lines/);
    expect(sums()).toEqual(damaged);
  });

  it("with --yes: the parent and every table that references it (through others too) come back as backed up", () => {
    const r = run(["--table", "customers", "--yes"]);
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr.slice(-1500) }).toEqual({ code: 0, stderr: "" });
    expect(sums()).toEqual(original);
    expect(server.sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'bgov_check_%'")).toBe(
      "0",
    );
  });

  it("tables that reference each other (a cycle) are restored together", () => {
    server.sql("SET FOREIGN_KEY_CHECKS = 0; UPDATE members SET team_id = 1; UPDATE teams SET name = 'x';", DB);
    const r = run(["--table", "teams", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the tables that reference it: members/);
    expect(sums()).toEqual(original);
  });

  it("a child whose rows would point at parent rows the live database no longer has is refused, changing nothing", () => {
    server.sql("DELETE FROM order_lines WHERE order_id <= 10; DELETE FROM orders WHERE id <= 10;", DB);
    const damaged = sums();
    const r = run(["--table", "order_lines", "--yes"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(
      /nothing was changed: rows of run \S+ would point at rows shop no longer has: line_order \(order_lines -> orders\): \d+ rows/,
    );
    expect(sums()).toEqual(damaged);
    expect(server.sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'bgov_check_%'")).toBe(
      "0",
    );
  });

  it("a table the backup does not hold: exit 10, no scratch database left", () => {
    const r = run(["--table", "no_such_table", "--yes"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/has no table no_such_table/);
    expect(server.sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'bgov_check_%'")).toBe(
      "0",
    );
  });
});
