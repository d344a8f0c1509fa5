import { COMPLIANCE } from "../policy/compliance";
import { TIERS } from "../policy/tiers";
import { doc, table } from "./markdown";

/** The tiers and compliance readings as a document (also shipped as docs/policies.md). */
export function renderPolicies(): string {
  const tiers = Object.values(TIERS);
  return doc(
    "# Backup policies",
    "Every service belongs to one tier. Its effective policy is the tier's defaults merged with the service's own `retention` and `immutable` settings; the inventory shows the result per service.",
    "## Tiers",
    table(
      ["", ...tiers.map((t) => t.title)],
      [
        ["Summary", ...tiers.map((t) => t.summary)],
        [
          "Retention (daily/weekly/monthly/yearly)",
          ...tiers.map(
            (t) => `${t.retention.daily}/${t.retention.weekly}/${t.retention.monthly}/${t.retention.yearly}`,
          ),
        ],
        ["Sub-daily points cover", ...tiers.map((t) => `${t.hourlyWindowHours}h`)],
        ["Offsite", ...tiers.map((t) => (t.offsiteMandatory ? "mandatory" : "decision + reason"))],
        [
          "Immutable copy",
          ...tiers.map((t) =>
            t.immutableRequired
              ? `required (${t.defaultLockMode} mode, days = daily retention)`
              : t.defaultLockMode
                ? `optional (${t.defaultLockMode} by choice)`
                : "optional",
          ),
        ],
        ["Restore drill", ...tiers.map((t) => t.restoreTest)],
        ["SOP secrets + validate", ...tiers.map((t) => (t.sopRequired ? "required" : "optional"))],
        ["Proxmox repeat-missed", ...tiers.map((t) => (t.repeatMissed ? "yes" : "no"))],
      ],
    ),
    "## Schedules",
    "A job runs at the largest standard cadence that meets the RPO: 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d or 7d. An RPO under 1h needs continuous archiving (`app.pitr` or AWS continuous backup). Start times are staggered: jobs that share a Proxmox host, an app host or a vault never start at the same minute; daily and weekly jobs start in the 01:00–06:00 window (weekly on Sunday).",
    "## Retention lifetimes",
    "A class's points live: daily n → n days, weekly n → 7n days, monthly n → ⌈365n/12⌉ days, yearly n → 365n days, sub-daily n → n × cadence. These lifetimes are the AWS Backup rules' `delete_after` and the compliance checks' ages.",
    "## Compliance readings",
    table(
      ["Tag", "Minimum retention", "Maximum retention", "Basis"],
      Object.values(COMPLIANCE).map((c) => [
        c.regime,
        c.minRetentionDays ? `${c.minRetentionDays} days` : "—",
        c.maxRetentionDays ? `${c.maxRetentionDays} days` : "—",
        c.basis,
      ]),
    ),
  );
}
