import { Construct, type TerraformProvider, type TerraformResource, Token } from "../core/cdk";
import { tfLiteral } from "../core/escape/terraform";
import { HookOnError, VolumeBackupMode } from "../core/vocabulary";
import { Errors } from "../errors";
import type { Duration } from "../core/duration";
import type { Schedule } from "../core/schedule";
import { kubernetesCron } from "../policy/velero";
import { reachChecksAbove } from "../governance/reach";
import { kubernetesManifest } from "../providers/kubernetes";
import { checkConstructProps } from "../private/props";

/** API version of every object this construct renders (Velero v1.18 CRDs). */
export const VELERO_API = "velero.io/v1";

/** A Kubernetes object as plain data: what `kubernetes_manifest` and the GitOps YAML hold. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** Where Velero writes: one S3 bucket prefix, through the AWS object-store plugin. */
export interface VeleroStorageLocationProps {
  /** Name of the BackupStorageLocation object. */
  readonly name: string;
  readonly bucket: string;
  /** Key prefix inside the bucket, with or without a trailing `/`. */
  readonly prefix: string;
  readonly region: string;
  /**
   * The KMS key every object is encrypted with (id, ARN or `alias/...`): the plugin sends it
   * with each upload, matching the bucket's own default encryption.
   * @default - the bucket's default encryption only
   */
  readonly kmsKeyId?: string;
  /**
   * Secret (in the Velero namespace) whose key `cloud` holds the AWS credentials file of the
   * cluster's IAM identity. Never rendered here: it is created by hand or by a secret operator.
   * @default "backup-gov-velero-credentials"
   */
  readonly credentialsSecret?: string;
  /**
   * Read-only: a location for restores only (a second cluster reading the first's backups).
   * @default false
   */
  readonly readOnly?: boolean;
}

/** A command Velero runs in a container around a pod's backup (an exec hook). */
export interface VeleroHook {
  readonly container: string;
  /** @default - every pod the backup selects */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly pre?: readonly string[];
  /** @default - none */
  readonly post?: readonly string[];
  /** @default 5 */
  readonly timeoutMinutes?: number;
  /** @default HookOnError.FAIL */
  readonly onError?: HookOnError;
}

/** One Velero Schedule. */
export interface VeleroScheduleProps {
  /** Object name (also the `schedule` label of the backups' metrics). */
  readonly name: string;
  /**
   * When backups run (Velero server time, normally UTC), written as a five-field cron for the Schedule.
   * @default - `cron` (one of the two is required)
   */
  readonly schedule?: Schedule;
  /**
   * Five-field cron expression (Velero server time, normally UTC).
   * @deprecated use `schedule` (a {@link Schedule}); one of the two is required.
   * @default - from `schedule`
   */
  readonly cron?: string;
  /**
   * How long each backup is kept (the Backup's `ttl`): whole hours.
   * @default - `ttlHours` (one of the two is required)
   */
  readonly ttl?: Duration;
  /**
   * Hours each backup is kept.
   * @deprecated use `ttl` (a {@link Duration}); one of the two is required.
   * @default - from `ttl`
   */
  readonly ttlHours?: number;
  /** The namespaces each backup includes. */
  readonly namespaces: readonly string[];
  /** @default - every object of the namespaces */
  readonly labelSelector?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly excludedResources?: readonly string[];
  /** @default VolumeBackupMode.FS */
  readonly volumes?: VolumeBackupMode;
  /** @default - none */
  readonly hooks?: readonly VeleroHook[];
  /** Labels on the Schedule and on every Backup it creates. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Props of {@link VeleroProtection}. */
export interface VeleroProtectionProps {
  /** @default "velero" */
  readonly namespace?: string;
  readonly storageLocation: VeleroStorageLocationProps;
  /** The Kubernetes provider of the cluster. @default - the stack's default kubernetes provider */
  readonly provider?: TerraformProvider;
  /** Labels on every object. @default - `app.kubernetes.io/managed-by: backup-gov` */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Velero in one cluster: a BackupStorageLocation on an S3 prefix and the Schedules added with
 * {@link VeleroProtection.addSchedule}, each a `kubernetes_manifest`. {@link VeleroProtection.objects}
 * holds the same objects as plain data, for GitOps users who apply YAML instead of Terraform.
 *
 * File-system backups use Kopia: Velero v1.18 has no other uploader (its Restic path was
 * removed in v1.17), and no Schedule field selects one: the server's `--uploader-type` does.
 *
 * @see https://velero.io/docs/v1.18/api-types/schedule/
 */
export class VeleroProtection extends Construct {
  /** @attribute */
  public readonly namespace: string;
  /** @attribute */
  public readonly storageLocationName: string;
  private readonly objectList: KubernetesObject[] = [];
  private readonly props: VeleroProtectionProps;
  private readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: VeleroProtectionProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "VeleroProtection", props);
    this.props = props;
    this.namespace = props.namespace ?? "velero";
    this.labels = props.labels ?? { "app.kubernetes.io/managed-by": "backup-gov" };
    this.storageLocationName = props.storageLocation.name;
    this.createManifest("StorageLocation", renderStorageLocation(this.namespace, props.storageLocation, this.labels));
  }

  /** Every object, in creation order (the storage location first). */
  public get objects(): readonly KubernetesObject[] {
    return this.objectList;
  }

  /** Adds a Schedule writing to this construct's storage location. */
  public addSchedule(schedule: VeleroScheduleProps): KubernetesObject {
    const obj = renderSchedule(this.namespace, this.storageLocationName, schedule, this.labels);
    this.createManifest(`Schedule-${schedule.name}`, obj);
    return obj;
  }

  /** A `kubernetes_manifest` (a `Manifest` of @cdktf/provider-kubernetes, typed by its base class: the package is an optional peer). */
  protected createManifest(id: string, obj: KubernetesObject): TerraformResource {
    this.objectList.push(obj);
    // A manifest is data: Terraform must not read a hook's `${HOME}` as an interpolation. Tokens stay tokens.
    return kubernetesManifest(this, id, {
      manifest: literal(obj) as Record<string, unknown>,
      provider: this.props.provider,
    });
  }
}

/** Every string (keys too) of a plain object as a Terraform literal, except cdktf tokens. */
function literal(value: unknown): unknown {
  if (typeof value === "string") return Token.isUnresolved(value) ? value : tfLiteral(value);
  if (Array.isArray(value)) return value.map(literal);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [Token.isUnresolved(k) ? k : tfLiteral(k), literal(v)]),
    );
  return value;
}

/** The BackupStorageLocation object. */
export function renderStorageLocation(
  namespace: string,
  p: VeleroStorageLocationProps,
  labels: Readonly<Record<string, string>> = {},
): KubernetesObject {
  const prefix = p.prefix.replace(/\/+$/, "");
  return {
    apiVersion: VELERO_API,
    kind: "BackupStorageLocation",
    metadata: { name: p.name, namespace, labels: { ...labels } },
    spec: {
      // PROVIDER NOTE: `aws` is velero-plugin-for-aws; it must be installed (velero install --plugins).
      provider: "aws",
      objectStorage: { bucket: p.bucket, prefix },
      config: { region: p.region, ...(p.kmsKeyId ? { kmsKeyId: p.kmsKeyId } : {}) },
      credential: { name: p.credentialsSecret ?? "backup-gov-velero-credentials", key: "cloud" },
      accessMode: p.readOnly ? "ReadOnly" : "ReadWrite",
      // Schedules name their location: no reliance on (or fight over) the cluster's default one.
      default: false,
      validationFrequency: "1h0m0s",
    },
  };
}

/** The five-field cron of a schedule's props: `schedule`, or the deprecated `cron`. */
function cronOf(p: VeleroScheduleProps): string {
  const where = `Velero schedule ${p.name}`;
  if (p.schedule !== undefined && p.cron !== undefined) throw Errors.deprecatedTogether(where, "cron", "schedule");
  if (p.schedule !== undefined) return kubernetesCron(p.schedule);
  if (p.cron === undefined) throw Errors.missingProp(where, "schedule", "a Schedule (or the deprecated cron)");
  return p.cron;
}

/** The TTL in hours of a schedule's props: `ttl`, or the deprecated `ttlHours`. */
function ttlHoursOf(p: VeleroScheduleProps): number {
  const where = `Velero schedule ${p.name}`;
  if (p.ttl !== undefined && p.ttlHours !== undefined) throw Errors.deprecatedTogether(where, "ttlHours", "ttl");
  if (p.ttl !== undefined) return p.ttl.toHours();
  if (p.ttlHours === undefined)
    throw Errors.missingProp(where, "ttl", "a Duration of whole hours (or the deprecated ttlHours)");
  return p.ttlHours;
}

/** The Schedule object: a Backup template with the TTL, filters, volume policy and hooks. */
export function renderSchedule(
  namespace: string,
  storageLocation: string,
  props: VeleroScheduleProps,
  labels: Readonly<Record<string, string>> = {},
): KubernetesObject {
  const s = { ...props, cron: cronOf(props), ttlHours: ttlHoursOf(props) };
  if (!/^\S+( \S+){4}$/.test(s.cron)) throw Errors.invalidVeleroSchedule(s.name, "cron", s.cron, "five cron fields");
  if (!Number.isInteger(s.ttlHours) || s.ttlHours < 1)
    throw Errors.invalidVeleroSchedule(s.name, "ttlHours", String(s.ttlHours), "a whole number of hours, at least 1");
  if (s.namespaces.length === 0)
    throw Errors.invalidVeleroSchedule(s.name, "namespaces", "[]", "at least one namespace");
  const snapshot = (s.volumes ?? VolumeBackupMode.FS) === VolumeBackupMode.SNAPSHOT;
  const own = { ...labels, ...(s.labels ?? {}) };
  const hooks = (s.hooks ?? []).map((h, i) => ({
    name: `${s.name}-${i}`,
    includedNamespaces: [...s.namespaces],
    ...(h.podLabels && Object.keys(h.podLabels).length ? { labelSelector: { matchLabels: { ...h.podLabels } } } : {}),
    ...(h.pre?.length ? { pre: [execHook(h, h.pre)] } : {}),
    ...(h.post?.length ? { post: [execHook(h, h.post)] } : {}),
  }));
  return {
    apiVersion: VELERO_API,
    kind: "Schedule",
    metadata: { name: s.name, namespace, labels: own },
    spec: {
      schedule: s.cron,
      // Backups outlive a deleted Schedule: they expire by their own TTL.
      useOwnerReferencesInBackup: false,
      template: {
        metadata: { labels: own },
        includedNamespaces: [...s.namespaces],
        ...(s.labelSelector && Object.keys(s.labelSelector).length
          ? { labelSelector: { matchLabels: { ...s.labelSelector } } }
          : {}),
        ...(s.excludedResources?.length ? { excludedResources: [...s.excludedResources] } : {}),
        storageLocation,
        ttl: `${s.ttlHours}h0m0s`,
        // PROVIDER NOTE: fs backup (Kopia) and CSI snapshots are exclusive per volume; say which one, never leave it to defaults.
        defaultVolumesToFsBackup: !snapshot,
        snapshotVolumes: snapshot,
        // PROVIDER NOTE: CSI snapshots need no VolumeSnapshotLocation; naming one whose provider is csi fails the backup ("unable to get valid VolumeSnapshotter").
        ...(snapshot ? { snapshotMoveData: true, datamover: "velero" } : {}),
        ...(hooks.length ? { hooks: { resources: hooks } } : {}),
      },
    },
  };
}

function execHook(h: VeleroHook, command: readonly string[]) {
  const minutes = h.timeoutMinutes ?? 5;
  const timeout = minutes >= 60 ? `${Math.floor(minutes / 60)}h${minutes % 60}m0s` : `${minutes}m0s`;
  return {
    exec: {
      container: h.container,
      command: [...command],
      onError: veleroOnError(h.onError ?? HookOnError.FAIL),
      timeout,
    },
  };
}

/** Velero's spelling of an on-error policy (its CRD accepts `Fail` and `Continue` only). */
function veleroOnError(onError: HookOnError): "Fail" | "Continue" {
  return onError === HookOnError.CONTINUE ? "Continue" : "Fail";
}
