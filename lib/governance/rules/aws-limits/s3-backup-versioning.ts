import { Severity } from "../../../core/finding";
import {
  AwsResourceType,
  parseArn,
  resourceTypeOfArn,
  resourceTypeOfKey,
  usesAwsBackup,
} from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const s3BackupVersioning: GovernanceRule = {
  id: "GOV-029",
  name: "s3-backup-versioning",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "S3 buckets protected by AWS Backup have versioning enabled (acknowledge once checked: the library cannot see buckets it does not create).",
  explanation:
    "AWS Backup refuses to back up an S3 bucket without versioning; every job fails. The buckets in `aws.resources` (and those the tags select) are not created by this estate, so their versioning cannot be checked offline: enable it, run the check, and acknowledge this rule with how it is enforced.",
  check({ policies }) {
    const out: Violation[] = [];
    for (const p of policies) {
      if (!usesAwsBackup(p)) continue;
      const a = p.service.aws;
      const buckets = a.resources.flatMap((arn) => {
        const parsed = resourceTypeOfArn(arn) === AwsResourceType.S3 ? parseArn(arn) : undefined;
        return parsed ? [parsed.resource] : [];
      });
      if (buckets.length) {
        out.push({
          path: servicePath(p.service, "aws", "resources"),
          message: `AWS Backup needs versioning on ${buckets.map((b) => `\`${b}\``).join(", ")}, which this library cannot verify`,
          fix: `run \`aws s3api get-bucket-versioning --bucket <bucket>\` (expect Enabled; else \`put-bucket-versioning --versioning-configuration Status=Enabled\`), then acknowledge GOV-029`,
        });
      }
      const taggedS3 =
        Object.keys(a.tags).length > 0 && a.tagResourceTypes.some((k) => resourceTypeOfKey(k) === AwsResourceType.S3);
      if (taggedS3) {
        out.push({
          path: servicePath(p.service, "aws", "tagResourceTypes"),
          message: "the tags select S3 buckets, and AWS Backup needs versioning on every one of them",
          fix: "enable versioning on every bucket carrying these tags (an SCP or AWS Config rule s3-bucket-versioning-enabled can enforce it), then acknowledge GOV-029",
        });
      }
    }
    return out;
  },
};
