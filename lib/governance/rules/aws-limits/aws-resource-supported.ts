import { Severity } from "../../../core/finding";
import { parseArn, resourceTypeOfArn } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const awsResourceSupported: GovernanceRule = {
  id: "GOV-028",
  name: "aws-resource-supported",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "Every ARN in `aws.resources` names something AWS Backup can protect: an RDS instance or cluster, a DynamoDB table, an EFS or FSx file system, a whole S3 bucket, an EC2 instance, an EBS volume, ...",
  explanation:
    "A selection accepts any ARN, but AWS Backup only backs up the resource types it supports, and only whole S3 buckets (not prefixes or objects). A snapshot, a stream, an object path or a Lambda function in the list is protected by nothing.",
  check({ catalog }) {
    const out: Violation[] = [];
    for (const s of catalog.services) {
      (s.aws?.resources ?? []).forEach((arn, i) => {
        if (resourceTypeOfArn(arn)) return;
        const p = parseArn(arn);
        const hint =
          p?.service === "s3" && p.resource.includes("/")
            ? "AWS Backup protects whole buckets: use `arn:aws:s3:::<bucket>`"
            : "use the ARN of the resource itself (db:, cluster:, table/, file-system/, instance/, volume/, or an S3 bucket)";
        out.push({
          path: servicePath(s, "aws", "resources", i),
          message: `\`${arn}\` is not a resource AWS Backup can protect`,
          fix: hint,
        });
      });
    }
    return out;
  },
};
