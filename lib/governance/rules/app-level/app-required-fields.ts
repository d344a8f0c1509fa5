import type { Service, ServiceApp } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { AppDecision, AppEngine, BackupTool } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

const DATABASE_ENGINES = [AppEngine.POSTGRESQL, AppEngine.MYSQL, AppEngine.MONGODB];
/** Fields that only mean something for some engines, and the engines they belong to. */
const ENGINE_FIELDS: ReadonlyArray<[key: "database" | "paths" | "excludes" | "pitr", engines: AppEngine[]]> = [
  ["database", DATABASE_ENGINES],
  ["pitr", DATABASE_ENGINES],
  ["paths", [AppEngine.FILES]],
  ["excludes", [AppEngine.FILES]],
];

export const appRequiredFields: GovernanceRule = {
  id: "GOV-006",
  name: "app-required-fields",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "`decision: required` names an engine, the owning host, the engine's fields and a destination; other decisions carry no engine fields.",
  explanation:
    "An app-level backup that lacks its database, paths or destination cannot be rendered; engine fields on a service without an app backup would be ignored silently.",
  check({ catalog }) {
    return catalog.services.flatMap((s) => (s.app ? check(s, s.app, !!catalog.aws) : []));
  },
};

function check(s: Service, app: ServiceApp, hasAws: boolean): Violation[] {
  const at = (...k: string[]) => servicePath(s, "app", ...k);
  const out: Violation[] = [];
  if (app.decision !== AppDecision.REQUIRED) {
    const stray = (["engine", "host", "database", "paths", "repository"] as const).filter((k) => {
      const v = app[k];
      return Array.isArray(v) ? v.length > 0 : v !== undefined;
    });
    for (const k of stray) {
      out.push({
        path: at(k),
        atKey: true,
        message: `\`app.${k}\` is set but \`app.decision\` is \`${app.decision}\`: no app-level backup runs, so it would be ignored`,
        fix: "remove it, or set `app.decision: required`",
      });
    }
    return out;
  }
  if (!app.engine) {
    out.push({
      path: at(),
      message: "`app.decision: required` needs `app.engine`",
      fix: "set `engine:` to postgresql, mysql, mongodb or files",
    });
    return out;
  }
  if (!app.host)
    out.push({
      path: at(),
      message: "`app.decision: required` needs `app.host`, the host where the backup job runs",
      fix: "add `host:` (the owning host's name)",
    });
  if (DATABASE_ENGINES.includes(app.engine) && !app.database) {
    out.push({
      path: at(),
      message: `engine \`${app.engine}\` needs \`app.database\``,
      fix: "add `database:` with the database to dump",
    });
  }
  if (app.engine === AppEngine.FILES && app.paths.length === 0) {
    out.push({
      path: at(),
      message: "engine `files` needs `app.paths`",
      fix: "add `paths: [/srv/data]` with what to back up",
    });
  }
  for (const [key, engines] of ENGINE_FIELDS) {
    const v = app[key];
    const set = Array.isArray(v) ? v.length > 0 : key === "pitr" ? v === true : v !== undefined;
    if (set && !engines.includes(app.engine)) {
      out.push({
        path: at(key),
        atKey: true,
        message: `\`app.${key}\` does not apply to engine \`${app.engine}\` and would be ignored`,
        fix: `remove \`${key}\` (it is for ${engines.join(", ")})`,
      });
    }
  }
  if (app.tool === BackupTool.BORG && !app.repository) {
    out.push({
      path: at("tool"),
      message: "`tool: borg` needs `app.repository`: borg cannot write to S3",
      fix: "add `repository:` (a NAS path or ssh:// URL), or use `tool: restic`",
    });
  } else if (!app.repository && !hasAws) {
    out.push({
      path: at(),
      message: "the backup has no destination: no `app.repository` and no `aws` section for the estate's S3 bucket",
      fix: "add `repository:` or an `aws:` section",
    });
  }
  return out;
}
