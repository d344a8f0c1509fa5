import { join } from "node:path";
import {
  DEFAULT_JOB_MINUTES,
  findOverlaps,
  isUtc,
  renderCalendarIcs,
  renderCalendarMarkdown,
} from "../../lib/artifacts/calendar";
import { loadCatalogFile } from "../../lib/catalog/load";
import { Testing } from "../../lib/core/cdk";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { EstateContext, type ScheduledJob, TargetKind } from "../../lib/estate/context";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { ICAL } from "../support/ical";
import { startsInFirstWeek } from "../support/systemd";

const ROOT = join(__dirname, "..", "..");
const CATALOGS = ["stacks/catalog.yaml", "examples/proxmox-only.yaml", "examples/small-office.yaml"].map((f) =>
  join(ROOT, f),
);
const ANCHOR = Date.UTC(2024, 0, 1);

function estate(file: string): EstateContext {
  return Estate.fromReport(Testing.app(), validateCatalogFile(file)).context;
}

/** Every event of an .ics file, parsed by ical.js, with its starts in the anchor week (minutes after Monday 00:00). */
function parseIcs(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  expect(cal.name).toBe("vcalendar");
  expect(cal.getFirstPropertyValue("version")).toBe("2.0");
  expect(cal.getFirstPropertyValue("prodid")).toBeTruthy();
  return cal.getAllSubcomponents("vevent").map((v) => {
    const event = new ICAL.Event(v);
    const it = event.iterator();
    const starts: number[] = [];
    for (let next = it.next(); next; next = it.next()) {
      const t = (Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute) - ANCHOR) / 60000;
      if (t >= 7 * 1440) break;
      starts.push(t);
    }
    const dtstart = v.getFirstPropertyValue("dtstart") as InstanceType<typeof ICAL.Time>;
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      utc: dtstart.zone === ICAL.Timezone.utcTimezone,
      rrule: String(v.getFirstPropertyValue("rrule")),
      minutes: event.duration.toSeconds() / 60,
      overlap: v.getFirstPropertyValue("x-backup-gov-overlap"),
      categories: v.getFirstProperty("categories")?.getValues(),
      starts,
    };
  });
}

function job(id: string, group: string, schedule: Schedule, extra: Partial<ScheduledJob> = {}): ScheduledJob {
  return { id, kind: TargetKind.VZDUMP, group, schedule, serviceIds: ["svc"], description: `job ${id}`, ...extra };
}

describe("calendar.ics", () => {
  it.each(CATALOGS)(
    "has one recurring event per scheduled job of %s, whose occurrences (ical.js) are the job's starts",
    (file) => {
      const ctx = estate(file);
      expect(ctx.jobs.length).toBeGreaterThan(0);
      const text = String(ctx.artifacts.get("calendar.ics")!.content);
      // The estate cadences (DR drill, strategy review) are events too; test/artifacts/cadences.test.ts covers them.
      const events = parseIcs(text).filter((e) => !e.uid.startsWith("cadence-"));
      expect(events).toHaveLength(ctx.jobs.length);
      expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
      // The same start minutes systemd computes from the job's calendar event.
      const real = startsInFirstWeek(ctx.jobs.map((j) => j.schedule.toCalendarEvent()));
      for (const j of ctx.jobs) {
        const e = events.find((x) => x.uid === `${j.kind}-${j.id}@${ctx.catalog.name}.backup-gov`)!;
        expect(e).toBeDefined();
        expect(e.summary).toBe(`${j.kind} ${j.id}`);
        // ical.js prints a recurrence in its canonical form (INTERVAL=1 dropped): compare canonical forms.
        expect(e.rrule).toBe(ICAL.Recur.fromString(j.schedule.toRRule()).toString());
        expect(e.minutes).toBe(j.durationMinutes ?? DEFAULT_JOB_MINUTES);
        // Monthly and yearly schedules take some of their daily starts, only in some weeks.
        if (j.schedule.dayOfMonth === undefined) expect(e.starts).toEqual(j.schedule.startsInWeek());
        else expect(j.schedule.startsInWeek()).toEqual(expect.arrayContaining(e.starts));
        expect(e.starts).toEqual(real.get(j.schedule.toCalendarEvent()));
        expect(e.description).toContain(`Services: ${j.serviceIds.join(", ")}`);
        expect(e.categories).toEqual([j.kind, j.group]);
        expect(e.utc).toBe(isUtc(j));
      }
    },
  );

  it("is well-formed RFC 5545 text: CRLF line ends, lines of at most 75 octets, and byte-identical on every render", () => {
    const ctx = estate(CATALOGS[0]);
    const text = renderCalendarIcs(ctx);
    expect(text).toBe(renderCalendarIcs(ctx));
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it("starts monthly and yearly events on their own day, not on the anchor Monday", () => {
    const ctx = new EstateContext(loadCatalogFile(CATALOGS[0]).catalog!);
    ctx.addJob(
      job("vault-monthly", "vault", Schedule.at(Cadence.daily(), 4 * 60).onDayOfMonth(15), {
        kind: TargetKind.AWS_BACKUP,
      }),
    );
    ctx.addJob(
      job("vault-yearly", "vault", Schedule.at(Cadence.daily(), 4 * 60 + 30).onDayOfMonth(10, 3), {
        kind: TargetKind.AWS_BACKUP,
      }),
    );
    const cal = new ICAL.Component(ICAL.parse(renderCalendarIcs(ctx)));
    const firsts = cal
      .getAllSubcomponents("vevent")
      .filter((v) => !String(v.getFirstPropertyValue("uid")).startsWith("cadence-"))
      .map((v) => {
        const it = new ICAL.Event(v).iterator();
        const a = it.next()!;
        const b = it.next()!;
        return [a.toString(), b.toString()];
      });
    expect(firsts).toEqual([
      ["2024-01-15T04:00:00Z", "2024-02-15T04:00:00Z"],
      ["2024-03-10T04:30:00Z", "2025-03-10T04:30:00Z"],
    ]);
    const md = renderCalendarMarkdown(ctx);
    expect(md).toContain(
      "Also: vault-monthly (monthly on day 15 at 04:00 UTC); vault-yearly (yearly on 03-10 at 04:30 UTC).",
    );
    expect(md).not.toContain("| 04:00 |");
  });

  it("writes AWS Backup jobs in UTC and flags overlapping jobs of one group", () => {
    const ctx = new EstateContext(loadCatalogFile(CATALOGS[0]).catalog!);
    ctx.addJob(
      job("nightly-a", "pve", Schedule.at(Cadence.daily(), 60), {
        durationMinutes: 60,
        description: "a, with; commas\\ and a very long description that must be folded over several lines of the file",
      }),
    );
    ctx.addJob(job("nightly-b", "pve", Schedule.at(Cadence.daily(), 90)));
    ctx.addJob(job("elsewhere", "proxmox-home", Schedule.at(Cadence.daily(), 90)));
    ctx.addJob(
      job("vault-daily", "vault:homelab", Schedule.at(Cadence.daily(), 5 * 60), {
        kind: TargetKind.AWS_BACKUP,
        durationMinutes: 120,
      }),
    );
    const events = parseIcs(renderCalendarIcs(ctx));
    const byId = (id: string) => events.find((e) => e.uid.includes(`-${id}@`))!;
    expect(byId("nightly-a").overlap).toBe("TRUE");
    expect(byId("nightly-b").description).toContain("Overlaps with: nightly-a");
    expect(byId("elsewhere").overlap).toBeNull();
    expect(byId("nightly-a").description).toContain("a, with; commas\\ and a very long description");
    const aws = byId("vault-daily");
    expect(aws.utc).toBe(true);
    expect(aws.starts).toEqual([300, 1740, 3180, 4620, 6060, 7500, 8940]);
    const md = renderCalendarMarkdown(ctx);
    expect(md).toContain("| pve | nightly-a | nightly-b | Mon 01:30 |");
    expect(md).toMatch(
      /\| vault-daily \| aws-backup \| vault:homelab \| daily at 05:00 UTC \| `cron\(0 5 \* \* \? \*\)` \|/,
    );
  });
});

describe("findOverlaps", () => {
  it("finds windows that meet across midnight and the week's end, and nothing when runs are apart", () => {
    const late = job("late", "h", Schedule.at(Cadence.weekly(), 7 * 1440 - 15), { durationMinutes: 30 });
    const early = job("early", "h", Schedule.at(Cadence.hourly(1), 5));
    // Sunday 23:45 runs into Monday: the hourly 00:05 run meets it.
    expect(findOverlaps([late, early])).toEqual([{ group: "h", first: "early", second: "late", at: 5 }]);
    const a = job("a", "h", Schedule.at(Cadence.daily(), 60));
    const b = job("b", "h", Schedule.at(Cadence.daily(), 90));
    expect(findOverlaps([a, b])).toEqual([]);
  });

  it("does not flag rules of one AWS Backup plan that start together (AWS consolidates them)", () => {
    const a = job("plan/daily", "vault", Schedule.at(Cadence.daily(), 60), { batch: "plan" });
    const b = job("plan/weekly", "vault", Schedule.at(Cadence.weekly(), 60), { batch: "plan" });
    expect(findOverlaps([a, b])).toEqual([]);
    expect(findOverlaps([a, { ...b, batch: "other" }])).toHaveLength(1);
  });

  it("reports no overlap for the staggered jobs of the default catalog", () => {
    expect(findOverlaps(estate(CATALOGS[0]).jobs)).toEqual([]);
    expect(renderCalendarMarkdown(estate(CATALOGS[0]))).toContain(
      "None: no two jobs of one group run at the same time.",
    );
  });
});

describe("findOverlaps at scale", () => {
  const WEEK = 7 * 1440;
  /** The all-pairs check findOverlaps replaced: every pair of one group, every start against every start. */
  function naive(jobs: ScheduledJob[]) {
    const sorted = [...jobs].sort((a, b) => a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
    const out = [];
    for (let i = 0; i < sorted.length; i++) {
      for (let k = i + 1; k < sorted.length; k++) {
        const [a, b] = [sorted[i], sorted[k]];
        if (a.group !== b.group || (a.batch !== undefined && a.batch === b.batch)) continue;
        const [da, db] = [a.durationMinutes ?? DEFAULT_JOB_MINUTES, b.durationMinutes ?? DEFAULT_JOB_MINUTES];
        let best: number | undefined;
        for (const sa of a.schedule.startsInWeek()) {
          for (const sb of b.schedule.startsInWeek()) {
            if ((sb - sa + WEEK) % WEEK < da) best = best === undefined ? sb : Math.min(best, sb);
            else if ((sa - sb + WEEK) % WEEK < db) best = best === undefined ? sa : Math.min(best, sa);
          }
        }
        if (best !== undefined) out.push({ group: a.group, first: a.id, second: b.id, at: best });
      }
    }
    return out;
  }

  it("finds exactly the overlaps of the all-pairs check, on jobs of every cadence, across Sunday midnight, with batches", () => {
    // GIVEN 400 jobs in 5 groups from a fixed pseudo-random sequence
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const cadences = [Cadence.hourly(), Cadence.hourly(6), Cadence.daily(), Cadence.weekly()];
    const jobs: ScheduledJob[] = Array.from({ length: 400 }, (_, i) => {
      const cadence = cadences[next(cadences.length)];
      return {
        id: `job-${String(i).padStart(3, "0")}`,
        kind: TargetKind.APP,
        group: `host-${next(5)}`,
        schedule: Schedule.at(cadence, i % 7 === 0 ? cadence.intervalMinutes - 5 : next(cadence.intervalMinutes)),
        serviceIds: [`svc-${i}`],
        durationMinutes: [5, 30, 60, 240][next(4)],
        batch: i % 11 === 0 ? "plan-a" : undefined,
        description: "x",
      };
    });
    // THEN the sweep agrees with the all-pairs check, pair for pair and minute for minute
    const found = findOverlaps(jobs);
    expect(found.length).toBeGreaterThan(100);
    expect(found).toEqual(naive(jobs));
  });
});
