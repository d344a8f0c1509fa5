import { Severity } from "../../../core/finding";
import { AppDecision, AppEngine, MysqlFlavour } from "../../../core/vocabulary";
import { RestoreTestFrequency } from "../../../policy/tiers";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

/**
 * The generated drill (verify.sh) loads the dump into a scratch server it starts itself with
 * mariadb-install-db and mariadbd: the only server Debian packages. A MySQL 8 dump does not load
 * there (utf8mb4_0900_* collations and MySQL-only syntax MariaDB does not know), so the drill of a
 * `flavour: mysql8` service would raise RestoreDrillFailed at every run: an alert nobody can clear.
 * Refused here, where the catalog can still change, rather than shipped as a drill that can only fail.
 */
export const mysql8DrillUnsupported: GovernanceRule = {
  id: "GOV-200",
  name: "mysql8-drill-unsupported",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A `flavour: mysql8` service is in a tier whose restores are drilled, but the generated drill's scratch server is MariaDB, which cannot load a MySQL 8 dump.",
  explanation:
    "verify.sh restores the latest dump into a scratch server it starts with mariadb-install-db and mariadbd. MySQL 8 dumps use collations (utf8mb4_0900_ai_ci) and syntax MariaDB does not accept, so every drill would fail and its alert could never clear. Such a service needs a hand-made drill on a MySQL 8 server until the runtime can start one.",
  check({ policies }) {
    return policies
      .filter((p) => p.restoreTest !== RestoreTestFrequency.NONE)
      .map((p) => p.service)
      .filter(
        (s) =>
          s.app?.decision === AppDecision.REQUIRED &&
          s.app.engine === AppEngine.MYSQL &&
          s.app.flavour === MysqlFlavour.MYSQL8,
      )
      .map((s) => ({
        path: servicePath(s, "app", "flavour"),
        message: `service \`${s.id}\` runs MySQL 8 (\`app.flavour: mysql8\`) and its tier drills restores, but the drill's scratch server is MariaDB (mariadb-install-db, mariadbd), which cannot load a MySQL 8 dump: every drill would fail`,
        fix: "run the database on MariaDB, or classify the service `rebuildable` (no automatic drill) and drill it by hand into a MySQL 8 server with `restore.sh --into`, recording how in `restore.notes`",
      }));
  },
};
