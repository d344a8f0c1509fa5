import { Severity } from "../../../core/finding";
import { AppDecision, AppEngine } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/** Engines whose continuous archiving the generated scripts implement. */
const PITR_ENGINES = [AppEngine.POSTGRESQL, AppEngine.MYSQL];

export const pitrEngineCapable: GovernanceRule = {
  id: "GOV-050",
  name: "pitr-engine-capable",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "`app.pitr` is set only for engines whose continuous archiving is implemented: postgresql (WAL) and mysql (binary logs).",
  explanation:
    "For mongodb, `mongodump --oplog` makes each dump consistent to one point in time, but nothing archives the oplog between dumps: a `pitr: true` would promise a recovery point the backups cannot reach (and would satisfy GOV-013's RPO check on paper only).",
  check({ catalog }) {
    return catalog.services.flatMap((s): Violation[] => {
      const app = s.app;
      if (!app || app.decision !== AppDecision.REQUIRED || !app.pitr || !app.engine) return [];
      // files: GOV-006 already reports pitr as not applying.
      if (app.engine === AppEngine.FILES || PITR_ENGINES.includes(app.engine)) return [];
      return [
        {
          path: servicePath(s, "app", "pitr"),
          message: `\`app.pitr\` is not available for engine \`${app.engine}\`: mongodump --oplog makes dumps consistent, it does not archive the oplog continuously`,
          fix: "remove `pitr` (set `replicaSet` for consistent dumps) and choose an RPO the dump schedule meets (1h or more)",
        },
      ];
    });
  },
};
