import type { EstateContext } from "../estate/context";
import type { ValidationReport } from "../governance/validate";
import { renderCalendarIcs, renderCalendarMarkdown } from "./calendar";
import { renderDrRunbook } from "./dr-runbook";
import { renderInventory } from "./inventory";
import { renderPolicies } from "./policies";
import { renderComplianceReport } from "./compliance-report";
import { renderRestoreSop } from "./restore-sop";
import { renderStateAccessPolicy, STATE_POLICY_PATH } from "./state-policy";

/**
 * Renders the estate-wide documents once every builder has registered its targets and
 * jobs: restore SOPs, the DR runbook, the tier policies, the inventory, the backup calendar
 * (Markdown and iCalendar) and the compliance report.
 */
export function renderDocuments(ctx: EstateContext, report?: ValidationReport): void {
  for (const p of ctx.policies)
    ctx.artifacts.add({ path: `sop/${p.service.id}.md`, content: renderRestoreSop(ctx, p) });
  ctx.artifacts.add({ path: "dr-runbook.md", content: renderDrRunbook(ctx) });
  ctx.artifacts.add({ path: "policies.md", content: renderPolicies() });
  ctx.artifacts.add({ path: "inventory.yaml", content: renderInventory(ctx) });
  ctx.artifacts.add({ path: "calendar.md", content: renderCalendarMarkdown(ctx) });
  ctx.artifacts.add({ path: "calendar.ics", content: renderCalendarIcs(ctx) });
  if (report) ctx.artifacts.add({ path: "compliance-report.json", content: renderComplianceReport(report) });
  if (ctx.catalog.state)
    ctx.artifacts.add({ path: STATE_POLICY_PATH, content: renderStateAccessPolicy(ctx.catalog.state) });
}
