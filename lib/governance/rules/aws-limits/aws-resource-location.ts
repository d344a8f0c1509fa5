import { Severity } from "../../../core/finding";
import { parseArn, resourceTypeInfo, resourceTypeOfArn } from "../../../policy/aws-backup";
import { partitionOf } from "../../../core/iam-policy";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const awsResourceLocation: GovernanceRule = {
  id: "GOV-027",
  name: "aws-resource-location",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every ARN in `aws.resources` is in the estate's primary region, partition and account (`aws.accountId`).",
  explanation:
    "AWS Backup plans and selections are regional and per account: a selection naming a resource of another region or account is accepted, and that resource is silently never backed up. Protect other regions or accounts with their own estate.",
  check({ catalog }) {
    const aws = catalog.aws;
    if (!aws || catalog.invalidSections.has("aws")) return [];
    const partition = partitionOf(aws.region);
    const out: Violation[] = [];
    for (const s of catalog.services) {
      (s.aws?.resources ?? []).forEach((arn, i) => {
        const p = parseArn(arn);
        const type = resourceTypeOfArn(arn);
        if (!p) return;
        const at = servicePath(s, "aws", "resources", i);
        const where: string[] = [];
        if (p.partition !== partition) where.push(`partition ${p.partition} (the estate is in ${partition})`);
        // Only regional ARNs name a region (S3 bucket ARNs leave it empty).
        if ((!type || resourceTypeInfo(type).regional) && p.region && p.region !== aws.region)
          where.push(`region ${p.region} (the estate's plans are in ${aws.region})`);
        if (aws.accountId && p.account && p.account !== aws.accountId)
          where.push(`account ${p.account} (the estate is account ${aws.accountId})`);
        if (where.length) {
          out.push({
            path: at,
            message: `\`${arn}\` is in ${where.join(" and ")}: the estate's backup plan would never back it up`,
            fix: "protect it from an estate in its own region and account, or correct the ARN",
          });
        }
      });
    }
    return out;
  },
};
