import { execFileSync } from "node:child_process";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { goDuration, kubernetesCron, parseWindow, veleroBucketSpecs, veleroSchedules } from "../../lib/policy/velero";
import { effectivePolicies } from "../../lib/policy/effective";
import { validate } from "../support/catalogs";

function k8sCatalog(
  services: Array<Record<string, unknown>>,
  clusters: Record<string, unknown> = { prod: { context: "prod", snapshots: "csi" } },
) {
  return {
    version: 1,
    name: "kube",
    owner: "@ops",
    aws: { region: "us-east-1", offsiteRegion: "us-west-2", accountId: "123456789012" },
    kubernetes: { clusters },
    notifications: { email: ["ops@example.com"] },
    services,
  };
}

function svc(id: string, patch: Record<string, unknown> = {}) {
  return {
    id,
    classification: "important",
    rpo: "1d",
    rto: "4h",
    app: { decision: "platform-only", rationale: "Velero" },
    kubernetes: { cluster: "prod", namespaces: [id] },
    offsite: { required: false, reason: "decided" },
    restore: { secrets: `vault:kv/${id}`, validate: ["true"] },
    ...patch,
  };
}

function schedulesOf(services: Array<Record<string, unknown>>, clusters?: Record<string, unknown>) {
  const r = validate(k8sCatalog(services, clusters));
  expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  return {
    catalog: r.catalog!,
    policies: effectivePolicies(r.catalog!),
    schedules: veleroSchedules(effectivePolicies(r.catalog!), r.catalog!),
  };
}

describe("Velero schedules from RPO and retention", () => {
  it("an important daily service gets daily, weekly and monthly schedules whose TTLs are its retention", () => {
    const { schedules } = schedulesOf([svc("shop")]);
    // Important tier: daily 7, weekly 4, monthly 6, yearly 0.
    expect(schedules.map((s) => [s.name, s.ttl])).toEqual([
      ["shop-daily", "168h0m0s"],
      ["shop-weekly", "672h0m0s"],
      ["shop-monthly", `${Math.ceil((365 * 6) / 12) * 24}h0m0s`],
    ]);
  });

  it("a 4h RPO adds a sub-daily schedule every 4 hours, kept for the tier's hourly window; a yearly point adds a January schedule", () => {
    const { schedules } = schedulesOf([
      svc("shop", { classification: "critical", rpo: "4h", offsite: { required: true, reason: "critical" } }),
    ]);
    const hourly = schedules.find((s) => s.retentionClass === "hourly")!;
    expect(hourly.cron).toMatch(/^\d+ (\d+,){5}\d+ \* \* \*$/);
    // Critical: 48 hours of sub-daily points.
    expect(hourly.ttl).toBe("48h0m0s");
    expect(schedules.find((s) => s.retentionClass === "yearly")!.cron).toMatch(/^\d+ \d+ 1 1 \*$/);
    expect(schedules.find((s) => s.retentionClass === "monthly")!.cron).toMatch(/^\d+ \d+ 1 \* \*$/);
  });

  it("retention overrides reach the TTL; a class kept 0 times gets no schedule", () => {
    const { schedules } = schedulesOf([svc("shop", { retention: { daily: 30, weekly: 0, monthly: 0 } })]);
    expect(schedules.map((s) => [s.name, s.ttlHours])).toEqual([["shop-daily", 720]]);
  });

  it("no two schedules of one cluster start at the same minute, and they start inside the cluster's backup window", () => {
    const { schedules } = schedulesOf(
      Array.from({ length: 4 }, (_, i) => svc(`app${i}`)),
      { prod: { context: "prod", backupWindow: "22:00-02:00" } },
    );
    const starts = schedules.flatMap((s) =>
      s.schedule.startsInWeek().map((t) => (s.schedule.isRare ? `${s.name}:${t}` : String(t))),
    );
    const weekly = schedules.filter((s) => !s.schedule.isRare).flatMap((s) => s.schedule.startsInWeek());
    expect(new Set(weekly).size).toBe(weekly.length);
    expect(starts.length).toBeGreaterThan(0);
    for (const s of schedules) {
      const minuteOfDay = s.schedule.offsetMinutes % 1440;
      expect(minuteOfDay >= 22 * 60 || minuteOfDay < 2 * 60).toBe(true);
    }
  });

  it("clusters are staggered apart from each other: each has its own minutes", () => {
    const { schedules } = schedulesOf([svc("aa"), svc("bb", { kubernetes: { cluster: "dev", namespaces: ["bb"] } })], {
      prod: { context: "p" },
      dev: { context: "d" },
    });
    expect(new Set(schedules.map((s) => s.cluster))).toEqual(new Set(["prod", "dev"]));
  });
});

describe("cron and durations", () => {
  it.each([
    [Schedule.at(Cadence.daily(), 3 * 60 + 45), "45 3 * * *"],
    [Schedule.at(Cadence.weekly(), 6 * 1440 + 4 * 60), "0 4 * * 0"],
    [Schedule.at(Cadence.weekly(), 0), "0 0 * * 1"],
    [Schedule.at(Cadence.hourly(4), 2 * 60 + 15), "15 2,6,10,14,18,22 * * *"],
    [Schedule.at(Cadence.hourly(1), 7), "7 * * * *"],
    [Schedule.at(Cadence.daily(), 90).onDayOfMonth(1), "30 1 1 * *"],
    [Schedule.at(Cadence.daily(), 90).onDayOfMonth(1, 1), "30 1 1 1 *"],
  ])("%p is %s", (schedule, cron) => {
    expect(kubernetesCron(schedule)).toBe(cron);
  });

  it("every cron fires at the same minutes of the week as its schedule (checked with systemd-analyze against the calendar event)", () => {
    // The calendar event is the schedule's other rendering; both must name the same first start.
    const s = Schedule.at(Cadence.hourly(6), 5 * 60 + 30);
    expect(kubernetesCron(s)).toBe("30 5,11,17,23 * * *");
    const out = execFileSync(
      "systemd-analyze",
      ["calendar", "--iterations=4", "--base-time=2024-01-01 00:00:00 UTC", s.toCalendarEvent()],
      { encoding: "utf8", env: { ...process.env, TZ: "UTC" } },
    );
    expect((out.match(/\d{2}:\d{2}:00/g) ?? []).slice(0, 4).map((t) => Number(t.slice(0, 2)))).toEqual([5, 11, 17, 23]);
  });

  it("Go durations look like time.Duration.String()", () => {
    expect([goDuration(5), goDuration(90), goDuration(336 * 60)]).toEqual(["5m0s", "1h30m0s", "336h0m0s"]);
  });

  it("backup windows past midnight wrap", () => {
    expect(parseWindow("22:00-02:00")).toEqual({ startMinutes: 1320, minutes: 240 });
    expect(parseWindow("01:00-06:00")).toEqual({ startMinutes: 60, minutes: 300 });
  });
});

describe("Velero buckets", () => {
  it("a cluster's bucket takes its services' strictest lock and is replicated when one requires offsite", () => {
    const { catalog, policies } = schedulesOf(
      [
        svc("aa", { immutable: { mode: "governance", days: 5 } }),
        svc("bb", { classification: "critical", offsite: { required: true, reason: "critical" } }),
        svc("cc", { kubernetes: { cluster: "dev", namespaces: ["cc"] } }),
      ],
      { prod: { context: "p" }, dev: { context: "d" } },
    );
    const specs = veleroBucketSpecs(policies, catalog);
    const prod = specs.find((b) => b.clusters.includes("prod"))!;
    // Critical defaults to compliance with days = daily retention (14), stricter than governance 5.
    expect(prod.lock).toEqual({ mode: "compliance", days: 14 });
    expect(prod.replica).toMatchObject({ region: "us-west-2", replicationTimeControl: true });
    const dev = specs.find((b) => b.clusters.includes("dev"))!;
    expect([dev.lock, dev.replica, dev.noncurrentDays]).toEqual([undefined, undefined, 30]);
    expect(dev.name).toBe("kube-velero-standard-123456789012");
  });
});
