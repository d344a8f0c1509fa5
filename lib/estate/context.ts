import type { Catalog, Service } from "../catalog/model";
import type { Schedule } from "../core/schedule";
import { type Artifact, ArtifactSet } from "../artifacts/artifact";
import { type EffectivePolicy, effectivePolicies } from "../policy/effective";

/** Kinds of place a service's backups live. */
export enum TargetKind {
  /** vzdump images on a Proxmox storage. */
  VZDUMP = "vzdump",
  /** An app-level backup (dump, files) in a restic or borg repository. */
  APP = "app",
  /** AWS Backup recovery points in a vault. */
  AWS_BACKUP = "aws-backup",
  /** Objects in the estate's S3 bucket. */
  S3 = "s3",
  /** A copy in another Region (vault copies, bucket replicas). */
  OFFSITE = "offsite",
  /** Velero backups of Kubernetes workloads. */
  VELERO = "velero",
}

/**
 * One place a service's backups live, registered by the estate builder that created it.
 * The inventory, the SOPs and the onboarding receipt are rendered from these records.
 */
export interface BackupTarget {
  /** The service whose backups live there. */
  readonly serviceId: string;
  /** What kind of place it is. */
  readonly kind: TargetKind;
  /** Short identity: a job id, a bucket/prefix, a vault name. */
  readonly id: string;
  /** Where, in one line: "storage pbs-main on pve", "s3://bucket/prefix (us-east-1)". */
  readonly location: string;
  /** Extra facts for the inventory (storage, region, lock mode, ...). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** Restore steps for the SOP, in order. */
  readonly restoreSteps: readonly string[];
}

/** One scheduled job, for the calendar. */
export interface ScheduledJob {
  /** Stable job id (vzdump job id, timer name, AWS rule). */
  readonly id: string;
  /** What kind of job it is. */
  readonly kind: TargetKind;
  /** What must not overlap: a Proxmox host, an app host, a vault. */
  readonly group: string;
  /** When it runs. */
  readonly schedule: Schedule;
  /** The services it backs up or drills. */
  readonly serviceIds: readonly string[];
  /** Expected duration for overlap checks, minutes. @default 30 */
  readonly durationMinutes?: number;
  /**
   * Jobs of one batch may start together on purpose and are not flagged as overlapping:
   * AWS Backup consolidates rules of one plan that fire at once into a single job with the
   * longest retention.
   */
  readonly batch?: string;
  /** A restore drill or restore test, not a backup (the coverage report's timeline tells them apart). @default false */
  readonly drill?: boolean;
  /** What it does, in one sentence, for the calendar. */
  readonly description: string;
}

/**
 * An S3 location where a service's app-level backups go, returned by the AWS builder
 * and passed to the app-backup builder (which scopes the service's IAM identity to it).
 * Values may be Terraform tokens.
 */
export interface S3Destination {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** Key prefix of this service, ending in `/`. */
  readonly prefix: string;
  /** The bucket's Region. */
  readonly region: string;
  /** The bucket's KMS key, which writers must be allowed to use. */
  readonly kmsKeyArn: string;
  /** The replica, when the service's offsite decision is `required`. */
  readonly offsite?: {
    readonly bucketName: string;
    readonly bucketArn: string;
    readonly region: string;
    readonly kmsKeyArn: string;
  };
  /** The bucket's Object Lock default retention, when it has one. */
  readonly objectLock?: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number };
}

/**
 * Where one cluster's Velero writes, returned by the AWS builder and passed to the Kubernetes builder.
 * Names are literals (the cluster stack cannot refer to the AWS stack's tokens).
 */
export interface VeleroDestination {
  /** The bucket's name (a literal). */
  readonly bucketName: string;
  /** The cluster's key prefix, ending in `/`. */
  readonly prefix: string;
  /** The bucket's Region. */
  readonly region: string;
  /** The KMS key alias of the bucket's region. */
  readonly kmsKeyAlias: string;
  /** The IAM user Velero signs in as. */
  readonly iamUser: string;
  /** The bucket's Object Lock, if any. @default - none */
  readonly lock?: { readonly mode: string; readonly days: number };
  /** The bucket's replica in the offsite Region, if any. @default - none */
  readonly offsite?: { readonly bucketName: string; readonly region: string };
}

/**
 * The read-only inputs every estate builder takes: the catalog and its effective policies.
 * Builders get what else they need (stacks, the AWS builder's buckets) as arguments.
 */
export class EstatePolicies {
  public readonly policies: readonly EffectivePolicy[];
  private readonly byId: Map<string, EffectivePolicy>;

  constructor(
    public readonly catalog: Catalog,
    policies?: readonly EffectivePolicy[],
  ) {
    this.policies = policies ?? effectivePolicies(catalog);
    this.byId = new Map(this.policies.map((p) => [p.service.id, p]));
  }

  public policyOf(service: Service | string): EffectivePolicy {
    const id = typeof service === "string" ? service : service.id;
    const p = this.byId.get(id);
    if (!p) throw new Error(`no service ${id} in the catalog`);
    return p;
  }
}

/**
 * What one estate builder made besides constructs: the backup targets and scheduled jobs it
 * registered (in its own order) and the artifacts it rendered. Each builder returns its own;
 * the estate puts them together.
 */
export class BuildRecord {
  /** The targets registered, in order. */
  public readonly targets: BackupTarget[] = [];
  /** The scheduled jobs registered, in order. */
  public readonly jobs: ScheduledJob[] = [];
  /** The artifacts rendered. */
  public readonly artifacts: Artifact[] = [];

  /** Registers a place a service's backups live. */
  public addTarget(target: BackupTarget): void {
    this.targets.push(target);
  }

  /** Registers a scheduled job. */
  public addJob(job: ScheduledJob): void {
    this.jobs.push(job);
  }

  /** Adds a rendered artifact. */
  public addArtifact(artifact: Artifact): void {
    this.artifacts.push(artifact);
  }
}

/** Options of {@link EstateContext}. */
export interface EstateContextOptions {
  /** The policies, when already computed. @default - computed from the catalog */
  readonly policies?: readonly EffectivePolicy[];
  /** What the builders made, in the order their targets and jobs are listed. @default - nothing */
  readonly records?: readonly BuildRecord[];
  /** The S3 locations of app-level backups, by service id (the AWS builder's). @default - none */
  readonly s3Destinations?: ReadonlyMap<string, S3Destination>;
}

/**
 * What the renderers read once an estate is built: the catalog, the effective policies, and
 * the targets, scheduled jobs and artifacts the builders returned. Made after the builders
 * ran, from their results; nothing in it is shared between builders.
 */
export class EstateContext extends EstatePolicies {
  public readonly artifacts = new ArtifactSet();
  private readonly targetList: BackupTarget[] = [];
  private readonly jobList: ScheduledJob[] = [];
  // Per-service indexes: renderers ask per service, and a scan per service is quadratic in the estate.
  private readonly targetsByService = new Map<string, BackupTarget[]>();
  private readonly jobsByService = new Map<string, ScheduledJob[]>();
  private readonly s3: ReadonlyMap<string, S3Destination>;

  constructor(catalog: Catalog, options: EstateContextOptions = {}) {
    super(catalog, options.policies);
    this.s3 = options.s3Destinations ?? new Map();
    for (const r of options.records ?? []) {
      for (const t of r.targets) this.addTarget(t);
      for (const j of r.jobs) this.addJob(j);
      for (const a of r.artifacts) this.artifacts.add(a);
    }
  }

  /** Adds a target (renderers' tests build contexts by hand). */
  public addTarget(target: BackupTarget): void {
    this.targetList.push(target);
    pushTo(this.targetsByService, target.serviceId, target);
  }

  /** Adds a scheduled job (renderers' tests build contexts by hand). */
  public addJob(job: ScheduledJob): void {
    this.jobList.push(job);
    for (const id of new Set(job.serviceIds)) pushTo(this.jobsByService, id, job);
  }

  /** The S3 location of a service's app-level backups, if the AWS builder made one. */
  public s3DestinationOf(serviceId: string): S3Destination | undefined {
    return this.s3.get(serviceId);
  }

  /** The targets of one service, in registration order. */
  public targetsOf(serviceId: string): BackupTarget[] {
    return [...(this.targetsByService.get(serviceId) ?? [])];
  }

  /** The scheduled jobs that include one service, in registration order. */
  public jobsOf(serviceId: string): ScheduledJob[] {
    return [...(this.jobsByService.get(serviceId) ?? [])];
  }

  public get targets(): readonly BackupTarget[] {
    return this.targetList;
  }

  public get jobs(): readonly ScheduledJob[] {
    return this.jobList;
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
