import type {
  AdoptedIds,
  AwsPrerequisites,
  Catalog,
  ChatbotChannelSpec,
  Contact,
  KubernetesCluster,
  ProxmoxHost,
  ProxmoxStorage,
  RetentionCounts,
  Service,
  ServiceKubernetesHook,
  StateSettings,
} from "../catalog/model";
import {
  ProxmoxAuth,
  ProxmoxStackSplit,
  serviceApp,
  serviceVm,
  StateBackend,
  VzdumpHookMode,
  type WebhookKind,
} from "../catalog/model";
import { Duration } from "../core/duration";
import {
  type AppDecision,
  type AppEngine,
  BackupTool,
  type Classification,
  ClusterSnapshots,
  type ComplianceRegime,
  GuestKind,
  HookOnError,
  LockMode,
  type MysqlFlavour,
  VolumeBackupMode,
  VzdumpMode,
} from "../core/vocabulary";
import { DEFAULT_CHATBOT_REGION } from "../policy/aws-chatbot";

/*
 * One service's definition, in TypeScript: the fields and meaning of a catalog service
 * (docs/catalog.md), typed with the library's value classes. The catalog loader's output
 * maps into these definitions ({@link serviceDefinitionOf}) and they lower into the same
 * model the loader builds ({@link serviceOf}), so a service defined in code and the same
 * service in YAML build the same estate, byte for byte, under the same rules.
 */

/** The Proxmox guest of a service (catalog `vm`). */
export interface GuestDefinition {
  /** The host key in the estate's Proxmox hosts. */
  readonly host: string;
  /** The guest's VMID (100 or more). */
  readonly vmid: number;
  /** @default GuestKind.QEMU */
  readonly kind?: GuestKind;
  /** @default VzdumpMode.SNAPSHOT */
  readonly mode?: VzdumpMode;
}

/** The app-level backup decision of a service, with its rationale (catalog `app`). */
export interface AppDefinition {
  /** Whether app-level backups are needed beside image backups. */
  readonly decision: AppDecision;
  /** Why: the onboarding checklist asks for the reason, not only the answer. */
  readonly rationale: string;
  /** The data store to dump; required with `decision: required`. @default - none */
  readonly engine?: AppEngine;
  /** The host the backup runs on; required with `decision: required`. @default - none */
  readonly host?: string;
  /** The database to dump. @default - none */
  readonly database?: string;
  /** Point-in-time recovery (WAL or binary log shipping). @default false */
  readonly pitr?: boolean;
  /** Paths to back up (engine `files`). @default [] */
  readonly paths?: readonly string[];
  /** Paths to leave out. @default [] */
  readonly excludes?: readonly string[];
  /** @default BackupTool.RESTIC */
  readonly tool?: BackupTool;
  /** A repository of the service's own instead of the estate's bucket. @default - the estate's S3 bucket */
  readonly repository?: string;
  /** Upload limit, e.g. `20MiB/s`. @default - unlimited */
  readonly bandwidthLimit?: string;
  /** postgresql: dump in directory format above this size, e.g. `20GiB`. @default - the library's threshold */
  readonly directoryFormatAbove?: string;
  /** postgresql: parallel workers of directory-format dumps. @default - the library's default */
  readonly jobs?: number;
  /** mysql: the server flavour. @default - detected */
  readonly flavour?: MysqlFlavour;
  /** mysql: the server's version, e.g. `10.11`. @default - none */
  readonly serverVersion?: string;
  /** mongodb: the replica set (dumps use `--oplog`). @default - none */
  readonly replicaSet?: string;
  /** With pitr: interval of full physical backups. @default - the library's default */
  readonly fullEvery?: Duration;
}

/** The offsite decision of a service (catalog `offsite`). */
export interface OffsiteDefinition {
  /** Whether a copy is kept in another Region. */
  readonly required: boolean;
  /** Why (required either way). */
  readonly reason: string;
  /** The offsite Region. @default - the estate's `aws.offsiteRegion` */
  readonly region?: string;
}

/** The immutability decision of a service (catalog `immutable`). */
export interface ImmutableDefinition {
  /** Compliance (nobody can shorten the lock) or governance (a privileged role can). */
  readonly mode: LockMode;
  /** How long each copy stays locked: whole days. */
  readonly retention: Duration;
  /** The longest retention the lock admits: whole days. @default - no maximum */
  readonly maxRetention?: Duration;
}

/** AWS resources of a service that AWS Backup protects (catalog `aws`). */
export interface AwsResourcesDefinition {
  /** Resource ARNs. @default [] */
  readonly resources?: readonly string[];
  /** Tags that select resources (all must match). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Resource types the tags select (`rds`, `s3`, ...). @default [] (undeclared) */
  readonly tagResourceTypes?: readonly string[];
  /** Move recovery points to cold storage after this long: whole days. @default - never */
  readonly coldStorageAfter?: Duration;
}

/** A Velero exec hook (catalog `kubernetes.hooks[]`). */
export interface KubernetesHookDefinition {
  /** The container the commands run in. */
  readonly container: string;
  /** Labels of the pods it runs in. @default {} (every selected pod) */
  readonly selector?: Readonly<Record<string, string>>;
  /** Commands before the backup. @default [] */
  readonly pre?: readonly string[];
  /** Commands after the backup. @default [] */
  readonly post?: readonly string[];
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** @default HookOnError.FAIL */
  readonly onError?: HookOnError;
}

/** A service's workloads in a Kubernetes cluster, protected by Velero (catalog `kubernetes`). */
export interface KubernetesWorkloadsDefinition {
  /** The cluster key in the estate's clusters. */
  readonly cluster: string;
  /** The namespaces to back up. */
  readonly namespaces: readonly string[];
  /** Labels that select the objects to back up. @default {} (every object of the namespaces) */
  readonly labelSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly excludeResources?: readonly string[];
  /** @default VolumeBackupMode.FS */
  readonly volumes?: VolumeBackupMode;
  /** @default [] */
  readonly hooks?: readonly KubernetesHookDefinition[];
}

/** What a restore needs (catalog `restore`). */
export interface RestoreDefinition {
  /** Where the restore secrets are kept (a reference, never a secret). @default - none */
  readonly secrets?: string;
  /** Commands that prove a restore worked. @default [] */
  readonly validate?: readonly string[];
  /** Services to restore first. @default [] */
  readonly dependsOn?: readonly string[];
  /** @default - none */
  readonly notes?: string;
}

/** An accepted finding, with the reason (catalog `acknowledge[]`). */
export interface AcknowledgementDefinition {
  /** The rule id, e.g. `GOV-013`. */
  readonly rule: string;
  /** Why the finding is acceptable here (at least 10 characters). */
  readonly reason: string;
}

/** Sizing of a service's data for the estimate (catalog `data`). */
export interface DataDefinition {
  /** One full backup, e.g. `200GiB`. */
  readonly size: string;
  /** Percent of the data that changes per day. @default 5 */
  readonly dailyChangePercent?: number;
}

/** One service's definition: what a catalog `services[]` entry says, without the id. */
export interface ServiceDefinition {
  /** @default - none */
  readonly description?: string;
  /** @default - the estate's owner */
  readonly owner?: string;
  /** The tier: what retention, offsite and immutability it needs. */
  readonly classification: Classification;
  /** Recovery point objective: how much data may be lost. */
  readonly rpo: Duration;
  /** Recovery time objective: how long a restore may take. */
  readonly rto: Duration;
  /** The Proxmox guest (vzdump). @default - none */
  readonly guest?: GuestDefinition;
  /** The app-level backup decision. @default - none (GOV rules ask for it where it matters) */
  readonly app?: AppDefinition;
  /** @default - none */
  readonly offsite?: OffsiteDefinition;
  /** @default - none */
  readonly immutable?: ImmutableDefinition;
  /** @default - none */
  readonly aws?: AwsResourcesDefinition;
  /** @default - none */
  readonly kubernetes?: KubernetesWorkloadsDefinition;
  /** @default - none */
  readonly data?: DataDefinition;
  /** Overrides of the tier's retention counts. @default {} */
  readonly retention?: RetentionCounts;
  /** What a restore needs. @default {} */
  readonly restore?: RestoreDefinition;
  /** @default [] */
  readonly compliance?: readonly ComplianceRegime[];
  /** Findings accepted for this service, each with its reason. @default [] */
  readonly acknowledge?: readonly AcknowledgementDefinition[];
}

/** The estate's AWS settings (catalog `aws`). */
export interface AwsDefinition {
  /** The primary Region of the estate's vaults, buckets and monitoring. */
  readonly region: string;
  /** @default - none */
  readonly offsiteRegion?: string;
  /** @default - the `aws_account_id` Terraform variable */
  readonly accountId?: string;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Tags on every AWS resource of the estate. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly breakGlassPrincipal?: string;
  /** @default - per-service IAM users */
  readonly rolesAnywhere?: { readonly trustAnchorArn: string };
  /** The CloudTrail audit trail. @default - enabled, compliance mode (governance without deletion protection), 365 days */
  readonly audit?: { readonly enabled?: boolean; readonly lockMode?: LockMode; readonly retention?: Duration };
  /** @default - configRecorder false */
  readonly prerequisites?: { readonly configRecorder?: boolean; readonly backupOptIn?: readonly string[] };
}

/** A Proxmox host (catalog `proxmox.hosts.<key>`). */
export interface ProxmoxHostDefinition {
  /** The API endpoint, e.g. `https://pve.example.internal:8006`. */
  readonly endpoint: string;
  /** The node name. */
  readonly node: string;
  /** The storage vzdump writes to. */
  readonly storage: string;
  /** @default false */
  readonly insecure?: boolean;
  /** @default VzdumpHookMode.NONE */
  readonly vzdumpHook?: VzdumpHookMode;
  /** @default false */
  readonly vzdumpHeartbeat?: boolean;
  /** @default ProxmoxAuth.TOKEN */
  readonly auth?: ProxmoxAuth;
  /** Storages to declare (created with Terraform). @default [] */
  readonly storages?: readonly DistributiveOmit<ProxmoxStorage, "index">[];
  /** @default - none */
  readonly uplink?: string;
  /** @default - none */
  readonly backupWindow?: string;
}

/** A Kubernetes cluster (catalog `kubernetes.clusters.<key>`). */
export interface KubernetesClusterDefinition {
  /** The kubeconfig context of the cluster. */
  readonly context: string;
  /** @default "velero" */
  readonly veleroNamespace?: string;
  /** @default ClusterSnapshots.NONE */
  readonly snapshots?: ClusterSnapshots;
  /** @default - none */
  readonly uplink?: string;
  /** @default - none */
  readonly backupWindow?: string;
  /** @default false */
  readonly prometheusOperator?: boolean;
}

/** Where alerts go (catalog `notifications`). */
export interface NotificationsDefinition {
  /** @default [] */
  readonly emails?: readonly string[];
  /** @default [] */
  readonly webhooks?: readonly { readonly name: string; readonly kind?: WebhookKind }[];
  /** @default [] */
  readonly chatbot?: readonly ChatbotChannelSpec[];
  /** @default "us-east-2" */
  readonly chatbotRegion?: string;
  /** @default false */
  readonly pagerduty?: boolean;
  /** @default - true with an `aws` section */
  readonly heartbeat?: boolean;
  /** @default - the library's margin */
  readonly staleMargin?: Duration;
}

/** The settings every service of an estate shares (the catalog without `services`). */
export interface EstateSettings {
  /** The estate name: prefixes stacks and resource names. */
  readonly name: string;
  /** @default - none */
  readonly owner?: string;
  /** @default - no AWS */
  readonly aws?: AwsDefinition;
  /** Proxmox hosts by key. @default - no Proxmox */
  readonly proxmoxHosts?: Readonly<Record<string, ProxmoxHostDefinition>>;
  /** Kubernetes clusters by key. @default - no Kubernetes */
  readonly clusters?: Readonly<Record<string, KubernetesClusterDefinition>>;
  /** @default - none */
  readonly notifications?: NotificationsDefinition;
  /** @default [] */
  readonly contacts?: readonly Contact[];
  /** Remote state in S3. @default - local state */
  readonly state?: { readonly bucket: string; readonly region: string; readonly keyPrefix?: string };
  /** @default ProxmoxStackSplit.SINGLE */
  readonly proxmoxStacks?: ProxmoxStackSplit;
  /** Overrides of the estimate's price table (USD), key by key. @default {} */
  readonly pricing?: Readonly<Record<string, number>>;
  /** Existing objects to import (written by `backup-gov adopt`). @default - none */
  readonly adopted?: AdoptedIds;
}

/** `Omit` over each member of a union (a storage definition is a storage without its position). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// --- lowering: definitions → the catalog model ---------------------------------------------

/** The catalog model of one service definition, with the loader's defaults. */
export function serviceOf(
  id: string,
  def: ServiceDefinition,
  index: number,
  defaultOwner: string | undefined,
): Service {
  return {
    index,
    path: ["services", index],
    id,
    description: def.description,
    owner: def.owner ?? defaultOwner,
    classification: def.classification,
    rpo: def.rpo,
    rto: def.rto,
    vm: def.guest && serviceVm(def.guest),
    app: def.app && serviceApp(def.app),
    offsite:
      def.offsite &&
      stripUndefined({ required: def.offsite.required, reason: def.offsite.reason, region: def.offsite.region }),
    immutable: def.immutable && {
      mode: def.immutable.mode,
      days: def.immutable.retention.toDaysCeil(),
      maxDays: def.immutable.maxRetention?.toDaysCeil(),
    },
    aws: def.aws && {
      resources: def.aws.resources ?? [],
      tags: def.aws.tags ?? {},
      tagResourceTypes: def.aws.tagResourceTypes ?? [],
      coldStorageAfterDays: def.aws.coldStorageAfter?.toDaysCeil(),
    },
    kubernetes: def.kubernetes && {
      cluster: def.kubernetes.cluster,
      namespaces: def.kubernetes.namespaces,
      labelSelector: def.kubernetes.labelSelector ?? {},
      excludeResources: def.kubernetes.excludeResources ?? [],
      volumes: def.kubernetes.volumes ?? VolumeBackupMode.FS,
      hooks: (def.kubernetes.hooks ?? []).map((h, i): ServiceKubernetesHook => ({
        index: i,
        container: h.container,
        selector: h.selector ?? {},
        pre: h.pre ?? [],
        post: h.post ?? [],
        timeout: h.timeout ?? Duration.minutes(5),
        onError: h.onError ?? HookOnError.FAIL,
      })),
    },
    data: def.data && {
      size: def.data.size,
      sizeBytes: sizeInBytes(def.data.size),
      dailyChangePercent: def.data.dailyChangePercent ?? 5,
    },
    retention: def.retention ?? {},
    restore: {
      secrets: def.restore?.secrets,
      validate: def.restore?.validate ?? [],
      dependsOn: def.restore?.dependsOn ?? [],
      notes: def.restore?.notes,
    },
    compliance: def.compliance ?? [],
    acknowledge: (def.acknowledge ?? []).map((a, i) => ({ rule: a.rule, reason: a.reason, index: i })),
  };
}

/**
 * The catalog model of an estate defined in code: its settings and its services (by id, in
 * order), with the loader's defaults. `file` names where it was defined, for findings.
 */
export function catalogOf(
  settings: EstateSettings,
  services: readonly { readonly id: string; readonly definition: ServiceDefinition }[],
  file: string,
): Catalog {
  const aws = settings.aws;
  const deletionProtection = aws?.deletionProtection ?? true;
  const hosts: Record<string, ProxmoxHost> = {};
  for (const [name, h] of Object.entries(settings.proxmoxHosts ?? {})) {
    hosts[name] = {
      name,
      endpoint: h.endpoint,
      node: h.node,
      storage: h.storage,
      insecure: h.insecure ?? false,
      vzdumpHook: h.vzdumpHook ?? VzdumpHookMode.NONE,
      auth: h.auth ?? ProxmoxAuth.TOKEN,
      vzdumpHeartbeat: h.vzdumpHeartbeat ?? false,
      storages: (h.storages ?? []).map((st, index) => ({ ...st, index, nodes: st.nodes ?? [] }) as ProxmoxStorage),
      uplink: h.uplink,
      backupWindow: h.backupWindow,
    };
  }
  const clusters: Record<string, KubernetesCluster> = {};
  for (const [name, k] of Object.entries(settings.clusters ?? {})) {
    clusters[name] = {
      name,
      context: k.context,
      veleroNamespace: k.veleroNamespace ?? "velero",
      snapshots: k.snapshots ?? ClusterSnapshots.NONE,
      uplink: k.uplink,
      backupWindow: k.backupWindow,
      prometheusOperator: k.prometheusOperator ?? false,
    };
  }
  const n = settings.notifications ?? {};
  const state: StateSettings | undefined = settings.state && {
    backend: StateBackend.S3,
    bucket: settings.state.bucket,
    region: settings.state.region,
    keyPrefix: settings.state.keyPrefix ?? "",
  };
  const prerequisites: AwsPrerequisites | undefined = aws && {
    configRecorder: aws.prerequisites?.configRecorder ?? false,
    backupOptIn: aws.prerequisites?.backupOptIn,
  };
  return {
    file,
    version: 1,
    name: settings.name,
    owner: settings.owner,
    aws: aws && {
      region: aws.region,
      offsiteRegion: aws.offsiteRegion,
      accountId: aws.accountId,
      deletionProtection,
      tags: aws.tags ?? {},
      breakGlassPrincipal: aws.breakGlassPrincipal,
      rolesAnywhere: aws.rolesAnywhere && { trustAnchorArn: aws.rolesAnywhere.trustAnchorArn },
      audit: {
        enabled: aws.audit?.enabled ?? true,
        lockMode: aws.audit?.lockMode ?? (deletionProtection ? LockMode.COMPLIANCE : LockMode.GOVERNANCE),
        retentionDays: aws.audit?.retention?.toDaysCeil() ?? 365,
      },
      prerequisites,
    },
    proxmox: settings.proxmoxHosts && { hosts },
    kubernetes: settings.clusters && { clusters },
    pricing: { ...(settings.pricing ?? {}) },
    notifications: {
      email: n.emails ?? [],
      webhooks: (n.webhooks ?? []).map((w) => ({ name: w.name, kind: w.kind })),
      chatbot: n.chatbot ?? [],
      chatbotRegion: n.chatbotRegion ?? DEFAULT_CHATBOT_REGION,
      pagerduty: n.pagerduty ?? false,
      heartbeat: n.heartbeat ?? !!aws,
      staleMargin: n.staleMargin,
    },
    contacts: settings.contacts ?? [],
    state,
    stacks: { proxmox: settings.proxmoxStacks ?? ProxmoxStackSplit.SINGLE },
    adopted: settings.adopted,
    services: services.map((s, i) => serviceOf(s.id, s.definition, i, settings.owner)),
    declaredServiceIds: new Set(services.map((s) => s.id)),
    invalidSections: new Set(),
    repairedPaths: [],
  };
}

// --- lifting: the catalog model → definitions ----------------------------------------------

/** The definition of a loaded service: what the loader read, as the code front door takes it. */
export function serviceDefinitionOf(s: Service): ServiceDefinition {
  return {
    description: s.description,
    // The estate's owner is the default: a service that only inherits it says nothing.
    owner: s.owner,
    classification: s.classification,
    rpo: s.rpo,
    rto: s.rto,
    guest: s.vm && { host: s.vm.host, vmid: s.vm.vmid, kind: s.vm.kind, mode: s.vm.mode },
    app: s.app && { ...s.app },
    offsite: s.offsite && { ...s.offsite },
    immutable: s.immutable && {
      mode: s.immutable.mode,
      retention: Duration.days(s.immutable.days),
      maxRetention: s.immutable.maxDays === undefined ? undefined : Duration.days(s.immutable.maxDays),
    },
    aws: s.aws && {
      resources: s.aws.resources,
      tags: s.aws.tags,
      tagResourceTypes: s.aws.tagResourceTypes,
      coldStorageAfter:
        s.aws.coldStorageAfterDays === undefined ? undefined : Duration.days(s.aws.coldStorageAfterDays),
    },
    kubernetes: s.kubernetes && {
      cluster: s.kubernetes.cluster,
      namespaces: s.kubernetes.namespaces,
      labelSelector: s.kubernetes.labelSelector,
      excludeResources: s.kubernetes.excludeResources,
      volumes: s.kubernetes.volumes,
      hooks: s.kubernetes.hooks.map((h) => ({
        container: h.container,
        selector: h.selector,
        pre: h.pre,
        post: h.post,
        timeout: h.timeout,
        onError: h.onError,
      })),
    },
    data: s.data && { size: s.data.size, dailyChangePercent: s.data.dailyChangePercent },
    retention: s.retention,
    restore: { ...s.restore },
    compliance: s.compliance,
    acknowledge: s.acknowledge.map((a) => ({ rule: a.rule, reason: a.reason })),
  };
}

/** The shared settings of a loaded catalog, as the code front door takes them. */
export function estateSettingsOf(c: Catalog): EstateSettings {
  return {
    name: c.name,
    owner: c.owner,
    aws: c.aws && {
      region: c.aws.region,
      offsiteRegion: c.aws.offsiteRegion,
      accountId: c.aws.accountId,
      deletionProtection: c.aws.deletionProtection,
      tags: c.aws.tags,
      breakGlassPrincipal: c.aws.breakGlassPrincipal,
      rolesAnywhere: c.aws.rolesAnywhere,
      audit: {
        enabled: c.aws.audit.enabled,
        lockMode: c.aws.audit.lockMode,
        retention: Duration.days(c.aws.audit.retentionDays),
      },
      prerequisites: c.aws.prerequisites,
    },
    proxmoxHosts:
      c.proxmox &&
      Object.fromEntries(
        Object.entries(c.proxmox.hosts).map(([key, h]) => [
          key,
          {
            endpoint: h.endpoint,
            node: h.node,
            storage: h.storage,
            insecure: h.insecure,
            vzdumpHook: h.vzdumpHook,
            vzdumpHeartbeat: h.vzdumpHeartbeat,
            auth: h.auth,
            storages: h.storages.map(({ index: _index, ...st }) => st),
            uplink: h.uplink,
            backupWindow: h.backupWindow,
          },
        ]),
      ),
    clusters:
      c.kubernetes &&
      Object.fromEntries(Object.entries(c.kubernetes.clusters).map(([key, { name: _name, ...k }]) => [key, k])),
    notifications: {
      emails: c.notifications.email,
      webhooks: c.notifications.webhooks,
      chatbot: c.notifications.chatbot,
      chatbotRegion: c.notifications.chatbotRegion,
      pagerduty: c.notifications.pagerduty,
      heartbeat: c.notifications.heartbeat,
      staleMargin: c.notifications.staleMargin,
    },
    contacts: c.contacts,
    state: c.state && { bucket: c.state.bucket, region: c.state.region, keyPrefix: c.state.keyPrefix },
    proxmoxStacks: c.stacks.proxmox,
    pricing: c.pricing,
    adopted: c.adopted,
  };
}

/** Bytes of a size spelled as the catalog does (`200GiB`); a float, since 9999999TiB is past 2^53. */
function sizeInBytes(text: string): number {
  const m = /^([0-9]+)(KiB|MiB|GiB|TiB)$/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1024 ** (["KiB", "MiB", "GiB", "TiB"].indexOf(m[2]) + 1);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
