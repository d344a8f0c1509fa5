import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/**
 * AWS Backup protects only the resource types opted in under the Region's settings (Service
 * opt-in, `aws_backup_region_settings`); a tag selection quietly leaves out resources of any
 * other type: no job, so no failed job either.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html
 */
export const backupOptInDeclared: GovernanceRule = {
  id: "GOV-105",
  name: "backup-opt-in-declared",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "Every resource type a service selects by tags is declared opted in to AWS Backup in the region (`aws.prerequisites.backupOptIn`).",
  explanation:
    "AWS Backup backs up only resource types opted in under the region's Service opt-in settings. A tag selection of a type that is opted out selects nothing of it, silently: no job is created, so no job fails and no failure alert fires. The opt-in is an account-wide setting the estate does not manage; declare the checked types so that a missing one is flagged.",
  check({ catalog }) {
    const aws = catalog.aws;
    if (!aws || catalog.invalidSections.has("aws")) return [];
    const opted = new Set(aws.prerequisites?.backupOptIn ?? []);
    const out: Violation[] = [];
    for (const s of catalog.services) {
      if (!s.aws || Object.keys(s.aws.tags).length === 0) continue;
      const types = s.aws.tagResourceTypes;
      if (types.length === 0) {
        out.push({
          path: servicePath(s, "aws", "tags"),
          message: `service \`${s.id}\` selects resources by tags without saying of which types (\`aws.tagResourceTypes\`): whether AWS Backup may back them up in ${aws.region} (Service opt-in) cannot be checked`,
          fix: "list the selected types under `aws.tagResourceTypes` and make sure each is in `aws.prerequisites.backupOptIn`",
        });
        continue;
      }
      const missing = types.filter((t) => !opted.has(t));
      if (missing.length) {
        out.push({
          path: servicePath(s, "aws", "tagResourceTypes"),
          message: `service \`${s.id}\` selects ${missing.join(", ")} by tags, which \`aws.prerequisites.backupOptIn\` does not declare opted in to AWS Backup in ${aws.region}: an opted-out type is selected silently not at all`,
          fix: `check with \`aws backup describe-region-settings --region ${aws.region}\` (ResourceTypeOptInPreference), opt the types in (console: AWS Backup → Settings → Service opt-in, or aws_backup_region_settings), then add ${missing.map((m) => `\`${m}\``).join(", ")} to \`aws.prerequisites.backupOptIn\``,
        });
      }
    }
    return out;
  },
};
