/**
 * MongoDB's tools are not packaged for Debian, so this file runs the generated scripts with
 * stand-ins for mongodump, mongorestore, mongod and mongosh that record the exact command
 * lines they are given and play back mongodump's own report. Storage (restic and borg) and
 * everything around the commands is real.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Metrics } from "../../lib/core/metrics";
import { Retention } from "../../lib/core/retention";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import {
  METRICS_ROOT,
  cleanup,
  installService,
  readMetrics,
  requireTools,
  runScript,
  scratch,
  secret,
  writeEnv,
} from "./support";

jest.setTimeout(180_000);

const ARCHIVE = "gzipped archive bytes as mongodump would write them\n".repeat(2000);

/** Stand-ins: each appends its argv (one argument a line, then `--`) to $STUB_LOG/<tool>.args. */
function writeStubs(bin: string, log: string): void {
  mkdirSync(bin, { recursive: true });
  mkdirSync(log, { recursive: true });
  chmodSync(log, 0o777);
  const record = (tool: string) => `printf '%s\\n' "$@" -- >>"${log}/${tool}.args"`;
  const stubs: Record<string, string> = {
    mongodump: `${record("mongodump")}
for a in "$@"; do [[ $a == --archive=* ]] && exit 0; done
cat "${log}/archive"
printf '2025-01-01T00:00:00.000+0000\\twriting unifi.devices to archive on stdout\\n' >&2
printf '2025-01-01T00:00:00.000+0000\\tdone dumping unifi.devices (12 documents)\\n' >&2
printf '2025-01-01T00:00:00.000+0000\\tdone dumping unifi.site (1 document)\\n' >&2
printf '2025-01-01T00:00:00.000+0000\\tdone dumping admin.system.version (2 documents)\\n' >&2`,
    mongorestore: `${record("mongorestore")}
cat >"${log}/restored-$(date +%s%N)"`,
    mongod: `${record("mongod")}
echo $$ >"${log}/mongod.pid"
exec sleep 120`,
    mongosh: `${record("mongosh")}
case "$*" in
  *shutdownServer*) kill "$(cat "${log}/mongod.pid")" ;;
  *countDocuments*) printf 'collection\\tunifi.devices\\t12\\ncollection\\tunifi.site\\t1\\n' ;;
  *ping*) echo 1 ;;
esac`,
  };
  for (const [tool, body] of Object.entries(stubs))
    writeFileSync(join(bin, tool), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  writeFileSync(join(log, "archive"), ARCHIVE);
  chmodSync(join(log, "archive"), 0o644);
}

/** The recorded invocations of a stand-in, each as its argument list. */
function calls(log: string, tool: string): string[][] {
  const text = readFileSync(join(log, `${tool}.args`), "utf8");
  return text
    .split("--\n")
    .filter((c) => c.length > 0)
    .map((c) => c.split("\n").filter(Boolean));
}

describe.each([
  { service: "mongo-rs", tool: BackupTool.RESTIC, replicaSet: "rs0" as string | undefined },
  { service: "mongo-single", tool: BackupTool.BORG, replicaSet: undefined },
])("MongoDB commands of $service ($tool)", ({ service, tool, replicaSet }) => {
  let dir: string;
  let log: string;
  let envFile: string;
  let scripts: string;
  let extra: Record<string, string>;
  const cfg = { dump: "", restore: "" };

  beforeAll(() => {
    requireTools(tool === BackupTool.RESTIC ? "restic" : "borg", "jq", "setpriv");
    dir = scratch(service);
    const bin = join(dir, "bin");
    log = join(dir, "log");
    writeStubs(bin, log);
    const repo = join(dir, "repo");
    scripts = installService(dir, {
      estate: "roundtrip",
      serviceId: service,
      host: "roundtrip",
      engine: AppEngine.MONGODB,
      database: "unifi",
      tool,
      replicaSet,
      destination: AppBackupDestination.repository(repo),
      retention: Retention.of({ daily: 7 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("1d"),
    }).scripts;
    cfg.dump = secret(
      dir,
      `${service}.mongodump.yaml`,
      "uri: mongodb://backup_gov@127.0.0.1:27017/?authSource=admin\npassword: test-only\n",
    );
    cfg.restore = secret(
      dir,
      `${service}.mongorestore.yaml`,
      "uri: mongodb://admin@127.0.0.1:27017/?authSource=admin\npassword: test-only\n",
    );
    envFile = writeEnv(dir, service, {
      BACKUP_GOV_REPOSITORY: repo,
      BACKUP_GOV_MONGO_DATABASE: "unifi",
      BACKUP_GOV_MONGO_CONFIG: cfg.dump,
      BACKUP_GOV_RESTORE_MONGO_CONFIG: cfg.restore,
      // The stand-ins are no server: the drill's scratch instance runs as an account every host has.
      BACKUP_GOV_DRILL_USER: "nobody",
    });
    extra = { PATH: `${bin}:${process.env.PATH}` };
  });

  afterAll(() => {
    if (dir) cleanup(dir);
  });

  const run = (script: string, args: string[] = []) => {
    const r = runScript(join(scripts, script), args, envFile, extra);
    if (r.code !== 0) throw new Error(`${script} ${args.join(" ")}: exit ${r.code}\n${r.stderr.slice(-2000)}`);
    return r;
  };

  it("backs up with mongodump --archive --gzip, and --oplog of the whole replica set or --db of the one database", () => {
    run("backup.sh", ["--init"]);
    run("backup.sh");
    const dumps = calls(log, "mongodump");
    // First the preflight (an empty collection into /dev/null), then the dump.
    expect(dumps[0]).toEqual([
      `--config=${cfg.dump}`,
      "--db=unifi",
      "--collection=backup_gov_preflight",
      "--archive=/dev/null",
    ]);
    expect(dumps[1]).toEqual(
      replicaSet
        ? [`--config=${cfg.dump}`, "--archive", "--gzip", "--oplog"]
        : [`--config=${cfg.dump}`, "--archive", "--gzip", "--db=unifi"],
    );
    const m = readMetrics(join(METRICS_ROOT, service, `backup_${service.replace(/-/g, "_")}_backup.prom`));
    // The record is mongodump's own report, without the server's namespaces.
    expect(m.get(Metrics.items)?.value).toBe(13);
    expect(m.get(Metrics.size)?.value).toBe(ARCHIVE.length);
  });

  it("restores with mongorestore --archive --gzip --drop, scoped to the database, and replays the stored archive byte for byte", () => {
    run("restore.sh", ["--yes"]);
    expect(calls(log, "mongorestore").at(-1)).toEqual([
      `--config=${cfg.restore}`,
      "--archive",
      "--gzip",
      "--drop",
      "--nsInclude=unifi.*",
    ]);
    const restored = readFileSync(
      join(
        log,
        readdirSync(log)
          .filter((f) => f.startsWith("restored-"))
          .sort()
          .at(-1)!,
      ),
      "utf8",
    );
    expect(restored).toBe(ARCHIVE);
  });

  it("restores one collection into another database with --nsInclude/--nsFrom/--nsTo", () => {
    run("restore.sh", ["--table", "devices", "--into", "unifi_copy"]);
    expect(calls(log, "mongorestore").at(-1)).toEqual([
      `--config=${cfg.restore}`,
      "--archive",
      "--gzip",
      "--drop",
      "--nsInclude=unifi.devices",
      "--nsFrom=unifi.*",
      "--nsTo=unifi_copy.*",
    ]);
  });

  it("drills into a scratch mongod on loopback and compares the collections", () => {
    run("verify.sh");
    const mongod = calls(log, "mongod").at(-1)!;
    expect(mongod.slice(0, 1)).toEqual(["--dbpath"]);
    expect(mongod.slice(2)).toEqual([
      "--bind_ip",
      "127.0.0.1",
      "--port",
      "27499",
      "--unixSocketPrefix",
      join(mongod[1], ".."),
      "--logpath",
      join(mongod[1], "..", "mongod.log"),
    ]);
    expect(calls(log, "mongorestore").at(-1)).toEqual([
      "--host=127.0.0.1",
      "--port=27499",
      "--archive",
      "--gzip",
      ...(replicaSet ? ["--oplogReplay"] : []),
    ]);
    expect(
      readMetrics(join(METRICS_ROOT, service, `backup_${service.replace(/-/g, "_")}_drill.prom`)).get(
        Metrics.drillSuccess,
      )?.value,
    ).toBe(1);
  });
});
