import { Severity } from "../../../core/finding";
import { RetentionClass } from "../../../core/retention";
import { awsBackupRules, type RuleSpec } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { retentionSource } from "../paths";

/** A vault lock's range, in days. */
export interface LockRange {
  readonly minDays: number;
  readonly maxDays?: number;
}

/** How a retention misses a lock range: below its minimum or above its maximum. */
export interface LockBreach {
  readonly bound: "minimum" | "maximum";
  readonly limitDays: number;
}

/**
 * The judgement of GOV-019, shared by the catalog rule, the constructs (at construction)
 * and GovernanceChecks: AWS Backup fails every job whose retention lies outside the target
 * vault's lock range.
 */
export function lockBreach(deleteAfterDays: number, lock: LockRange): LockBreach | undefined {
  if (deleteAfterDays < lock.minDays) return { bound: "minimum", limitDays: lock.minDays };
  if (lock.maxDays !== undefined && deleteAfterDays > lock.maxDays)
    return { bound: "maximum", limitDays: lock.maxDays };
  return undefined;
}

export const retentionInsideLock: GovernanceRule = {
  id: "GOV-019",
  name: "retention-inside-lock",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every rule and copy action that writes to a locked vault keeps its points within the vault's lock range.",
  explanation:
    "A backup or copy job whose retention lies outside a locked vault's [minimum, maximum] fails at run time, every time, and no plan-time check anywhere catches it. (Daily points below the minimum are GOV-022's finding; daily points above `immutable.maxDays` are this rule's.)",
  check({ catalog, policies }) {
    return policies.flatMap((p): Violation[] =>
      awsBackupRules(p, catalog).flatMap((r) => {
        // Continuous points go to the locked vault only when they fit its range (awsBackupRules).
        if (r.kind === "continuous") return [];
        const src = retentionSource(p, r.kind);
        // A copy action shares its rule's lifecycle; report each distinct (lifecycle, vault lock) once.
        const targets: Array<{ what: string; l: Pick<RuleSpec, "deleteAfterDays" | "vault"> }> = [
          { what: "rule", l: r },
        ];
        if (
          r.copy &&
          (r.copy.deleteAfterDays !== r.deleteAfterDays ||
            JSON.stringify(r.copy.vault.lock) !== JSON.stringify(r.vault.lock))
        ) {
          targets.push({ what: "copy action", l: r.copy });
        }
        const also = r.copy && targets.length === 1 ? " (and its offsite copy)" : "";
        return targets.flatMap(({ what, l }) => {
          const lock = l.vault.lock;
          const breach = lock && lockBreach(l.deleteAfterDays, lock);
          if (!breach) return [];
          // Daily points below the lock's minimum: GOV-022 says it, with the `immutable.days` fix.
          if (r.kind === RetentionClass.DAILY && breach.bound === "minimum") return [];
          if (breach.bound === "minimum") {
            return [
              {
                path: src.path,
                message: `${r.kind} points are kept ${l.deleteAfterDays} days (${src.phrase}), but the ${what}'s vault ${l.vault.name}${also} locks every point for ${breach.limitDays} days; AWS would fail these jobs`,
                fix: `keep ${r.kind} points at least ${breach.limitDays} days, or lower \`immutable.days\``,
              },
            ];
          }
          return [
            {
              path: src.path,
              message: `${r.kind} points are kept ${l.deleteAfterDays} days (${src.phrase}), above the ${what}'s vault ${l.vault.name}${also} maximum of ${breach.limitDays} days; AWS would fail these jobs`,
              fix: `keep ${r.kind} points at most ${breach.limitDays} days, or raise \`immutable.maxDays\``,
            },
          ];
        });
      }),
    );
  },
};
