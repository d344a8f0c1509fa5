import type { AdoptedIds } from "../catalog/model";
import type { PlanSpec } from "../policy/aws-backup";
import {
  DefaultTokenResolver,
  type IConstruct,
  StringConcat,
  TerraformResource,
  type TerraformStack,
  Tokenization,
} from "../core/cdk";

/** Ids of the adoption notices (docs/adopt.md#before-apply). */
export const AdoptionNotice = {
  /** An existing object the catalog generates nothing for under its name: left alone, and a new one is created. */
  NOT_MATCHED: "GOV-260",
  /** A backup selection differs from the existing one: it cannot be updated in place. */
  SELECTION_REPLACED: "GOV-261",
  /** `object_lock_enabled` on an existing bucket would force a new bucket: the lock configuration resource is used instead. */
  BUCKET_LOCK: "GOV-262",
  /** An existing Vault Lock is kept as it is (changeable_for_days and the retention range). */
  LOCK_KEPT: "GOV-263",
  /** The imported vault keeps its own KMS key (a different key would force a new vault). */
  VAULT_KEY_KEPT: "GOV-264",
  /** An imported vault's notifications are set to the estate's topic and events (a vault has one configuration). */
  NOTIFICATIONS_REPLACED: "GOV-265",
} as const;

/** One `import` block synth emits. */
export interface ImportEntry {
  /** `<resource type>.<logical id>` as in the stack's configuration. */
  readonly address: string;
  readonly stack: string;
  /** The import id the provider documents for this resource type. */
  readonly id: string;
  /** What it is, for people: `vault prod-locked`. */
  readonly what: string;
}

export interface AdoptionNoticeEntry {
  readonly id: string;
  readonly message: string;
  /** The non-destructive path. */
  readonly fix: string;
}

/** What adoption did to the estate's stacks. */
export interface AdoptionReport {
  readonly imports: readonly ImportEntry[];
  readonly notices: readonly AdoptionNoticeEntry[];
}

interface Found {
  readonly resource: TerraformResource;
  readonly stack: TerraformStack;
  readonly type: string;
  readonly address: string;
  readonly config: Record<string, unknown>;
}

/**
 * Import ids, as the providers document them for `terraform import` (and import blocks):
 * AWS Backup vaults, vault locks and vault notifications by vault name; plans by plan id;
 * selections as `<plan id>|<selection id>`; S3 buckets and their versioning, Object Lock and
 * replication configurations by bucket name; bpg/proxmox backup jobs by job id.
 *
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/backup_selection#import
 * @see ../../../shared/reference/proxmox-provider.md §1.2 (proxmox_backup_job import id: the job id)
 */
export const IMPORT_ID = {
  vault: (name: string) => name,
  vaultLock: (vaultName: string) => vaultName,
  vaultNotifications: (vaultName: string) => vaultName,
  plan: (planId: string) => planId,
  selection: (planId: string, selectionId: string) => `${planId}|${selectionId}`,
  bucket: (name: string) => name,
  backupJob: (jobId: string) => jobId,
} as const;

/**
 * Turns the estate's resources that stand for existing objects (`adopted` in the catalog)
 * into imports, and changes what would otherwise force a replacement into the
 * non-destructive form. Returns what it did and what a person must know before apply.
 */
export function adoptExisting(stacks: readonly TerraformStack[], adopted: AdoptedIds): AdoptionReport {
  const imports: ImportEntry[] = [];
  const notices: AdoptionNoticeEntry[] = [];
  const found: Found[] = [];
  for (const stack of stacks) {
    for (const c of stack.node.findAll()) {
      if (!(c instanceof TerraformResource)) continue;
      const config = configOf(c);
      if (!config) continue;
      found.push({
        resource: c,
        stack,
        type: c.terraformResourceType,
        address: `${c.terraformResourceType}.${c.friendlyUniqueId}`,
        config,
      });
    }
  }
  // References (`${aws_backup_vault.X.name}`) resolve to the literal names of the resources they point at.
  const literal = new Map<string, unknown>();
  for (const f of found) for (const [k, v] of Object.entries(f.config)) literal.set(`\${${f.address}.${k}}`, v);
  const value = (f: Found, key: string): string | undefined => {
    let v = f.config[key];
    if (typeof v === "string" && literal.has(v)) v = literal.get(v);
    return typeof v === "string" && !v.includes("${") ? v : undefined;
  };
  const add = (f: Found, id: string, what: string) => {
    f.resource.importFrom(id);
    imports.push({ address: f.address, stack: f.stack.node.id, id, what });
  };
  const ignore = (f: Found, keys: string[]) => {
    const lc = f.resource.lifecycle ?? {};
    f.resource.lifecycle = {
      ...lc,
      ignoreChanges: [...new Set([...((lc.ignoreChanges as string[] | undefined) ?? []), ...keys])],
    };
  };

  const vaults = adopted.vaults ?? {};
  const plans = adopted.plans ?? {};
  const selections = adopted.selections ?? {};
  const buckets = adopted.buckets ?? {};
  const matched = {
    vaults: new Set<string>(),
    plans: new Set<string>(),
    selections: new Set<string>(),
    buckets: new Set<string>(),
    jobs: new Set<string>(),
  };
  const planIdOfAddress = new Map<string, string>();

  for (const f of found) {
    switch (f.type) {
      case "aws_backup_vault": {
        const name = value(f, "name");
        if (name === undefined || !(name in vaults)) break;
        matched.vaults.add(name);
        add(f, IMPORT_ID.vault(name), `vault ${name}`);
        // kms_key_arn forces a new vault, and a vault with recovery points cannot be deleted.
        ignore(f, ["kms_key_arn"]);
        notices.push({
          id: AdoptionNotice.VAULT_KEY_KEPT,
          message: `vault ${name} is imported with the KMS key it was created with; the estate's key encrypts only new vaults`,
          fix: "nothing to do: changing a vault's key would need a new vault (copy the recovery points, then retire the old vault)",
        });
        break;
      }
      case "aws_backup_plan": {
        const name = value(f, "name");
        if (name === undefined || plans[name] === undefined) break;
        matched.plans.add(name);
        planIdOfAddress.set(`\${${f.address}.id}`, plans[name].id);
        add(f, IMPORT_ID.plan(plans[name].id), `plan ${name}`);
        break;
      }
    }
  }
  for (const f of found) {
    switch (f.type) {
      case "aws_backup_vault_lock_configuration": {
        const name = value(f, "backup_vault_name");
        const existing = name !== undefined ? vaults[name]?.lock : undefined;
        if (name === undefined || !existing) break;
        add(f, IMPORT_ID.vaultLock(name), `vault lock of ${name}`);
        const wanted = { min: f.config.min_retention_days, max: f.config.max_retention_days };
        // An existing lock is left exactly as it is: a compliance lock past its date cannot change,
        // and changeable_for_days is not read back, so setting it would force a replacement AWS refuses.
        f.resource.addOverride("changeable_for_days", null);
        f.resource.addOverride("min_retention_days", existing.minDays);
        f.resource.addOverride("max_retention_days", existing.maxDays ?? null);
        ignore(f, ["changeable_for_days", "min_retention_days", "max_retention_days"]);
        const differs = wanted.min !== existing.minDays || (wanted.max ?? undefined) !== existing.maxDays;
        notices.push({
          id: AdoptionNotice.LOCK_KEPT,
          message: `vault ${name} keeps its existing lock (${existing.minDays}${existing.maxDays !== undefined ? `-${existing.maxDays}` : "+"} days${existing.lockDate ? `, compliance, locked since ${existing.lockDate}` : ", governance"})${differs ? `; the catalog asks for ${String(wanted.min)}${wanted.max !== undefined ? `-${String(wanted.max)}` : "+"} days` : ""}`,
          fix: differs
            ? "set the service's `immutable.days`/`maxDays` to the existing lock's range, or protect the service into a new vault (a locked vault cannot be changed or deleted)"
            : "nothing to do",
        });
        break;
      }
      case "aws_backup_vault_notifications": {
        const name = value(f, "backup_vault_name");
        if (name === undefined || !vaults[name]?.notifications) break;
        add(f, IMPORT_ID.vaultNotifications(name), `notifications of vault ${name}`);
        // A vault has one notification configuration: the estate's topic and events take its place.
        notices.push({
          id: AdoptionNotice.NOTIFICATIONS_REPLACED,
          message: `the notifications of vault ${name} are imported and then set to the estate's topic and events; the topic they go to today stops receiving them`,
          fix: "subscribe the old topic's readers to the estate's alerts (notifications in the catalog) before apply",
        });
        break;
      }
      case "aws_backup_selection": {
        const name = value(f, "name");
        const sel = name !== undefined ? selections[name] : undefined;
        if (name === undefined || !sel) break;
        matched.selections.add(name);
        const planRef = f.config.plan_id;
        const planId = typeof planRef === "string" ? (planIdOfAddress.get(planRef) ?? planRef) : undefined;
        if (planId !== sel.planId) {
          notices.push({
            id: AdoptionNotice.SELECTION_REPLACED,
            message: `selection ${name} belongs to plan ${sel.planId}, but the catalog puts it in ${planId?.includes("${") ? "a new plan" : `plan ${planId}`}: a new selection is created there and the old one stays`,
            fix: "after the first backup of the new plan, delete the old selection by hand (aws backup delete-backup-selection); recovery points are not affected",
          });
          break;
        }
        add(f, IMPORT_ID.selection(sel.planId, sel.id), `selection ${name}`);
        if (sel.role) {
          // Every argument of a selection forces a new one: the existing role stays (it already works).
          f.resource.addOverride("iam_role_arn", sel.role);
          ignore(f, ["iam_role_arn"]);
        }
        const resources = [...((f.config.resources as string[] | undefined) ?? [])].filter((r) => r !== "*").sort();
        if (JSON.stringify(resources) !== JSON.stringify([...(sel.resources ?? [])].sort())) {
          notices.push({
            id: AdoptionNotice.SELECTION_REPLACED,
            message: `selection ${name} lists other resources than the existing one; AWS Backup cannot update a selection in place, so apply replaces it (delete, then create)`,
            fix: "to keep it, write the existing resources into the service's `aws.resources`; a replacement loses no recovery point, only the selection's id",
          });
        }
        break;
      }
      case "aws_s3_bucket": {
        const name = value(f, "bucket");
        const b = name !== undefined ? buckets[name] : undefined;
        if (name === undefined || !b) break;
        matched.buckets.add(name);
        add(f, IMPORT_ID.bucket(name), `bucket ${name}`);
        if (f.config.object_lock_enabled === true && !b.objectLock) {
          // object_lock_enabled forces a new bucket; AWS enables Object Lock on an existing bucket
          // through its lock configuration (PutObjectLockConfiguration), which the bucket construct declares.
          f.resource.addOverride("object_lock_enabled", null);
          ignore(f, ["object_lock_enabled"]);
          notices.push({
            id: AdoptionNotice.BUCKET_LOCK,
            message: `bucket ${name} exists without Object Lock; \`object_lock_enabled\` would force a new bucket (and the old one's objects would be deleted)`,
            fix: "applied: the bucket keeps object_lock_enabled unset and its aws_s3_bucket_object_lock_configuration enables Object Lock in place (versioning must be on first)",
          });
        }
        break;
      }
    }
  }
  for (const f of found) {
    const name = [
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_object_lock_configuration",
      "aws_s3_bucket_replication_configuration",
    ].includes(f.type)
      ? value(f, "bucket")
      : undefined;
    const b = name !== undefined ? buckets[name] : undefined;
    if (name === undefined || !b) continue;
    if (f.type === "aws_s3_bucket_versioning" && b.versioning)
      add(f, IMPORT_ID.bucket(name), `versioning of bucket ${name}`);
    if (f.type === "aws_s3_bucket_object_lock_configuration" && b.objectLock)
      add(f, IMPORT_ID.bucket(name), `Object Lock configuration of bucket ${name}`);
    if (f.type === "aws_s3_bucket_replication_configuration" && b.replication)
      add(f, IMPORT_ID.bucket(name), `replication of bucket ${name}`);
  }
  for (const f of found) {
    if (f.type !== "proxmox_backup_job") continue;
    const id = value(f, "id");
    const jobs = adopted.jobs ?? {};
    const host = hostOf(f.resource, Object.keys(jobs));
    if (id === undefined || host === undefined) continue;
    // The existing job with this id, or the one that backs up exactly the same guests.
    const guests = [...((f.config.vmid as string[] | undefined) ?? [])].map(Number).sort((a, b) => a - b);
    const existing = jobs[host][id]
      ? id
      : Object.keys(jobs[host]).find(
          (j) =>
            !matched.jobs.has(`${host}/${j}`) &&
            JSON.stringify([...jobs[host][j]].sort((a, b) => a - b)) === JSON.stringify(guests),
        );
    if (existing === undefined) continue;
    // The job id is its physical name only: taking the existing one changes nothing else.
    if (existing !== id) f.resource.addOverride("id", existing);
    matched.jobs.add(`${host}/${existing}`);
    add(
      f,
      IMPORT_ID.backupJob(existing),
      `job ${existing} on ${host}${existing !== id ? ` (the catalog's ${id})` : ""}`,
    );
  }

  for (const name of Object.keys(vaults))
    if (!matched.vaults.has(name))
      notices.push(
        notMatched(
          `vault ${name}`,
          "vault",
          "it keeps its recovery points; once the new vault holds enough of them, stop writing to the old one (its lock, if any, stays)",
        ),
      );
  for (const name of Object.keys(plans))
    if (!matched.plans.has(name))
      notices.push(
        notMatched(
          `plan ${name}`,
          "plan",
          `after the new plan's first backups, delete it by hand (aws backup delete-backup-plan --backup-plan-id ${plans[name].id}) to stop double backups`,
        ),
      );
  for (const name of Object.keys(selections))
    if (
      !matched.selections.has(name) &&
      matched.plans.has(Object.keys(plans).find((p) => plans[p].id === selections[name].planId) ?? "")
    )
      notices.push(
        notMatched(
          `selection ${name}`,
          "selection",
          "delete it by hand once the catalog's selection covers its resources",
        ),
      );
  for (const name of Object.keys(buckets)) {
    if (!matched.buckets.has(name))
      notices.push({
        id: AdoptionNotice.NOT_MATCHED,
        message: `existing bucket ${name} is not one of the estate's own buckets: it is left as it is (not imported, never deleted)`,
        fix: "nothing to do; AWS Backup protects it if a service lists its ARN under `aws.resources`",
      });
  }
  for (const [host, ids] of Object.entries(adopted.jobs ?? {})) {
    for (const id of Object.keys(ids))
      if (!matched.jobs.has(`${host}/${id}`))
        notices.push(
          notMatched(
            `job ${id} on ${host}`,
            "job",
            `after the catalog's job for its guests has run once, remove it: pvesh delete /cluster/backup/${id}`,
          ),
        );
  }
  return { imports, notices };
}

function notMatched(what: string, kind: string, fix: string): AdoptionNoticeEntry {
  return {
    id: AdoptionNotice.NOT_MATCHED,
    message: `existing ${what} is not a ${kind} the catalog generates under that name: it is left alone (not imported, never deleted), and apply creates the catalog's own ${kind} beside it`,
    fix,
  };
}

/** The Proxmox host a job belongs to: the host key among its construct path's ids. */
function hostOf(c: IConstruct, hosts: readonly string[]): string | undefined {
  return c.node.scopes.map((s) => s.node.id).find((id) => hosts.includes(id));
}

function configOf(c: TerraformResource): Record<string, unknown> | undefined {
  try {
    const tf = Tokenization.resolve(c.toTerraform(), {
      scope: c,
      resolver: new DefaultTokenResolver(new StringConcat()),
      preparing: false,
    }) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
    const byType = tf.resource?.[c.terraformResourceType];
    return byType ? Object.values(byType)[0] : undefined;
  } catch {
    // A resource whose configuration cannot be resolved yet has no literal name to match.
    return undefined;
  }
}

/** artifacts/adoption.md: what apply imports, and what a person must know first. */
export function renderAdoption(r: AdoptionReport): string {
  const lines = [
    "# Adoption: imported, not recreated",
    "",
    `${r.imports.length} existing object(s) are imported by \`terraform apply\` (import blocks in the stacks); none is destroyed.`,
    "",
  ];
  lines.push("| Stack | Resource | Import id | Object |", "| --- | --- | --- | --- |");
  for (const i of r.imports)
    lines.push(`| ${i.stack} | \`${i.address}\` | \`${i.id.replace(/\|/g, "\\|")}\` | ${i.what} |`);
  lines.push("", "## Before apply", "");
  if (!r.notices.length) lines.push("Nothing: every existing object maps onto the catalog's own.");
  for (const n of r.notices) lines.push(`- **${n.id}** ${n.message}. ${n.fix}.`);
  return lines.join("\n") + "\n";
}

/** One notice as a CLI line. */
export function formatAdoptionNotice(n: AdoptionNoticeEntry): string {
  return `${n.id}  ${n.message}\n    non-destructive path: ${n.fix}`;
}

/** The names the AWS builder gives plans, vaults and selections, adopted where an existing object serves the same services. */
export interface AdoptedNames {
  /** The plan specs, renamed (plan and rule vault names) where an existing plan serves exactly the same services. */
  readonly plans: readonly PlanSpec[];
  /** A vault spec under its adopted name (restore tests name vaults too). */
  vault<V extends { readonly region: string; readonly name: string }>(v: V): V;
  /** The name of a service's selection: the existing selection's name when it was drafted from it. */
  selection(generated: string, serviceId: string, byTags: boolean): string;
}

/**
 * Maps the catalog's AWS Backup plans onto existing ones: an existing plan whose selections
 * were drafted into exactly the services of a generated plan lends it its name, and its
 * single target (and copy) vault lends the generated vault its name. Names force a new
 * object in AWS Backup, so a match under another name would be a replacement, not an import.
 */
export function adoptedNames(plans: readonly PlanSpec[], adopted: AdoptedIds | undefined): AdoptedNames {
  const vaultNames = new Map<string, string | null>();
  const selectionNames = new Map<string, string>();
  const renamed = new Map<string, string>();
  const existingPlans = Object.entries(adopted?.plans ?? {});
  const selections = Object.entries(adopted?.selections ?? {});
  const mapVault = (region: string, from: string, to: string) => {
    const key = `${region}/${from}`;
    const prev = vaultNames.get(key);
    // A generated vault two existing plans would rename differently keeps its own name.
    vaultNames.set(key, prev === undefined || prev === to ? to : null);
  };
  for (const spec of plans) {
    const services = [...spec.serviceIds].sort();
    const match = existingPlans.find(([, e]) => {
      const served = [...new Set(selections.filter(([, s]) => s.planId === e.id).map(([, s]) => s.service))].sort();
      return served.length > 0 && JSON.stringify(served) === JSON.stringify(services);
    });
    if (!match) continue;
    const [existingName, existing] = match;
    renamed.set(spec.name, existingName);
    const primaries = [...new Set(spec.rules.map((r) => `${r.vault.region}/${r.vault.name}`))];
    if (primaries.length === 1 && existing.vaults?.length === 1)
      mapVault(spec.rules[0].vault.region, spec.rules[0].vault.name, existing.vaults[0]);
    const copies = [
      ...new Set(spec.rules.filter((r) => r.copy).map((r) => `${r.copy!.vault.region}/${r.copy!.vault.name}`)),
    ];
    const copy = spec.rules.find((r) => r.copy)?.copy;
    if (copy && copies.length === 1 && existing.copyVaults?.length === 1)
      mapVault(copy.vault.region, copy.vault.name, existing.copyVaults[0]);
    for (const [name, s] of selections) {
      if (s.planId !== existing.id || !services.includes(s.service)) continue;
      const byTags = !s.resources?.length && !!s.tags && Object.keys(s.tags).length > 0;
      selectionNames.set(`${s.service}/${byTags}`, name);
    }
  }
  const vault = <V extends { readonly region: string; readonly name: string }>(v: V): V => {
    const to = vaultNames.get(`${v.region}/${v.name}`);
    return to ? { ...v, name: to } : v;
  };
  return {
    plans: plans.map((p) => ({
      ...p,
      name: renamed.get(p.name) ?? p.name,
      rules: p.rules.map((r) => ({
        ...r,
        vault: vault(r.vault),
        copy: r.copy && { ...r.copy, vault: vault(r.copy.vault) },
      })),
    })),
    vault,
    selection: (generated, serviceId, byTags) => selectionNames.get(`${serviceId}/${byTags}`) ?? generated,
  };
}
