import { Severity } from "../../../core/finding";
import { AwsLimits, AwsNames, awsBackupRules, usesAwsBackup } from "../../../policy/aws-backup";
import { RestoreTestFrequency } from "../../../policy/tiers";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const awsNames: GovernanceRule = {
  id: "GOV-021",
  name: "aws-names",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Names derived from the estate name and service ids fit AWS Backup's patterns (vaults, selections, restore-testing plans and selections).",
  explanation:
    "Vault names are 2–50 of [A-Za-z0-9-_]; selection names 1–50 of [A-Za-z0-9-_.]; restore-testing names 1–50 of [A-Za-z0-9_] (no hyphens; this library turns - into _). A name AWS refuses fails the apply half-way.",
  check({ catalog, policies }) {
    if (!catalog.aws || catalog.invalidSections.has("name")) return [];
    const out: Violation[] = [];
    const seenVaults = new Set<string>();
    for (const p of policies) {
      if (!usesAwsBackup(p)) continue;
      const s = p.service;
      const sel = AwsNames.selection(catalog.name, s.id);
      if (!AwsLimits.selectionName.test(sel)) out.push({ path: servicePath(s, "id"), message: `backup selection name \`${sel}\` is ${sel.length} characters; AWS allows 50`, fix: `shorten the service id (or the estate \`name\`) by ${sel.length - 50} characters` });
      if (p.restoreTest !== RestoreTestFrequency.NONE) {
        const rts = AwsNames.restoreTestingSelection(catalog.name, s.id);
        if (!AwsLimits.restoreTestingName.test(rts)) out.push({ path: servicePath(s, "id"), message: `restore testing selection name \`${rts}\` is ${rts.length} characters; AWS allows 50`, fix: `shorten the service id (or the estate \`name\`) by ${rts.length - 50} characters` });
      }
      for (const r of awsBackupRules(p, catalog)) {
        for (const v of [r.vault, r.copy?.vault]) {
          if (!v || seenVaults.has(v.name)) continue;
          seenVaults.add(v.name);
          if (!AwsLimits.vaultName.test(v.name)) out.push({ path: s.immutable ? servicePath(s, "immutable") : ["name"], message: `vault name \`${v.name}\` is ${v.name.length} characters; AWS allows 50`, fix: "shorten the estate `name`" });
        }
      }
    }
    return out;
  },
};
