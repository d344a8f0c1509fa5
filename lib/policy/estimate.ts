import type { Catalog } from "../catalog/model";
import { PRICE_KEYS } from "../catalog/schema/kubernetes";
import { AppDecision, StorageKind } from "../core/vocabulary";
import { AwsResourceType, resourceTypeOfArn, resourceTypeOfKey, usesAwsBackup } from "./aws-backup";
import type { EffectivePolicy } from "./effective";
import { parseWindow } from "./velero";

/** A key of the price table. */
export type PriceKey = (typeof PRICE_KEYS)[number];

/**
 * The default price table (USD). AWS list prices of region us-east-1 as published in
 * January 2025; `localGbMonth` (storage on the estate's own disks, PBS or NAS) defaults to 0:
 * hardware is bought, not rented. Every key can be overridden in the catalog's `pricing`.
 *
 * @see https://aws.amazon.com/s3/pricing/
 * @see https://aws.amazon.com/backup/pricing/
 * @see https://aws.amazon.com/kms/pricing/
 */
export const DEFAULT_PRICES: Readonly<Record<PriceKey, { readonly usd: number; readonly what: string }>> = {
  s3StandardGbMonth: { usd: 0.023, what: "S3 Standard storage, per GB-month (first 50 TB)" },
  s3StandardIaGbMonth: { usd: 0.0125, what: "S3 Standard-IA storage, per GB-month" },
  s3GlacierIrGbMonth: { usd: 0.004, what: "S3 Glacier Instant Retrieval storage, per GB-month" },
  s3DeepArchiveGbMonth: { usd: 0.00099, what: "S3 Glacier Deep Archive storage, per GB-month" },
  s3PutPer1000: { usd: 0.005, what: "S3 PUT/COPY/POST/LIST requests, per 1000" },
  replicationGb: { usd: 0.02, what: "Inter-region data transfer (S3 replication, AWS Backup copies), per GB" },
  backupWarmGbMonth: { usd: 0.05, what: "AWS Backup warm storage, per GB-month" },
  backupColdGbMonth: { usd: 0.01, what: "AWS Backup cold storage, per GB-month" },
  kmsKeyMonth: { usd: 1, what: "KMS customer-managed key, per key-month" },
  localGbMonth: { usd: 0, what: "Local storage (PBS, NAS, Proxmox storage), per GB-month" },
};

/**
 * AWS Backup storage per resource type and Region (USD per GB-month), from AWS's pricing page:
 * warm storage differs by type (an RDS snapshot costs about twice an EBS snapshot), and only
 * EBS, EFS and DynamoDB (with advanced features) have a cold tier. Regions missing here are
 * estimated with us-east-1's figures, and the estimate says so.
 *
 * @see https://aws.amazon.com/backup/pricing/
 */
export const AWS_BACKUP_PRICES: Readonly<
  Record<string, Readonly<Partial<Record<AwsResourceType, { readonly warm: number; readonly cold?: number }>>>>
> = {
  "us-east-1": {
    [AwsResourceType.EBS]: { warm: 0.05, cold: 0.0125 },
    [AwsResourceType.EC2]: { warm: 0.05 },
    [AwsResourceType.EFS]: { warm: 0.05, cold: 0.01 },
    [AwsResourceType.DYNAMODB]: { warm: 0.1, cold: 0.03 },
    [AwsResourceType.RDS]: { warm: 0.095 },
    [AwsResourceType.AURORA]: { warm: 0.021 },
    [AwsResourceType.DOCUMENTDB]: { warm: 0.021 },
    [AwsResourceType.NEPTUNE]: { warm: 0.021 },
    [AwsResourceType.S3]: { warm: 0.05 },
    [AwsResourceType.FSX]: { warm: 0.05 },
  },
};

/** The resource types AWS Backup can move to cold storage (others ignore `cold_storage_after`). */
export const COLD_STORAGE_TYPES: readonly AwsResourceType[] = [
  AwsResourceType.EBS,
  AwsResourceType.EFS,
  AwsResourceType.DYNAMODB,
];

/**
 * Days of growth an S3 replica is estimated over: it keeps every current version it ever
 * received, because deletions (delete markers) are not replicated, so it grows without bound.
 */
export const REPLICA_HORIZON_DAYS = 365;

/** The AWS Backup price of one resource type in a Region, and the Region whose table gave it. */
export function awsBackupPrice(
  region: string | undefined,
  type: AwsResourceType,
): { warm: number; cold?: number; region: string } | undefined {
  if (region !== undefined) {
    const own = (AWS_BACKUP_PRICES[region] as (typeof AWS_BACKUP_PRICES)[string] | undefined)?.[type];
    if (own) return { ...own, region };
  }
  const fallback = AWS_BACKUP_PRICES[PRICES_AS_OF.region][type];
  return fallback && { ...fallback, region: PRICES_AS_OF.region };
}

/** When and where the defaults were taken. */
export const PRICES_AS_OF = { date: "2025-01", region: "us-east-1" } as const;

/** The catalog's table: defaults with `pricing` overrides. */
export function priceTable(catalog: Pick<Catalog, "pricing">): Record<PriceKey, number> {
  return Object.fromEntries(PRICE_KEYS.map((k) => [k, catalog.pricing[k] ?? DEFAULT_PRICES[k].usd])) as Record<
    PriceKey,
    number
  >;
}

const GIB = 1024 ** 3;
const GB = 1e9;

/** Bytes per second of an uplink as the catalog writes it (`100Mbit/s` is 10^8 bit/s, `20MiB/s` 20 × 2^20 B/s). */
export function uplinkBytesPerSecond(text: string): number {
  const m = /^([0-9]+)(Kbit|Mbit|Gbit|KiB|MiB|GiB)\/s$/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  switch (m[2]) {
    case "Kbit":
      return (n * 1e3) / 8;
    case "Mbit":
      return (n * 1e6) / 8;
    case "Gbit":
      return (n * 1e9) / 8;
    case "KiB":
      return n * 1024;
    case "MiB":
      return n * 1024 ** 2;
    default:
      return n * 1024 ** 3;
  }
}

/** What one target of a service holds over its retention, and what it costs a month. */
export interface TargetEstimate {
  readonly target: string;
  /** GiB held at steady state. */
  readonly storedGiB: number;
  readonly priceKey: PriceKey;
  readonly monthlyUsd: number;
  /** How the figure is reached, in one line. */
  readonly basis: string;
}

/** A service's estimate. */
export interface ServiceEstimate {
  readonly serviceId: string;
  readonly sizeGiB: number;
  readonly dailyChangeGiB: number;
  /** Days the retention spans (the longest-lived point). */
  readonly retentionDays: number;
  readonly targets: readonly TargetEstimate[];
  /** Inter-region transfer per month (replication, copies), GB and USD. */
  readonly transferGbMonth: number;
  readonly transferUsd: number;
  readonly monthlyUsd: number;
  /** Where its backups cross an uplink: the host or cluster, and the link. */
  readonly uplink?: TransferCheck;
}

/** Whether a service's data crosses its uplink in the backup window. */
export interface TransferCheck {
  /** `proxmox.hosts.<h>` or `kubernetes.clusters.<c>`. */
  readonly via: string;
  readonly uplink: string;
  readonly window: string;
  readonly windowHours: number;
  /** Hours the daily change needs at the uplink's full rate. */
  readonly dailyHours: number;
  /** Hours the first full upload needs. */
  readonly firstFullHours: number;
  readonly fits: boolean;
}

/** Where a service's backups leave the site (toward S3 or another region), if anywhere. */
function crossesUplink(
  p: EffectivePolicy,
  catalog: Pick<Catalog, "proxmox" | "kubernetes">,
): { via: string; uplink?: string; window?: string } | undefined {
  const s = p.service;
  if (s.kubernetes) {
    const c = catalog.kubernetes?.clusters[s.kubernetes.cluster];
    return c && { via: `kubernetes.clusters.${c.name}`, uplink: c.uplink, window: c.backupWindow };
  }
  const leaves = (p.appBackup && !s.app?.repository?.startsWith("/")) || p.offsite.required;
  if (!leaves || !s.vm) return undefined;
  const h = catalog.proxmox?.hosts[s.vm.host];
  return h && { via: `proxmox.hosts.${h.name}`, uplink: h.uplink, window: h.backupWindow };
}

/** The estimate of one service with `data`; undefined without it. */
export function serviceEstimate(
  p: EffectivePolicy,
  catalog: Pick<Catalog, "pricing" | "proxmox" | "kubernetes" | "aws">,
): ServiceEstimate | undefined {
  const s = p.service;
  if (!s.data) return undefined;
  const prices = priceTable(catalog);
  const size = s.data.sizeBytes / GIB;
  const change = (size * s.data.dailyChangePercent) / 100;
  const days = p.retention.maxLifetimeDays(p.jobCadence.intervalMinutes);
  const points = p.retention.hourly + p.retention.daily + p.retention.weekly + p.retention.monthly + p.retention.yearly;
  // Deduplicating stores hold one full copy and every day's changes over the retention: an upper bound (changes that overwrite each other count twice).
  const dedup = size + change * days;
  const targets: TargetEstimate[] = [];
  const add = (
    target: string,
    storedGiB: number,
    priceKey: PriceKey,
    basis: string,
    usdPerGbMonth = prices[priceKey],
  ) => targets.push({ target, storedGiB, priceKey, monthlyUsd: ((storedGiB * GIB) / GB) * usdPerGbMonth, basis });
  if (s.vm) {
    const host = catalog.proxmox?.hosts[s.vm.host];
    const storage = host?.storages.find((x) => x.id === host.storage);
    if (storage?.kind === StorageKind.PBS)
      add(
        `vzdump → PBS ${storage.id}`,
        dedup,
        "localGbMonth",
        `deduplicated: one full + ${days} days of ${fmt(change)} GiB changes`,
      );
    else {
      // Each archive is a full image, but only as many exist as the job makes: hourly points of a daily job are never taken.
      const archives = archivesKept(p);
      add(
        `vzdump → ${host?.storage ?? "storage"}`,
        size * archives,
        "localGbMonth",
        `${archives} full archives (no deduplication outside PBS; ${points} retention points, at most one archive per ${p.jobCadence.key} run)`,
      );
    }
  }
  const offsite = p.offsite.required && !!p.offsite.region;
  if (p.appBackup && s.app?.engine) {
    const toS3 = !s.app.repository;
    add(
      `${s.app.tool} repository${toS3 ? " (S3 Standard)" : ` ${s.app.repository}`}`,
      dedup,
      toS3 ? "s3StandardGbMonth" : "localGbMonth",
      `deduplicated: one full + ${days} days of changes`,
    );
    if (toS3 && offsite)
      add(
        `${s.app.tool} replica (${p.offsite.region})`,
        replicaGiB(size, change),
        "s3StandardGbMonth",
        replicaBasis("the repository"),
      );
  }
  if (s.kubernetes) {
    add(
      "Velero/Kopia (S3 Standard)",
      dedup,
      "s3StandardGbMonth",
      `Kopia deduplicates volume data: one full + ${days} days of changes`,
    );
    if (offsite)
      add(
        `Velero replica (${p.offsite.region})`,
        replicaGiB(size, change),
        "s3StandardGbMonth",
        replicaBasis("the cluster's prefix"),
      );
  }
  if (usesAwsBackup(p) && s.app?.decision === AppDecision.PLATFORM_ONLY) {
    const region = catalog.aws?.region;
    const types = awsTypesOf(p);
    const priced = types
      .map((t) => ({ type: t, price: awsBackupPrice(region, t) }))
      .filter((x): x is { type: AwsResourceType; price: NonNullable<ReturnType<typeof awsBackupPrice>> } => !!x.price);
    // One size per service: priced at the dearest of its types, an upper bound when types mix.
    const dearest = priced.reduce<(typeof priced)[number] | undefined>(
      (a, b) => (!a || b.price.warm > a.price.warm ? b : a),
      undefined,
    );
    // `pricing` holds only the keys the catalog overrides.
    const pricing: Readonly<Partial<Record<string, number>>> = catalog.pricing;
    const overridden = pricing.backupWarmGbMonth !== undefined;
    const warmPrice = overridden || !dearest ? prices.backupWarmGbMonth : dearest.price.warm;
    const where =
      dearest && dearest.price.region !== region
        ? ` (no price table for ${region}: ${dearest.price.region} prices)`
        : "";
    const priceNote = overridden
      ? "catalog pricing"
      : dearest
        ? `${dearest.type} ${warmPrice} USD/GB-month${where}`
        : "default warm price";
    const cold = s.aws?.coldStorageAfterDays;
    // Cold storage exists for EBS, EFS and DynamoDB only; other types stay warm whatever the plan says.
    const coldCapable = cold !== undefined && types.length > 0 && types.every((t) => COLD_STORAGE_TYPES.includes(t));
    const warmDays = coldCapable ? Math.min(cold, days) : days;
    add(
      "AWS Backup warm",
      size + change * warmDays,
      "backupWarmGbMonth",
      `incremental: one full + ${warmDays} days of changes; ${priceNote}${cold !== undefined && !coldCapable ? "; no cold tier for this type (EBS, EFS and DynamoDB only)" : ""}`,
      warmPrice,
    );
    if (coldCapable && days > cold) {
      const coldPrice =
        pricing.backupColdGbMonth ?? Math.max(...priced.map((x) => x.price.cold ?? prices.backupColdGbMonth));
      add(
        "AWS Backup cold",
        size * Math.max(1, p.retention.monthly + p.retention.yearly),
        "backupColdGbMonth",
        "cold points are full copies",
        coldPrice,
      );
    }
    if (offsite)
      add(
        `AWS Backup copies (${p.offsite.region})`,
        size + change * warmDays,
        "backupWarmGbMonth",
        `copy actions to the offsite vault; ${priceNote}`,
        warmPrice,
      );
  }
  const transferGb = offsite ? ((change * GIB) / GB) * 30 : 0;
  const transferUsd = transferGb * prices.replicationGb;
  const monthly = targets.reduce((a, t) => a + t.monthlyUsd, 0) + transferUsd;
  const x = crossesUplink(p, catalog);
  let uplink: TransferCheck | undefined;
  if (x?.uplink && x.window) {
    const rate = uplinkBytesPerSecond(x.uplink);
    const w = parseWindow(x.window);
    const dailyHours = (change * GIB) / rate / 3600;
    uplink = {
      via: x.via,
      uplink: x.uplink,
      window: x.window,
      windowHours: w.minutes / 60,
      dailyHours,
      firstFullHours: s.data.sizeBytes / rate / 3600,
      fits: dailyHours <= w.minutes / 60,
    };
  }
  return {
    serviceId: s.id,
    sizeGiB: size,
    dailyChangeGiB: change,
    retentionDays: days,
    targets,
    transferGbMonth: transferGb,
    transferUsd,
    monthlyUsd: monthly,
    uplink,
  };
}

/** GiB an S3 replica holds after {@link REPLICA_HORIZON_DAYS}: every version it received stays current. */
function replicaGiB(size: number, change: number): number {
  return size + change * REPLICA_HORIZON_DAYS;
}

function replicaBasis(what: string): string {
  return `S3 replication of ${what}: the replica keeps every current version (deletions are not replicated), so it grows without bound; after ${REPLICA_HORIZON_DAYS} days`;
}

/**
 * The archives a non-deduplicating store holds: one per job run, at most, within each class
 * the retention keeps (hourly points exist only for a job that runs at least hourly).
 */
export function archivesKept(p: EffectivePolicy): number {
  const every = p.jobCadence.intervalMinutes;
  const r = p.retention;
  const perClass = (count: number, classMinutes: number) => (every <= classMinutes ? count : 0);
  const n =
    perClass(r.hourly, 60) +
    perClass(r.daily, 1440) +
    perClass(r.weekly, 7 * 1440) +
    perClass(r.monthly, 30 * 1440) +
    perClass(r.yearly, 365 * 1440);
  return Math.max(1, n);
}

/** The AWS Backup resource types a service selects: its ARNs' and its tag selection's. */
function awsTypesOf(p: EffectivePolicy): AwsResourceType[] {
  const aws = p.service.aws;
  if (!aws) return [];
  const types = [...aws.resources.map(resourceTypeOfArn), ...aws.tagResourceTypes.map(resourceTypeOfKey)].filter(
    (t): t is AwsResourceType => !!t,
  );
  return [...new Set(types)];
}

/** Estimates of every service with `data`, in catalog order. */
export function estateEstimate(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "pricing" | "proxmox" | "kubernetes" | "aws">,
): ServiceEstimate[] {
  return policies.map((p) => serviceEstimate(p, catalog)).filter((e): e is ServiceEstimate => !!e);
}

/** `1.5`, `12`, `0.04`: GiB and hours for documents. */
export function fmt(n: number): string {
  if (n === 0) return "0";
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  if (n >= 0.01) return n.toFixed(2);
  return n.toPrecision(2);
}

/** Services of a host or cluster and their summed daily change, for the shared-uplink check. */
export function uplinkLoad(
  estimates: readonly ServiceEstimate[],
): Map<string, { services: string[]; dailyHours: number; check: TransferCheck }> {
  const out = new Map<string, { services: string[]; dailyHours: number; check: TransferCheck }>();
  for (const e of estimates) {
    if (!e.uplink) continue;
    const cur = out.get(e.uplink.via) ?? { services: [], dailyHours: 0, check: e.uplink };
    cur.services.push(e.serviceId);
    cur.dailyHours += e.uplink.dailyHours;
    out.set(e.uplink.via, cur);
  }
  return out;
}
