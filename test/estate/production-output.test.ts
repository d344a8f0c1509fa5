import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { DEPRECATED_VAULT_EVENTS } from "../../lib/constructs/backup-monitoring";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { ROOT } from "../support/catalogs";

/** The default catalog and every example: what users start from. */
const CATALOGS = [join(ROOT, "stacks", "catalog.yaml"), ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => join(ROOT, "examples", f))];

/** Every synthesized stack of a catalog, as JSON text, by stack name. */
function stacksOf(file: string): Record<string, string> {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(file));
  const out: Record<string, string> = {};
  if (estate.awsStack) out.aws = Testing.synth(estate.awsStack);
  if (estate.proxmoxStack) out.proxmox = Testing.synth(estate.proxmoxStack);
  return out;
}

describe.each(CATALOGS.map((f) => [f.slice(ROOT.length + 1), f]))("what %s synthesizes", (_name, file) => {
  const stacks = stacksOf(file);

  it("subscribes no vault event AWS Backup deprecated (they are accepted and never delivered)", () => {
    // Source: AWS Backup API reference, PutBackupVaultNotifications: deprecated events "do not return
    // statuses or notifications"; hashicorp/aws 5.100 still validates them, so only this test catches them.
    for (const text of Object.values(stacks)) {
      const json = JSON.parse(text);
      for (const n of Object.values(json.resource?.aws_backup_vault_notifications ?? {}) as Array<{ backup_vault_events: string[] }>) {
        for (const e of n.backup_vault_events) expect(DEPRECATED_VAULT_EVENTS).not.toContain(e);
      }
      for (const e of DEPRECATED_VAULT_EVENTS) expect(text).not.toContain(`"${e}"`);
    }
  });
});
