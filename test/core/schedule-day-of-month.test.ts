import { execFileSync } from "node:child_process";
import { Cadence, Schedule } from "../../lib/core/schedule";

/** Next starts of a systemd calendar event after 2025-01-01, as systemd itself computes them. */
function systemdNext(event: string, n: number): string[] {
  const out = execFileSync(
    "systemd-analyze",
    ["calendar", `--iterations=${n}`, "--base-time=2025-01-01 00:00:00 UTC", event],
    { encoding: "utf8", env: { ...process.env, TZ: "UTC" } },
  );
  return [...out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/g)].map((m) => m[1]);
}

/** Next starts of an RRULE from 2025-01-01 at the schedule's time, as ical.js computes them. */
interface IcalModule {
  Time: { fromData(d: Record<string, unknown>): unknown };
  Recur: { fromString(s: string): { iterator(start: unknown): { next(): { toString(): string } | null } } };
}
// ical.js is an ES module; loaded through require, it is the namespace or a default export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const icalModule = require("ical.js") as IcalModule & { default?: IcalModule };
const ICAL = icalModule.default ?? icalModule;

function rruleNext(rrule: string, hour: number, minute: number, n: number): string[] {
  const start = ICAL.Time.fromData({ year: 2025, month: 1, day: 1, hour, minute, second: 0, isDate: false });
  const it = ICAL.Recur.fromString(rrule).iterator(start);
  const out: string[] = [];
  for (let t = it.next(); t && out.length < n; t = it.next()) out.push(t.toString().replace("T", " "));
  return out;
}

describe("Schedule.onDayOfMonth", () => {
  const daily = Schedule.at(Cadence.daily(), 2 * 60 + 15);

  it("renders a monthly schedule that systemd, AWS cron and iCalendar agree on", () => {
    const monthly = daily.onDayOfMonth(1);
    expect(monthly.isMonthly).toBe(true);
    expect(monthly.toCalendarEvent()).toBe("*-*-01 02:15:00");
    expect(monthly.toAwsCron()).toBe("cron(15 2 1 * ? *)");
    expect(monthly.toRRule()).toBe("FREQ=MONTHLY;BYMONTHDAY=1");
    expect(monthly.describe()).toBe("monthly on day 1 at 02:15");
    const expected = ["2025-01-01 02:15:00", "2025-02-01 02:15:00", "2025-03-01 02:15:00"];
    expect(systemdNext(monthly.toCalendarEvent(), 3)).toEqual(expected);
    expect(rruleNext(monthly.toRRule(), 2, 15, 3)).toEqual(expected);
  });

  it("renders a yearly schedule on one day of one month", () => {
    const yearly = daily.onDayOfMonth(1, 1);
    expect(yearly.isYearly).toBe(true);
    expect(yearly.isMonthly).toBe(false);
    expect(yearly.toCalendarEvent()).toBe("*-01-01 02:15:00");
    expect(yearly.toAwsCron()).toBe("cron(15 2 1 1 ? *)");
    expect(yearly.describe()).toBe("yearly on 01-01 at 02:15");
    const expected = ["2025-01-01 02:15:00", "2026-01-01 02:15:00"];
    expect(systemdNext(yearly.toCalendarEvent(), 2)).toEqual(expected);
    expect(rruleNext(yearly.toRRule(), 2, 15, 2)).toEqual(expected);
  });

  it("keeps the daily starts for overlap checks", () => {
    expect(daily.onDayOfMonth(3).startsInWeek()).toEqual(daily.startsInWeek());
  });

  it.each([
    ["a sub-daily schedule", () => Schedule.at(Cadence.hourly(4), 0).onDayOfMonth(1)],
    ["a weekly schedule", () => Schedule.at(Cadence.weekly(), 0).onDayOfMonth(1)],
    ["day 29", () => daily.onDayOfMonth(29)],
    ["day 0", () => daily.onDayOfMonth(0)],
    ["month 13", () => daily.onDayOfMonth(1, 13)],
  ])("refuses %s with CORE-005", (_what, make) => {
    expect(make).toThrow(/CORE-005/);
  });
});
