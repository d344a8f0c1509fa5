import { basename } from "node:path";
import { VZDUMP_HOOK_PATH } from "../artifacts/vzdump-hook";
import { Patterns } from "../catalog/schema/common";
import type { AdoptedIds } from "../catalog/model";
import { Classification } from "../core/vocabulary";
import { TIERS } from "../policy/tiers";
import { durationOf, Period, readAwsCron, readCalendarEvent, readCron, type ReadCadence, ttlDays } from "./cadence";
import { AnswerKind } from "./answers";
import { DECIDE } from "./decisions";
import {
  jobGuests,
  type Observed,
  type ObservedGuest,
  type ObservedHost,
  type ObservedSelection,
  type ObservedVault,
  type PveJob,
} from "./observe";
import { flow, type Plain, YamlOut } from "./yaml-out";

/** Gap ids of the adoption report (docs/adopt.md#gaps). */
export const GapId = {
  NOT_BACKED_UP: "GOV-250",
  UNREACHED: "GOV-251",
  MIXED_POLICY: "GOV-252",
  SHORT_RETENTION: "GOV-253",
  NO_VERSIONING: "GOV-254",
  NO_LOCK: "GOV-255",
  NOT_UNDERSTOOD: "GOV-256",
  DISABLED: "GOV-257",
} as const;

/** One gap between the estate as found and the catalog, with the catalog line that settles it. */
export interface Gap {
  readonly id: string;
  /** What was found, naming the object and the answer it came from. */
  readonly message: string;
  /** The catalog path the settling line belongs to (`services[3].retention`). */
  readonly path: string;
  /** The line of the draft, when the path is in it. */
  line?: number;
  /** The catalog line(s) that settle it. */
  readonly settle: string;
}

export interface DraftOptions {
  /** Estate name. @default "adopted" */
  readonly name?: string;
  /** Host endpoints by host key. @default - `https://<host>:8006` */
  readonly endpoints?: Readonly<Record<string, string>>;
}

export interface Draft {
  readonly text: string;
  readonly gaps: readonly Gap[];
  readonly adopted: AdoptedIds;
  readonly serviceCount: number;
}

type Entry<K extends keyof AdoptedIds> = NonNullable<AdoptedIds[K]>[string];
/** The adopted ids while they are gathered. */
type WorkingIds = {
  jobs: Record<string, Record<string, number[]>>;
  vaults: Record<string, Entry<"vaults">>;
  plans: Record<string, Entry<"plans">>;
  selections: Record<string, Entry<"selections">>;
  buckets: Record<string, Entry<"buckets">>;
};

type Retention = Partial<Record<"hourly" | "daily" | "weekly" | "monthly" | "yearly", number>>;

interface DraftService {
  id: string;
  /** [value, comment] pairs, emitted in order. */
  fields: Array<{
    key: string;
    value: Plain | readonly Plain[] | Readonly<Record<string, Plain>>;
    comment?: string;
    nested?: Array<{
      key: string;
      value: Plain | readonly Plain[] | Readonly<Record<string, Plain>>;
      comment?: string;
    }>;
  }>;
  suggested?: Classification;
  suggestedWhy?: string;
  offsiteHint?: string;
  appHint?: string;
  retention?: Retention;
  retentionFrom?: string;
  acknowledge?: Array<{ rule: string; reason: string; from: string }>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 41)
    .replace(/-+$/, "");

/** Builds the draft catalog, the adopted ids and the gap report from what the answers say. */
export function draftCatalog(o: Observed, opts: DraftOptions = {}): Draft {
  const services: DraftService[] = [];
  const gaps: Gap[] = [];
  const used = new Set<string>();
  const uniqueId = (base: string, fallback: string) => {
    let id = slug(base);
    if (!Patterns.serviceId.test(id)) id = slug(fallback);
    let n = 2;
    const root = id;
    while (used.has(id)) id = `${root.slice(0, 38)}-${n++}`;
    used.add(id);
    return id;
  };
  const svcPath = (s: DraftService, key: string) => `services[${services.indexOf(s)}].${key}`;
  const adopted: WorkingIds = {
    jobs: {},
    vaults: {},
    plans: {},
    selections: {},
    buckets: {},
  };

  // --- Proxmox ------------------------------------------------------------------------------
  const hostLines: Array<{
    host: ObservedHost;
    node: string;
    storage: string;
    nodeFrom: string;
    storageFrom: string;
    hooked?: string;
  }> = [];
  for (const host of [...o.hosts.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const jobsFile = fileName(host.files.get(AnswerKind.PVE_JOBS));
    const guestsFile = fileName(host.files.get(AnswerKind.PVE_GUESTS));
    adopted.jobs[host.name] = Object.fromEntries(
      [...host.jobs]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((j) => [j.id, jobGuests(j, host).sort((a, b) => a - b)]),
    );
    const enrolled = new Map<number, PveJob[]>();
    for (const job of [...host.jobs].sort((a, b) => a.id.localeCompare(b.id))) {
      if (job.enabled === false) {
        gaps.push({
          id: GapId.DISABLED,
          message: `job ${job.id} on ${host.name} is disabled (${jobsFile}): its guests are not backed up today`,
          path: "services",
          settle:
            "the guests it lists are enrolled by their services below; remove the disabled job once the new one ran",
        });
      }
      for (const vmid of jobGuests(job, host)) enrolled.set(vmid, [...(enrolled.get(vmid) ?? []), job]);
    }
    const storages = count(host.jobs.map((j) => j.storage).filter((s): s is string => !!s));
    const nodes = count([...host.guests.values()].map((g) => g.node).filter((n): n is string => !!n));
    const storage = storages[0] ?? "local";
    // Jobs that run the library's vzdump hook as their script: the host is `vzdumpHook: true` (root@pam only).
    const hooked =
      host.jobs.length > 0 && host.jobs.every((j) => j.script === VZDUMP_HOOK_PATH)
        ? `script ${VZDUMP_HOOK_PATH} of every job (${jobsFile})`
        : undefined;
    hostLines.push({
      hooked,
      host,
      node: nodes[0] ?? host.name,
      storage,
      nodeFrom: nodes.length ? `the node of most guests (${guestsFile})` : "assumed from the host key",
      storageFrom: storages.length
        ? `storage of ${host.jobs
            .filter((j) => j.storage === storage)
            .map((j) => j.id)
            .join(", ")} (${jobsFile})`
        : "no job names a storage",
    });
    if (storages.length > 1) {
      gaps.push({
        id: GapId.MIXED_POLICY,
        message: `jobs on ${host.name} write to ${storages.length} storages (${storages.join(", ")}); the catalog writes each host's guests to one`,
        path: `proxmox.hosts.${host.name}.storage`,
        settle: `storage: ${storage}  # or split the host's guests across hosts`,
      });
    }
    for (const [vmid, jobs] of [...enrolled.entries()].sort((a, b) => a[0] - b[0])) {
      const guest: ObservedGuest = host.guests.get(vmid) ?? { vmid, kind: "qemu", template: false };
      const job = jobs[0];
      const cadence = job.schedule ?? (job.starttime ? `${job.dow ? `${job.dow} ` : ""}${job.starttime}` : undefined);
      const read = cadence ? readCalendarEvent(cadence) : undefined;
      const s: DraftService = { id: uniqueId(guest.name ?? "", `${host.name}-${vmid}`), fields: [] };
      const jobRef = `job ${job.id} (${jobsFile})`;
      s.fields.push({
        key: "description",
        value: `${guest.kind === "lxc" ? "Container" : "VM"} ${guest.name ?? vmid} on ${host.name}`,
        comment: `/cluster/resources ${guest.kind}/${vmid}${guest.name ? ` "${guest.name}"` : ""} (${guestsFile})`,
      });
      s.fields.push({
        key: "rpo",
        value: read ? durationOf(read.minutes) : "1d",
        comment: read
          ? `schedule "${cadence}" of ${jobRef}`
          : `schedule "${cadence ?? ""}" of ${jobRef} not understood: 1d assumed`,
      });
      const vm: Record<string, Plain> = { host: host.name, vmid, kind: guest.kind };
      if (job.mode && job.mode !== "snapshot") vm.mode = job.mode;
      s.fields.push({ key: "vm", value: vm, comment: `${jobRef}, guest ${guest.kind}/${vmid}` });
      const ret = pruneRetention(job["prune-backups"], read);
      if (ret) {
        s.retention = ret;
        s.retentionFrom = `prune-backups of ${jobRef}`;
      }
      s.suggested = read ? suggestTier(read.minutes) : Classification.IMPORTANT;
      s.suggestedWhy = `from the RPO ${read ? durationOf(read.minutes) : "1d"}`;
      s.appHint = "vzdump images the whole guest; a database inside may need `required` with an engine";
      s.offsiteHint = `writes to ${job.storage ?? storage} on ${host.name} only`;
      services.push(s);
      if (!read)
        gaps.push({
          id: GapId.NOT_UNDERSTOOD,
          message: `schedule "${cadence ?? ""}" of job ${job.id} on ${host.name} is not a plain repeating schedule (${jobsFile})`,
          path: svcPath(s, "rpo"),
          settle: "rpo: <how often a backup must exist, e.g. 1d>",
        });
      if (jobs.length > 1) {
        gaps.push({
          id: GapId.MIXED_POLICY,
          message: `guest ${vmid} on ${host.name} is in ${jobs.length} jobs (${jobs.map((j) => j.id).join(", ")}) with their own schedules and retention; the catalog gives a guest one policy`,
          path: svcPath(s, "rpo"),
          settle: `rpo and retention of service ${s.id} (the draft took ${job.id})`,
        });
      }
      if (job.all) {
        gaps.push({
          id: GapId.MIXED_POLICY,
          message: `job ${job.id} on ${host.name} backs up every guest (all=1): after adoption guests are enrolled one service at a time, so a new guest is backed up only once it has a service`,
          path: svcPath(s, "vm"),
          settle: "add a service with `vm:` for each new guest (adopt lists the others under GOV-250)",
        });
      }
    }
    for (const g of [...host.notBackedUp.values()].sort((a, b) => a.vmid - b.vmid)) {
      if (enrolled.has(g.vmid)) continue;
      const name = host.guests.get(g.vmid)?.name ?? g.name;
      gaps.push({
        id: GapId.NOT_BACKED_UP,
        message: `guest ${g.vmid}${name ? ` (${name})` : ""} on ${host.name} is in no backup job (/cluster/backup-info/not-backed-up, ${fileName(host.files.get(AnswerKind.PVE_NOT_BACKED_UP))})`,
        path: "services",
        settle: `- { id: ${slug(name ?? "") || `${host.name}-${g.vmid}`}, classification: ..., rpo: 1d, rto: ..., vm: { host: ${host.name}, vmid: ${g.vmid}, kind: ${g.kind} } }  # or acknowledge that it needs none`,
      });
    }
  }

  // --- AWS Backup -----------------------------------------------------------------------------
  const vaultByName = o.vaults;
  let region: string | undefined;
  let accountId: string | undefined;
  let offsiteRegion: string | undefined;
  for (const v of vaultByName.values()) {
    region ??= v.region;
    accountId ??= v.accountId;
    adopted.vaults[v.name] = {
      ...(v.locked && v.minDays !== undefined
        ? {
            lock: {
              minDays: v.minDays,
              ...(v.maxDays !== undefined ? { maxDays: v.maxDays } : {}),
              ...(v.lockDate ? { lockDate: v.lockDate } : {}),
            },
          }
        : {}),
      ...(v.notifications ? { notifications: true } : {}),
    };
  }
  const selectedArns = new Set<string>();
  for (const plan of [...o.plans.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const targets = [...new Set((plan.rules ?? []).map((r) => r.TargetBackupVaultName))];
    const copies = [
      ...new Set(
        (plan.rules ?? []).flatMap((r) =>
          (r.CopyActions ?? []).map((c) => c.DestinationBackupVaultArn.replace(/^.*:backup-vault:/, "")),
        ),
      ),
    ];
    adopted.plans[plan.name] = {
      id: plan.id,
      ...(targets.length ? { vaults: targets } : {}),
      ...(copies.length ? { copyVaults: copies } : {}),
    };
    const arn = plan.arn ? /^arn:[^:]+:backup:([^:]+):(\d+):/.exec(plan.arn) : null;
    if (arn) {
      region ??= arn[1];
      accountId ??= arn[2];
    }
    for (const [id, name] of plan.listedSelections) {
      gaps.push({
        id: GapId.NOT_UNDERSTOOD,
        message: `selection ${name} (${id}) of plan ${plan.name} is listed but its get-backup-selection answer was not given`,
        path: "services",
        settle: `save \`aws backup get-backup-selection --backup-plan-id ${plan.id} --selection-id ${id}\` and adopt again`,
      });
    }
    if (!plan.rules) {
      gaps.push({
        id: GapId.NOT_UNDERSTOOD,
        message: `plan ${plan.name} (${plan.id}) is listed but its get-backup-plan answer was not given`,
        path: "services",
        settle: `save \`aws backup get-backup-plan --backup-plan-id ${plan.id}\` and adopt again`,
      });
      continue;
    }
    if (plan.selections.size === 0 && plan.listedSelections.size === 0) {
      gaps.push({
        id: GapId.UNREACHED,
        message: `plan ${plan.name} (${plan.id}) has no selection: it backs up nothing (${fileName(plan.file)})`,
        path: "services",
        settle:
          "a service with `aws: { resources: [...] }` for what it was meant to protect, or delete the plan by hand",
      });
    }
    const rules = plan.rules;
    const cadences = rules.map((r) => ({ r, c: r.ScheduleExpression ? readAwsCron(r.ScheduleExpression) : undefined }));
    const snapshot = cadences
      .flatMap(({ r, c }) => (c ? [{ r, c }] : []))
      .sort((a, b) => a.c.minutes - b.c.minutes)
      .at(0);
    const continuous = rules.find((r) => r.EnableContinuousBackup);
    const retention: Retention = {};
    let cold: number | undefined;
    for (const { r, c } of cadences) {
      const days = r.Lifecycle?.DeleteAfterDays;
      if (r.Lifecycle?.MoveToColdStorageAfterDays !== undefined) cold = r.Lifecycle.MoveToColdStorageAfterDays;
      if (!c || days === undefined || r.EnableContinuousBackup) continue;
      switch (c.period) {
        case Period.SUB_DAILY:
          retention.hourly = Math.round((days * 1440) / c.minutes);
          break;
        case Period.DAILY:
          retention.daily = days;
          break;
        case Period.WEEKLY:
          retention.weekly = Math.max(1, Math.floor(days / 7));
          break;
        case Period.MONTHLY:
          retention.monthly = Math.max(1, Math.floor((days * 12) / 365));
          break;
        case Period.YEARLY:
          retention.yearly = Math.max(1, Math.floor(days / 365));
          break;
      }
    }
    for (const { r, c } of cadences) {
      if (!c && !r.EnableContinuousBackup)
        gaps.push({
          id: GapId.NOT_UNDERSTOOD,
          message: `rule ${r.RuleName} of plan ${plan.name}: schedule "${r.ScheduleExpression ?? ""}" is not a plain repeating schedule`,
          path: "services",
          settle: "rpo and retention of the plan's services (checked by hand)",
        });
      for (const ca of r.CopyActions ?? []) {
        const m = /^arn:[^:]+:backup:([^:]+):/.exec(ca.DestinationBackupVaultArn);
        if (m) offsiteRegion ??= m[1];
      }
    }
    const target = vaultByName.get(rules[0]?.TargetBackupVaultName ?? "");
    const planRef = `plan ${plan.name} (${fileName(plan.file)})`;
    // Selections `<base>` and `<base>-tags` (as synth names a service's ARN and tag selections) make one service.
    const groups = new Map<string, ObservedSelection[]>();
    for (const sel of [...plan.selections.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      adopted.selections[sel.name] = {
        planId: plan.id,
        id: sel.id,
        role: sel.role,
        service: "",
        ...(sel.resources.length ? { resources: [...sel.resources] } : {}),
        ...(Object.keys(sel.tags).length ? { tags: { ...sel.tags } } : {}),
      };
      for (const a of sel.resources) selectedArns.add(a);
      const base = selectionBase(sel.name, opts.name);
      groups.set(base, [...(groups.get(base) ?? []), sel]);
    }
    for (const [base, group] of groups) {
      const sel: ObservedSelection = {
        ...group[0],
        name: group.map((g) => g.name).join(" + "),
        resources: group.flatMap((g) => g.resources),
        notResources: group.flatMap((g) => g.notResources),
        tags: Object.assign({}, ...group.map((g) => g.tags)) as Record<string, string>,
        otherConditions: group.flatMap((g) => g.otherConditions),
        orTags: group.some((g) => g.orTags),
      };
      const s: DraftService = { id: uniqueId(base, `aws-${sel.id}`), fields: [] };
      for (const g of group) adopted.selections[g.name] = { ...adopted.selections[g.name], service: s.id };
      const selRef = `selection ${sel.name} (${[...new Set(group.map((g) => fileName(g.file)))].join(", ")})`;
      s.fields.push({ key: "description", value: `AWS resources of backup selection ${sel.name}`, comment: selRef });
      const rpoMinutes = snapshot?.c.minutes ?? 1440;
      s.fields.push({
        key: "rpo",
        value: continuous ? "15m" : durationOf(rpoMinutes),
        comment: continuous
          ? `continuous backup (point-in-time restore) in rule ${continuous.RuleName} of ${planRef}`
          : `schedule "${snapshot?.r.ScheduleExpression ?? ""}" of rule ${snapshot?.r.RuleName ?? "?"} of ${planRef}`,
      });
      const aws: Array<{
        key: string;
        value: Plain | readonly Plain[] | Readonly<Record<string, Plain>>;
        comment?: string;
      }> = [];
      if (sel.resources.length)
        aws.push({
          key: "resources",
          value: sel.resources.filter((a) => Patterns.arn.test(a)),
          comment: `Resources of ${selRef}`,
        });
      if (Object.keys(sel.tags).length)
        aws.push({ key: "tags", value: sel.tags, comment: `StringEquals conditions of ${selRef}` });
      if (cold !== undefined)
        aws.push({ key: "coldStorageAfterDays", value: cold, comment: `MoveToColdStorageAfterDays of ${planRef}` });
      if (!aws.length) {
        gaps.push({
          id: GapId.NOT_UNDERSTOOD,
          message: `${selRef} selects by conditions the catalog cannot say (${[...sel.otherConditions, sel.orTags ? "ListOfTags with several entries (OR)" : ""].filter(Boolean).join("; ") || "none"})`,
          path: svcPath(s, "aws"),
          settle: "aws: { resources: [<ARNs>] } or aws: { tags: { key: value } }",
        });
        aws.push({
          key: "resources",
          value: [`arn:aws:backup:${region ?? "us-east-1"}:${accountId ?? "000000000000"}:selection:${sel.id}`],
          comment: "placeholder: see the gap report",
        });
      } else if (sel.otherConditions.length || sel.orTags || sel.notResources.length) {
        gaps.push({
          id: GapId.NOT_UNDERSTOOD,
          message: `${selRef} also has ${[...sel.otherConditions, ...sel.notResources.map((r) => `NotResources ${r}`), sel.orTags ? "OR-ed ListOfTags" : ""].filter(Boolean).join("; ")}: the catalog selects by ARNs and AND-ed tags only`,
          path: svcPath(s, "aws"),
          settle:
            "aws.resources / aws.tags as they should be (the imported selection is replaced: see adopt's import notices)",
        });
      }
      s.fields.push({ key: "aws", value: "", nested: aws });
      if (target?.locked && target.minDays !== undefined) {
        s.fields.push({
          key: "immutable",
          value: {
            mode: target.lockDate ? "compliance" : "governance",
            days: target.minDays,
            ...(target.maxDays !== undefined ? { maxDays: target.maxDays } : {}),
          },
          comment: `Vault Lock of ${target.name} (${fileName(target.file)})`,
        });
      }
      if (Object.keys(retention).length) {
        s.retention = { ...retention };
        s.retentionFrom = `lifecycles of ${planRef}`;
      }
      const tierFromName = Object.values(Classification).find((c) => plan.name.includes(c));
      s.suggested = tierFromName ?? (target?.lockDate ? Classification.CRITICAL : suggestTier(rpoMinutes));
      s.suggestedWhy = tierFromName
        ? `the plan's name says ${tierFromName}`
        : target?.lockDate
          ? "its vault has a compliance lock"
          : `from the RPO ${durationOf(rpoMinutes)}`;
      s.appHint = "AWS Backup already protects these resources: `platform-only` is likely";
      s.offsiteHint = rules.some((r) => r.CopyActions?.length)
        ? "the plan copies to another vault: `required: true` is likely"
        : "the plan copies nowhere";
      services.push(s);
    }
  }

  // --- S3 buckets ------------------------------------------------------------------------------
  for (const b of [...o.buckets.values()].sort((a, c) => a.name.localeCompare(c.name))) {
    adopted.buckets[b.name] = {
      ...(b.versioning && b.versioning.status !== "never" ? { versioning: true } : {}),
      ...(b.objectLock?.enabled ? { objectLock: true } : {}),
      ...(b.replication ? { replication: true } : {}),
    };
    const arn = `arn:aws:s3:::${b.name}`;
    const owner = services.find((s) =>
      s.fields.some((f) =>
        f.nested?.some((n) => n.key === "resources" && Array.isArray(n.value) && (n.value as string[]).includes(arn)),
      ),
    );
    if (!owner && !selectedArns.has(arn)) {
      gaps.push({
        id: GapId.UNREACHED,
        message: `bucket ${b.name} is in no backup selection (only its configuration was given)`,
        path: "services",
        settle: `aws: { resources: ["${arn}"] } in the service that owns it`,
      });
    }
    const at = owner ? svcPath(owner, "aws") : "services";
    if (owner && b.versioning?.status === "Enabled") {
      // GOV-029 asks for proof that versioning is on: the saved answer is that proof.
      (owner.acknowledge ??= []).push({
        rule: "GOV-029",
        reason: `get-bucket-versioning answered Status Enabled for ${b.name} (${fileName(b.versioning.file)}), saved at adoption`,
        from: `aws s3api get-bucket-versioning --bucket ${b.name} (${fileName(b.versioning.file)})`,
      });
    }
    if (owner && b.versioning && b.versioning.status !== "Enabled") {
      gaps.push({
        id: GapId.NO_VERSIONING,
        message: `bucket ${b.name} has versioning ${b.versioning.status === "never" ? "never enabled" : "suspended"} (${fileName(b.versioning.file)}); AWS Backup for S3 and replication need it on`,
        path: at,
        settle: `aws s3api put-bucket-versioning --bucket ${b.name} --versioning-configuration Status=Enabled  # then adopt again; the catalog line stays aws.resources: ["${arn}"]`,
      });
    }
    const critical = owner?.suggested === Classification.CRITICAL || owner?.fields.some((f) => f.key === "immutable");
    if (owner && critical && !b.objectLock?.enabled) {
      gaps.push({
        id: GapId.NO_LOCK,
        message: `bucket ${b.name} has no Object Lock, and its service ${owner.id} looks critical (immutable copies required)`,
        path: svcPath(owner, "immutable"),
        settle:
          "immutable: { mode: compliance, days: 14 }  # the copy AWS Backup keeps in the locked vault is the immutable one; or enable Object Lock on the bucket (never by replacing it)",
      });
    }
  }

  // --- Velero ---------------------------------------------------------------------------------
  const clusters: Array<{ name: string; file: string }> = [];
  for (const c of [...o.clusters.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    clusters.push({ name: c.name, file: fileName(c.file) });
    for (const sch of c.schedules) {
      const ref = `Schedule ${sch.metadata.namespace ?? "velero"}/${sch.metadata.name} (${fileName(c.file)})`;
      const read = readCron(sch.spec.schedule);
      const namespaces = sch.spec.template?.includedNamespaces ?? ["*"];
      const ttl = sch.spec.template?.ttl ? ttlDays(sch.spec.template.ttl) : 30;
      for (const ns of namespaces) {
        if (ns === "*" || !Patterns.k8sName.test(ns)) {
          gaps.push({
            id: GapId.NOT_UNDERSTOOD,
            message: `${ref} includes namespaces "${ns}": the catalog names each namespace`,
            path: "services",
            settle: "kubernetes: { cluster: " + c.name + ", namespaces: [<each namespace>] }",
          });
          continue;
        }
        const s: DraftService = { id: uniqueId(ns, `${c.name}-${ns}`), fields: [] };
        s.fields.push({ key: "description", value: `Kubernetes namespace ${ns} in ${c.name}`, comment: ref });
        s.fields.push({
          key: "rpo",
          value: read ? durationOf(read.minutes) : "1d",
          comment: `schedule "${sch.spec.schedule}" of ${ref}`,
        });
        s.fields.push({
          key: "kubernetes",
          value: { cluster: c.name, namespaces: [ns] as unknown as Plain },
          comment: ref,
        });
        if (ttl) {
          s.retention = { daily: ttl };
          s.retentionFrom = `ttl ${sch.spec.template?.ttl ?? "720h (Velero's default)"} of ${ref}`;
        }
        s.suggested = read ? suggestTier(read.minutes) : Classification.IMPORTANT;
        s.suggestedWhy = `from the RPO ${read ? durationOf(read.minutes) : "1d"}`;
        s.appHint =
          "Velero copies the namespace's objects and volumes: `platform-only` unless a database needs its own dump";
        s.offsiteHint = `Velero writes to ${c.locations.map((l) => l.spec.objectStorage.bucket).join(", ") || "its default location"}`;
        services.push(s);
        if (!read)
          gaps.push({
            id: GapId.NOT_UNDERSTOOD,
            message: `schedule "${sch.spec.schedule}" of ${ref} is not a plain repeating one`,
            path: svcPath(s, "rpo"),
            settle: "rpo: <e.g. 1d>",
          });
      }
      for (const ex of sch.spec.template?.excludedNamespaces ?? []) {
        gaps.push({
          id: GapId.UNREACHED,
          message: `namespace ${ex} is excluded by ${ref}`,
          path: "services",
          settle: `a service with kubernetes: { cluster: ${c.name}, namespaces: [${ex}] }, or nothing if it needs no backup`,
        });
      }
    }
  }

  // Retention shorter than the tier the draft suggests.
  for (const s of services) {
    if (!s.suggested || !s.retention) continue;
    const retention = s.retention;
    const tier = TIERS[s.suggested].retention;
    // Only the keys the estate keeps: a key the draft leaves out takes the tier's default.
    const short = (Object.keys(tier) as Array<keyof typeof tier>).filter(
      (k) => retention[k] !== undefined && retention[k] < tier[k],
    );
    if (short.length) {
      gaps.push({
        id: GapId.SHORT_RETENTION,
        message: `service ${s.id} keeps ${short.map((k) => `${k} ${retention[k] ?? 0}`).join(", ")}; a ${s.suggested} service keeps ${short.map((k) => `${k} ${tier[k]}`).join(", ")} (${s.retentionFrom})`,
        path: `services[${services.indexOf(s)}].retention`,
        settle: `retention: ${flow({ ...retention, ...Object.fromEntries(short.map((k) => [k, tier[k]])) })}  # or drop the key(s) to take the tier's default, or decide another classification`,
      });
    }
  }

  // --- emit ----------------------------------------------------------------------------------------
  const y = new YamlOut();
  const lineOf = new Map<string, number>();
  y.note(0, "Drafted by `backup-gov adopt` from the saved answers named in each comment.");
  y.note(
    0,
    `Every \`${DECIDE}\` is a decision only a person can make: \`backup-gov validate\` lists them (CAT-060) until made.`,
  );
  y.kv(0, "version", 1);
  y.kv(
    0,
    "name",
    opts.name ?? "adopted",
    "estate name: prefixes every resource name (must match the names of the objects imported below to adopt them)",
  );
  lineOf.set("owner", y.kv(0, "owner", DECIDE, 'who owns the estate\'s backups, e.g. "@ops-team"'));
  y.kv(
    0,
    "notifications",
    DECIDE,
    [...o.vaults.values()]
      .flatMap((v) => (v.notifications ? [`vault ${v.name} notifies ${v.notifications.topicArn}`] : []))
      .join("; ") || "no answer names an alert channel",
  );
  if (region) {
    y.open(0, "aws");
    y.kv(2, "region", region, "from the vault/plan ARNs");
    if (offsiteRegion && offsiteRegion !== region)
      y.kv(2, "offsiteRegion", offsiteRegion, "region of the copy actions' destination vaults");
    if (accountId) y.kv(2, "accountId", accountId, "from the vault/plan ARNs");
    y.kv(
      2,
      "breakGlassPrincipal",
      DECIDE,
      `the one role that may disable or delete the keys, e.g. arn:aws:iam::${accountId ?? "ACCOUNT"}:role/backup-break-glass (GOV-220)`,
    );
  }
  if (hostLines.length) {
    y.open(0, "proxmox");
    y.open(2, "hosts");
    for (const h of hostLines) {
      lineOf.set(`proxmox.hosts.${h.host.name}`, y.open(4, h.host.name, "from HOST= of the Proxmox answers"));
      y.kv(
        6,
        "endpoint",
        opts.endpoints?.[h.host.name] ?? `https://${h.host.name}:8006`,
        opts.endpoints?.[h.host.name]
          ? "--endpoint"
          : "assumed from the host key: correct it (or pass --endpoint HOST=URL)",
      );
      y.kv(6, "node", h.node, h.nodeFrom);
      lineOf.set(`proxmox.hosts.${h.host.name}.storage`, y.kv(6, "storage", h.storage, h.storageFrom));
      if (h.hooked) {
        y.kv(6, "vzdumpHook", true, h.hooked);
        y.kv(6, "auth", "root-password", "a job's script is root@pam's alone");
      }
    }
  }
  if (clusters.length) {
    y.open(0, "kubernetes");
    y.open(2, "clusters");
    for (const c of clusters) {
      y.open(4, c.name, `from CLUSTER= of ${c.file}`);
      y.kv(6, "context", c.name, "assumed: the kubeconfig context of the cluster");
    }
  }
  y.open(0, "services");
  services.forEach((s, i) => {
    lineOf.set(`services[${i}]`, y.kv(4, "id", s.id, "named from the guest / selection / namespace", true));
    lineOf.set(
      `services[${i}].classification`,
      y.kv(
        4,
        "classification",
        DECIDE,
        `critical | important | rebuildable; adopt suggests ${s.suggested} (${s.suggestedWhy})`,
      ),
    );
    for (const f of s.fields) {
      if (f.nested) {
        lineOf.set(`services[${i}].${f.key}`, y.open(4, f.key, f.comment));
        for (const n of f.nested) y.kv(6, n.key, n.value, n.comment);
      } else lineOf.set(`services[${i}].${f.key}`, y.kv(4, f.key, f.value, f.comment));
    }
    lineOf.set(`services[${i}].rto`, y.kv(4, "rto", DECIDE, "how long a restore may take, e.g. 4h"));
    lineOf.set(
      `services[${i}].app`,
      y.kv(
        4,
        "app",
        DECIDE,
        `{ decision: required | vzdump-only | platform-only, rationale: "..." }; ${s.appHint ?? ""}`,
      ),
    );
    lineOf.set(
      `services[${i}].restore`,
      y.kv(
        4,
        "restore",
        DECIDE,
        "{ secrets: <where restore keys live>, validate: [<a command that proves a restore worked>] }; `{}` for a rebuildable service",
      ),
    );
    if (s.acknowledge?.length) {
      y.open(4, "acknowledge");
      for (const a of s.acknowledge) {
        y.kv(8, "rule", a.rule, `evidence: ${a.from}`, true);
        y.kv(8, "reason", a.reason);
      }
    }
    lineOf.set(
      `services[${i}].offsite`,
      y.kv(4, "offsite", DECIDE, `{ required: true | false, reason: "..." }; ${s.offsiteHint ?? ""}`),
    );
    if (s.retention) lineOf.set(`services[${i}].retention`, y.kv(4, "retention", s.retention, s.retentionFrom));
  });
  if (!services.length) y.note(2, "no protected guest, selection or namespace was found");
  const ids = cleanAdopted(adopted);
  if (Object.keys(ids).length) {
    y.open(0, "adopted", "existing objects: synth imports them instead of creating new ones (docs/adopt.md)");
    if (ids.jobs) {
      y.open(2, "jobs");
      for (const [h, jobs] of Object.entries(ids.jobs)) {
        y.open(4, h, `pvesh get /cluster/backup on ${h}: job id → the guests it backs up`);
        for (const [id, vmids] of Object.entries(jobs)) y.kv(6, id, vmids);
      }
    }
    if (ids.vaults) {
      y.open(2, "vaults");
      for (const [n, v] of Object.entries(ids.vaults)) {
        if (!v.lock) {
          y.kv(4, n, v.notifications ? { notifications: true } : {}, fileName(o.vaults.get(n)?.file));
          continue;
        }
        y.open(4, n, fileName(o.vaults.get(n)?.file));
        y.kv(
          6,
          "lock",
          v.lock,
          v.lock.lockDate ? "compliance lock: left exactly as it is" : "governance lock: left as it is",
        );
        if (v.notifications) y.kv(6, "notifications", true, fileName(o.vaults.get(n)?.notifications?.file));
      }
    }
    if (ids.plans) {
      y.open(2, "plans");
      for (const [n, p] of Object.entries(ids.plans))
        y.kv(4, n, p, "BackupPlanId and the vaults its rules and copy actions write to");
    }
    if (ids.selections) {
      y.open(2, "selections");
      for (const [n, sel] of Object.entries(ids.selections)) {
        y.open(4, n);
        y.kv(6, "planId", sel.planId);
        y.kv(6, "id", sel.id);
        y.kv(6, "service", sel.service, "the service drafted from it");
        if (sel.role) y.kv(6, "role", sel.role, "IamRoleArn: kept (a selection's role cannot change in place)");
        if (sel.resources) y.kv(6, "resources", sel.resources);
        if (sel.tags) y.kv(6, "tags", sel.tags);
      }
    }
    if (ids.buckets) {
      y.open(2, "buckets");
      for (const [n, b] of Object.entries(ids.buckets)) y.kv(4, n, b, "s3api answers");
    }
  }
  for (const g of gaps) g.line = lineOf.get(g.path);
  return { text: y.toString(), gaps, adopted: ids, serviceCount: services.length };
}

function cleanAdopted(a: WorkingIds): AdoptedIds {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (Object.keys(v).length) out[k] = v;
  return out;
}

/** Proxmox prune-backups (object or `keep-daily=7,keep-weekly=4`) as catalog retention. */
function pruneRetention(prune: PveJob["prune-backups"], read: ReadCadence | undefined): Retention | undefined {
  if (prune === undefined) return undefined;
  const entries: Array<[string, number]> =
    typeof prune === "string"
      ? prune
          .split(",")
          .map((p) => p.split("="))
          .map(([k, v]) => [k.trim(), Number(v)])
      : Object.entries(prune).map(([k, v]) => [k, Number(v)]);
  const r: Retention = {};
  for (const [k, v] of entries) {
    if (!Number.isInteger(v) || v < 0) continue;
    const key = k.replace(/^keep-/, "");
    if (key === "hourly" || key === "daily" || key === "weekly" || key === "monthly" || key === "yearly") r[key] = v;
    // keep-last N of a daily job is N days; of a sub-daily job, N points.
    if (key === "last") {
      if (read && read.period === Period.SUB_DAILY) r.hourly = v;
      else if (read && read.period === Period.WEEKLY) r.weekly = v;
      else r.daily = v;
    }
  }
  return Object.keys(r).length ? r : undefined;
}

function suggestTier(rpoMinutes: number): Classification {
  if (rpoMinutes <= 240) return Classification.CRITICAL;
  if (rpoMinutes >= 7 * 1440) return Classification.REBUILDABLE;
  return Classification.IMPORTANT;
}

/** A selection named `<estate>-<service>` (as synth names them) gives back `<service>`. */
function selectionBase(name: string, estate: string | undefined): string {
  const base = name.replace(/-tags$/, "");
  return estate && base.startsWith(`${estate}-`) && base.length > estate.length + 1
    ? base.slice(estate.length + 1)
    : base;
}

function count(values: readonly string[]): string[] {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map((e) => e[0]);
}

function fileName(file: string | undefined): string {
  return file ? basename(file) : "no answer";
}

export type { ObservedVault, ObservedSelection };
