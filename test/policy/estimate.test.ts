import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderEstimate } from "../../lib/artifacts/estimate";
import { effectivePolicies } from "../../lib/policy/effective";
import {
  archivesKept,
  AWS_BACKUP_PRICES,
  awsBackupPrice,
  COLD_STORAGE_TYPES,
  DEFAULT_PRICES,
  PRICES_AS_OF,
  REPLICA_HORIZON_DAYS,
  estateEstimate,
  priceTable,
  uplinkBytesPerSecond,
} from "../../lib/policy/estimate";
import { AwsResourceType } from "../../lib/policy/aws-backup";
import { awsCatalogText, awsService } from "../support/aws-fixtures";
import { loadCatalogText } from "../../lib/catalog/load";
import { validateCatalogText } from "../../lib/governance/validate";
import { ROOT } from "../support/catalogs";

/** A Proxmox + AWS estate with one host (uplink, window) and app-level services on it. */
function catalog(
  services: string,
  host = 'uplink: 100Mbit/s\n      backupWindow: "01:00-06:00"',
  pricing = "",
): string {
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
  return {
    r,
    estimates: r.catalog ? estateEstimate(effectivePolicies(r.catalog), r.catalog) : [],
    gov133: r.findings.filter((f) => f.ruleId === "GOV-133"),
  };
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
    const text = catalog(
      svc("one", 101, "{ size: 400GiB, dailyChange: 50% }") + svc("two", 102, "{ size: 400GiB, dailyChange: 50% }"),
    );
    const { gov133 } = run(text);
    expect(gov133.map((f) => f.message)).toEqual([
      "the daily changes of one, two together need 9.54 h at 100Mbit/s, but the backup window 01:00-06:00 is 5.00 h",
    ]);
    expect(gov133[0].path).toEqual(["proxmox", "hosts", "pve", "uplink"]);
  });

  it("does not apply without an uplink and a window, or to services whose backups stay on site", () => {
    expect(run(catalog(svc("big", 101, "{ size: 2TiB, dailyChange: 30% }"), "vzdumpHook: false")).gov133).toEqual([]);
  });

  it("a window past midnight counts its real length", () => {
    const { estimates } = run(
      catalog(svc("big", 101, "{ size: 2TiB, dailyChange: 1% }"), 'uplink: 1Gbit/s\n      backupWindow: "23:00-01:00"'),
    );
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
    const text = catalog(
      svc("db", 101, "{ size: 100GiB, dailyChange: 2% }"),
      undefined,
      "pricing: { s3StandardGbMonth: 0.01 }",
    );
    const r = validateCatalogText(text);
    expect(priceTable(r.catalog!).s3StandardGbMonth).toBe(0.01);
    const md = renderEstimate(r.catalog!, effectivePolicies(r.catalog!));
    expect(md).toContain(
      "| `s3StandardGbMonth` | S3 Standard storage, per GB-month (first 50 TB) | 0.023 | 0.01 (pricing) |",
    );
    expect(md).toContain(`as of ${PRICES_AS_OF.date}`);
  });

  it("refuses an unknown pricing key at its line", () => {
    const r = validateCatalogText(
      catalog(svc("db", 101, "{ size: 100GiB }"), undefined, "pricing: { s3StandardGBMonth: 0.01 }"),
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.position.line} ${f.fix}`)).toContain(
      "CAT-003 6 did you mean `s3StandardGbMonth`?",
    );
  });

  it("is written for the Kubernetes example, and the inventory carries each service's figures", () => {
    const md = renderEstimate(
      validateCatalogText(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")).catalog!,
      effectivePolicies(validateCatalogText(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")).catalog!),
    );
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

describe("the estimate, per AWS's pricing pages", () => {
  const awsOnly = (services: Array<Record<string, unknown>>, region = "us-east-1") => {
    // Loaded, not validated: the other rules' findings (GOV-017, ...) are not what these tests are about.
    const c = loadCatalogText(
      awsCatalogText(services, { region, offsiteRegion: region === "us-west-2" ? "us-east-1" : "us-west-2" }),
      "est.yaml",
    ).catalog!;
    return estateEstimate(effectivePolicies(c), c);
  };
  const dbService = (id: string, arn: string, extra: Record<string, unknown> = {}) =>
    awsService(id, { data: { size: "100GiB", dailyChange: "1%" }, aws: { resources: [arn] }, ...extra });

  it("prices AWS Backup warm storage per resource type: an RDS snapshot about twice an EBS one", () => {
    // Source: AWS Backup pricing (https://aws.amazon.com/backup/pricing/), US East (N. Virginia), warm storage per
    // GB-month: Amazon EBS snapshot $0.05, Amazon RDS snapshot $0.095, Amazon DynamoDB $0.10, Amazon EFS $0.05,
    // Amazon Aurora $0.021.
    expect(AWS_BACKUP_PRICES["us-east-1"][AwsResourceType.EBS]!.warm).toBe(0.05);
    expect(AWS_BACKUP_PRICES["us-east-1"][AwsResourceType.RDS]!.warm).toBe(0.095);
    expect(AWS_BACKUP_PRICES["us-east-1"][AwsResourceType.DYNAMODB]!.warm).toBe(0.1);
    const [rds, ebs] = awsOnly([
      dbService("db", "arn:aws:rds:us-east-1:123456789012:db:db"),
      dbService("vol", "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"),
    ]);
    const warm = (e: typeof rds) => e.targets.find((t) => t.target === "AWS Backup warm")!;
    expect(warm(rds).storedGiB).toBe(warm(ebs).storedGiB);
    expect(warm(rds).monthlyUsd / warm(ebs).monthlyUsd).toBeCloseTo(0.095 / 0.05, 6);
    expect(warm(rds).basis).toContain("RDS 0.095 USD/GB-month");
  });

  it("has cold storage only for EBS, EFS and DynamoDB: an RDS plan's cold_storage_after keeps everything warm", () => {
    // Source: AWS Backup pricing: "Cold storage is currently only supported for back-ups of Amazon EBS, Amazon EFS and
    // Amazon DynamoDB"; AWS Backup Developer Guide, "Feature availability by resource" (others ignore cold_storage_after).
    expect([...COLD_STORAGE_TYPES].sort()).toEqual(
      [AwsResourceType.DYNAMODB, AwsResourceType.EBS, AwsResourceType.EFS].sort(),
    );
    const cold = { coldStorageAfterDays: 30 };
    const [rds, efs] = awsOnly([
      awsService("db", {
        classification: "critical",
        rpo: "1h",
        rto: "4h",
        data: { size: "100GiB", dailyChange: "1%" },
        aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:db"], ...cold },
        offsite: { required: false, reason: "fixture" },
      }),
      awsService("fs", {
        classification: "critical",
        rpo: "1h",
        rto: "4h",
        data: { size: "100GiB", dailyChange: "1%" },
        aws: { resources: ["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123abcd"], ...cold },
        offsite: { required: false, reason: "fixture" },
      }),
    ]);
    expect(rds.targets.map((t) => t.target)).not.toContain("AWS Backup cold");
    expect(rds.targets.find((t) => t.target === "AWS Backup warm")!.basis).toMatch(/no cold tier for this type/);
    expect(efs.targets.find((t) => t.target === "AWS Backup cold")).toBeDefined();
  });

  it("keeps a price table per Region and says when it falls back to us-east-1's", () => {
    // Source: AWS Backup pricing: prices are published per Region (the page's Region selector).
    expect(Object.keys(AWS_BACKUP_PRICES)).toContain("us-east-1");
    expect(awsBackupPrice("us-east-1", AwsResourceType.RDS)).toEqual({ warm: 0.095, region: "us-east-1" });
    expect(awsBackupPrice("ap-south-2", AwsResourceType.RDS)).toEqual({ warm: 0.095, region: "us-east-1" });
    const [e] = awsOnly([dbService("db", "arn:aws:rds:ap-south-2:123456789012:db:db")], "ap-south-2");
    expect(e.targets.find((t) => t.target === "AWS Backup warm")!.basis).toContain(
      "no price table for ap-south-2: us-east-1 prices",
    );
  });

  it("prices the S3 replica for what it keeps: every version it received, deletions not replicated", () => {
    // Source: S3 user guide, "Replicating delete markers between buckets" (delete marker replication is off unless
    // enabled; the estate leaves it off so that a deletion does not follow offsite), priced at S3 Standard
    // (https://aws.amazon.com/s3/pricing/).
    const { estimates } = run(catalog(svc("db", 101, "{ size: 100GiB, dailyChange: 2% }")));
    const replica = estimates[0].targets.find((t) => t.target === "restic replica (us-west-2)")!;
    const primary = estimates[0].targets.find((t) => t.target.startsWith("restic repository"))!;
    expect(replica.storedGiB).toBeCloseTo(100 + 2 * REPLICA_HORIZON_DAYS, 6);
    expect(replica.storedGiB).toBeGreaterThan(primary.storedGiB);
    expect(replica.basis).toMatch(/deletions are not replicated/);
  });

  it("counts the archives a non-PBS store really holds: one per job run and retention class, not one per retention point", () => {
    // A weekly job (RPO 7d) under the important tier's daily and weekly points: the daily ones are never taken.
    const text = catalog(
      svc("vm", 101, "{ size: 300GiB, dailyChange: 1% }").replace("rpo: 1d", "rpo: 7d"),
      "storages: [{ id: nas, type: dir, path: /mnt/nas }]",
    );
    const { r, estimates } = run(text.replace("storage: pbs", "storage: nas"));
    expect(r.findings.filter((f) => f.severity === "error").map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
    const p = effectivePolicies(r.catalog!)[0];
    const nas = estimates[0].targets.find((t) => t.target.startsWith("vzdump → nas"))!;
    // A weekly job keeps no hourly or daily archive: weekly + monthly + yearly at most.
    expect(p.jobCadence.intervalMinutes).toBe(7 * 1440);
    expect(archivesKept(p)).toBe(p.retention.weekly + p.retention.monthly + p.retention.yearly);
    expect(nas.storedGiB).toBe(300 * archivesKept(p));
    const points =
      p.retention.hourly + p.retention.daily + p.retention.weekly + p.retention.monthly + p.retention.yearly;
    expect({ cadence: p.jobCadence.key, kept: archivesKept(p) < points }).toEqual({
      cadence: p.jobCadence.key,
      kept: true,
    });
  });
});
