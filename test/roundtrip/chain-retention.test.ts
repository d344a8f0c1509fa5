/**
 * Retention that knows chains, with the real restic and borg: a MariaDB pitr service's units
 * (dump, full or incremental mariabackup, binary logs, each with its capture record) stored by the
 * runtime's own store_stream at simulated run times over several days (the run time is what the
 * tools' keep-* flags read), then the runtime's apply_retention. An incremental needs its full and
 * every incremental before it (mariabackup --prepare applies them in order; a missing link cannot be
 * skipped: MariaDB docs, "Incremental Backup and Restore with mariadb-backup"). Per-name pruning
 * kept each day's last incremental alone; the chain-aware retention keeps or drops a chain whole.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine, BackupTool } from "../../lib/core/vocabulary";
import { cleanup, installService, requireTools, scratch, writeEnv } from "./support";

jest.setTimeout(600_000);

/** Days × runs a day (every 8 h from 00:15; the 00:15 run takes the full), retention daily 2. */
const DAYS = 4;
const RUNS_A_DAY = 3;
const START = Date.UTC(2026, 0, 5) / 1000;

const HARNESS = `
set -Eeuo pipefail
. "$1/service.conf"
RUNTIME=$2
. "$RUNTIME/lib/load.sh"
LOG_NAME=chain-harness
LOG_TAG=$SERVICE
load_env
use_repository primary
repo_init >/dev/null 2>&1
put() { printf '%s %s\\n' "$1" "$RUN_ID" | store_stream "$1"; printf 'record\\n' | store_stream "$1.capture"; }
for ((d = 0; d < $4; d++)); do
  for ((r = 0; r < $5; r++)); do
    RUN_EPOCH=$(($3 + d * 86400 + r * 8 * 3600 + 900))
    RUN_ID=$(date -u -d "@$RUN_EPOCH" +%Y%m%dT%H%M%SZ)
    WORK=$(mktemp -d "$WORK_ROOT/run.XXXXXX")
    put "$DUMP_NAME"
    if ((r == 0)); then put "$FULL_NAME"; else put "$INCR_NAME"; fi
    put "$BINLOG_NAME"
  done
done
refresh_stored
printf '%s\\n' "$STORED_LIST" >"$6/before"
apply_retention >/dev/null
refresh_stored
printf '%s\\n' "$STORED_LIST" >"$6/after"
`;

describe.each([BackupTool.RESTIC, BackupTool.BORG])("chain-aware retention with %s", (tool) => {
  let dir: string;
  let before: string[][];
  let after: string[][];

  beforeAll(() => {
    requireTools(tool === BackupTool.RESTIC ? "restic" : "borg", "jq", "mariadb");
    dir = scratch(`chains-${tool}`);
    const service = `chain-${tool}`;
    const { scripts } = installService(dir, {
      estate: "roundtrip",
      serviceId: service,
      host: "roundtrip",
      engine: AppEngine.MYSQL,
      database: "shop",
      pitr: true,
      tool,
      destination: AppBackupDestination.repository(join(dir, "repo")),
      retention: Retention.of({ daily: 2 }),
      rpo: Duration.parse("8h"),
      rto: Duration.parse("1h"),
    });
    const env = writeEnv(dir, service, { BACKUP_GOV_REPOSITORY: join(dir, "repo") });
    const r = spawnSync(
      "bash",
      [
        "-c",
        HARNESS,
        "_",
        scripts,
        join(dir, "prefix", "runtime"),
        String(START),
        String(DAYS),
        String(RUNS_A_DAY),
        dir,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, BACKUP_GOV_ENV: env, TZ: "UTC" },
      },
    );
    if (r.status !== 0) throw new Error(`harness failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const read = (f: string) =>
      spawnSync("cat", [join(dir, f)], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t"));
    before = read("before");
    after = read("after");
  });

  afterAll(() => {
    if (dir) cleanup(dir);
  });

  const runsOf = (rows: string[][], suffix: string) =>
    [...new Set(rows.filter((r) => r[1].endsWith(suffix)).map((r) => r[0]))].sort();

  it("stored every simulated run first", () => {
    expect(runsOf(before, ".sql")).toHaveLength(DAYS * RUNS_A_DAY);
    expect(runsOf(before, ".incr.xb")).toHaveLength(DAYS * (RUNS_A_DAY - 1));
  });

  it("keeps the dumps the keep-* flags keep (the last of each of the last 2 days)", () => {
    const day = (run: string) => run.slice(0, 8);
    const dumps = runsOf(after, ".sql");
    expect(dumps.map(day)).toEqual([...new Set(runsOf(before, ".sql").map(day))].slice(-2));
  });

  it("every kept incremental has its full and every incremental before it, with their capture records and the binary logs", () => {
    const fulls = runsOf(after, ".full.xb");
    const incrs = runsOf(after, ".incr.xb");
    expect(incrs.length).toBeGreaterThan(0);
    const allIncrs = runsOf(before, ".incr.xb");
    for (const run of incrs) {
      const full = fulls.filter((f) => f <= run).at(-1);
      expect({ run, full }).toEqual({ run, full: expect.any(String) });
      const needed = allIncrs.filter((i) => i > full! && i <= run);
      expect({ run, missing: needed.filter((i) => !incrs.includes(i)) }).toEqual({ run, missing: [] });
    }
    for (const name of [".full.xb", ".incr.xb", ".binlog.tar"])
      expect(runsOf(after, `${name}.capture`)).toEqual(runsOf(after, name));
    // The binary logs of every kept chain are there too.
    for (const full of fulls)
      expect(runsOf(after, ".binlog.tar").filter((r) => r >= full).length).toBeGreaterThanOrEqual(RUNS_A_DAY);
  });

  it("every kept dump's run can also restore to its point in time: its chain is whole", () => {
    const fulls = runsOf(after, ".full.xb");
    for (const run of runsOf(after, ".sql"))
      expect({ run, chain: fulls.some((f) => f <= run) }).toEqual({ run, chain: true });
  });

  it("chains without a kept restore point go whole (space comes back)", () => {
    expect(runsOf(after, ".full.xb")).toHaveLength(2);
    expect(runsOf(after, ".incr.xb")).toHaveLength(2 * (RUNS_A_DAY - 1));
  });
});
