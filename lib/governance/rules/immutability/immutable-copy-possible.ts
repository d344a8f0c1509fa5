import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { usesAwsBackup } from "../../../policy/aws-backup";
import { PolicySource } from "../../../policy/effective";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const immutableCopyPossible: GovernanceRule = {
  id: "GOV-023",
  name: "immutable-copy-possible",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary:
    "A service that must be immutable (critical, or with `immutable`) writes somewhere that can be locked: the estate's S3 bucket (app-level or Velero) or AWS Backup.",
  explanation:
    "Immutability comes from S3 Object Lock and AWS Backup Vault Lock. vzdump archives on Proxmox storage and repositories on a NAS are deletable by anyone holding the host; ransomware starts there.",
  check({ catalog, policyOf }) {
    return catalog.services.flatMap((s): Violation[] => {
      const p = policyOf(s);
      if (!p.immutable) return [];
      const toS3 = s.app?.decision === AppDecision.REQUIRED && !s.app.repository && !!catalog.aws;
      // Velero writes to the estate's lockable S3 bucket too.
      const toVelero = !!s.kubernetes && !!catalog.aws;
      if (toS3 || toVelero || (usesAwsBackup(p) && catalog.aws)) return [];
      const why =
        p.immutable.source === PolicySource.TIER
          ? `${s.classification} services need an immutable copy`
          : "`immutable` is set";
      return [
        {
          path:
            p.immutable.source === PolicySource.SERVICE
              ? servicePath(s, "immutable")
              : servicePath(s, "classification"),
          message: `${why}, but nothing of service \`${s.id}\` is written where it can be locked (vzdump storage and named repositories cannot be)`,
          fix: "add an app-level backup to the estate's S3 bucket (no `repository`), or acknowledge GOV-023 naming the append-only or offline copy",
        },
      ];
    });
  },
};
