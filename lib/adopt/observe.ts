import type { z } from "zod";
import {
  type Answer,
  AnswerKind,
  type awsPlanRule,
  type pveJob,
  type pveStorage,
  type veleroLocation,
  type veleroSchedule,
} from "./answers";
import { must } from "../private/must";
import { AdoptErrors } from "./errors";

export type PveJob = z.output<typeof pveJob>;
export type PveStorage = z.output<typeof pveStorage>;
export type AwsPlanRule = z.output<typeof awsPlanRule>;
export type VeleroSchedule = z.output<typeof veleroSchedule>;
export type VeleroLocation = z.output<typeof veleroLocation>;

/** One guest as a Proxmox host reports it. */
export interface ObservedGuest {
  readonly vmid: number;
  readonly kind: "qemu" | "lxc";
  readonly name?: string;
  readonly node?: string;
  readonly template: boolean;
  readonly pool?: string;
}

/** What the answers say about one Proxmox host (cluster). */
export interface ObservedHost {
  readonly name: string;
  readonly jobs: PveJob[];
  readonly guests: Map<number, ObservedGuest>;
  readonly notBackedUp: Map<number, ObservedGuest>;
  readonly storages: Map<string, PveStorage>;
  /** The file each kind of answer came from, for the comments. */
  readonly files: Map<AnswerKind, string>;
}

export interface ObservedSelection {
  readonly id: string;
  readonly name: string;
  readonly planId: string;
  readonly role: string;
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** StringEquals tag conditions (AND), from Conditions and ListOfTags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Conditions the catalog cannot say (StringLike, StringNotEquals, ...), verbatim. */
  readonly otherConditions: readonly string[];
  /** ListOfTags has more than one entry: OR semantics the catalog cannot say. */
  readonly orTags: boolean;
  readonly file: string;
}

export interface ObservedPlan {
  readonly id: string;
  readonly name: string;
  readonly arn?: string;
  rules?: readonly AwsPlanRule[];
  readonly selections: Map<string, ObservedSelection>;
  /** Selection ids listed by list-backup-selections whose get-backup-selection answer is missing. */
  readonly listedSelections: Map<string, string>;
  file: string;
}

export interface ObservedVault {
  readonly name: string;
  readonly arn: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly locked: boolean;
  readonly minDays?: number;
  readonly maxDays?: number;
  /** A lock date is set: compliance mode (immutable once the date passed). */
  readonly lockDate?: string;
  notifications?: { readonly topicArn: string; readonly events: readonly string[]; readonly file: string };
  readonly file: string;
}

export interface ObservedBucket {
  readonly name: string;
  versioning?: { readonly status: "Enabled" | "Suspended" | "never"; readonly file: string };
  objectLock?: {
    readonly enabled: boolean;
    readonly mode?: "GOVERNANCE" | "COMPLIANCE";
    readonly days?: number;
    readonly file: string;
  };
  replication?: { readonly destinations: readonly string[]; readonly role: string; readonly file: string };
}

export interface ObservedCluster {
  readonly name: string;
  readonly schedules: VeleroSchedule[];
  readonly locations: VeleroLocation[];
  readonly file: string;
}

/** Everything the answers say, merged. */
export interface Observed {
  readonly hosts: Map<string, ObservedHost>;
  readonly plans: Map<string, ObservedPlan>;
  readonly vaults: Map<string, ObservedVault>;
  readonly buckets: Map<string, ObservedBucket>;
  readonly clusters: Map<string, ObservedCluster>;
}

/** Merges recognized answers into one picture of the estate. */
export function observe(answers: readonly Answer[]): Observed {
  const o: Observed = {
    hosts: new Map(),
    plans: new Map(),
    vaults: new Map(),
    buckets: new Map(),
    clusters: new Map(),
  };
  // The host, bucket or cluster an answer is about: parseAnswer refuses an answer that needs one and names none (ADOPT-005).
  const subjectOf = (a: Answer): string => must(a.subject, `the subject of ${a.file}`);
  const host = (name: string): ObservedHost => {
    let h = o.hosts.get(name);
    if (!h)
      o.hosts.set(
        name,
        (h = { name, jobs: [], guests: new Map(), notBackedUp: new Map(), storages: new Map(), files: new Map() }),
      );
    return h;
  };
  const plan = (id: string, name: string | undefined, file: string): ObservedPlan => {
    let p = o.plans.get(id);
    if (!p) o.plans.set(id, (p = { id, name: name ?? id, selections: new Map(), listedSelections: new Map(), file }));
    return p;
  };
  const bucket = (name: string): ObservedBucket => {
    let b = o.buckets.get(name);
    if (!b) o.buckets.set(name, (b = { name }));
    return b;
  };
  const vault = (
    v: {
      BackupVaultName: string;
      BackupVaultArn: string;
      Locked?: boolean;
      MinRetentionDays?: number;
      MaxRetentionDays?: number;
      LockDate?: string | number;
    },
    file: string,
  ) => {
    const arn = /^arn:[^:]+:backup:([^:]*):([0-9]*):/.exec(v.BackupVaultArn);
    const next: ObservedVault = {
      name: v.BackupVaultName,
      arn: v.BackupVaultArn,
      region: arn?.[1] || undefined,
      accountId: arn?.[2] || undefined,
      locked: v.Locked ?? false,
      minDays: v.MinRetentionDays,
      maxDays: v.MaxRetentionDays,
      lockDate: v.LockDate === undefined ? undefined : String(v.LockDate),
      notifications: o.vaults.get(v.BackupVaultName)?.notifications,
      file,
    };
    const prev = o.vaults.get(v.BackupVaultName);
    if (prev && (prev.locked !== next.locked || prev.minDays !== next.minDays || prev.maxDays !== next.maxDays))
      throw AdoptErrors.adoptConflict(`vault ${v.BackupVaultName}`, prev.file, file);
    // describe-backup-vault says as much as list-backup-vaults: the later answer wins when they agree.
    o.vaults.set(v.BackupVaultName, next);
    return next;
  };
  for (const a of answers) {
    switch (a.kind) {
      case AnswerKind.PVE_JOBS: {
        const h = host(subjectOf(a));
        for (const j of a.data) {
          if (h.jobs.some((x) => x.id === j.id))
            throw AdoptErrors.adoptConflict(`job ${j.id} on ${h.name}`, h.files.get(a.kind) ?? a.file, a.file);
          h.jobs.push(j);
        }
        h.files.set(a.kind, a.file);
        break;
      }
      case AnswerKind.PVE_GUESTS: {
        const h = host(subjectOf(a));
        for (const g of a.data)
          h.guests.set(g.vmid, {
            vmid: g.vmid,
            kind: g.type,
            name: g.name,
            node: g.node,
            template: g.template ?? false,
            pool: g.pool,
          });
        h.files.set(a.kind, a.file);
        break;
      }
      case AnswerKind.PVE_NOT_BACKED_UP: {
        const h = host(subjectOf(a));
        for (const g of a.data)
          h.notBackedUp.set(g.vmid, { vmid: g.vmid, kind: g.type ?? "qemu", name: g.name, template: false });
        h.files.set(a.kind, a.file);
        break;
      }
      case AnswerKind.PVE_STORAGE: {
        const h = host(subjectOf(a));
        for (const s of a.data) h.storages.set(s.storage, s);
        h.files.set(a.kind, a.file);
        break;
      }
      case AnswerKind.AWS_PLANS:
        for (const p of a.data.BackupPlansList) plan(p.BackupPlanId, p.BackupPlanName, a.file);
        break;
      case AnswerKind.AWS_PLAN: {
        const p = plan(a.data.BackupPlanId, a.data.BackupPlan.BackupPlanName, a.file);
        if (p.name !== a.data.BackupPlan.BackupPlanName)
          throw AdoptErrors.adoptConflict(`plan ${p.id}`, p.file, a.file);
        p.rules = a.data.BackupPlan.Rules;
        p.file = a.file;
        break;
      }
      case AnswerKind.AWS_SELECTIONS:
        for (const s of a.data.BackupSelectionsList) {
          const p = plan(s.BackupPlanId, undefined, a.file);
          if (!p.selections.has(s.SelectionId)) p.listedSelections.set(s.SelectionId, s.SelectionName);
        }
        break;
      case AnswerKind.AWS_SELECTION: {
        const p = plan(a.data.BackupPlanId, undefined, a.file);
        const s = a.data.BackupSelection;
        const tags: Record<string, string> = {};
        const other: string[] = [];
        for (const c of s.Conditions?.StringEquals ?? [])
          tags[c.ConditionKey.replace(/^aws:ResourceTag\//, "")] = c.ConditionValue;
        for (const [op, list] of Object.entries(s.Conditions ?? {})) {
          if (op !== "StringEquals" && Array.isArray(list))
            for (const c of list as Array<{ ConditionKey: string; ConditionValue: string }>)
              other.push(`${op} ${c.ConditionKey}=${c.ConditionValue}`);
        }
        const list = s.ListOfTags ?? [];
        for (const t of list) {
          if (t.ConditionType === "STRINGEQUALS")
            tags[t.ConditionKey.replace(/^aws:ResourceTag\//, "")] = t.ConditionValue;
          else other.push(`${t.ConditionType} ${t.ConditionKey}=${t.ConditionValue}`);
        }
        p.selections.set(a.data.SelectionId, {
          id: a.data.SelectionId,
          name: s.SelectionName,
          planId: a.data.BackupPlanId,
          role: s.IamRoleArn,
          // `*` selects everything the conditions match: a tag selection, not an ARN.
          resources: (s.Resources ?? []).filter((r) => r !== "*"),
          notResources: s.NotResources ?? [],
          tags,
          otherConditions: other,
          orTags: list.length > 1,
          file: a.file,
        });
        p.listedSelections.delete(a.data.SelectionId);
        break;
      }
      case AnswerKind.AWS_VAULTS:
        for (const v of a.data.BackupVaultList) vault(v, a.file);
        break;
      case AnswerKind.AWS_VAULT:
        vault(a.data, a.file);
        break;
      case AnswerKind.AWS_VAULT_NOTIFICATIONS: {
        const v = o.vaults.get(a.data.BackupVaultName);
        const n = { topicArn: a.data.SNSTopicArn, events: a.data.BackupVaultEvents, file: a.file };
        if (v) v.notifications = n;
        else {
          const arn = (a.data as { BackupVaultArn?: string }).BackupVaultArn ?? "";
          vault({ BackupVaultName: a.data.BackupVaultName, BackupVaultArn: arn }, a.file).notifications = n;
        }
        break;
      }
      case AnswerKind.S3_VERSIONING:
        bucket(subjectOf(a)).versioning = { status: a.data.Status ?? "never", file: a.file };
        break;
      case AnswerKind.S3_OBJECT_LOCK: {
        const c = a.data.ObjectLockConfiguration;
        const r = c.Rule?.DefaultRetention;
        bucket(subjectOf(a)).objectLock = {
          enabled: c.ObjectLockEnabled === "Enabled",
          mode: r?.Mode,
          days: r ? (r.Days ?? (r.Years ?? 0) * 365) : undefined,
          file: a.file,
        };
        break;
      }
      case AnswerKind.S3_REPLICATION: {
        const c = a.data.ReplicationConfiguration;
        bucket(subjectOf(a)).replication = {
          role: c.Role,
          destinations: c.Rules.filter((r) => r.Status === "Enabled").map((r) =>
            r.Destination.Bucket.replace(/^arn:[^:]+:s3:::/, ""),
          ),
          file: a.file,
        };
        break;
      }
      case AnswerKind.VELERO: {
        const name = subjectOf(a);
        const prev = o.clusters.get(name);
        const c = prev ?? { name, schedules: [], locations: [], file: a.file };
        for (const item of a.data.items) {
          if (item.kind === "Schedule") c.schedules.push(item);
          else c.locations.push(item);
        }
        o.clusters.set(c.name, c);
        break;
      }
    }
  }
  return o;
}

/** The vmids a job backs up, given the guests its host reports (`all` minus `exclude`, a pool, or a list). */
export function jobGuests(job: PveJob, host: ObservedHost): number[] {
  const list = (s: string | undefined) =>
    (s ?? "")
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number)
      .filter(Number.isInteger);
  if (job.all) {
    const excluded = new Set(list(job.exclude));
    return [...host.guests.values()]
      .filter((g) => !g.template && !excluded.has(g.vmid) && (!job.node || g.node === job.node))
      .map((g) => g.vmid);
  }
  if (job.pool) return [...host.guests.values()].filter((g) => g.pool === job.pool).map((g) => g.vmid);
  return list(job.vmid);
}
