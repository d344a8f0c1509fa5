import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/** Stack code only: GovernanceChecks.applyTo reaches the stacks that exist when it is called. */
export const stacksChecked: GovernanceRule = {
  id: "GOV-164",
  name: "stacks-checked",
  step: ChecklistStep.VERIFICATION,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every stack of an app that applies GovernanceChecks is checked. Stack code only.",
  explanation:
    "GovernanceChecks.applyTo(app) adds the checks to the stacks that exist at that moment (cdktf does not run aspects added to the App itself). A stack created afterwards would be synthesized unchecked, so synthesis fails instead: call applyTo after the last stack is created.",
  check: () => [],
};
