/**
 * The runtime's hole checks for point-in-time restores (issue 18, found by the soak): a chain kept
 * for an old dump can be followed by the logs of a later chain whose base was pruned; replaying
 * across the hole would return a database that never was. PostgreSQL's whole path runs in
 * test/roundtrip/postgresql.test.ts; here the functions meet the edge cases (timelines, segment
 * sizes, log numbering) one by one.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENGINES = join(__dirname, "..", "..", "..", "lib", "artifacts", "app", "sh", "engines");

function bash(engine: string, script: string, ...args: string[]): string {
  const r = spawnSync(
    "bash",
    ["-c", `set -euo pipefail; SERVICE=svc; . "$1"; shift; ${script}`, "_", join(ENGINES, engine), ...args],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`bash exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

describe("wal_first_gap (PostgreSQL)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "wal-gap-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const segments = (...names: string[]) => {
    for (const n of names) writeFileSync(join(dir, n), "");
  };
  const gap = (start: string, bytes = 16 * 1024 * 1024) =>
    bash("postgresql.sh", 'wal_first_gap "$1" "$2" "$3"', dir, start, String(bytes));

  it("is empty for continuous WAL, across the end of a log id (FF to the next 00) and a timeline switch", () => {
    segments(
      "0000000100000000000000FE",
      "0000000100000000000000FF",
      "000000010000000100000000",
      "000000020000000100000001",
    );
    writeFileSync(join(dir, "00000002.history"), "");
    expect(gap("0000000100000000000000FE")).toBe("");
  });

  it("names the first missing segment, in the start's timeline", () => {
    segments("000000010000000000000003", "000000010000000000000004", "000000010000000000000007");
    expect(gap("000000010000000000000003")).toBe("000000010000000000000005");
  });

  it("counts segments per log id from the segment size (64 MiB: 64 per log id)", () => {
    segments("00000001000000000000003F", "000000010000000100000000");
    expect(gap("00000001000000000000003F", 64 * 1024 * 1024)).toBe("");
    // With 16 MiB segments the same two files are 193 apart.
    expect(gap("00000001000000000000003F")).toBe("000000010000000000000040");
  });

  it("segments before the base's start do not count, and a missing start is itself the hole", () => {
    segments("000000010000000000000001", "000000010000000000000005", "000000010000000000000006");
    expect(gap("000000010000000000000005")).toBe("");
    expect(gap("000000010000000000000004")).toBe("000000010000000000000004");
  });
});

describe("binlog_continuous (MariaDB)", () => {
  const continuous = (...logs: string[]) => Number(bash("mysql.sh", 'binlog_continuous "$@"', ...logs));

  it("counts the logs that follow each other, stopping at the first hole", () => {
    expect(continuous("bin.000041", "bin.000042", "bin.000043")).toBe(3);
    expect(continuous("bin.000041", "bin.000042", "bin.000045", "bin.000046")).toBe(2);
    expect(continuous("bin.000009", "bin.000010")).toBe(2);
    expect(continuous("bin.000041")).toBe(1);
    expect(continuous()).toBe(0);
    // A name that is not a numbered log ends the run instead of failing the restore.
    expect(continuous("bin.000041", "bin.000042.part")).toBe(1);
  });
});
