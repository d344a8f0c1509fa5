import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * A locked vault or bucket is only as locked as the KMS key that encrypts it: a key disabled
 * or deleted (after its 7–30 day window) makes every backup unreadable, and no lock stops it.
 * Without a named break-glass principal the key policies delegate both to the account, so any
 * administrator can do it.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 */
export const keyBreakGlassNamed: GovernanceRule = {
  id: "GOV-220",
  name: "key-break-glass-named",
  step: ChecklistStep.OFFSITE,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "An estate with AWS resources names the one principal that may disable or delete its KMS keys (`aws.breakGlassPrincipal`).",
  explanation:
    "Every backup the estate keeps in AWS is encrypted with one of its KMS keys. Deleting the key (ScheduleKeyDeletion, after its waiting period) or disabling it makes those backups unreadable, however long a vault lock or Object Lock keeps them. With `aws.breakGlassPrincipal` every key policy denies both actions to anyone else; without it, any account administrator can. The key and lock guard alerts on the calls either way.",
  check({ catalog }) {
    const aws = catalog.aws;
    if (!aws || catalog.invalidSections.has("aws") || aws.breakGlassPrincipal) return [];
    return [
      {
        path: ["aws"],
        atKey: true,
        message:
          "no `aws.breakGlassPrincipal`: the estate's KMS key policies let every account administrator disable the keys or schedule their deletion, which makes every locked backup unreadable",
        fix: "name a break-glass role used only under a documented procedure: `aws.breakGlassPrincipal: arn:aws:iam::<account>:role/<break-glass-role>`",
      },
    ];
  },
};
