/**
 * The drill ledger's records: every drill verify.sh runs appends a line to its state folder's
 * drills.tsv (lib/artifacts/app/sh/lib/drill-record.sh), and `backup-gov report --drill-records DIR`
 * lists them. Here real drills make the records: a restic repository on disk, the generated
 * backup.sh and verify.sh of the default catalog's `paperless` (its files, stored with restic), one
 * drill that passes and one that fails (its repository gone); the report of the default catalog
 * then shows both, newest first, in the JSON and in the HTML alike.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackupDestination } from "../../lib/constructs/app-backup";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine } from "../../lib/core/vocabulary";
import { parseDrillRecord, readDrillRecords } from "../../lib/report/drill-records";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG } from "../support/catalogs";
import { cleanup, installService, requireTools, runScript, scratch, writeEnv } from "../roundtrip/support";
import { reportHtml, reportJson } from "./support";

jest.setTimeout(300_000);

const SERVICE = "paperless";

describe("drill records: real drills recorded on the host, listed by the report", () => {
  let dir: string;
  let records: string;
  let stateFile: string;

  beforeAll(() => {
    requireTools("restic", "jq");
    dir = scratch("drill-records");
    const data = join(dir, "srv", "docs");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "a.pdf"), Buffer.alloc(50_000, "a"));
    writeFileSync(join(data, "b.txt"), "b\n");
    const { scripts } = installService(dir, {
      estate: "homelab",
      serviceId: SERVICE,
      host: "paperless.internal",
      engine: AppEngine.FILES,
      paths: [data],
      destination: AppBackupDestination.repository(join(dir, "repo")),
      retention: Retention.of({ daily: 7 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("4h"),
    });
    const envFile = writeEnv(dir, SERVICE, { BACKUP_GOV_REPOSITORY: join(dir, "repo") });
    const ok = (r: ReturnType<typeof runScript>) => {
      if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr.slice(-3000)}`);
    };
    ok(runScript(join(scripts, "backup.sh"), ["--init"], envFile));
    ok(runScript(join(scripts, "backup.sh"), [], envFile));
    ok(runScript(join(scripts, "verify.sh"), [], envFile));
    // A second drill a second later whose repository is gone: it fails, and is recorded as failed.
    spawnSleep(1.1);
    const failed = runScript(join(scripts, "verify.sh"), [], envFile, {
      BACKUP_GOV_REPOSITORY: join(dir, "no-such-repo"),
    });
    expect(failed.code).toBe(4);
    stateFile = join(dir, "state", SERVICE, "drills.tsv");
    // What an operator collects: each host's state folder under one folder.
    records = join(dir, "records");
    mkdirSync(join(records, "paperless.internal", SERVICE), { recursive: true });
    cpSync(stateFile, join(records, "paperless.internal", SERVICE, "drills.tsv"));
  });

  afterAll(() => {
    if (dir) cleanup(dir);
  });

  it("verify.sh appends one line per drill: the pass with its run, restore time and lines compared; the failure with its exit code", () => {
    const lines = readFileSync(stateFile, "utf8").trim().split("\n");
    expect(lines).toHaveLength(2);
    const [pass, fail] = lines.map((l, i) => parseDrillRecord(l, `drills.tsv:${i + 1}`));
    if (typeof pass === "string" || typeof fail === "string") throw new Error(String(pass) + String(fail));
    expect(pass).toMatchObject({
      service: SERVICE,
      engine: "files",
      host: "roundtrip",
      passed: true,
      exitCode: 0,
      itemsCompared: 2,
      rtoSeconds: 4 * 3600,
    });
    expect(pass.run).toMatch(/^\d{8}T\d{6}Z$/);
    expect(pass.restoreSeconds).not.toBeNull();
    expect(fail).toMatchObject({
      service: SERVICE,
      passed: false,
      exitCode: 4,
      run: "",
      restoreSeconds: null,
      itemsCompared: null,
    });
    expect(fail.finished).toBeGreaterThan(pass.finished);
  });

  it("the report of the default catalog lists both drills, newest first, and takes the last result from them where no metrics say", async () => {
    const data = await reportJson(DEFAULT_CATALOG, "--drill-records", records);
    expect(data.drillRecords).toEqual({ source: "records", count: 2, skipped: [] });
    const s = data.services.find((x) => x.id === SERVICE)!;
    expect(s.drill.records.map((r) => r.passed)).toEqual([false, true]);
    expect(s.drill.records[0].source).toBe(`paperless.internal/${SERVICE}/drills.tsv:2`);
    expect(s.drill.lastResultOk).toBe(false);
    expect(s.drill.lastSuccess).toBe(s.drill.records[1].finished);
    expect(s.drill.itemsCompared).toBe(2);
    expect(s.drill.note).toMatch(/^failed \(exit 4\): from the host's drill records \(2 drill\(s\) recorded\)$/);
    // The other services have no records: unknown, as before.
    expect(data.services.find((x) => x.id === "gitea")!.drill.records).toEqual([]);
    expect(data.services.find((x) => x.id === "gitea")!.drill.lastResultOk).toBeNull();
    // Without --drill-records the report says none were given.
    expect((await reportJson(DEFAULT_CATALOG)).drillRecords).toBeNull();
  });

  it("the HTML shows the same records as the JSON, one row per drill", async () => {
    const html = await reportHtml(DEFAULT_CATALOG, "--drill-records", records);
    const start = html.indexOf('<table id="drill-records"');
    const body = html.slice(html.indexOf("<tbody>", start), html.indexOf("</tbody>", start));
    const rows = body.split("<tr>").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`<th scope="row">${SERVICE}</th>`);
    expect(rows[0]).toMatch(/failed \(exit 4\)/);
    expect(rows[1]).toMatch(/passed/);
    expect(rows[1]).toMatch(/<td>\d{8}T\d{6}Z<\/td>/);
    expect(html).toContain('id="export-records"');
    expect(await reportHtml(DEFAULT_CATALOG)).toContain("No drill records were given");
  });

  it("a line that is not a record is left out and named; a --drill-records that is no folder is a usage error (RPT-002)", async () => {
    const bad = join(dir, "bad");
    mkdirSync(join(bad, "h"), { recursive: true });
    writeFileSync(
      join(bad, "h", "drills.tsv"),
      readFileSync(stateFile, "utf8") + "garbage\tline\n1\tpaperless\tfiles\th\tr\tmaybe\t0\t1\t2\t3\n",
    );
    const read = readDrillRecords(bad);
    expect(read.records).toHaveLength(2);
    expect(read.skipped).toEqual([
      "h/drills.tsv:3: 2 fields, not 10",
      "h/drills.tsv:4: result is 'maybe', not pass or fail",
    ]);
    const r = await cli("report", DEFAULT_CATALOG, "--drill-records", bad, "--format", "json");
    expect(r.code).toBe(0);
    expect(r.err).toContain("not a drill record, left out: h/drills.tsv:3");
    const missing = await cli("report", DEFAULT_CATALOG, "--drill-records", join(dir, "nope"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("RPT-002");
  });
});

function spawnSleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}
