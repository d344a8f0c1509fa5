import { Severity } from "../../../core/finding";
import { RetentionClass } from "../../../core/retention";
import { awsBackupRules, type RuleSpec } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { retentionSource } from "../paths";

export const retentionInsideLock: GovernanceRule = {
  id: "GOV-019",
  name: "retention-inside-lock",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every rule and copy action that writes to a locked vault keeps its points within the vault's lock range.",
  explanation:
    "A backup or copy job whose retention lies outside a locked vault's [minimum, maximum] fails at run time, every time, and no plan-time check anywhere catches it. (Daily points are checked by GOV-022.)",
  check({ catalog, policies }) {
    return policies.flatMap((p): Violation[] =>
      awsBackupRules(p, catalog).flatMap((r) => {
        if (r.kind === RetentionClass.DAILY || r.kind === "continuous") return [];
        const src = retentionSource(p, r.kind);
        // A copy action shares its rule's lifecycle; report each distinct (lifecycle, vault lock) once.
        const targets: Array<{ what: string; l: Pick<RuleSpec, "deleteAfterDays" | "vault"> }> = [{ what: "rule", l: r }];
        if (r.copy && (r.copy.deleteAfterDays !== r.deleteAfterDays || JSON.stringify(r.copy.vault.lock) !== JSON.stringify(r.vault.lock))) {
          targets.push({ what: "copy action", l: r.copy });
        }
        const also = r.copy && targets.length === 1 ? " (and its offsite copy)" : "";
        return targets.flatMap(({ what, l }) => {
          const lock = l.vault.lock;
          if (!lock) return [];
          if (l.deleteAfterDays < lock.minDays) {
            return [{ path: src.path, message: `${r.kind} points are kept ${l.deleteAfterDays} days (${src.phrase}), but the ${what}'s vault ${l.vault.name}${also} locks every point for ${lock.minDays} days; AWS would fail these jobs`, fix: `keep ${r.kind} points at least ${lock.minDays} days, or lower \`immutable.days\`` }];
          }
          if (lock.maxDays !== undefined && l.deleteAfterDays > lock.maxDays) {
            return [{ path: src.path, message: `${r.kind} points are kept ${l.deleteAfterDays} days (${src.phrase}), above the ${what}'s vault ${l.vault.name}${also} maximum of ${lock.maxDays} days; AWS would fail these jobs`, fix: `keep ${r.kind} points at most ${lock.maxDays} days, or raise \`immutable.maxDays\`` }];
          }
          return [];
        });
      }),
    );
  },
};
