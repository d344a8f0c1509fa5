import { Severity } from "../../../core/finding";
import {
  AwsLimits,
  AwsNames,
  awsBackupPlans,
  awsBackupRules,
  restoreTestPlans,
  usesAwsBackup,
} from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const awsNames: GovernanceRule = {
  id: "GOV-021",
  name: "aws-names",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "Names derived from the estate name and service ids fit AWS Backup's patterns (vaults, plans, selections, restore-testing plans and selections).",
  explanation:
    "Vault names are 2–50 of [A-Za-z0-9-_]; plan and selection names 1–50 of [A-Za-z0-9-_.]; restore-testing names 1–50 of [A-Za-z0-9_] (no hyphens; this library turns - into _). A name AWS refuses fails the apply half-way. (Bucket and role names are shortened with a hash instead.)",
  check({ catalog, policies }) {
    if (!catalog.aws || catalog.invalidSections.has("name")) return [];
    const out: Violation[] = [];
    const tooLong = (what: string, name: string, path: Violation["path"], fix: string): void => {
      out.push({
        path,
        message: `${what} name \`${name}\` is ${name.length} characters; AWS allows 50`,
        fix: `${fix} by ${name.length - 50} characters`,
      });
    };
    const seenVaults = new Set<string>();
    for (const p of policies) {
      if (!usesAwsBackup(p)) continue;
      const s = p.service;
      const aws = s.aws;
      const selections = [
        ...(aws.resources.length ? [AwsNames.selection(catalog.name, s.id)] : []),
        ...(Object.keys(aws.tags).length ? [AwsNames.selection(catalog.name, s.id, true)] : []),
      ];
      for (const sel of selections) {
        if (!AwsLimits.selectionName.test(sel))
          tooLong("backup selection", sel, servicePath(s, "id"), "shorten the service id (or the estate `name`)");
      }
      for (const r of awsBackupRules(p, catalog)) {
        for (const v of [r.vault, r.copy?.vault]) {
          if (!v || seenVaults.has(v.name)) continue;
          seenVaults.add(v.name);
          if (!AwsLimits.vaultName.test(v.name))
            tooLong("vault", v.name, s.immutable ? servicePath(s, "immutable") : ["name"], "shorten the estate `name`");
        }
      }
    }
    for (const plan of awsBackupPlans(policies, catalog)) {
      if (!AwsLimits.planName.test(plan.name)) tooLong("backup plan", plan.name, ["name"], "shorten the estate `name`");
    }
    for (const plan of restoreTestPlans(policies, catalog)) {
      if (!AwsLimits.restoreTestingName.test(plan.name))
        tooLong("restore testing plan", plan.name, ["name"], "shorten the estate `name`");
      for (const sel of plan.selections) {
        const owner = policies.find((p) => p.service.id === sel.serviceId);
        if (owner && !AwsLimits.restoreTestingName.test(sel.name))
          tooLong("restore testing selection", sel.name, servicePath(owner.service, "id"), "shorten the service id");
      }
    }
    return out;
  },
};
