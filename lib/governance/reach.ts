import { Aspects, type IAspect, type IConstruct, TerraformStack } from "../core/cdk";

/**
 * Makes `Aspects.of(app).add(new GovernanceChecks())` work in cdktf 0.21.
 *
 * PROVIDER NOTE: cdktf invokes aspects from each stack down (`invokeAspects(stack)` in
 * `synthesize/synthesizer.js`), never from the App, so an aspect added to the App is stored
 * and never visited: the governance checks would pass silently, which is the one outcome
 * this library must not allow. What cdktf does run for every stack, after its aspects and
 * before it writes the stack, is the validations of each construct in it
 * (`TerraformStack.runAllValidations`), and for the App, its own validations after all stacks.
 * So each construct of this library, when created, registers (once per stack) a validation
 * that hands the stack to the GovernanceChecks added above the stack; their findings are
 * annotations, which fail synthesis as an aspect's would. And once per app, a validation that
 * fails synthesis for a stack such a GovernanceChecks never reached (a stack of provider
 * resources only): GOV-164.
 *
 * This module does not import GovernanceChecks (which imports the constructs): it knows
 * them by a marker.
 */

/** Marks a GovernanceChecks, so that this module finds it among the aspects of a scope. */
export const GOVERNANCE_CHECKS = Symbol.for("cdktf-backup-governance.GovernanceChecks");

/** What this module needs of a GovernanceChecks. */
export interface ReachableChecks extends IAspect {
  readonly [GOVERNANCE_CHECKS]: true;
  /** Whether the stack has been checked (by this instance, however it was reached). */
  hasChecked(stack: TerraformStack): boolean;
}

function isChecks(aspect: IAspect): aspect is ReachableChecks {
  return (aspect as Partial<ReachableChecks>)[GOVERNANCE_CHECKS] === true;
}

/** The GovernanceChecks added to the scopes above `stack` (the App, a Stage): those cdktf never runs. */
export function checksAbove(stack: TerraformStack): ReachableChecks[] {
  const above = stack.node.scopes.slice(0, -1);
  return [...new Set(above.flatMap((s) => Aspects.of(s).all.filter(isChecks)))];
}

/** The GovernanceChecks added to the stack itself. */
function ownChecks(stack: TerraformStack): ReachableChecks[] {
  return Aspects.of(stack).all.filter(isChecks);
}

const HOOKED = new WeakSet<IConstruct>();

/**
 * Called by every construct of this library at construction: lets the GovernanceChecks
 * added to the App (or any scope above the stack) check the construct's stack.
 */
export function reachChecksAbove(scope: IConstruct): void {
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    return; // not in a stack: nothing is synthesized
  }
  if (!HOOKED.has(stack)) {
    HOOKED.add(stack);
    stack.node.addValidation({
      validate: () => {
        // A stack with GovernanceChecks of its own (Estate's stacks, `Aspects.of(stack)`) is
        // checked by those, which cdktf runs: checking it again from the App would report
        // every finding twice, and without the stack's own settings (Estate leaves GOV-029 to
        // the catalog, which knows the services' acknowledgements).
        if (ownChecks(stack).length > 0) return [];
        for (const checks of checksAbove(stack)) checks.visit(stack);
        return [];
      },
    });
  }
  watchUncheckedStacks(stack.node.root);
}

/** Adds (once per app) the validation that fails synthesis for an unchecked stack: GOV-164. */
export function watchUncheckedStacks(root: IConstruct): void {
  if (HOOKED.has(root)) return;
  HOOKED.add(root);
  root.node.addValidation({ validate: () => uncheckedStacks(root) });
}

/**
 * GOV-164: stacks under a scope with GovernanceChecks that no GovernanceChecks checked. cdktf
 * runs an App's validations after it has written the stacks, and fails `app.synth()` (and
 * `cdktf synth`) before it writes the manifest.
 */
export function uncheckedStacks(root: IConstruct): string[] {
  const stacks = root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const out: string[] = [];
  for (const stack of stacks) {
    const above = checksAbove(stack);
    if (above.length === 0) continue;
    // Checked by its own checks, or by one of those above.
    if ([...ownChecks(stack), ...above].some((c) => c.hasChecked(stack))) continue;
    out.push(
      `GOV-164: stack ${stack.node.path} was not checked by the GovernanceChecks added above it: cdktf 0.21 runs no aspect added to the App, and the stack holds no construct of this library that could hand it over. Fix: call GovernanceChecks.applyTo(app) after the last stack is created, or Aspects.of(stack).add(checks) (see docs/rules.md#gov-164)`,
    );
  }
  return out;
}
