import { Severity } from "../../../core/finding";
import { recoveryPointRules } from "../../../policy/aws-freshness";
import { usesAwsBackup } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * AWS Backup Audit Manager evaluates its controls with AWS Config, and the estate's
 * last-recovery-point rules are AWS Config rules: without a configuration recorder in the
 * Region they evaluate nothing, so no stale backup is ever reported. The recorder is an
 * account-wide singleton (often AWS Control Tower's), so the estate does not create it.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/choosing-controls.html
 */
export const configRecorderDeclared: GovernanceRule = {
  id: "GOV-104",
  name: "config-recorder-declared",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "An estate with AWS Backup services declares that an AWS Config recorder runs in its region (`aws.prerequisites.configRecorder: true`).",
  explanation:
    "The freshness of AWS Backup resources is judged by AWS Config: the Audit Manager framework's controls and the `<TYPE>_LAST_BACKUP_RECOVERY_POINT_CREATED` rules the estate creates. Without a configuration recorder in the region (recording AWS Backup resources and the protected types) they stay without evaluations, and a resource whose backups stopped (a tag removed, a plan deleted) raises nothing.",
  check({ catalog, policies }) {
    const aws = catalog.aws;
    if (!aws || catalog.invalidSections.has("aws") || aws.prerequisites?.configRecorder) return [];
    const first = policies.find(usesAwsBackup);
    if (!first) return [];
    const rules = recoveryPointRules(policies, catalog).length;
    return [
      {
        path: ["aws"],
        atKey: true,
        message: `the estate's AWS Backup services are watched by AWS Config (the audit framework${rules ? ` and ${rules} last-recovery-point rule(s)` : ""}), but \`aws.prerequisites.configRecorder\` does not say that a configuration recorder runs in ${aws.region}: without one nothing is evaluated and stale backups raise no alert`,
        fix: `check with \`aws configservice describe-configuration-recorder-status --region ${aws.region}\` (recording: true), or create one (a recorder with a delivery channel, recording AWS::Backup::* and the protected resource types); then set \`aws.prerequisites.configRecorder: true\``,
      },
    ];
  },
};
