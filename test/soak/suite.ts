/**
 * Time travel (test/soak/harness.ts): each engine × tool run by the generated runtime on the real
 * servers and tools through simulated days of its real schedule, with writes, retention, a failed
 * capture and a held lock; then every restore point the retention kept, and random point-in-time
 * targets inside every kept chain, restored and compared with the harness's model of the data.
 *
 * `npm test` runs a short horizon (SOAK_DAYS, default 2 days at a 12-hour RPO); `npm run soak`
 * runs 60 days of the daily schedule and writes the figures to .tmp/soak/<service>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { BackupTool } from "../../lib/core/vocabulary";
import { ROOT } from "../roundtrip/support";
import { soak, type SoakEngine, type SoakResult } from "./harness";

const LONG = process.env.SOAK_LONG === "1";
const DAYS = Number(process.env.SOAK_DAYS ?? (LONG ? 60 : 2));
const SEED = Number(process.env.SOAK_SEED ?? 18);
const ONLY = process.env.SOAK_ONLY; // e.g. "postgresql-restic"

jest.setTimeout((LONG ? 180 : 10) * 60_000);

// Ports of their own: the round trips of other checkouts may hold theirs.
const PORTS: Record<SoakEngine, { live: number; restore: number }> = {
  postgresql: {
    live: Number(process.env.SOAK_PG_PORT ?? 54471),
    restore: Number(process.env.SOAK_PG_PORT ?? 54471) + 1,
  },
  mysql: { live: Number(process.env.SOAK_MY_PORT ?? 33471), restore: Number(process.env.SOAK_MY_PORT ?? 33471) + 1 },
  files: { live: 0, restore: 0 },
};

/**
 * The suite of one engine: both tools in the soak; in `npm test` the one tool named (each engine
 * with another tool, so that the short horizon covers restic and borg too). SOAK_ONLY picks cases.
 */
export function timeTravel(engine: SoakEngine, shortTool: BackupTool): void {
  const tools = LONG || ONLY ? [BackupTool.RESTIC, BackupTool.BORG] : [shortTool];
  const cases = tools.filter((t) => !ONLY || ONLY.split(",").includes(`${engine}-${t}`));
  if (cases.length === 0) {
    it.skip(`${engine}: not among SOAK_ONLY`, () => undefined);
    return;
  }
  describe.each(cases)(`time travel: ${engine} with %s`, (tool) => suite(engine, tool));
}

function suite(engine: SoakEngine, tool: BackupTool): void {
  let result: SoakResult;

  beforeAll(() => {
    result = soak({
      engine,
      tool,
      days: DAYS,
      seed: SEED,
      // The short horizon runs twice a day so that retention has something to drop; the soak runs the daily default.
      rpo: LONG ? "1d" : "12h",
      retention: LONG ? Retention.of({ daily: 7, weekly: 4, monthly: 2 }) : Retention.of({ daily: 2 }),
      fullEvery: LONG ? Duration.days(7) : Duration.days(1),
      writesPerDay: LONG ? 1 : 2,
      targetsPerChain: 1,
      ports: PORTS[engine],
    });
    const out = join(ROOT, ".tmp", "soak");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, `${result.service}.json`),
      JSON.stringify({ days: DAYS, seed: SEED, ...result }, null, 2) + "\n",
    );
  });

  it("ran every scheduled run, each injected failure with its own exit code and every other run successfully", () => {
    const backups = result.runs.filter((r) => r.kind === "backup");
    expect(backups.length).toBeGreaterThanOrEqual(DAYS);
    expect(backups.filter((r) => r.injected).map((r) => [r.injected, r.code])).toEqual([
      [engine === "files" ? "destination gone" : "failed dump", engine === "files" ? 4 : 5],
      ["held lock", 75],
    ]);
    expect(result.runs.filter((r) => !r.injected && r.code !== 0)).toEqual([]);
    if (engine !== "files") expect(result.runs.filter((r) => r.kind === "ship").length).toBeGreaterThan(0);
  });

  it("keeps exactly the restore points the retention policy names, as the tool documents it", () => {
    expect(result.keptDumps).toEqual(result.expectedKeptDumps);
    expect(result.keptDumps.at(-1)).toBe(result.goodRuns.at(-1));
  });

  it("left nothing of a failed run in the repository", () => {
    expect(result.leftovers).toEqual([]);
  });

  it("restores every kept point to exactly the data of that moment", () => {
    const dumps = result.checks.filter((c) => c.kind !== "pitr");
    expect(dumps.length).toBe(result.keptDumps.length);
    expect(dumps.filter((c) => !c.ok)).toEqual([]);
  });

  if (engine !== "files") {
    it("restores random point-in-time targets inside every kept chain to exactly the data of that moment", () => {
      const pitr = result.checks.filter((c) => c.kind === "pitr");
      expect(result.chains.length).toBeGreaterThan(0);
      expect(pitr.length).toBeGreaterThanOrEqual(result.chains.length);
      expect(pitr.filter((c) => !c.ok)).toEqual([]);
    });
  }
}
