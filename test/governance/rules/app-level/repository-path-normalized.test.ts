import { synthesizeCatalog } from "../../../../lib/estate/synth";
import { BASELINE_RULES } from "../../../../lib/governance/packs/baseline";
import { repositoryPathNormalized } from "../../../../lib/governance/rules/app-level/repository-path-normalized";
import { validateCatalogText } from "../../../../lib/governance/validate";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../../../support/tools";
import { catalog as appCatalog, findings as ruleFindings } from "./support";

/** A valid one-service catalog with a files backup into `repository`. */
const catalog = (repository: string) =>
  appCatalog(`engine: files\nhost: files.lan\npaths: [/srv/share]\nrepository: "${repository}"`, "", "");
const findings = (text: string) => ruleFindings(repositoryPathNormalized, text);

describe("GOV-150: repository-path-normalized", () => {
  it.each(["/mnt/nas/../backup", "/mnt/./nas", "/mnt//nas", "/mnt/nas/"])(
    "non-compliant: %s (systemd would ignore it in ReadWritePaths=)",
    (repo) => {
      expect(findings(catalog(repo))).toEqual([
        `16: \`app.repository: ${repo}\` is not a normalized path: systemd would ignore it in ReadWritePaths= and the backups could not write there`,
      ]);
      const report = validateCatalogText(catalog(repo));
      expect(report.ok).toBe(false);
      expect(report.findings.find((f) => f.ruleId === "GOV-150")?.fix).toMatch(/real absolute path/);
    },
  );

  it("compliant: a normalized path, with the characters systemd needs escaped (%, spaces are refused by the schema)", () => {
    expect(findings(catalog("/mnt/nas/restic/50%-share"))).toEqual([]);
    // Whatever validate accepts, synth builds: the unit carries the path through the systemd escaping.
    const dir = scratch("gov150");
    const file = join(dir, "catalog.yaml");
    writeFileSync(file, catalog("/mnt/nas/restic/50%-share"));
    const r = synthesizeCatalog(file, join(dir, "out"));
    expect(r.report.ok).toBe(true);
    const unit = readFileSync(
      join(dir, "out", "artifacts", "hosts", "files.lan", "svc", "systemd", "backup-gov-svc-backup.service"),
      "utf8",
    );
    expect(unit).toContain("\nReadWritePaths=-/mnt/nas/restic/50%%-share\n");
  });

  it("not applicable: ssh:// repositories and S3", () => {
    expect(findings(catalog("ssh://b@nas/./x/../y"))).toEqual([]);
  });

  it("is in the baseline pack", () => {
    expect(BASELINE_RULES.map((r) => r.id)).toContain("GOV-150");
  });
});
