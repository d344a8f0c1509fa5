import { isSystemdPath } from "../../../core/escape/systemd";
import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const repositoryPathNormalized: GovernanceRule = {
  id: "GOV-150",
  name: "repository-path-normalized",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A local `app.repository` path must be absolute and normalized: no `.` or `..` components, no `//`, no trailing `/`.",
  explanation:
    "The backup units run with ProtectSystem=strict and may write only where `ReadWritePaths=` lets them; a local repository is one of those paths. systemd refuses a path that is not normalized (`/mnt/nas/../backup`) and ignores the line with only a warning in the journal, so every backup would fail on a read-only file system. Write the path as the real one.",
  check({ catalog }) {
    return catalog.services.flatMap((s): Violation[] => {
      const repo = s.app?.decision === AppDecision.REQUIRED ? s.app.repository : undefined;
      if (!repo || !repo.startsWith("/") || isSystemdPath(repo)) return [];
      return [
        {
          path: servicePath(s, "app", "repository"),
          message: `\`app.repository: ${repo}\` is not a normalized path: systemd would ignore it in ReadWritePaths= and the backups could not write there`,
          fix: "write the repository as its real absolute path, without `.`, `..`, `//` or a trailing `/` (e.g. /mnt/nas/restic/app)",
        },
      ];
    });
  },
};
