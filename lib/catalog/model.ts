import { Duration } from "../core/duration";
import {
  AppDecision,
  AppEngine,
  BackupTool,
  Classification,
  ClusterSnapshots,
  HookOnError,
  VolumeBackupMode,
  ComplianceRegime,
  GuestKind,
  LockMode,
  type MysqlFlavour,
  StorageKind,
  VzdumpMode,
  type ChatTool,
  type ProxmoxAuth,
  type ProxmoxStackSplit,
  type StateBackend,
  type VzdumpHookMode,
  type WebhookKind,
} from "../core/vocabulary";
import type { CatalogPath } from "../core/finding";

// The vocabularies that used to be declared here, where their importers still look for them.
export { ProxmoxAuth, ProxmoxStackSplit, StateBackend, VzdumpHookMode, WebhookKind } from "../core/vocabulary";

/**
 * The typed catalog: what the loader hands to policy, governance, the estate and the
 * renderers. Plain data; it knows nothing of cdktf.
 */

/** @deprecated use {@link VzdumpMode}. */
export type VzdumpModeName = VzdumpMode;

export interface RetentionCounts {
  readonly hourly?: number;
  readonly daily?: number;
  readonly weekly?: number;
  readonly monthly?: number;
  readonly yearly?: number;
}

export interface ServiceVm {
  readonly host: string;
  readonly vmid: number;
  readonly kind: GuestKind;
  readonly mode: VzdumpMode;
}

export interface ServiceApp {
  readonly decision: AppDecision;
  readonly rationale: string;
  readonly engine?: AppEngine;
  readonly host?: string;
  readonly database?: string;
  readonly pitr: boolean;
  readonly paths: readonly string[];
  readonly excludes: readonly string[];
  readonly tool: BackupTool;
  readonly repository?: string;
  readonly bandwidthLimit?: string;
  /** postgresql: dump in directory format above this size (catalog spelling, e.g. `20GiB`). */
  readonly directoryFormatAbove?: string;
  /** postgresql: parallel workers of directory-format dumps, when the catalog sets it. */
  readonly jobs?: number;
  /** mysql: the server flavour (MariaDB or MySQL 8), when the catalog sets it. */
  readonly flavour?: MysqlFlavour;
  /** mysql: the server's version (`10.5`, `10.11`), when the catalog names it. */
  readonly serverVersion?: string;
  /** mongodb: replica set name (dumps use `--oplog`). */
  readonly replicaSet?: string;
  /** With pitr: interval of full physical backups, when the catalog sets it. */
  readonly fullEvery?: Duration;
}

/** A guest as the catalog or a ProtectedService names it: `kind` and `mode` may be left out. */
export type ServiceVmInput = Omit<ServiceVm, "kind" | "mode"> & Partial<Pick<ServiceVm, "kind" | "mode">>;

/** The guest with the catalog's defaults (qemu, snapshot): one place for both front doors. */
export function serviceVm(vm: ServiceVmInput): ServiceVm {
  return { host: vm.host, vmid: vm.vmid, kind: vm.kind ?? GuestKind.QEMU, mode: vm.mode ?? VzdumpMode.SNAPSHOT };
}

/** An app-level decision as the catalog or a ProtectedService names it: the defaulted keys may be left out. */
export type ServiceAppInput = Omit<ServiceApp, "pitr" | "paths" | "excludes" | "tool"> &
  Partial<Pick<ServiceApp, "pitr" | "paths" | "excludes" | "tool">>;

/** The app-level decision with the catalog's defaults (no pitr, no paths, restic): one place for both front doors. */
export function serviceApp(app: ServiceAppInput): ServiceApp {
  return {
    decision: app.decision,
    rationale: app.rationale,
    engine: app.engine,
    host: app.host,
    database: app.database,
    pitr: app.pitr ?? false,
    paths: app.paths ?? [],
    excludes: app.excludes ?? [],
    tool: app.tool ?? BackupTool.RESTIC,
    repository: app.repository,
    bandwidthLimit: app.bandwidthLimit,
    directoryFormatAbove: app.directoryFormatAbove,
    jobs: app.jobs,
    flavour: app.flavour,
    serverVersion: app.serverVersion,
    replicaSet: app.replicaSet,
    fullEvery: app.fullEvery,
  };
}

/** IAM Roles Anywhere settings of the estate (app-level backups' credentials). */
export interface RolesAnywhereSettings {
  readonly trustAnchorArn: string;
}

export interface ServiceOffsite {
  readonly required: boolean;
  readonly reason: string;
  readonly region?: string;
}

export interface ServiceImmutable {
  readonly mode: LockMode;
  readonly days: number;
  readonly maxDays?: number;
}

export interface ServiceAws {
  readonly resources: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Catalog keys of the resource types the tags select (`rds`, `s3`, ...); empty when not declared. */
  readonly tagResourceTypes: readonly string[];
  readonly coldStorageAfterDays?: number;
}

export interface ServiceRestore {
  readonly secrets?: string;
  readonly validate: readonly string[];
  readonly dependsOn: readonly string[];
  readonly notes?: string;
}

/** A Velero exec hook of a Kubernetes service. */
export interface ServiceKubernetesHook {
  /** Position in the service's `kubernetes.hooks`. */
  readonly index: number;
  readonly container: string;
  /** Labels of the pods it runs in; empty: every pod the backup selects. */
  readonly selector: Readonly<Record<string, string>>;
  readonly pre: readonly string[];
  readonly post: readonly string[];
  readonly timeout: Duration;
  readonly onError: HookOnError;
}

/** A service's workloads in a Kubernetes cluster (Velero). */
export interface ServiceKubernetes {
  readonly cluster: string;
  readonly namespaces: readonly string[];
  readonly labelSelector: Readonly<Record<string, string>>;
  readonly excludeResources: readonly string[];
  readonly volumes: VolumeBackupMode;
  readonly hooks: readonly ServiceKubernetesHook[];
}

/** Sizing of a service's data for the estimate. */
export interface ServiceData {
  /** One full backup before compression and deduplication, in bytes. */
  readonly sizeBytes: number;
  /** The catalog's spelling, e.g. `200GiB`. */
  readonly size: string;
  /** Share of the size that changes per day, in percent (default 5). */
  readonly dailyChangePercent: number;
}

export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
  /** Index inside the service's `acknowledge` list, for positions. */
  readonly index: number;
}

export interface Service {
  /** Index in the catalog's `services` list. */
  readonly index: number;
  /** YAML path of this service: `["services", index]`. */
  readonly path: CatalogPath;
  readonly id: string;
  readonly description?: string;
  /** The service's owner, or the catalog's default owner. */
  readonly owner?: string;
  readonly classification: Classification;
  readonly rpo: Duration;
  readonly rto: Duration;
  readonly vm?: ServiceVm;
  readonly app?: ServiceApp;
  readonly offsite?: ServiceOffsite;
  readonly immutable?: ServiceImmutable;
  readonly aws?: ServiceAws;
  /** The service's Kubernetes workloads, when Velero protects it. */
  readonly kubernetes?: ServiceKubernetes;
  /** Sizing for the estimate, when the catalog gives it. */
  readonly data?: ServiceData;
  /** Only the keys the service overrides; policy merges them over the tier. */
  readonly retention: RetentionCounts;
  readonly restore: ServiceRestore;
  readonly compliance: readonly ComplianceRegime[];
  readonly acknowledge: readonly Acknowledgement[];
}

export interface AwsSettings {
  readonly region: string;
  readonly offsiteRegion?: string;
  readonly accountId?: string;
  readonly deletionProtection: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** The one principal that may disable or schedule the deletion of the estate's keys (`aws.breakGlassPrincipal`). */
  readonly breakGlassPrincipal?: string;
  /** Temporary credentials for app-level backups; absent: per-service IAM users. */
  readonly rolesAnywhere?: RolesAnywhereSettings;
  readonly audit: AuditSettings;
  /** Account-wide prerequisites the catalog declares as checked. */
  readonly prerequisites?: AwsPrerequisites;
}

/** `aws.prerequisites`: what the account has that the estate relies on. */
export interface AwsPrerequisites {
  readonly configRecorder: boolean;
  /** Catalog keys of the resource types opted in to AWS Backup; undefined when not declared. */
  readonly backupOptIn?: readonly string[];
}

/** The estate's CloudTrail audit trail (`aws.audit`). */
export interface AuditSettings {
  readonly enabled: boolean;
  readonly lockMode: LockMode;
  readonly retentionDays: number;
}

export interface ProxmoxHost {
  readonly name: string;
  readonly endpoint: string;
  readonly node: string;
  readonly storage: string;
  readonly insecure: boolean;
  /** Where the rendered vzdump hook runs from, if anywhere. */
  readonly vzdumpHook: VzdumpHookMode;
  /** The nodes put the CloudWatch heartbeat from the vzdump hook (credentials installed by the operator). */
  readonly vzdumpHeartbeat: boolean;
  /** The credentials Terraform uses for this host. */
  readonly auth: ProxmoxAuth;
  /** Backup storages the catalog declares on this host (created with Terraform). */
  readonly storages: readonly ProxmoxStorage[];
  /** Bandwidth toward the offsite copy, as the catalog writes it (`100Mbit/s`). */
  readonly uplink?: string;
  /** When backups may run, `HH:MM-HH:MM` local time. */
  readonly backupWindow?: string;
}

/** A Kubernetes cluster whose workloads Velero protects (`kubernetes.clusters.<name>`). */
export interface KubernetesCluster {
  readonly name: string;
  /** The kubeconfig context of the cluster. */
  readonly context: string;
  /** Where Velero runs. @default "velero" */
  readonly veleroNamespace: string;
  readonly snapshots: ClusterSnapshots;
  readonly uplink?: string;
  readonly backupWindow?: string;
  /** Whether the Prometheus Operator (the ServiceMonitor CRD) runs in the cluster. */
  readonly prometheusOperator: boolean;
}

/** A declared storage's own retention (its Proxmox `backups` block). */
export interface ProxmoxStorageRetention {
  readonly keepAll?: boolean;
  readonly last?: number;
  readonly hourly?: number;
  readonly daily?: number;
  readonly weekly?: number;
  readonly monthly?: number;
  readonly yearly?: number;
  readonly maxProtected?: number;
}

/** What every declared Proxmox storage has. */
export interface ProxmoxStorageBase {
  readonly id: string;
  /** Position in the host's `storages` list, for finding paths. */
  readonly index: number;
  /** Nodes where it is available; empty means every node. */
  readonly nodes: readonly string[];
  readonly description?: string;
  readonly retention?: ProxmoxStorageRetention;
}

export interface PbsStorage extends ProxmoxStorageBase {
  readonly kind: StorageKind.PBS;
  readonly server: string;
  readonly datastore: string;
  readonly namespace?: string;
  readonly username: string;
  /** Where the password/token secret is kept (a reference, never the secret). */
  readonly passwordSecret: string;
  readonly fingerprint?: string;
  readonly encryption?: { readonly generate: boolean; readonly keySecret: string };
}

export interface NfsStorage extends ProxmoxStorageBase {
  readonly kind: StorageKind.NFS;
  readonly server: string;
  readonly export: string;
  readonly options?: string;
}

export interface CifsStorage extends ProxmoxStorageBase {
  readonly kind: StorageKind.CIFS;
  readonly server: string;
  readonly share: string;
  readonly username: string;
  readonly domain?: string;
  readonly subdirectory?: string;
  readonly passwordSecret: string;
}

export interface DirStorage extends ProxmoxStorageBase {
  readonly kind: StorageKind.DIR;
  readonly path: string;
  readonly shared: boolean;
}

/** A backup storage declared on a host. */
export type ProxmoxStorage = PbsStorage | NfsStorage | CifsStorage | DirStorage;

/** A chat channel AWS Chatbot delivers the alert topic to. */
export type ChatbotChannelSpec =
  | { readonly type: ChatTool.SLACK; readonly name: string; readonly workspaceId: string; readonly channelId: string }
  | {
      readonly type: ChatTool.TEAMS;
      readonly name: string;
      readonly tenantId: string;
      readonly teamId: string;
      readonly channelId: string;
    };

export interface Notifications {
  readonly email: readonly string[];
  /** `kind` is undefined when the catalog does not say (then GOV-102 guesses from the name). */
  readonly webhooks: readonly { readonly name: string; readonly kind?: WebhookKind }[];
  /** AWS Chatbot channels subscribed to the alert topic. */
  readonly chatbot: readonly ChatbotChannelSpec[];
  /** The Region the chatbot channels are configured in (one serving the AWS Chatbot API; default us-east-2). */
  readonly chatbotRegion: string;
  readonly pagerduty: boolean;
  /** Whether backup runs put a CloudWatch heartbeat (resolved: defaults to the presence of `aws`). */
  readonly heartbeat: boolean;
  /** Grace before a service counts as stale; undefined means the library's default margin. */
  readonly staleMargin?: Duration;
}

export interface Contact {
  readonly name: string;
  readonly role: string;
  readonly email: string;
  readonly phone?: string;
}

/** Top-level sections that failed schema validation; rules that need them stand aside. */
export type CatalogSection =
  | "version"
  | "name"
  | "owner"
  | "aws"
  | "proxmox"
  | "notifications"
  | "contacts"
  | "state"
  | "stacks"
  | "kubernetes"
  | "pricing"
  | "adopted"
  | "services";

/** Where every stack keeps its Terraform state (`state:`). */
export interface StateSettings {
  /** The backend kind (`state.backend`). */
  readonly backend: StateBackend;
  /** The existing state bucket (`state.bucket`); its name passed GOV-120. */
  readonly bucket: string;
  /** The bucket's region (`state.region`). */
  readonly region: string;
  /** Prefix of each stack's key `<keyPrefix><stack>.tfstate`; may be empty. */
  readonly keyPrefix: string;
}

/** How the estate is split into stacks (`stacks:`). */
export interface StackSettings {
  /** How Proxmox jobs are split (`stacks.proxmox`). @default ProxmoxStackSplit.SINGLE */
  readonly proxmox: ProxmoxStackSplit;
}

export interface Catalog {
  /** The file it was read from (as given), for messages. */
  readonly file: string;
  readonly version: 1;
  readonly name: string;
  readonly owner?: string;
  readonly aws?: AwsSettings;
  readonly proxmox?: { readonly hosts: Readonly<Record<string, ProxmoxHost>> };
  /** Clusters whose workloads Velero protects. */
  readonly kubernetes?: { readonly clusters: Readonly<Record<string, KubernetesCluster>> };
  /** The catalog's overrides of the estimate's default price table (USD), key by key. */
  readonly pricing: Readonly<Record<string, number>>;
  readonly notifications: Notifications;
  readonly contacts: readonly Contact[];
  /** Remote state for every stack; absent: local state. */
  readonly state?: StateSettings;
  /** How resources are split into stacks (defaults filled in). */
  readonly stacks: StackSettings;
  /** Ids of existing objects to import instead of create (`adopted`). */
  readonly adopted?: AdoptedIds;
  /** Services that passed schema validation, in catalog order. */
  readonly services: readonly Service[];
  /** Ids of every service entry, valid or not: reference checks use these. */
  readonly declaredServiceIds: ReadonlySet<string>;
  /** Sections (or `services[i]` entries) that failed schema validation. */
  readonly invalidSections: ReadonlySet<CatalogSection>;
  /**
   * Paths the loader dropped to keep checking a section or service that had schema errors
   * (unknown keys, invalid optional values). Governance findings about them are dropped too.
   */
  readonly repairedPaths: readonly CatalogPath[];
  /**
   * Services with a malformed required key (a misspelt `classification`, `rpo: 4 hours`),
   * kept so that the rules still judge their well-formed parts: reading a missing key throws
   * {@link MissingFieldError}, and the engine then skips that rule for that service alone.
   * Never part of `services`; a catalog that has any does not validate.
   */
  readonly partialServices?: readonly Service[];
  /**
   * For services of `services` whose invalid optional keys were dropped: the view the rules
   * get, where those keys read as unknown (MissingFieldError), not as absent.
   */
  readonly ruleViews?: ReadonlyMap<Service, Service>;
  /**
   * Sections given in the file but dropped for a malformed required key (`aws.region: us
   * east`): the rules read them as unknown (a rule that needs one is skipped), not as absent.
   */
  readonly unknownSections?: ReadonlySet<CatalogSection>;
}

/** Thrown to a rule that reads a section the loader had to drop (see `Catalog.unknownSections`). */
export class MissingSectionError extends Error {
  constructor(
    /** The section's key (`aws`, `proxmox`, `notifications`, ...). */
    public readonly section: string,
  ) {
    super(`the \`${section}\` section is malformed`);
  }
}

/** Thrown by a partial service (see `Catalog.partialServices`) when a rule reads a key it lacks. */
export class MissingFieldError extends Error {
  constructor(
    public readonly service: Service,
    public readonly field: string,
  ) {
    super(`service entry ${service.index} has no valid \`${field}\``);
  }
}

/**
 * `service`, reading as missing the keys in `missing`: they are not listed as its keys, and
 * reading one throws MissingFieldError.
 */
export function partialService(service: Service, missing: ReadonlySet<string>): Service {
  const proxy: Service = new Proxy(service, {
    get(target, key, receiver) {
      if (typeof key === "string" && missing.has(key)) throw new MissingFieldError(proxy, key);
      return Reflect.get(target, key, receiver);
    },
    has: (target, key) => !(typeof key === "string" && missing.has(key)) && Reflect.has(target, key),
    ownKeys: (target) => Reflect.ownKeys(target).filter((k) => !(typeof k === "string" && missing.has(k))),
  });
  return proxy;
}

/** The service with that id, if it passed schema validation. */
export function findService(catalog: Catalog, id: string): Service | undefined {
  return catalog.services.find((s) => s.id === id);
}

/** Existing objects to import instead of create (the catalog's `adopted`, written by `backup-gov adopt`). */
export interface AdoptedIds {
  /** Per host key: job id → the guests it backs up. */
  readonly jobs?: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** Vaults by name, with the lock they have and whether they have notifications. */
  readonly vaults?: Readonly<
    Record<
      string,
      {
        readonly lock?: { readonly minDays: number; readonly maxDays?: number; readonly lockDate?: string };
        readonly notifications?: boolean;
      }
    >
  >;
  /** Plans by name: plan id and the vaults its rules and copy actions write to. */
  readonly plans?: Readonly<
    Record<
      string,
      { readonly id: string; readonly vaults?: readonly string[]; readonly copyVaults?: readonly string[] }
    >
  >;
  /** Selections by name. */
  readonly selections?: Readonly<
    Record<
      string,
      {
        readonly planId: string;
        readonly id: string;
        readonly service: string;
        readonly role?: string;
        readonly resources?: readonly string[];
        readonly tags?: Readonly<Record<string, string>>;
      }
    >
  >;
  /** Buckets by name, with the configurations they have. */
  readonly buckets?: Readonly<
    Record<string, { readonly versioning?: boolean; readonly objectLock?: boolean; readonly replication?: boolean }>
  >;
}
