import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { usesAwsBackup } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const offsiteDestination: GovernanceRule = {
  id: "GOV-011",
  name: "offsite-destination",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary: "A required offsite copy has a destination region other than the primary, and something that reaches it.",
  explanation:
    "Offsite copies are S3 replication of the app-level and Velero buckets and AWS Backup copy actions. A vzdump-only service has neither; a backup into a named repository can only be offsite if that repository is (acknowledge this rule with where it is).",
  check({ catalog, policyOf }) {
    if (catalog.invalidSections.has("aws")) return [];
    return catalog.services.flatMap((s): Violation[] => {
      const policy = policyOf(s);
      if (!s.offsite?.required) return [];
      const at = servicePath(s, "offsite", "required");
      if (!catalog.aws) {
        return [
          {
            path: at,
            message: `\`offsite.required\` but the catalog has no \`aws\` section to copy to`,
            fix: "add `aws: { region, offsiteRegion }`",
          },
        ];
      }
      const out: Violation[] = [];
      if (!policy.offsite.region) {
        out.push({
          path: at,
          message:
            "`offsite.required` but no destination region: neither `offsite.region` nor `aws.offsiteRegion` is set",
          fix: "set `aws.offsiteRegion` (or `offsite.region`)",
        });
      } else if (policy.offsite.region === catalog.aws.region) {
        out.push({
          path: s.offsite.region ? servicePath(s, "offsite", "region") : ["aws", "offsiteRegion"],
          message: `the offsite region ${policy.offsite.region} is the primary region: a regional outage takes both copies`,
          fix: "choose a different region for offsite copies",
        });
      }
      // Velero buckets are replicated when one of their cluster's services requires offsite.
      const toS3 = (s.app?.decision === AppDecision.REQUIRED && !s.app.repository) || !!s.kubernetes;
      if (!toS3 && !usesAwsBackup(policy)) {
        if (s.app?.decision === AppDecision.REQUIRED && s.app.repository) {
          out.push({
            path: servicePath(s, "app", "repository"),
            message: `backups go to \`${s.app.repository}\`, which this library cannot copy offsite or verify to be offsite`,
            fix: "drop `repository` to use the replicated S3 bucket, or acknowledge GOV-011 saying where the repository lives",
          });
        } else {
          out.push({
            path: at,
            message: `nothing of service \`${s.id}\` reaches another region: vzdump backups stay on the Proxmox storage`,
            fix: "add an app-level backup (to S3) or AWS resources, or record `offsite.required: false` with a reason",
          });
        }
      }
      return out;
    });
  },
};
