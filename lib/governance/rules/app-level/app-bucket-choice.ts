import { Severity } from "../../../core/finding";
import { AppBucket, AppDecision } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const appBucketChoice: GovernanceRule = {
  id: "GOV-052",
  name: "app-bucket-choice",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`app.bucket` names an S3 bucket the estate has: not together with `repository`, not without an `aws` section, `offsite` only with an offsite region.",
  explanation:
    "`bucket` picks which of the estate's S3 buckets holds the service's prefix. With `repository` the backups never go to S3; without `aws` there is no bucket; `offsite` means the bucket in the offsite region, which exists only when the service's offsite decision has a region.",
  check({ catalog, policyOf }) {
    return catalog.services.flatMap((s): Violation[] => {
      const app = s.app;
      if (!app || app.decision !== AppDecision.REQUIRED || !app.bucketSet) return [];
      const at = servicePath(s, "app", "bucket");
      if (app.repository) {
        return [{ path: at, atKey: true, message: `\`app.bucket: ${app.bucket}\` and \`app.repository\` contradict each other: with a repository nothing goes to S3`, fix: "remove one of them" }];
      }
      if (!catalog.aws) {
        return [{ path: at, message: `\`app.bucket: ${app.bucket}\` but the catalog has no \`aws\` section, so there is no bucket`, fix: "add an `aws` section, or use `repository`" }];
      }
      const offsite = policyOf(s).offsite;
      if (app.bucket === AppBucket.OFFSITE && (!offsite.region || offsite.region === catalog.aws.region)) {
        return [{ path: at, message: "`app.bucket: offsite` but the service has no offsite region other than the primary one", fix: "set `offsite.required: true` with `aws.offsiteRegion` (or `offsite.region`), or use `bucket: own`" }];
      }
      return [];
    });
  },
};
