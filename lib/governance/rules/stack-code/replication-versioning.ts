import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * Stack code only: every BackupBucket is versioned. GovernanceChecks reports hand-built
 * replication whose source or destination bucket has no versioning.
 */
export const replicationVersioning: GovernanceRule = {
  id: "GOV-163",
  name: "replication-versioning",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Both buckets of an S3 replication have versioning enabled in this app. Stack code only.",
  explanation:
    "S3 refuses a replication configuration until versioning is Enabled on the source and the destination; `terraform apply` fails. For buckets this app does not create, GOV-029 says what to check.",
  check: () => [],
};
