import { Severity } from "../../../core/finding";
import { FRESHNESS_TAG_KEY, FreshnessTagging, freshnessTags } from "../../../policy/aws-freshness";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/**
 * The freshness rules of ARN-selected resources are scoped by the estate's tag, so that they
 * never judge (and alert on) resources outside the estate. The estate applies the tag itself
 * only where hashicorp/aws has a tag-only resource (aws_ec2_tag, aws_dynamodb_tag) and in the
 * Region its rules run in; any other resource (an RDS instance, a bucket, a file system) must
 * carry the tag by the operator's hand, or its rule never judges it.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/rds-last-backup-recovery-point-created.html (resourceTags parameter)
 * @see https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_TagResources.html (adds tags, keeps the others)
 */
export const freshnessTagApplied: GovernanceRule = {
  id: "GOV-223",
  name: "freshness-tag-applied",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary: `A resource selected by ARN carries the estate's freshness tag \`${FRESHNESS_TAG_KEY}\`, which scopes its AWS Config freshness rule.`,
  explanation:
    "AWS Config's last-recovery-point rules judge either every resource of a type in the Region (alerting on resources the estate does not own) or the resources with given tags; a rule's resource id names one resource only, and AWS Config knows an RDS instance by its DbiResourceId, which an ARN does not carry. The estate therefore scopes the rules of ARN-selected resources by its freshness tag (estate and allowed age). It applies the tag to EC2 instances, EBS volumes and DynamoDB tables of the primary Region through Terraform; other resources must be tagged once by the operator, with the command in the message (it adds the tag and keeps the others). Until then the rule does not judge them: a stopped backup goes unreported.",
  check({ catalog, policies }) {
    if (!catalog.aws || catalog.invalidSections.has("aws")) return [];
    const out: Violation[] = [];
    for (const t of freshnessTags(policies, catalog)) {
      // An S3 bucket's ARN names no Region (arn:aws:s3:::name): its rule, and the tagging call,
      // are those of the estate's Region, where a selected bucket is expected to live.
      const region = t.arn.split(":")[3] || catalog.aws.region;
      if (t.tagging !== FreshnessTagging.OPERATOR && region === catalog.aws.region) continue;
      // Two services may share an id in a catalog that also draws CAT duplicates: the one that
      // selects the ARN is the one the finding points into.
      const p = policies.find((x) => x.service.id === t.serviceId && (x.service.aws?.resources ?? []).includes(t.arn));
      if (!p) continue;
      const index = (p.service.aws?.resources ?? []).indexOf(t.arn);
      out.push({
        path: servicePath(p.service, "aws", "resources", index),
        message: `service ${t.serviceId}: ${t.arn} is selected by ARN; its AWS Config freshness rule judges only resources tagged ${t.key}=${t.value}, which the estate cannot apply to ${region === catalog.aws.region ? `this ${t.type} resource (no tag-only Terraform resource for it)` : `a resource outside ${catalog.aws.region}, where the rules run`}`,
        fix: `tag it once: aws resourcegroupstaggingapi tag-resources --region ${region} --resource-arn-list ${t.arn} --tags ${t.key}=${t.value} (or select it by tags), then acknowledge GOV-223`,
      });
    }
    return out;
  },
};
