import { Severity } from "../../../core/finding";
import { RETENTION_CLASSES } from "../../../core/retention";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/**
 * GOV-180: a service's effective retention keeps at least one recovery point.
 *
 * Every backend reads "keep nothing" differently, and none of them as the catalog meant it:
 * a vzdump job refuses it at synth (PVE-008), AWS Backup gets no plan rule at all, Velero
 * no Schedule (an empty schedules.yaml), and restic/borg get no `--keep-*` flag, so
 * retention never prunes and the repository keeps everything forever.
 */
export const retentionKeepsPoints: GovernanceRule = {
  id: "GOV-180",
  name: "retention-keeps-points",
  step: ChecklistStep.REGISTRATION,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A service's retention keeps at least one recovery point (hourly counts only when the RPO is under a day); a storage's own retention, when given, keeps at least one backup.",
  explanation:
    'A retention of all zeros means something different to every backend and never "no backups": vzdump refuses the job (PVE-008), AWS Backup gets no rule, Velero no schedule, and restic/borg are called with no keep flag, so they prune nothing and keep every snapshot forever. Hourly points exist only for RPOs under a day: with a daily RPO, `hourly` alone keeps nothing. A Proxmox storage\'s `retention` of zeros writes no prune setting, and Proxmox then keeps every backup.',
  check({ catalog, policyOf }) {
    // A storage's own retention (its `backups` block) of zeros only: no block is written, and
    // Proxmox keeps everything no job prunes, the opposite of what the catalog says.
    const storages = Object.values(catalog.proxmox?.hosts ?? {}).flatMap((h) =>
      h.storages.flatMap((st): Violation[] => {
        const r = st.retention;
        if (
          !r ||
          r.keepAll ||
          r.maxProtected !== undefined ||
          !STORAGE_COUNTS.some((k) => r[k] !== undefined) ||
          STORAGE_COUNTS.some((k) => (r[k] ?? 0) > 0)
        )
          return [];
        return [
          {
            path: ["proxmox", "hosts", h.name, "storages", st.index, "retention"],
            message: `storage \`${st.id}\` of host \`${h.name}\`: its retention keeps 0 of every class, so no prune setting is written and Proxmox keeps every backup no job prunes`,
            fix: "keep at least one class (e.g. `retention: { last: 3 }`), write `keepAll: true` if that is meant, or remove `retention`",
            atKey: true,
          },
        ];
      }),
    );
    return [
      ...storages,
      ...catalog.services.flatMap((s): Violation[] => {
        const p = policyOf(s);
        if (p.retention.classes().length > 0) return [];
        const set = RETENTION_CLASSES.filter((c) => s.retention[c] !== undefined).map((c) => `${c}: ${s.retention[c]}`);
        const hourlyOnly = (s.retention.hourly ?? 0) > 0 && !p.jobCadence.isSubDaily;
        return [
          {
            path: servicePath(s, "retention"),
            message: `service \`${s.id}\` keeps no recovery point: its retention (${set.join(", ")}) is 0 in every class${hourlyOnly ? ` (hourly points exist only for an RPO under a day; rpo is ${s.rpo.toString()})` : ""}; vzdump would refuse the job, AWS and Velero would schedule nothing, restic and borg would never prune`,
            fix: "keep at least one class, e.g. `retention: { daily: 7 }` (or remove `retention` to use the tier's defaults)",
            atKey: true,
          },
        ];
      }),
    ];
  },
};

const STORAGE_COUNTS = ["last", "hourly", "daily", "weekly", "monthly", "yearly"] as const;
