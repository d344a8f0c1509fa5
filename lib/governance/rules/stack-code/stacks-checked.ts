import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/** Stack code only: a GovernanceChecks added to the App reaches every stack, or synthesis fails. */
export const stacksChecked: GovernanceRule = {
  id: "GOV-164",
  name: "stacks-checked",
  step: ChecklistStep.VERIFICATION,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every stack of an app that applies GovernanceChecks is checked. Stack code only.",
  explanation:
    "cdktf 0.21 does not run aspects added to the App itself. A GovernanceChecks added to the App (with Aspects.of(app).add or GovernanceChecks.applyTo) still checks every stack that holds a construct of this library, which hands its stack over, and every stack that existed when applyTo was called. A stack of provider resources only, created after applyTo or under Aspects.of(app), would be synthesized unchecked, so synthesis fails instead: call applyTo after the last stack is created, or add the checks to that stack.",
  check: () => [],
};
