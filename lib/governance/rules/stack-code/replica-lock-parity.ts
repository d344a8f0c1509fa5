import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * Stack code only: OffsiteReplica (and so the catalog) gives the replica the source's Object
 * Lock. GovernanceChecks reports hand-built replication whose destination lacks it.
 */
export const replicaLockParity: GovernanceRule = {
  id: "GOV-161",
  name: "replica-lock-parity",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A bucket with Object Lock replicates only into a bucket with Object Lock (and a retention no shorter). Stack code only.",
  explanation:
    "S3 refuses to replicate locked objects into a bucket without Object Lock (DstBucketObjectLockConfigMissing), and a replica locked shorter than its source is the copy ransomware deletes first. OffsiteReplica copies the source's default retention.",
  check: () => [],
};
