import { Duration } from "../../lib/core/duration";
import { RetentionClass } from "../../lib/core/retention";
import { Cadence } from "../../lib/core/schedule";
import { LockMode } from "../../lib/core/vocabulary";
import { PolicySource } from "../../lib/policy/effective";
import { stagger } from "../../lib/policy/stagger";
import { restoreWaves } from "../../lib/policy/restore-order";
import { awsBackupRules } from "../../lib/policy/aws-backup";
import { awsService, catalogWith, criticalDbService, validate, vmService } from "../support/catalogs";
import { effectivePolicies } from "../../lib/policy/effective";

function policiesOf(services: Array<Record<string, unknown>>) {
  const r = validate(catalogWith(services));
  return { catalog: r.catalog!, policies: effectivePolicies(r.catalog!) };
}

describe("effective policy", () => {
  it("takes the tier's defaults", () => {
    const [p] = policiesOf([criticalDbService("vault")]).policies;
    expect(p.retention.toJSON()).toEqual({ hourly: 12, daily: 14, weekly: 8, monthly: 12, yearly: 1 });
    expect(p.cadence?.key).toBe("4h");
    expect(p.immutable).toEqual({ mode: LockMode.COMPLIANCE, days: 14, source: PolicySource.TIER });
    expect(p.offsite).toMatchObject({ required: true, region: "us-west-2" });
    expect(p.repeatMissed).toBe(true);
  });

  it("merges the service's overrides key by key and records them", () => {
    const [p] = policiesOf([vmService("web", { retention: { daily: 30, yearly: 2 } })]).policies;
    expect(p.retention.toJSON()).toEqual({ hourly: 0, daily: 30, weekly: 4, monthly: 6, yearly: 2 });
    expect(p.retentionOverrides).toEqual([RetentionClass.DAILY, RetentionClass.YEARLY]);
    expect(p.immutable).toBeUndefined();
  });

  it("needs continuous archiving below the shortest cadence", () => {
    const [p] = policiesOf([awsService("db", { rpo: "15m" })]).policies;
    expect(p.needsContinuous).toBe(true);
    expect(p.jobCadence.key).toBe("1h");
  });
});

describe("stagger", () => {
  const jobs = (n: number, group: string, cadence: Cadence) =>
    Array.from({ length: n }, (_, i) => ({ key: `${group}-${cadence.key}-${i}`, group, cadence }));

  it("never starts two jobs of one group at the same minute of the week", () => {
    const requests = [
      ...jobs(10, "pve", Cadence.daily()),
      ...jobs(3, "pve", Cadence.hourly(4)),
      ...jobs(2, "pve", Cadence.hourly(1)),
      ...jobs(2, "pve", Cadence.weekly()),
    ];
    const out = stagger(requests);
    const seen = new Map<number, string>();
    for (const [key, s] of out) {
      for (const t of s.startsInWeek()) {
        expect(seen.get(t)).toBeUndefined();
        seen.set(t, key);
      }
    }
    expect(out.size).toBe(requests.length);
  });

  it("is deterministic whatever the order, and keeps daily jobs in the nightly window", () => {
    const requests = jobs(6, "vault", Cadence.daily());
    const a = stagger(requests);
    const b = stagger([...requests].reverse());
    for (const [k, s] of a) {
      expect(b.get(k)!.offsetMinutes).toBe(s.offsetMinutes);
      expect(s.offsetMinutes).toBeGreaterThanOrEqual(60);
      expect(s.offsetMinutes).toBeLessThan(360);
    }
  });

  it("lets different groups share a start time", () => {
    const out = stagger([
      { key: "x", group: "g1", cadence: Cadence.daily() },
      { key: "x2", group: "g2", cadence: Cadence.daily() },
    ]);
    expect(out.size).toBe(2);
  });
});

describe("restore waves", () => {
  it("puts dependencies first and orders a wave by classification, then RTO", () => {
    const dep = (id: string, on: string[], patch: Record<string, unknown> = {}) =>
      vmService(id, { restore: { secrets: "vault:x", validate: ["t"], dependsOn: on }, ...patch });
    const { catalog } = policiesOf([
      dep("app", ["db"]),
      dep("db", []),
      dep("dash", ["app"], { classification: "rebuildable" }),
      dep("cache", [], { rto: "1h" }),
      dep("auth", [], { classification: "critical", offsite: { required: true, reason: "x" } }),
    ]);
    expect(restoreWaves(catalog.services).map((w) => w.map((s) => s.id))).toEqual([
      ["auth", "cache", "db"],
      ["app"],
      ["dash"],
    ]);
  });
});

describe("AWS Backup rule model", () => {
  it("derives one rule per retention class, locked where immutable, copied offsite when required", () => {
    const { catalog, policies } = policiesOf([awsService("db", { immutable: { mode: "governance", days: 7 } })]);
    const rules = awsBackupRules(policies[0], catalog);
    expect(rules.map((r) => [r.kind, r.deleteAfterDays, r.vault.lock?.minDays, r.copy?.vault.region])).toEqual([
      ["daily", 7, 7, "us-west-2"],
      ["weekly", 28, 7, "us-west-2"],
      ["monthly", 183, 7, "us-west-2"],
    ]);
    expect(rules[0].vault.name).toBe("testlab-governance-7d");
    expect(rules[0].copy!.vault.name).toBe("testlab-offsite-governance-7d");
  });

  it("adds a continuous rule (and no hourly snapshots) below an hour", () => {
    const { catalog, policies } = policiesOf([awsService("db", { rpo: "15m" })]);
    const kinds = awsBackupRules(policies[0], catalog).map((r) => r.kind);
    expect(kinds).toEqual(["continuous", "daily", "weekly", "monthly"]);
    expect(Duration.parse("15m").toMinutes()).toBe(15);
  });

  it("has no rules for services without AWS resources", () => {
    const { catalog, policies } = policiesOf([vmService("web")]);
    expect(awsBackupRules(policies[0], catalog)).toEqual([]);
  });
});
