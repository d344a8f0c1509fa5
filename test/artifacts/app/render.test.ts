import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderBundleFiles, renderHostFiles, renderHostBundle } from "../../../lib/artifacts/app/bundle";
import { mysqlGrants, renderDbAccess } from "../../../lib/artifacts/app/db-access";
import { renderEnvFile } from "../../../lib/artifacts/app/env-file";
import { EXIT_CODE_TEXT } from "../../../lib/artifacts/app/exit-codes";
import { renderServiceReadme } from "../../../lib/artifacts/app/readme";
import { runtimeVersion } from "../../../lib/artifacts/app/runtime";
import { renderServiceConf } from "../../../lib/artifacts/app/service-conf";
import { excludePatterns } from "../../../lib/artifacts/app/tools";
import { renderUnits } from "../../../lib/artifacts/app/units";
import { toolRepository } from "../../../lib/constructs/app-backup";
import { BackupTool, MysqlFlavour } from "../../../lib/core/vocabulary";
import { variants } from "./fixtures";

const v = variants();
const spec = (name: string) => v[name].spec;

describe("env file template", () => {
  it.each(Object.keys(v))("%s names where secrets are read from and holds none", (name) => {
    const env = renderEnvFile(spec(name));
    expect(env).toMatch(/^BACKUP_GOV_PASSWORD_FILE=\/etc\/backup-gov\/[a-z0-9-]+\/repository-password$/m);
    const values = env
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .join("\n");
    expect(values).not.toMatch(/(password|passphrase|secret|token)\s*=\s*\S/i);
    expect(env).not.toMatch(/AKIA[0-9A-Z]{16}|aws_secret_access_key/i);
    // Every line is a comment, blank, or KEY=value that bash can source.
    for (const line of env.split("\n")) expect(line).toMatch(/^(#.*|## .*|[A-Z][A-Z0-9_]*=.*|)$/);
    const r = spawnSync("bash", ["-n"], { input: env });
    expect(r.status).toBe(0);
  });

  it("uses the S3 prefix and the offsite replica in restic's syntax", () => {
    const env = renderEnvFile(spec("pg-restic-s3-user"));
    expect(env).toContain("BACKUP_GOV_REPOSITORY=s3:s3.us-east-1.amazonaws.com/homelab-app-backups/svc");
    expect(env).toContain(
      "BACKUP_GOV_OFFSITE_REPOSITORY=s3:s3.us-west-2.amazonaws.com/homelab-app-backups-replica/svc",
    );
    expect(env).toContain("BACKUP_GOV_AWS_CREDENTIALS=shared-file");
    expect(env).toContain("AWS_SHARED_CREDENTIALS_FILE=/etc/backup-gov/pg-b/aws-credentials");
    expect(env).toContain("BACKUP_GOV_UPLOAD_LIMIT_KIB=20480");
  });

  it("with Roles Anywhere, names the certificate and the Terraform outputs holding the profile and role", () => {
    const env = renderEnvFile(spec("pg-restic-s3-pitr-ra"));
    expect(env).toContain("BACKUP_GOV_AWS_CREDENTIALS=roles-anywhere");
    expect(env).toContain("RA_TRUST_ANCHOR_ARN=arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc");
    expect(env).toMatch(
      /# fill in after terraform apply: terraform output -raw app-pg-a-profile-arn\nRA_PROFILE_ARN=\n/,
    );
    expect(env).toMatch(/# fill in after terraform apply: terraform output -raw app-pg-a-role-arn\nRA_ROLE_ARN=\n/);
  });

  it("leaves an unprovisioned repository empty, saying why", () => {
    expect(renderEnvFile(spec("files-restic-pending"))).toMatch(
      /# not known yet: the bucket is made by another team\nBACKUP_GOV_REPOSITORY=\n/,
    );
  });
});

describe("repositories and excludes in each tool's syntax", () => {
  it.each([
    ["/mnt/nas/restic/x", BackupTool.RESTIC, "/mnt/nas/restic/x"],
    ["ssh://backup@nas/./restic/x", BackupTool.RESTIC, "sftp:backup@nas:restic/x"],
    ["ssh://backup@nas/srv/restic/x", BackupTool.RESTIC, "sftp:backup@nas:/srv/restic/x"],
    ["ssh://backup@nas:2222/srv/restic/x", BackupTool.RESTIC, "sftp://backup@nas:2222//srv/restic/x"],
    ["ssh://backup@nas:2222/./restic/x", BackupTool.RESTIC, "sftp://backup@nas:2222/restic/x"],
    ["ssh://borg@nas/./borg/x", BackupTool.BORG, "ssh://borg@nas/./borg/x"],
  ])("%s for %s is %s", (url, tool, expected) => {
    expect(toolRepository(url, tool).url).toBe(expected);
  });

  it("refuses what is neither a path nor an ssh:// URL (APP-006)", () => {
    expect(() => toolRepository("s3://bucket/x", BackupTool.RESTIC)).toThrow(/APP-006/);
  });

  it("gives excludes one meaning: names anywhere, a leading / anchors, a trailing / is ignored", () => {
    const ex = ["*.log", "cache/", "/srv/photos/private", "a/b"];
    expect(excludePatterns(BackupTool.RESTIC, ex)).toEqual(["*.log", "cache", "/srv/photos/private", "a/b"]);
    expect(excludePatterns(BackupTool.BORG, ex)).toEqual([
      "fm:*/*.log",
      "fm:*/cache",
      "fm:srv/photos/private",
      "fm:*/a/b",
    ]);
  });
});

describe("service.conf: the service as data for the runtime", () => {
  const conf = (name: string) => renderServiceConf(spec(name));
  /** What bash reads back from service.conf: NAME=value lines, arrays one element a line. */
  const read = (text: string, names: string[]) => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `. <(printf '%s' "$CONF"); for n in ${names.join(" ")}; do declare -n v=$n; printf '%s=%s\\n' "$n" "$(IFS=,; echo "\${v[*]}")"; unset -n v; done`,
      ],
      { env: { ...process.env, CONF: text }, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    return Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  };

  it.each(Object.keys(v))("%s holds only comments and assignments, and names this synth's runtime", (name) => {
    for (const line of conf(name).split("\n")) expect(line).toMatch(/^(#.*|[A-Z][A-Z0-9_]*=.*|)$/);
    expect(read(conf(name), ["RUNTIME_VERSION", "RUNTIME_DIR"])).toEqual({
      RUNTIME_VERSION: runtimeVersion(),
      RUNTIME_DIR: "/usr/local/lib/backup-gov/runtime",
    });
  });

  it("carries the effective retention, the objectives and the engine's settings", () => {
    expect(conf("pg-restic-s3-user")).toContain("KEEP=(--keep-daily 7 --keep-weekly 4 --keep-monthly 6)");
    expect(
      read(conf("pg-restic-s3-pitr-ra"), [
        "DIRECTORY_FORMAT_ABOVE",
        "PG_JOBS",
        "PITR",
        "RPO_SECONDS",
        "RTO_SECONDS",
        "HEARTBEAT_ENABLED",
      ]),
    ).toEqual({
      DIRECTORY_FORMAT_ABOVE: String(20 * 1024 ** 3),
      PG_JOBS: "4",
      PITR: "1",
      RPO_SECONDS: String(4 * 3600),
      RTO_SECONDS: String(2 * 3600),
      HEARTBEAT_ENABLED: "1",
    });
    expect(read(conf("mysql-restic-s3-pitr"), ["FULL_EVERY", "ENTRY_SCRIPTS"])).toEqual({
      FULL_EVERY: String(7 * 86400),
      ENTRY_SCRIPTS: "backup.sh,restore.sh,verify.sh",
    });
    expect(read(conf("pg-restic-s3-pitr-ra"), ["ENTRY_SCRIPTS", "SPOOL_OWNER"])).toEqual({
      ENTRY_SCRIPTS: "backup.sh,restore.sh,verify.sh,wal-archive.sh",
      SPOOL_OWNER: "postgres",
    });
    expect(read(conf("mysql-borg-path"), ["HEARTBEAT_ENABLED", "TARGET"])).toEqual({
      HEARTBEAT_ENABLED: "0",
      TARGET: "repository",
    });
    expect(read(conf("files-restic-s3"), ["PATHS", "EXCLUDES"])).toEqual({
      PATHS: "/srv/photos,/srv/with space",
      EXCLUDES: "*.tmp,cache,/srv/photos/private",
    });
    expect(read(conf("pg-restic-sftp-port"), ["SFTP_TARGET", "SFTP_PORT"])).toEqual({
      SFTP_TARGET: "backup@nas.internal",
      SFTP_PORT: "2222",
    });
  });

  it("names the textfiles of the metrics contract", () => {
    expect(read(conf("pg-restic-s3-user"), ["BACKUP_TEXTFILE_NAME", "DRILL_TEXTFILE_NAME"])).toEqual({
      BACKUP_TEXTFILE_NAME: "backup_pg_b_backup.prom",
      DRILL_TEXTFILE_NAME: "backup_pg_b_drill.prom",
    });
  });
});

describe("the service's README", () => {
  it("documents every exit code of the scripts", () => {
    const readme = renderServiceReadme(spec("mysql-borg-path"));
    for (const [code, text] of EXIT_CODE_TEXT) expect(readme).toContain(`| ${code} | ${text} |`);
  });
});

describe("least-privilege database access", () => {
  it("postgresql: pg_read_all_data, BYPASSRLS, REPLICATION only with pitr, and pg_hba lines for the one database", () => {
    const pitr = renderDbAccess(spec("pg-restic-s3-pitr-ra"));
    const role = pitr.find((f) => f.path === "postgresql/backup-role.sql")!.content;
    expect(role).toContain("GRANT pg_read_all_data TO backup_gov_pg_a;");
    expect(role).toMatch(
      /ALTER ROLE backup_gov_pg_a WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT BYPASSRLS REPLICATION CONNECTION LIMIT 7;/,
    );
    expect(role).not.toMatch(/PASSWORD '/);
    const hba = pitr.find((f) => f.path === "postgresql/pg_hba.conf")!.content;
    expect(hba).toMatch(/^host +app +backup_gov_pg_a +127\.0\.0\.1\/32 +scram-sha-256$/m);
    expect(hba).toMatch(/^host +replication +backup_gov_pg_a +127\.0\.0\.1\/32 +scram-sha-256$/m);
    expect(pitr.find((f) => f.path === "postgresql/archive.conf")!.content).toContain(
      "archive_command = '/usr/local/lib/backup-gov/pg-a/wal-archive.sh %p %f'",
    );
    const plain = renderDbAccess(spec("pg-restic-s3-user"));
    expect(plain.find((f) => f.path === "postgresql/backup-role.sql")!.content).toContain("NOREPLICATION");
    expect(plain.find((f) => f.path === "postgresql/pg_hba.conf")!.content).not.toContain("replication");
    expect(plain.map((f) => f.path)).not.toContain("postgresql/archive.conf");
  });

  it("mysql8: only privilege names MySQL 8.0 documents, SHOW_ROUTINE for routines and no mysql.proc", () => {
    // Source: MySQL 8.0 Reference Manual, 8.2.2 "Privileges Provided by MySQL": the static privileges
    // (Table 8.2) and the dynamic ones (Table 8.3); SHOW_ROUTINE was added in 8.0.20 (release notes 8.0.20,
    // WL#9049) because "in 8.0, mysql.proc table is removed" and routines live in the data dictionary.
    const STATIC = [
      "ALL",
      "ALL PRIVILEGES",
      "ALTER",
      "ALTER ROUTINE",
      "CREATE",
      "CREATE ROLE",
      "CREATE ROUTINE",
      "CREATE TABLESPACE",
      "CREATE TEMPORARY TABLES",
      "CREATE USER",
      "CREATE VIEW",
      "DELETE",
      "DROP",
      "DROP ROLE",
      "EVENT",
      "EXECUTE",
      "FILE",
      "GRANT OPTION",
      "INDEX",
      "INSERT",
      "LOCK TABLES",
      "PROCESS",
      "PROXY",
      "REFERENCES",
      "RELOAD",
      "REPLICATION CLIENT",
      "REPLICATION SLAVE",
      "SELECT",
      "SHOW DATABASES",
      "SHOW VIEW",
      "SHUTDOWN",
      "SUPER",
      "TRIGGER",
      "UPDATE",
      "USAGE",
    ];
    const DYNAMIC = [
      "APPLICATION_PASSWORD_ADMIN",
      "AUDIT_ABORT_EXEMPT",
      "AUDIT_ADMIN",
      "AUTHENTICATION_POLICY_ADMIN",
      "BACKUP_ADMIN",
      "BINLOG_ADMIN",
      "BINLOG_ENCRYPTION_ADMIN",
      "CLONE_ADMIN",
      "CONNECTION_ADMIN",
      "ENCRYPTION_KEY_ADMIN",
      "FIREWALL_ADMIN",
      "FIREWALL_EXEMPT",
      "FIREWALL_USER",
      "FLUSH_OPTIMIZER_COSTS",
      "FLUSH_STATUS",
      "FLUSH_TABLES",
      "FLUSH_USER_RESOURCES",
      "GROUP_REPLICATION_ADMIN",
      "GROUP_REPLICATION_STREAM",
      "INNODB_REDO_LOG_ARCHIVE",
      "INNODB_REDO_LOG_ENABLE",
      "NDB_STORED_USER",
      "PASSWORDLESS_USER_ADMIN",
      "PERSIST_RO_VARIABLES_ADMIN",
      "REPLICATION_APPLIER",
      "REPLICATION_SLAVE_ADMIN",
      "RESOURCE_GROUP_ADMIN",
      "RESOURCE_GROUP_USER",
      "ROLE_ADMIN",
      "SENSITIVE_VARIABLES_OBSERVER",
      "SERVICE_CONNECTION_ADMIN",
      "SESSION_VARIABLES_ADMIN",
      "SET_USER_ID",
      "SHOW_ROUTINE",
      "SKIP_QUERY_REWRITE",
      "SYSTEM_USER",
      "SYSTEM_VARIABLES_ADMIN",
      "TABLE_ENCRYPTION_ADMIN",
      "TELEMETRY_LOG_ADMIN",
      "TP_CONNECTION_ADMIN",
      "VERSION_TOKEN_ADMIN",
      "XA_RECOVER_ADMIN",
    ];
    for (const pitr of [false, true]) {
      const base = spec(pitr ? "mysql-restic-s3-pitr" : "mysql-borg-path");
      const files = renderDbAccess({ ...base, mysqlFlavour: MysqlFlavour.MYSQL8 });
      const sql = files.find((f) => f.path === "mysql/backup-user.sql")!.content;
      const grants = [...sql.matchAll(/^GRANT (.+) ON (\S+) TO '([^']+)'@'localhost';$/gm)];
      expect(grants.length).toBe(2);
      for (const [, privs] of grants) for (const p of privs.split(", ")) expect([...STATIC, ...DYNAMIC]).toContain(p);
      expect(grants[0][1].split(", ")).toContain("SHOW_ROUTINE");
      expect(grants[0][2]).toBe("*.*");
      expect(grants[1][2]).toBe("`shop`.*");
      expect(
        sql
          .split("\n")
          .filter((l) => !l.startsWith("--"))
          .join("\n"),
      ).not.toContain("mysql.proc");
      expect(sql).not.toMatch(/GRANT[^\n]*mysql\.proc/);
      expect(sql).not.toMatch(/ALL PRIVILEGES|SUPER|GRANT SELECT[^\n]*ON \*\.\*/);
      expect(sql).toMatch(/^CREATE USER IF NOT EXISTS '[^']+'@'localhost' ACCOUNT LOCK;$/m);
      expect(sql).toContain("Run as an administrator: mysql < backup-user.sql");
      if (pitr) {
        const cnf = files.find((f) => f.path === "mysql/binlog.cnf")!.content;
        expect(cnf).toMatch(/^\[mysqld\]$/m);
        expect(cnf).toContain("/etc/mysql/mysql.conf.d/");
      }
    }
    // MariaDB keeps its proven grants (the round-trip test applies them to a real MariaDB).
    expect(mysqlGrants(false, MysqlFlavour.MARIADB).global).not.toContain("SHOW_ROUTINE");
  });

  it("mysql: the listed privileges, database-scoped where MariaDB allows, REPLICATION SLAVE only with pitr", () => {
    expect(mysqlGrants(false)).toEqual({
      global: ["RELOAD", "PROCESS", "REPLICATION CLIENT"],
      database: ["SELECT", "LOCK TABLES", "SHOW VIEW", "EVENT", "TRIGGER"],
      routines: "mysql.proc",
    });
    expect(mysqlGrants(true).global).toContain("REPLICATION SLAVE");
    const sql = renderDbAccess(spec("mysql-restic-s3-pitr")).find((f) => f.path === "mysql/backup-user.sql")!.content;
    expect(sql).toContain(
      "GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER ON `shop`.* TO 'backup_gov_my_a'@'localhost';",
    );
    expect(sql).toContain("GRANT SELECT ON mysql.proc TO 'backup_gov_my_a'@'localhost';");
    expect(sql).not.toMatch(/IDENTIFIED BY '[^.]/);
    expect(renderDbAccess(spec("mysql-restic-s3-pitr")).find((f) => f.path === "mysql/binlog.cnf")!.content).toContain(
      "log_bin = mysql-bin",
    );
  });

  it("mongodb: the built-in backup role, the password prompted", () => {
    const js = renderDbAccess(spec("mongo-restic-rs"))[0].content;
    expect(js).toContain('roles: [{ role: "backup", db: "admin" }]');
    expect(js).toContain("pwd: passwordPrompt()");
  });
});

describe("host bundle", () => {
  it("is byte-identical for the same input and keeps the scripts executable", () => {
    const specs = [spec("pg-restic-s3-user"), { ...spec("files-borg-ssh"), host: "db.internal" }];
    const a = renderHostBundle("db.internal", renderHostFiles("db.internal", specs));
    const b = renderHostBundle("db.internal", renderHostFiles("db.internal", specs));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    writeFileSync(join(dir, "b.tar.gz"), a);
    const list = spawnSync("tar", ["-tzvf", join(dir, "b.tar.gz")], { encoding: "utf8" }).stdout;
    expect(list).toMatch(/^-rwxr-xr-x 0\/0 .* db\.internal\/install\.sh$/m);
    expect(list).toMatch(/^-rwxr-xr-x 0\/0 .* db\.internal\/pg-b\/backup\.sh$/m);
    expect(list).toMatch(/^-rw-r--r-- 0\/0 .* db\.internal\/pg-b\/service\.conf$/m);
    // The runtime beside the host's folder, as in a synth's output: install.sh reads ../_runtime/.
    expect(list).toMatch(/^-rwxr-xr-x 0\/0 .* _runtime\/entry\/entry\.sh$/m);
    expect(list).toMatch(/^-rw-r--r-- 0\/0 .* _runtime\/VERSION$/m);
    expect(list).not.toMatch(/db\.internal\/runtime\//);
    expect(list).toMatch(/^-rw-r--r-- 0\/0 .* db\.internal\/pg-b\/env$/m);
    expect(list).toMatch(/db\.internal\/files-b\/systemd\/backup-gov-files-b-backup\.timer$/m);
  });

  it("unpacks (GNU tar, Python's tarfile) to exactly the bundle's files, the runtime beside the host; the runtime is one gzip member, compressed once for every host (issue 24)", () => {
    const specs = [spec("pg-restic-s3-user"), { ...spec("files-borg-ssh"), host: "db.internal" }];
    const bundle = Buffer.from(renderHostBundle("db.internal", renderHostFiles("db.internal", specs)));
    const other = Buffer.from(
      renderHostBundle(
        "files.internal",
        renderHostFiles("files.internal", [{ ...spec("files-restic-s3"), host: "files.internal" }]),
      ),
    );
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    writeFileSync(join(dir, "b.tar.gz"), bundle);
    const expected = renderBundleFiles("db.internal", specs);
    expect(expected.some((f) => f.path === "_runtime/VERSION")).toBe(true);
    expect(expected.some((f) => f.path.startsWith("db.internal/runtime/"))).toBe(false);
    // GNU tar: every file, byte for byte, with its mode.
    expect(spawnSync("tar", ["-xzf", "b.tar.gz"], { cwd: dir }).status).toBe(0);
    for (const f of expected) {
      expect({ path: f.path, content: readFileSync(join(dir, f.path), "utf8") }).toEqual({
        path: f.path,
        content: f.content,
      });
      expect({ path: f.path, mode: statSync(join(dir, f.path)).mode & 0o777 }).toEqual({ path: f.path, mode: f.mode });
    }
    // Python's tarfile (what Ansible's unarchive falls back to) reads the members as one stream too.
    const py = spawnSync(
      "python3",
      [
        "-c",
        "import sys, tarfile; print('\\n'.join(sorted(m.name for m in tarfile.open(sys.argv[1], 'r:gz') if m.isfile())))",
        join(dir, "b.tar.gz"),
      ],
      { encoding: "utf8" },
    );
    expect(py.stderr).toBe("");
    expect(py.stdout.trim().split("\n")).toEqual(expected.map((f) => f.path).sort());
    // The runtime's member opens both hosts' tarballs, byte for byte: it was compressed once.
    const members = (b: Buffer) => {
      const starts: number[] = [];
      for (
        let i = b.indexOf(Buffer.from([0x1f, 0x8b, 0x08]));
        i >= 0;
        i = b.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)
      )
        starts.push(i);
      return starts;
    };
    const inflates = (b: Buffer) => {
      try {
        return gunzipSync(b).toString("latin1");
      } catch {
        return undefined;
      }
    };
    // The first complete member: the runtime's entries alone.
    const second = members(bundle).find((i) => i > 0 && inflates(bundle.subarray(0, i))?.startsWith("_runtime/"))!;
    expect(second).toBeGreaterThan(0);
    expect(other.subarray(0, second).equals(bundle.subarray(0, second))).toBe(true);
    expect(gunzipSync(bundle.subarray(second)).toString("latin1")).toContain("db.internal/install.sh");
  });

  it("keeps paths longer than a ustar header holds (a PAX header) and unpacks with GNU tar", () => {
    // GIVEN a file whose path exceeds ustar's 100+155 characters
    const long = `${"d".repeat(120)}/${"f".repeat(150)}.sh`;
    const bundle = renderHostBundle("h.internal", [
      { path: long, content: "#!/bin/sh\n", mode: 0o755 },
      { path: "README.md", content: "é\n", mode: 0o644 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    writeFileSync(join(dir, "b.tar.gz"), bundle);
    // WHEN GNU tar unpacks it THEN both files are there with their modes and contents
    expect(spawnSync("tar", ["-xzf", "b.tar.gz"], { cwd: dir }).status).toBe(0);
    expect(statSync(join(dir, "h.internal", long)).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, "h.internal", "README.md"), "utf8")).toBe("é\n");
  });

  it("has one timer for backups and one for drills, plus a shipping timer with pitr", () => {
    expect(renderUnits(spec("pg-restic-s3-user")).map((u) => u.name)).toEqual([
      "backup-gov-pg-b-backup.service",
      "backup-gov-pg-b-backup.timer",
      "backup-gov-pg-b-drill.service",
      "backup-gov-pg-b-drill.timer",
    ]);
    expect(renderUnits(spec("pg-restic-s3-pitr-ra")).map((u) => u.name)).toContain("backup-gov-pg-a-ship.timer");
  });
});
