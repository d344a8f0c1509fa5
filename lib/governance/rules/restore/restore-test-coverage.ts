import { Severity } from "../../../core/finding";
import {
  resourceTypeInfo,
  resourceTypeOfArn,
  resourceTypeOfKey,
  RESTORE_TESTABLE_KEYS,
  usesAwsBackup,
} from "../../../policy/aws-backup";
import { RestoreTestFrequency } from "../../../policy/tiers";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const restoreTestCoverage: GovernanceRule = {
  id: "GOV-030",
  name: "restore-test-coverage",
  step: ChecklistStep.VERIFICATION,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "Every AWS resource of a service whose tier drills restores is covered by an AWS Backup restore test: tag selections declare `aws.tagResourceTypes`, and the types are ones restore testing supports.",
  explanation:
    "Restore testing selects resources per type. Resources selected only by tags have no known type, so without `aws.tagResourceTypes` they are never restore-tested; Redshift, Timestream, Storage Gateway, CloudFormation, SAP HANA and VMware are not supported by restore testing at all. An untested backup is a hope, not a backup.",
  check({ policies }) {
    const out: Violation[] = [];
    for (const p of policies) {
      if (p.restoreTest === RestoreTestFrequency.NONE || !usesAwsBackup(p)) continue;
      const a = p.service.aws;
      const untestable = a.resources.filter((arn) => {
        const t = resourceTypeOfArn(arn);
        return t && !resourceTypeInfo(t).restoreTestable;
      });
      if (untestable.length) {
        out.push({
          path: servicePath(p.service, "aws", "resources"),
          message: `restore testing cannot test ${untestable.map((r) => `\`${r}\``).join(", ")}`,
          fix: "drill these restores by hand (record how in `restore.notes`) and acknowledge GOV-030",
        });
      }
      if (Object.keys(a.tags).length === 0) continue;
      if (a.tagResourceTypes.length === 0) {
        out.push({
          path: servicePath(p.service, "aws", "tags"),
          message: `resources selected by tags are never restore-tested: their types are unknown (the ${p.restoreTest} drill covers ARNs only)`,
          fix: `list their types in \`aws.tagResourceTypes\` (${RESTORE_TESTABLE_KEYS.join(", ")})`,
        });
        continue;
      }
      const bad = a.tagResourceTypes.filter((k) => {
        const t = resourceTypeOfKey(k);
        return t === undefined || !resourceTypeInfo(t).restoreTestable;
      });
      if (bad.length) {
        out.push({
          path: servicePath(p.service, "aws", "tagResourceTypes"),
          message: `restore testing cannot test ${bad.join(", ")} resources`,
          fix: "drill these restores by hand (record how in `restore.notes`) and acknowledge GOV-030",
        });
      }
    }
    return out;
  },
};
