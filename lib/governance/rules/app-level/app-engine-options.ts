import type { Service, ServiceApp } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { AppDecision, AppEngine } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

type OptionKey = "directoryFormatAbove" | "jobs" | "replicaSet" | "fullEvery" | "flavour" | "serverVersion";

/** Engine options of `app` and the engines they mean something for. */
const OPTIONS: ReadonlyArray<[OptionKey, readonly AppEngine[]]> = [
  ["directoryFormatAbove", [AppEngine.POSTGRESQL]],
  ["jobs", [AppEngine.POSTGRESQL]],
  ["replicaSet", [AppEngine.MONGODB]],
  ["fullEvery", [AppEngine.POSTGRESQL, AppEngine.MYSQL]],
  ["flavour", [AppEngine.MYSQL]],
  ["serverVersion", [AppEngine.MYSQL]],
];

export const appEngineOptions: GovernanceRule = {
  id: "GOV-051",
  name: "app-engine-options",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "Engine options (`directoryFormatAbove`, `jobs`, `replicaSet`, `fullEvery`, `flavour`, `serverVersion`) appear only where they take effect.",
  explanation:
    "`directoryFormatAbove` and `jobs` tune pg_dump, `replicaSet` turns on mongodump --oplog, `fullEvery` paces the physical backups of `pitr`, and `jobs` only applies to directory-format dumps. Set anywhere else they would be ignored silently, and the catalog would describe a backup that does not exist.",
  check({ catalog }) {
    return catalog.services.flatMap((s) => (s.app ? check(s, s.app) : []));
  },
};

function check(s: Service, app: ServiceApp): Violation[] {
  const at = (key: string) => servicePath(s, "app", key);
  const set = (key: OptionKey) => app[key] !== undefined;
  const out: Violation[] = [];
  if (app.decision !== AppDecision.REQUIRED) {
    for (const [key] of OPTIONS) {
      if (set(key)) {
        out.push({
          path: at(key),
          atKey: true,
          message: `\`app.${key}\` is set but \`app.decision\` is \`${app.decision}\`: no app-level backup runs, so it would be ignored`,
          fix: "remove it, or set `app.decision: required`",
        });
      }
    }
    return out;
  }
  if (!app.engine) return out;
  for (const [key, engines] of OPTIONS) {
    if (set(key) && !engines.includes(app.engine)) {
      out.push({
        path: at(key),
        atKey: true,
        message: `\`app.${key}\` does not apply to engine \`${app.engine}\` and would be ignored`,
        fix: `remove \`${key}\` (it is for ${engines.join(", ")})`,
      });
    }
  }
  if (set("fullEvery") && !app.pitr && (app.engine === AppEngine.POSTGRESQL || app.engine === AppEngine.MYSQL)) {
    out.push({
      path: at("fullEvery"),
      atKey: true,
      message: "`app.fullEvery` paces the physical backups of `pitr`, which is off",
      fix: "remove `fullEvery`, or set `pitr: true`",
    });
  }
  if (app.engine === AppEngine.POSTGRESQL && set("jobs") && !set("directoryFormatAbove")) {
    out.push({
      path: at("jobs"),
      atKey: true,
      message:
        "`app.jobs` only applies to directory-format dumps, and without `directoryFormatAbove` every dump is one custom-format stream",
      fix: "add `directoryFormatAbove` (e.g. `20GiB`), or remove `jobs`",
    });
  }
  return out;
}
