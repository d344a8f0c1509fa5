import { join } from "node:path";
import { renderCalendarIcs, renderCalendarMarkdown } from "../../lib/artifacts/calendar";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";
import { criticalPath, estateCadences } from "../../lib/policy/cadences";
import { ICAL } from "../support/ical";
import { ROOT } from "../support/catalogs";

const ctx = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, "stacks", "catalog.yaml"))).context;

/** The first `n` occurrences of a cadence event, as ical.js computes them from the RRULE. */
function occurrences(uid: string, n: number): string[] {
  const cal = new ICAL.Component(ICAL.parse(renderCalendarIcs(ctx)));
  const v = cal.getAllSubcomponents("vevent").find((e) => e.getFirstPropertyValue("uid") === uid)!;
  const it = new ICAL.Event(v).iterator();
  return Array.from({ length: n }, () => it.next()!.toString());
}

describe("estate cadences in the calendar", () => {
  it("the DR drill is quarterly: the first Saturday of January, April, July and October (RFC 5545, read by ical.js)", () => {
    expect(occurrences(`cadence-dr-drill@${ctx.catalog.name}.backup-gov`, 5)).toEqual([
      "2024-01-06T09:00:00",
      "2024-04-06T09:00:00",
      "2024-07-06T09:00:00",
      "2024-10-05T09:00:00",
      "2025-01-04T09:00:00",
    ]);
  });

  it("the strategy review is twice a year: the first Monday of February and August", () => {
    expect(occurrences(`cadence-strategy-review@${ctx.catalog.name}.backup-gov`, 3)).toEqual([
      "2024-02-05T10:00:00",
      "2024-08-05T10:00:00",
      "2025-02-03T10:00:00",
    ]);
  });

  it("both are listed in calendar.md", () => {
    const md = renderCalendarMarkdown(ctx);
    expect(md).toContain("## Estate cadences");
    expect(md).toContain(
      "| Quarterly DR drill | quarterly, on the first Saturday of January, April, July and October at 09:00 |",
    );
    expect(md).toContain("| Backup strategy review | twice a year");
  });
});

describe("the critical path", () => {
  const text = (deps: Record<string, string[]>, rto: Record<string, string>) =>
    `version: 1
name: cp
owner: "@ops"
notifications: { email: [ops@example.com] }
aws: { region: us-east-1, offsiteRegion: us-west-2 }
services:
${Object.keys(rto)
  .map(
    (id) => `  - id: ${id}
    classification: rebuildable
    rpo: 1d
    rto: ${rto[id]}
    app: { decision: platform-only, rationale: "AWS Backup" }
    aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:${id}"] }
    offsite: { required: false, reason: "decided" }
    restore: { dependsOn: [${(deps[id] ?? []).join(", ")}] }
`,
  )
  .join("")}`;

  it("is the dependency chain with the largest sum of RTOs, not the longest chain", () => {
    // db (4h) → app (1h) = 5h; cache (30m) → proxy (30m) → web (30m) = 1.5h; dns (6h) alone = 6h.
    const r = validateCatalogText(
      text(
        { app: ["db"], proxy: ["cache"], web: ["proxy"] },
        { db: "4h", app: "1h", cache: "30m", proxy: "30m", web: "30m", dns: "6h" },
      ),
    );
    expect(r.ok).toBe(true);
    const cp = criticalPath(r.catalog!.services);
    expect([cp.path.map((s) => s.id), cp.total!.toString()]).toEqual([["dns"], "6h"]);
    const r2 = validateCatalogText(text({ app: ["db"], web: ["app"] }, { db: "4h", app: "1h", web: "2h", dns: "6h" }));
    const cp2 = criticalPath(r2.catalog!.services);
    expect([cp2.path.map((s) => s.id), cp2.total!.toString()]).toEqual([["db", "app", "web"], "7h"]);
    expect(estateCadences(r2.catalog!.services)[0].durationMinutes).toBe(7 * 60);
  });
});
