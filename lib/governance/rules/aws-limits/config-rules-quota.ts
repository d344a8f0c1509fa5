import { Severity } from "../../../core/finding";
import { CONFIG_RULES_PER_REGION, CONFIG_RULES_WARN_AT, recoveryPointRules } from "../../../policy/aws-freshness";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * AWS Config allows 1,000 rules per account and Region; the apply of one more fails
 * (MaxNumberOfConfigRulesExceededException). The estate groups its rules, but distinct tag
 * sets and thresholds still add up, and other owners' rules share the quota.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html
 */
export const configRulesQuota: GovernanceRule = {
  id: "GOV-222",
  name: "config-rules-quota",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary: `The estate's AWS Config rules stay well under the quota of ${CONFIG_RULES_PER_REGION} per account and Region (a warning from ${CONFIG_RULES_WARN_AT} on).`,
  explanation:
    "Freshness rules are grouped by resource type, allowed age and tag scope; every distinct tag selection adds one per type. Past the quota `terraform apply` fails with MaxNumberOfConfigRulesExceededException, and the rules of other owners (AWS Control Tower, Security Hub, conformance packs) count too.",
  check({ catalog, policies }) {
    if (!catalog.aws || catalog.invalidSections.has("aws")) return [];
    const n = recoveryPointRules(policies, catalog).length;
    if (n < CONFIG_RULES_WARN_AT) return [];
    return [
      {
        path: ["aws"],
        atKey: true,
        message: `the estate creates ${n} AWS Config rules in ${catalog.aws.region}; AWS allows ${CONFIG_RULES_PER_REGION} per account and Region, shared with every other owner's rules`,
        fix: "select AWS resources by fewer distinct tag sets (services that share a tag share a rule), or ask AWS for a higher Config rules quota",
      },
    ];
  },
};
