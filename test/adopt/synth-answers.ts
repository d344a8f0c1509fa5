import { readFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, any>;

/**
 * The answers the APIs would give for an estate synthesized from a catalog and applied:
 * every Proxmox job, AWS Backup plan, selection and vault of the synthesized stacks, in the
 * shapes the documented calls answer (field names as the APIs spell them). Guests are named
 * after the services that enrolled them (their job's notes), as an operator names VMs.
 */
export function answersFromSynth(outdir: string, stacks: readonly string[]): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  const byRef = new Map<string, Json>();
  const all: Array<{ type: string; id: string; config: Json; stack: Json }> = [];
  for (const s of stacks) {
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")) as Json;
    for (const [type, items] of Object.entries((stack.resource ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [id, config] of Object.entries(items)) {
        all.push({ type, id, config, stack });
        byRef.set(`${type}.${id}`, config);
      }
    }
  }
  const deref = (v: unknown, attr: string): unknown => {
    const m = typeof v === "string" ? /^\$\{([a-z0-9_]+\.[^.}]+)\.([a-z_]+)\}$/.exec(v) : null;
    return m && m[2] === attr ? byRef.get(m[1])?.name : v;
  };
  const regionOf = (stack: Json, provider: string): string => {
    const alias = provider.split(".")[1];
    return (stack.provider.aws as Json[]).find((p) => (p.alias ?? undefined) === alias)!.region;
  };

  // Proxmox: /cluster/backup, /cluster/resources per host (the job's path names its host).
  const hosts = new Map<string, { jobs: Json[]; guests: Json[] }>();
  for (const r of all.filter((x) => x.type === "proxmox_backup_job")) {
    const host = (r.config["//"].metadata.path as string).split("/")[1];
    const h = hosts.get(host) ?? { jobs: [], guests: [] };
    hosts.set(host, h);
    const c = r.config;
    h.jobs.push({
      id: c.id,
      type: "vzdump",
      schedule: c.schedule,
      storage: c.storage,
      vmid: (c.vmid as string[]).join(","),
      mode: c.mode,
      compress: c.compress,
      enabled: c.enabled ? 1 : 0,
      ...(c.mailto ? { mailto: (c.mailto as string[]).join(","), mailnotification: c.mailnotification } : {}),
      ...(c.script ? { script: c.script } : {}),
      "notes-template": c.notes_template,
      "prune-backups": c.prune_backups,
    });
    const names = new Map(
      [...String(c.notes_template).matchAll(/(\d+)=([a-z0-9-]+)/g)].map((m) => [Number(m[1]), m[2]]),
    );
    for (const vmid of c.vmid as string[])
      h.guests.push({
        id: `qemu/${vmid}`,
        type: "qemu",
        vmid: Number(vmid),
        name: names.get(Number(vmid)),
        node: host,
        status: "running",
        template: 0,
      });
  }
  for (const [host, h] of hosts) {
    files[`${host}=pve-jobs-${host}.json`] = h.jobs;
    files[`${host}=pve-resources-${host}.json`] = h.guests;
  }

  // AWS Backup: vaults (with their locks), plans, selections.
  const account = "123456789012";
  const vaults: Json[] = [];
  for (const r of all.filter((x) => x.type === "aws_backup_vault")) {
    const region = regionOf(r.stack, r.config.provider);
    const lock = all.find(
      (x) =>
        x.type === "aws_backup_vault_lock_configuration" && deref(x.config.backup_vault_name, "name") === r.config.name,
    );
    vaults.push({
      BackupVaultName: r.config.name,
      BackupVaultArn: `arn:aws:backup:${region}:${account}:backup-vault:${r.config.name}`,
      VaultType: "BACKUP_VAULT",
      EncryptionKeyArn: `arn:aws:kms:${region}:${account}:key/00000000-0000-0000-0000-000000000001`,
      NumberOfRecoveryPoints: 0,
      ...(lock
        ? {
            Locked: true,
            MinRetentionDays: lock.config.min_retention_days,
            ...(lock.config.max_retention_days ? { MaxRetentionDays: lock.config.max_retention_days } : {}),
            ...(lock.config.changeable_for_days ? { LockDate: "2026-01-04T00:00:00.000000+00:00" } : {}),
          }
        : { Locked: false }),
    });
  }
  files["aws-list-backup-vaults.json"] = { BackupVaultList: vaults };
  const plans = all.filter((x) => x.type === "aws_backup_plan");
  const planId = (name: string) =>
    `00000000-0000-4000-8000-${Buffer.from(name).toString("hex").slice(0, 12).padEnd(12, "0")}`;
  files["aws-list-backup-plans.json"] = {
    BackupPlansList: plans.map((p) => ({
      BackupPlanId: planId(p.config.name),
      BackupPlanName: p.config.name,
      BackupPlanArn: `arn:aws:backup:${regionOf(p.stack, p.config.provider)}:${account}:backup-plan:${planId(p.config.name)}`,
    })),
  };
  for (const p of plans) {
    const id = planId(p.config.name);
    files[`aws-get-backup-plan-${p.config.name}.json`] = {
      BackupPlanId: id,
      BackupPlanArn: `arn:aws:backup:${regionOf(p.stack, p.config.provider)}:${account}:backup-plan:${id}`,
      BackupPlan: {
        BackupPlanName: p.config.name,
        Rules: (p.config.rule as Json[]).map((r) => ({
          RuleName: r.rule_name,
          TargetBackupVaultName: deref(r.target_vault_name, "name"),
          ScheduleExpression: r.schedule,
          StartWindowMinutes: r.start_window,
          CompletionWindowMinutes: r.completion_window,
          EnableContinuousBackup: r.enable_continuous_backup ?? false,
          Lifecycle: {
            DeleteAfterDays: r.lifecycle?.delete_after,
            ...(r.lifecycle?.cold_storage_after ? { MoveToColdStorageAfterDays: r.lifecycle.cold_storage_after } : {}),
          },
          ...(r.copy_action
            ? {
                CopyActions: (r.copy_action as Json[]).map((c) => ({
                  DestinationBackupVaultArn: c.destination_vault_arn,
                  Lifecycle: { DeleteAfterDays: c.lifecycle?.delete_after },
                })),
              }
            : {}),
        })),
      },
    };
    const sels = all.filter(
      (x) => x.type === "aws_backup_selection" && x.config.plan_id === `\${aws_backup_plan.${p.id}.id}`,
    );
    files[`aws-list-backup-selections-${p.config.name}.json`] = {
      BackupSelectionsList: sels.map((s, i) => ({
        SelectionId: `sel-${i}-${id.slice(-6)}`,
        SelectionName: s.config.name,
        BackupPlanId: id,
      })),
    };
    sels.forEach((s, i) => {
      files[`aws-get-backup-selection-${s.config.name}.json`] = {
        SelectionId: `sel-${i}-${id.slice(-6)}`,
        BackupPlanId: id,
        BackupSelection: {
          SelectionName: s.config.name,
          IamRoleArn: `arn:aws:iam::${account}:role/backup`,
          Resources: s.config.resources ?? [],
          NotResources: [],
          ListOfTags: [],
          Conditions: {
            StringEquals: ((s.config.condition?.[0]?.string_equals ?? []) as Json[]).map((c) => ({
              ConditionKey: c.key,
              ConditionValue: c.value,
            })),
            StringNotEquals: [],
            StringLike: [],
            StringNotLike: [],
          },
        },
      };
    });
  }
  return files;
}
