import { VzdumpHookMode } from "../../lib/catalog/model";
import { Duration } from "../../lib/core/duration";
import {
  FreshnessState,
  freshnessWindow,
  judgeFreshness,
  MetricSource,
  metricSources,
  watchedServices,
  type ServiceObservation,
} from "../../lib/policy/freshness";
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
  // The default catalog runs the hook on both hosts; this variant runs it nowhere.
  const unhooked = {
    ...catalog,
    proxmox: {
      hosts: Object.fromEntries(
        Object.entries(catalog.proxmox!.hosts).map(([k, h]) => [k, { ...h, vzdumpHook: VzdumpHookMode.NONE }]),
      ),
    },
  };

  it("expects the app script, and the vzdump hook where its host runs it; nothing for AWS-only services", () => {
    expect(metricSources(policy("vaultwarden"), catalog)).toEqual([MetricSource.APP, MetricSource.VZDUMP]);
    expect(metricSources(policy("homeassistant"), catalog)).toEqual([MetricSource.VZDUMP]);
    expect(metricSources(policy("billing"), catalog)).toEqual([]);
    expect(watchedServices(policies, catalog).map((w) => w.policy.service.id)).not.toContain("billing");
  });

  it("does not watch vzdump runs on hosts without the hook: nothing would report them", () => {
    expect(metricSources(policy("vaultwarden"), unhooked)).toEqual([MetricSource.APP]);
    expect(metricSources(policy("homeassistant"), unhooked)).toEqual([]);
  });
});

describe("judgeFreshness", () => {
  const now = 1_800_000_000;
  const rows = judgeFreshness(
    policies,
    catalog,
    new Map<string, ServiceObservation>([
      ["vaultwarden", { lastSuccessByEngine: { postgresql: now - 5 * 3600, vzdump: now - 60 }, lastRunFailed: false }], // exactly the threshold: still fresh
      ["gitea", { lastSuccessByEngine: { postgresql: now - 15 * 3600 - 1, vzdump: now - 60 } }], // one second past; a fresh vzdump does not hide it
      ["nextcloud", { lastSuccessByEngine: {}, lastRunFailed: true }],
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
    expect(row("photos").state).toBe(FreshnessState.MISSING);
  });

  it("leaves AWS-only services to AWS Backup's signals", () => {
    expect(row("billing").state).toBe(FreshnessState.NOT_WATCHED);
  });
});
