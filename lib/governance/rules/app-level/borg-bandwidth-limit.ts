import { Severity } from "../../../core/finding";
import { AppDecision, BackupTool } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const borgBandwidthLimit: GovernanceRule = {
  id: "GOV-052",
  name: "borg-bandwidth-limit",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "`app.bandwidthLimit` with `tool: borg` needs an `ssh://` repository: borg limits only what it sends over ssh.",
  explanation:
    "borg's `--upload-ratelimit` throttles the connection to a remote repository. Into a local path (a NAS mount) borg writes at full speed and ignores the limit, so the catalog's limit would not hold. restic's `--limit-upload` covers every backend.",
  check({ catalog }) {
    return catalog.services.flatMap((s): Violation[] => {
      const app = s.app;
      if (!app || app.decision !== AppDecision.REQUIRED || app.tool !== BackupTool.BORG || !app.bandwidthLimit)
        return [];
      if (!app.repository || app.repository.startsWith("ssh://")) return [];
      return [
        {
          path: servicePath(s, "app", "bandwidthLimit"),
          message: `\`app.bandwidthLimit: ${app.bandwidthLimit}\` has no effect: borg writes into the local path \`${app.repository}\` without a rate limit`,
          fix: "use an ssh:// repository, use `tool: restic`, or limit the NAS mount itself (and acknowledge GOV-052)",
        },
      ];
    });
  },
};
