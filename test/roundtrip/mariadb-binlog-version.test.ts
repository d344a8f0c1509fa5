/**
 * The generated binlog.cnf by MariaDB server version (issue 18, "server versions met in the
 * field"): `binlog_expire_logs_seconds` exists from MariaDB 10.6.1; 10.5 and earlier know only
 * `expire_logs_days` and refuse to start on an unknown option (MariaDB server system variables
 * reference, ../shared/reference/operational-facts.md). The real MariaDB 10.11 here starts with
 * each variant and reports the expiry it read; for 10.5, which cannot run here, every option the
 * file sets is checked against the variables 10.5 documents.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binlogExpiry, renderDbAccess } from "../../lib/artifacts/app/db-access";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine } from "../../lib/core/vocabulary";
import { asUser, chownTo, cleanup, installService, requireTools, run, scratch } from "./support";

jest.setTimeout(180_000);

/**
 * Binary-log and replication variables MariaDB 10.5 documents (mariadb.com/kb "Replication and
 * Binary Log System Variables" and "Server System Variables", 10.5 column), limited to the ones a
 * binlog.cnf could set. binlog_expire_logs_seconds is absent: "introduced in MariaDB 10.6.1".
 */
const MARIADB_105_OPTIONS = new Set([
  "log_bin",
  "server_id",
  "binlog_format",
  "expire_logs_days",
  "max_binlog_size",
  "sync_binlog",
  "binlog_row_image",
  "log_bin_basename",
  "log_bin_index",
]);

function binlogCnf(dir: string, id: string, serverVersion?: string): string {
  const { backup } = installService(dir, {
    estate: "roundtrip",
    serviceId: id,
    host: "roundtrip",
    engine: AppEngine.MYSQL,
    database: "shop",
    pitr: true,
    mysqlServerVersion: serverVersion,
    destination: AppBackupDestination.repository(join(dir, "repo")),
    retention: Retention.of({ daily: 7 }),
    rpo: Duration.parse("1h"),
    rto: Duration.parse("1h"),
  });
  return renderDbAccess(backup.spec).find((f) => f.path === "mysql/binlog.cnf")!.content;
}

/** Settings lines (name = value) of a cnf, names with dashes as underscores. */
const options = (cnf: string) =>
  cnf
    .split("\n")
    .filter((l) => /^[a-z_-]+\s*=/.test(l))
    .map((l) => l.split("=")[0].trim().replace(/-/g, "_"));

describe("binlog.cnf by MariaDB version", () => {
  let dir: string;
  beforeAll(() => {
    requireTools("mariadbd", "mariadb-install-db", "mariadb");
    dir = scratch("binlog-version");
  });
  afterAll(() => {
    if (dir) cleanup(dir);
  });

  it("10.5: only options 10.5 documents (expire_logs_days in days, never binlog_expire_logs_seconds)", () => {
    const cnf = binlogCnf(dir, "my-105", "10.5");
    expect(cnf).toMatch(/^expire_logs_days = 7$/m);
    expect(cnf).not.toContain("binlog_expire_logs_seconds");
    for (const o of options(cnf))
      expect({ o, documented: MARIADB_105_OPTIONS.has(o) }).toEqual({ o, documented: true });
    expect(binlogExpiry("10.5.23", 3 * 86400 + 1)).toBe("expire_logs_days = 4");
    expect(binlogExpiry("10.6", 7 * 86400)).toBe(`binlog_expire_logs_seconds = ${7 * 86400}`);
    expect(binlogExpiry("11.4", 60)).toBe("binlog_expire_logs_seconds = 60");
    expect(binlogExpiry(undefined, 7 * 86400)).toBe("expire_logs_days = 7");
  });

  it.each([
    ["10.11 (named)", "10.11", "binlog_expire_logs_seconds", String(7 * 86400)],
    ["no version (the days form)", undefined, "expire_logs_days", "7.000000"],
    ["10.5's file", "10.5", "expire_logs_days", "7.000000"],
  ])(
    "the real MariaDB 10.11 starts with the file generated for %s and reads its expiry",
    (_label, version, variable, value) => {
      const cnf = binlogCnf(dir, `my-${(version ?? "none").replace(".", "")}`, version);
      const base = join(dir, `server-${(version ?? "none").replace(".", "")}`);
      const data = join(base, "data");
      mkdirSync(data, { recursive: true });
      chownTo(base, "mysql");
      run(
        asUser("mysql", [
          "mariadb-install-db",
          "--no-defaults",
          `--datadir=${data}`,
          "--auth-root-authentication-method=normal",
          "--skip-test-db",
        ]),
      );
      const file = join(base, "binlog.cnf");
      writeFileSync(file, cnf);
      chownTo(base, "mysql");
      const socket = join(base, "mysqld.sock");
      const log = join(base, "error.log");
      const argv = asUser("mysql", [
        "/usr/sbin/mariadbd",
        `--defaults-file=${file}`,
        `--datadir=${data}`,
        `--socket=${socket}`,
        "--skip-networking",
        `--pid-file=${join(base, "mysqld.pid")}`,
        `--log-error=${log}`,
      ]);
      const child = spawn(argv[0], argv.slice(1), { stdio: "ignore", detached: true });
      child.unref();
      try {
        let up = false;
        for (let i = 0; i < 240 && !up; i++) {
          up =
            spawnSync("mariadb", ["--no-defaults", "-S", socket, "-uroot", "-e", "SELECT 1"], { stdio: "ignore" })
              .status === 0;
          if (!up) spawnSync("sleep", ["0.25"]);
        }
        if (!up)
          throw new Error(
            `mariadbd did not start with the generated binlog.cnf:\n${cnf}\n${existsSync(log) ? readFileSync(log, "utf8").slice(-1500) : ""}`,
          );
        const got = spawnSync(
          "mariadb",
          [
            "--no-defaults",
            "-S",
            socket,
            "-uroot",
            "-N",
            "-B",
            "-e",
            `SELECT @@${variable}, @@log_bin, @@binlog_format`,
          ],
          { encoding: "utf8" },
        ).stdout.trim();
        expect(got).toBe(`${value}\t1\tROW`);
      } finally {
        spawnSync("mariadb-admin", ["--no-defaults", "-S", socket, "-uroot", "shutdown"], { stdio: "ignore" });
      }
    },
  );
});
