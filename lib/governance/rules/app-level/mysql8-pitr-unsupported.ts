import { Severity } from "../../../core/finding";
import { AppDecision, AppEngine, MysqlFlavour } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

/**
 * The `pitr` of engine mysql takes its full and incremental physical backups with
 * mariabackup, which copies MariaDB's InnoDB files only: MariaDB's documentation says
 * mariadb-backup does not support MySQL 8.0 (its redo log and data dictionary formats
 * differ). A MySQL 8 server needs Percona XtraBackup 8 or MySQL Enterprise Backup, which the
 * generated scripts do not run; a `pitr: true` would fail at the first full backup.
 */
export const mysql8PitrUnsupported: GovernanceRule = {
  id: "GOV-101",
  name: "mysql8-pitr-unsupported",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`app.pitr` on engine mysql is for MariaDB: a `flavour: mysql8` service is backed up by dumps only.",
  explanation:
    'Point-in-time recovery of engine mysql takes physical backups with mariabackup, which does not support MySQL 8.0 (MariaDB: "mariadb-backup does not support MySQL 8.0"). The first full backup of a MySQL 8 server would fail; the RPO the catalog promises would be met on paper only.',
  check({ catalog }) {
    return catalog.services
      .filter(
        (s) =>
          s.app?.decision === AppDecision.REQUIRED &&
          s.app.engine === AppEngine.MYSQL &&
          s.app.flavour === MysqlFlavour.MYSQL8 &&
          s.app.pitr,
      )
      .map((s) => ({
        path: servicePath(s, "app", "pitr"),
        message: `service \`${s.id}\` runs MySQL 8 (\`app.flavour: mysql8\`) with \`pitr: true\`, but its physical backups would use mariabackup, which does not support MySQL 8.0`,
        fix: "remove `pitr` and choose an RPO the dump schedule meets (1h or more), or run the database on MariaDB",
      }));
  },
};
