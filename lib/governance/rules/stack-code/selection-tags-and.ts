import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * Stack code only: the catalog always selects by tag conditions (AND). GovernanceChecks
 * reports hand-built `aws_backup_selection`s that use `selection_tag` with several tags.
 */
export const selectionTagsAnd: GovernanceRule = {
  id: "GOV-160",
  name: "selection-tags-and",
  step: ChecklistStep.REGISTRATION,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary:
    "A backup selection by several tags selects resources carrying all of them (`condition` blocks), not any of them (`selection_tag`). Stack code only.",
  explanation:
    "AWS Backup ORs `selection_tag` blocks: a selection with `app=ledger` and `env=prod` backs up every prod resource of the account into this plan. TierBackupPlan.addSelection writes `condition { string_equals }` blocks, which AND. Acknowledge when OR is what you mean.",
  check: () => [],
};
