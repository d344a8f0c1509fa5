import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderEstimate } from "../../lib/artifacts/estimate";
import { effectivePolicies } from "../../lib/policy/effective";
import { DEFAULT_PRICES, PRICES_AS_OF, estateEstimate, priceTable, uplinkBytesPerSecond } from "../../lib/policy/estimate";
import { validateCatalogText } from "../../lib/governance/validate";
import { ROOT } from "../support/catalogs";

/** A Proxmox + AWS estate with one host (uplink, window) and app-level services on it. */
function catalog(services: string, host = "uplink: 100Mbit/s\n      backupWindow: \"01:00-06:00\"", pricing = ""): string {
  return `version: 1
name: est
owner: "@ops"
notifications: { email: [ops@example.com] }
aws: { region: us-east-1, offsiteRegion: us-west-2, accountId: "123456789012" }
${pricing}
proxmox:
  hosts:
    pve:
      endpoint: https://pve.lan:8006
      node: pve
      storage: pbs
      ${host}
services:
${services}`;
}

const svc = (id: string, vmid: number, data: string) => `  - id: ${id}
    classification: important
    rpo: 1d
    rto: 4h
    vm: { host: pve, vmid: ${vmid} }
    app: { decision: required, rationale: "db", engine: postgresql, host: ${id}.lan, database: app }
    offsite: { required: true, reason: "must survive the site" }
    data: ${data}
    restore: { secrets: "vault:kv/${id}", validate: ["true"] }
`;

function run(text: string) {
  const r = validateCatalogText(text, "est.yaml");
  return { r, estimates: r.catalog ? estateEstimate(effectivePolicies(r.catalog), r.catalog) : [], gov133: r.findings.filter((f) => f.ruleId === "GOV-133") };
}

describe("uplink rates", () => {
  it("bits are SI, bytes binary", () => {
    expect(uplinkBytesPerSecond("100Mbit/s")).toBe(12_500_000);
    expect(uplinkBytesPerSecond("1Gbit/s")).toBe(125_000_000);
    expect(uplinkBytesPerSecond("20MiB/s")).toBe(20 * 1024 * 1024);
  });
});

describe("GOV-133: transfer-fits-window", () => {
  it("warns, with the numbers, when a day's change cannot cross the uplink in the window", () => {
    // 30% of 2 TiB is 614.4 GiB a day: 14.7 hours at 12.5 MB/s, longer than the 5-hour window.
    const { r, gov133 } = run(catalog(svc("big", 101, "{ size: 2TiB, dailyChange: 30% }")));
    expect(r.ok).toBe(true);
    expect(gov133).toHaveLength(1);
    expect(gov133[0].severity).toBe("warning");
    expect(gov133[0].position.line).toBe(23);
    expect(gov133[0].message).toBe(
      // The message names its service: a finding read in a list (CI log, `backup-gov validate`) must say which one.
      "service big: 614 GiB of daily change (30% of 2048 GiB) needs 14.7 h at 100Mbit/s (proxmox.hosts.pve), but the backup window 01:00-06:00 is 5.00 h; the first full upload takes 48.9 h",
    );
  });

  it("is silent when it fits (5% of 200 GiB = 10 GiB in 0.23 h)", () => {
    const { gov133, estimates } = run(catalog(svc("small", 101, "{ size: 200GiB, dailyChange: 5% }")));
    expect(gov133).toEqual([]);
    expect(estimates[0].uplink).toMatchObject({ fits: true, windowHours: 5 });
    expect(estimates[0].uplink!.dailyHours).toBeCloseTo((10 * 1024 ** 3) / 12.5e6 / 3600, 6);
  });

  it("flags the shared uplink once when services fit alone but not together", () => {
    // 200 GiB a day each: 4.77 h at 12.5 MB/s alone (inside 5 h), 9.54 h together.
    const text = catalog(svc("one", 101, "{ size: 400GiB, dailyChange: 50% }") + svc("two", 102, "{ size: 400GiB, dailyChange: 50% }"));
    const { gov133 } = run(text);
    expect(gov133.map((f) => f.message)).toEqual(["the daily changes of one, two together need 9.54 h at 100Mbit/s, but the backup window 01:00-06:00 is 5.00 h"]);
    expect(gov133[0].path).toEqual(["proxmox", "hosts", "pve", "uplink"]);
  });

  it("does not apply without an uplink and a window, or to services whose backups stay on site", () => {
    expect(run(catalog(svc("big", 101, "{ size: 2TiB, dailyChange: 30% }"), "vzdumpHook: false")).gov133).toEqual([]);
  });

  it("a window past midnight counts its real length", () => {
    const { estimates } = run(catalog(svc("big", 101, "{ size: 2TiB, dailyChange: 1% }"), "uplink: 1Gbit/s\n      backupWindow: \"23:00-01:00\""));
    expect(estimates[0].uplink!.windowHours).toBe(2);
  });
});

describe("the estimate", () => {
  it("holds one full plus each day's change over the retention in deduplicating stores, replicated when offsite", () => {
    const { estimates } = run(catalog(svc("db", 101, "{ size: 100GiB, dailyChange: 2% }")));
    const e = estimates[0];
    // Important tier: monthly 6 → the longest point lives ceil(365*6/12) = 183 days.
    expect(e.retentionDays).toBe(183);
    const repo = e.targets.find((t) => t.target.startsWith("restic repository"))!;
    expect(repo.storedGiB).toBeCloseTo(100 + 2 * 183, 6);
    expect(repo.monthlyUsd).toBeCloseTo(((repo.storedGiB * 1024 ** 3) / 1e9) * DEFAULT_PRICES.s3StandardGbMonth.usd, 6);
    expect(e.targets.map((t) => t.target)).toContain("restic replica (us-west-2)");
    expect(e.transferGbMonth).toBeCloseTo(((2 * 1024 ** 3) / 1e9) * 30, 6);
  });

  it("uses the catalog's pricing over the defaults, and the document says so", () => {
    const text = catalog(svc("db", 101, "{ size: 100GiB, dailyChange: 2% }"), undefined, "pricing: { s3StandardGbMonth: 0.01 }");
    const r = validateCatalogText(text);
    expect(priceTable(r.catalog!).s3StandardGbMonth).toBe(0.01);
    const md = renderEstimate(r.catalog!, effectivePolicies(r.catalog!));
    expect(md).toContain("| `s3StandardGbMonth` | S3 Standard storage, per GB-month (first 50 TB) | 0.023 | 0.01 (pricing) |");
    expect(md).toContain(`as of ${PRICES_AS_OF.date}`);
  });

  it("refuses an unknown pricing key at its line", () => {
    const r = validateCatalogText(catalog(svc("db", 101, "{ size: 100GiB }"), undefined, "pricing: { s3StandardGBMonth: 0.01 }"));
    expect(r.findings.map((f) => `${f.ruleId} ${f.position.line} ${f.fix}`)).toContain("CAT-003 6 did you mean `s3StandardGbMonth`?");
  });

  it("is written for the Kubernetes example, and the inventory carries each service's figures", () => {
    const md = renderEstimate(validateCatalogText(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")).catalog!, effectivePolicies(validateCatalogText(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")).catalog!));
    expect(md).toMatch(/\| shop \| 200 \| 4\.00 \| 365 \| Velero\/Kopia \(S3 Standard\) \|/);
    expect(md).toContain("| kubernetes.clusters.prod | 1Gbit/s | 00:30-05:30 (5.00 h) | shop |");
  });
});

describe("the documented price table", () => {
  it("docs/catalog.md lists every key with its default, and the date and region", () => {
    const md = readFileSync(join(ROOT, "docs", "catalog.md"), "utf8");
    for (const [k, v] of Object.entries(DEFAULT_PRICES)) expect(md).toContain(`| \`${k}\` | ${v.usd} | ${v.what} |`);
    expect(md).toContain(`AWS list prices of ${PRICES_AS_OF.region} as of ${PRICES_AS_OF.date}`);
  });
});
