import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App } from "../../lib/core/cdk";
import { estateSettingsOf, serviceDefinitionOf } from "../../lib/estate/definition";
import { BackupEstate, ProtectedService } from "../../lib/estate/protected-service";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { validateCatalogFile } from "../../lib/governance/validate";

const ROOT = join(__dirname, "..", "..");
const CATALOGS = [
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(ROOT, "examples", f)),
  join(ROOT, "stacks", "catalog.yaml"),
];

/** Every file under `dir` (relative paths, sorted) but the listed bookkeeping files. */
function files(dir: string, skip: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!skip.includes(relative(dir, p))) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const REPORT = join("artifacts", "compliance-report.json");

/** The compliance report with each finding's line and column left out, findings in one order. */
function withoutPositions(file: string): unknown {
  const r = JSON.parse(readFileSync(file, "utf8")) as { findings: Array<Record<string, unknown>> };
  const findings = r.findings
    .map(({ line: _l, column: _c, ...f }) => f)
    .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  return { ...r, findings };
}

/** The code front door: the loader's output as definitions, in a BackupEstate, synthesized by app.synth(). */
function synthFromCode(file: string, outdir: string): BackupEstate {
  const report = validateCatalogFile(file);
  const catalog = report.catalog!;
  const app = new App({ outdir });
  const estate = new BackupEstate(app, "Estate", { ...estateSettingsOf(catalog), source: catalog.file });
  for (const s of catalog.services) new ProtectedService(estate, s.id, serviceDefinitionOf(s));
  app.synth();
  return estate;
}

describe("one model, two front doors: YAML and ProtectedService build the same estate", () => {
  const work = mkdtempSync(join(tmpdir(), "front-doors-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(CATALOGS.map((f) => [relative(ROOT, f), f]))(
    "%s: every stack and artifact is byte for byte the same",
    (_name, file) => {
      const yaml = join(work, `${relative(ROOT, file).replace(/\W/g, "_")}-yaml`);
      const code = join(work, `${relative(ROOT, file).replace(/\W/g, "_")}-code`);
      const r = synthesizeCatalog(file, yaml);
      expect(r.report.ok).toBe(true);
      const estate = synthFromCode(file, code);
      const a = files(yaml, [".backup-gov-manifest.json"]);
      const b = files(code, [join("artifacts", ".backup-gov-artifacts.json")]);
      expect(b).toEqual(a);
      const differ = a.filter((f) => !readFileSync(join(yaml, f)).equals(readFileSync(join(code, f))));
      // The one file that may differ: the compliance report places findings at file:line:col,
      // and stack code has no YAML lines. Same findings (rule, path, message, acknowledgement) all the same.
      expect(differ.filter((f) => f !== REPORT)).toEqual([]);
      expect(withoutPositions(join(code, REPORT))).toEqual(withoutPositions(join(yaml, REPORT)));
      // Not vacuous: both doors wrote stacks and artifacts, one ProtectedService per catalog service.
      expect(a.filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThan(0);
      expect(a.filter((f) => f.startsWith("artifacts/")).length).toBeGreaterThan(10);
      expect(estate.protectedServices.map((s) => s.serviceId)).toEqual(r.report.catalog!.services.map((s) => s.id));
    },
  );
});
