import { Duration } from "../../lib/core/duration";
import { FreshnessState, freshnessWindow, judgeFreshness, MetricSource, metricSources, watchedServices } from "../../lib/policy/freshness";
import { loadValid } from "../support/catalogs";

const { catalog, policies } = loadValid();
const policy = (id: string) => policies.find((p) => p.service.id === id)!;

describe("freshnessWindow", () => {
  it("adds a quarter of the interval as margin, clamped to 15m..4h", () => {
    expect(freshnessWindow(policy("vaultwarden")).threshold.toString()).toBe("5h"); // 4h + 1h
    expect(freshnessWindow(policy("gitea")).threshold.toString()).toBe("15h"); // 12h + 3h
    expect(freshnessWindow(policy("nextcloud")).threshold.toString()).toBe("28h"); // 1d + 4h (capped)
    expect(freshnessWindow(policy("jellyfin")).margin.toString()).toBe("4h");
  });

  it("uses the job cadence when the RPO is shorter than any cadence (continuous archiving covers the rest)", () => {
    const w = freshnessWindow(policy("billing"));
    expect(w.interval.toString()).toBe("1h");
    expect(w.margin.toString()).toBe("15m");
  });

  it("takes the catalog's staleMargin instead of the default", () => {
    expect(freshnessWindow(policy("nextcloud"), Duration.minutes(30)).threshold.toMinutes()).toBe(1440 + 30);
  });
});

describe("metricSources / watchedServices", () => {
  it("expects the app script and the vzdump hook where they exist, nothing for AWS-only services", () => {
    expect(metricSources(policy("vaultwarden"))).toEqual([MetricSource.APP, MetricSource.VZDUMP]);
    expect(metricSources(policy("homeassistant"))).toEqual([MetricSource.VZDUMP]);
    expect(metricSources(policy("billing"))).toEqual([]);
    expect(watchedServices(policies, catalog).map((w) => w.policy.service.id)).not.toContain("billing");
  });
});

describe("judgeFreshness", () => {
  const now = 1_800_000_000;
  const rows = judgeFreshness(
    policies,
    catalog,
    new Map([
      ["vaultwarden", { lastSuccess: now - 5 * 3600, lastRunFailed: false }], // exactly the threshold: still fresh
      ["gitea", { lastSuccess: now - 15 * 3600 - 1 }], // one second past
      ["nextcloud", { lastRunFailed: true }],
    ]),
    now,
  );
  const row = (id: string) => rows.find((r) => r.serviceId === id)!;

  it("is ok up to the threshold and stale one second after it", () => {
    expect(row("vaultwarden")).toMatchObject({ state: FreshnessState.OK, ageSeconds: 5 * 3600 });
    expect(row("gitea")).toMatchObject({ state: FreshnessState.STALE, ageSeconds: 15 * 3600 + 1 });
  });

  it("reports services without a success as missing, keeping a failed run", () => {
    expect(row("nextcloud")).toMatchObject({ state: FreshnessState.MISSING, lastRunFailed: true });
    expect(row("jellyfin").state).toBe(FreshnessState.MISSING);
  });

  it("leaves AWS-only services to AWS Backup's signals", () => {
    expect(row("billing").state).toBe(FreshnessState.NOT_WATCHED);
  });
});
