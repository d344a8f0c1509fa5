import { Duration } from "../../lib/core/duration";
import { Cadence, Schedule } from "../../lib/core/schedule";

describe("Duration", () => {
  it.each([
    ["15m", 15],
    ["4h", 240],
    ["1d", 1440],
    ["90m", 90],
  ])("parses %s as %d minutes", (text, minutes) => {
    expect(Duration.parse(text).toMinutes()).toBe(minutes);
  });

  it.each(["4x", "0h", "-1d", "1.5h", "", "h"])("refuses %j with CORE-001", (text) => {
    expect(() => Duration.parse(text, "rpo")).toThrow(/CORE-001: rpo is not a duration/);
  });

  it("prints the shortest spelling", () => {
    expect(Duration.parse("120m").toString()).toBe("2h");
    expect(Duration.parse("48h").toString()).toBe("2d");
    expect(Duration.parse("90m").toHuman()).toBe("90 minutes");
  });
});

describe("Cadence.forRpo", () => {
  it.each([
    ["1h", "1h"],
    ["5h", "4h"],
    ["4h", "4h"],
    ["23h", "12h"],
    ["1d", "1d"],
    ["3d", "1d"],
    ["7d", "7d"],
    ["30d", "7d"],
  ])("rpo %s runs every %s (largest standard cadence that meets it)", (rpo, cadence) => {
    const c = Cadence.forRpo(Duration.parse(rpo))!;
    expect(c.key).toBe(cadence);
    expect(c.meets(Duration.parse(rpo))).toBe(true);
  });

  it("has no cadence for an RPO under an hour", () => {
    expect(Cadence.forRpo(Duration.parse("30m"))).toBeUndefined();
  });
});

describe("Schedule", () => {
  it("renders sub-daily, daily and weekly schedules in every grammar", () => {
    const four = Schedule.at(Cadence.hourly(4), 2 * 60 + 15);
    expect(four.toCalendarEvent()).toBe("*-*-* 02/4:15:00");
    expect(four.toAwsCron()).toBe("cron(15 2/4 * * ? *)");
    expect(four.toRRule()).toBe("FREQ=HOURLY;INTERVAL=4");
    expect(four.startsInWeek()).toHaveLength(42);

    const daily = Schedule.at(Cadence.daily(), 90);
    expect(daily.toCalendarEvent()).toBe("*-*-* 01:30:00");
    expect(daily.toAwsCron()).toBe("cron(30 1 * * ? *)");

    const weekly = Schedule.at(Cadence.weekly(), 6 * 1440 + 180);
    expect(weekly.toCalendarEvent()).toBe("Sun *-*-* 03:00:00");
    expect(weekly.toAwsCron()).toBe("cron(0 3 ? * SUN *)");
    expect(weekly.toRRule()).toBe("FREQ=WEEKLY;BYDAY=SU");

    expect(Schedule.at(Cadence.hourly(1), 5).toCalendarEvent()).toBe("*-*-* *:05:00");
  });

  it("restricts a weekly schedule to the first week of each month (monthly drills)", () => {
    const first = Schedule.at(Cadence.weekly(), 6 * 1440 + 360).inFirstWeekOfMonth();
    expect(first.toCalendarEvent()).toBe("Sun *-*-01..07 06:00:00");
    expect(first.toAwsCron()).toBe("cron(0 6 ? * SUN#1 *)");
    expect(first.toRRule()).toBe("FREQ=MONTHLY;BYDAY=1SU");
    expect(first.describe()).toBe("monthly on the first Sun at 06:00");
    expect(first.isRare).toBe(true);
    expect(() => Schedule.at(Cadence.daily(), 60).inFirstWeekOfMonth()).toThrow(/CORE-005/);
  });

  it("refuses an offset outside the interval and a non-standard cadence", () => {
    expect(() => Schedule.at(Cadence.hourly(4), 240)).toThrow(/CORE-004/);
    expect(() => Cadence.ofMinutes(300)).toThrow(/CORE-003/);
  });
});
