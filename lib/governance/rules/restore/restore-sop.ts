import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const restoreSop: GovernanceRule = {
  id: "GOV-014",
  name: "restore-sop",
  step: ChecklistStep.RESTORE_SOP,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary:
    "Critical and important services say where restore secrets live (`restore.secrets`) and how a restore is validated (`restore.validate`).",
  explanation:
    "A restore fails at 3 a.m. for want of a key or a way to tell that it worked. The SOP and the restore drill are rendered from these fields, and the drill proves the RTO.",
  check({ catalog, policyOf }) {
    return catalog.services.flatMap((s): Violation[] => {
      if (!policyOf(s).sopRequired) return [];
      const out: Violation[] = [];
      if (!s.restore.secrets)
        out.push({
          path: servicePath(s),
          message: `${s.classification} service \`${s.id}\` has no \`restore.secrets\``,
          fix: 'add `restore: { secrets: "vault:kv/backup/<id>" }` naming where restore keys live',
        });
      if (s.restore.validate.length === 0)
        out.push({
          path: servicePath(s),
          message: `${s.classification} service \`${s.id}\` has no \`restore.validate\` commands`,
          fix: 'add `restore: { validate: ["curl -fsS https://.../health"] }`',
        });
      return out;
    });
  },
};
