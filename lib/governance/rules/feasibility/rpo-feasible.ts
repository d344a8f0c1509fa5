import { Severity } from "../../../core/finding";
import { Cadence } from "../../../core/schedule";
import { AppDecision, AppEngine } from "../../../core/vocabulary";
import { CONTINUOUS_CAPABLE_SERVICES } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const rpoFeasible: GovernanceRule = {
  id: "GOV-013",
  name: "rpo-feasible",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary: "The derived schedule meets the RPO: an RPO under the shortest cadence (1h) needs continuous archiving.",
  explanation:
    "Scheduled jobs run at most hourly. A shorter RPO is met only by continuous archiving: `app.pitr` (WAL, binary logs, oplog) or AWS continuous backup, which covers RDS and S3 only.",
  check({ catalog, policyOf }) {
    const shortest = Cadence.shortest().intervalMinutes;
    return catalog.services.flatMap((s): Violation[] => {
      const p = policyOf(s);
      if (!p.needsContinuous) return [];
      const at = servicePath(s, "rpo");
      const pitr = s.app?.decision === AppDecision.REQUIRED && s.app.pitr && s.app.engine !== AppEngine.FILES;
      if (pitr) return [];
      const arns = s.aws?.resources ?? [];
      const tags = Object.keys(s.aws?.tags ?? {}).length > 0;
      const unsupported = arns.filter((a) => !CONTINUOUS_CAPABLE_SERVICES.includes(a.split(":")[2]));
      if (arns.length > 0 && unsupported.length === 0 && !tags) return [];
      if (arns.length > 0 && unsupported.length === 0 && tags) {
        return [
          {
            path: servicePath(s, "aws", "tags"),
            message: `rpo ${s.rpo.toString()} needs continuous backup, and resources selected by tag may be of a type without it (only ${CONTINUOUS_CAPABLE_SERVICES.join(", ")} support it)`,
            fix: "select the resources by ARN, or acknowledge GOV-013 if every tagged resource is RDS or S3",
          },
        ];
      }
      if (unsupported.length > 0) {
        return [
          {
            path: servicePath(s, "aws", "resources"),
            message: `rpo ${s.rpo.toString()} needs continuous backup, which AWS Backup does not offer for ${unsupported.join(", ")}`,
            fix: `raise \`rpo\` to at least ${shortest / 60}h, or protect these resources another way`,
          },
        ];
      }
      return [
        {
          path: at,
          message: `rpo ${s.rpo.toString()} is shorter than the shortest backup cadence (${shortest / 60}h) and nothing archives continuously`,
          fix: "set `app.pitr: true` on a database backup, or raise `rpo` to at least 1h",
        },
      ];
    });
  },
};
