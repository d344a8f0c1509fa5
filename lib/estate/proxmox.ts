import { VZDUMP_HOOK_PATH } from "../artifacts/vzdump-hook";
import { type PbsStorage, type ProxmoxHost, type ProxmoxStorage, VzdumpHookMode } from "../catalog/model";
import { BackupStorage, StorageBackend } from "../constructs/backup-storage";
import { ProtectedVm } from "../constructs/protected-vm";
import { ProxmoxHostBackups, VZDUMP_RUN_MINUTES } from "../constructs/proxmox-host-backups";
import { MailNotification, type VzdumpJob } from "../constructs/vzdump-job";
import { Construct, TerraformVariable } from "../core/cdk";
import { Retention } from "../core/retention";
import { GuestKind, StorageKind } from "../core/vocabulary";
import { Errors } from "../errors";
import type { ProxmoxProvider } from "../providers/proxmox/provider";
import { BuildRecord, type EstatePolicies, TargetKind } from "./context";
import { type ProxmoxEstateStack, varSuffix } from "./proxmox-stack";
import { tfLiteral, tfLiteralOpt } from "../core/escape/terraform";

/** What the builder made for one host. */
interface HostBuild {
  readonly host: ProxmoxHost;
  readonly scope: Construct;
  readonly backups: ProxmoxHostBackups;
  readonly storages: ReadonlyMap<string, BackupStorage>;
}

/** What the Proxmox builder made. */
export interface ProxmoxProtection {
  /** Each host's backup jobs, by host key. */
  readonly hosts: ReadonlyMap<string, ProxmoxHostBackups>;
  /** Each host's declared storages, by host key, then storage id. */
  readonly storages: ReadonlyMap<string, ReadonlyMap<string, BackupStorage>>;
  /** Each enrolled guest, by service id. */
  readonly guests: ReadonlyMap<string, ProtectedVm>;
  /** Targets and vzdump jobs it registered. */
  readonly record: BuildRecord;
}

/**
 * Proxmox protection: one provider alias per host (in the estate's Proxmox stack, or in the
 * host's own stack with `stacks.proxmox: per-host`), the declared backup storages, and every
 * guest of the catalog enrolled (ProtectedVm) into as few vzdump jobs per host as the
 * services' policies allow, staggered per host, in `stacks` (the estate's Proxmox stack, or
 * one per host). Returns the hosts' jobs, the guests, each guest's target (with its restore
 * steps) and each job (for the calendar).
 */
export function buildProxmoxProtection(ctx: EstatePolicies, stacks: readonly ProxmoxEstateStack[]): ProxmoxProtection {
  const record = new BuildRecord();
  if (stacks.length === 0) return { hosts: new Map(), storages: new Map(), guests: new Map(), record };
  // One stack with every host, or a stack per host (stacks.proxmox: per-host): each host is built in the stack that holds it.
  const builds = new Map<string, HostBuild>();
  for (const stack of stacks) {
    for (const name of Object.keys(stack.hosts).sort()) builds.set(name, buildHost(ctx, stack, stack.hosts[name]));
  }

  const guests: ProtectedVm[] = [];
  const byService = new Map<string, ProtectedVm>();
  for (const p of ctx.policies) {
    const vm = p.service.vm;
    if (!vm) continue;
    const b = builds.get(vm.host);
    if (!b) throw Errors.pveUnknownHost(p.service.id, vm.host);
    const guest = new ProtectedVm(b.scope, p.service.id, {
      host: b.backups,
      vmid: vm.vmid,
      kind: vm.kind,
      cadence: p.jobCadence,
      retention: p.retention,
      mode: vm.mode,
      repeatMissed: p.repeatMissed,
      label: p.service.id,
    });
    guests.push(guest);
    byService.set(p.service.id, guest);
  }

  // Jobs and targets are registered after every guest is enrolled: only then are the
  // staggered start times final.
  for (const b of builds.values()) {
    for (const job of b.backups.jobs) {
      record.addJob({
        id: job.jobId,
        kind: TargetKind.VZDUMP,
        group: b.host.name,
        schedule: job.schedule,
        serviceIds: job.guests.map((g) => g.label),
        durationMinutes: VZDUMP_RUN_MINUTES,
        description: `vzdump ${job.mode} of guest(s) ${job.guests.map((g) => g.vmid).join(", ")} to ${b.host.storage} on ${b.host.name}`,
      });
    }
  }
  for (const g of guests) {
    const b = builds.get(g.host.jobIdPrefix)!;
    record.addTarget(vzdumpTarget(b, g));
  }
  return {
    hosts: new Map([...builds].map(([name, b]) => [name, b.backups])),
    storages: new Map([...builds].map(([name, b]) => [name, b.storages])),
    guests: byService,
    record,
  };
}

function buildHost(ctx: EstatePolicies, stack: ProxmoxEstateStack, host: ProxmoxHost): HostBuild {
  const provider = stack.providerFor(host.name);
  const scope = new Construct(stack, host.name);
  const storages = new Map<string, BackupStorage>();
  for (const st of host.storages) storages.set(st.id, declareStorage(stack, scope, host, st, provider));
  const target = storages.get(host.storage);
  const email = ctx.catalog.notifications.email;
  const backups = new ProxmoxHostBackups(scope, "Backups", {
    provider,
    // A declared target is referenced, so Terraform creates the storage before the jobs.
    storage: target?.storageId ?? host.storage,
    jobIdPrefix: host.name,
    mailto: email.length ? email : undefined,
    mailNotification: MailNotification.FAILURE,
    notesTag: `backup-gov ${ctx.catalog.name}`,
    hookScript: host.vzdumpHook === VzdumpHookMode.JOB ? VZDUMP_HOOK_PATH : undefined,
  });
  return { host, scope, backups, storages };
}

function declareStorage(
  stack: ProxmoxEstateStack,
  scope: Construct,
  host: ProxmoxHost,
  st: ProxmoxStorage,
  provider: ProxmoxProvider,
): BackupStorage {
  const secret = (what: string, ref: string) =>
    new TerraformVariable(stack, `${what}_${varSuffix(host.name)}_${varSuffix(st.id)}`, {
      type: "string",
      sensitive: true,
      description: tfLiteral(
        `${what.replace(/_/g, " ")} of storage ${st.id} on Proxmox host ${host.name}; kept in ${ref}`,
      ),
    }).stringValue;
  let backend: StorageBackend;
  switch (st.kind) {
    case StorageKind.PBS:
      backend = StorageBackend.pbs({
        server: st.server,
        datastore: st.datastore,
        username: tfLiteral(st.username),
        password: secret("pbs_password", st.passwordSecret),
        namespace: tfLiteralOpt(st.namespace),
        fingerprint: st.fingerprint,
        encryptionKey:
          st.encryption && !st.encryption.generate ? secret("pbs_encryption_key", st.encryption.keySecret) : undefined,
        generateEncryptionKey: st.encryption?.generate,
      });
      break;
    case StorageKind.NFS:
      backend = StorageBackend.nfs({
        server: st.server,
        export: tfLiteral(st.export),
        options: tfLiteralOpt(st.options),
      });
      break;
    case StorageKind.CIFS:
      backend = StorageBackend.cifs({
        server: st.server,
        share: tfLiteral(st.share),
        username: tfLiteral(st.username),
        password: secret("cifs_password", st.passwordSecret),
        domain: tfLiteralOpt(st.domain),
        subdirectory: tfLiteralOpt(st.subdirectory),
      });
      break;
    case StorageKind.DIR:
      backend = StorageBackend.directory({ path: tfLiteral(st.path), shared: st.shared });
      break;
  }
  const r = st.retention;
  return new BackupStorage(scope, `Storage-${st.id}`, {
    provider,
    storageId: st.id,
    backend,
    nodes: st.nodes.length ? st.nodes : undefined,
    retention:
      r && Retention.of({ hourly: r.hourly, daily: r.daily, weekly: r.weekly, monthly: r.monthly, yearly: r.yearly }),
    keepLast: r?.last,
    keepAll: r?.keepAll,
    maxProtectedBackups: r?.maxProtected,
  });
}

/** Where one guest's images live and how to bring it back. */
function vzdumpTarget(b: HostBuild, g: ProtectedVm) {
  const { host } = b;
  const job: VzdumpJob = g.job;
  const declared = host.storages.find((s) => s.id === host.storage);
  return {
    serviceId: g.label,
    kind: TargetKind.VZDUMP,
    id: job.jobId,
    location: `storage ${host.storage} on ${host.name} (node ${host.node}), guest ${g.vmid}`,
    details: {
      host: host.name,
      node: host.node,
      vmid: g.vmid,
      guest: g.kind,
      storage: host.storage,
      storageType: declared?.kind ?? "existing",
      job: job.jobId,
      schedule: job.schedule.toCalendarEvent(),
      mode: job.mode,
      compress: job.compress,
      prune: Object.entries(job.retention.toPruneBackups())
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
      repeatMissed: job.repeatMissed,
    },
    restoreSteps: restoreSteps(host, declared, g),
  };
}

/** The restore of one guest from its vzdump backups, as commands on the host. */
export function restoreSteps(
  host: ProxmoxHost,
  declared: ProxmoxStorage | undefined,
  g: Pick<ProtectedVm, "vmid" | "kind">,
): string[] {
  const qm = g.kind === GuestKind.QEMU;
  const tool = qm ? "qm" : "pct";
  const steps: string[] = [];
  if (declared?.kind === StorageKind.PBS && declared.encryption) {
    steps.push(
      `Storage \`${declared.id}\` is encrypted: if node ${host.node} was rebuilt, put the key from \`${(declared as PbsStorage).encryption!.keySecret}\` back before restoring (\`pvesm set ${declared.id} --encryption-key <file>\`, or re-apply the Proxmox stack).`,
    );
  }
  if (declared && "passwordSecret" in declared) {
    steps.push(
      `If storage \`${declared.id}\` is missing on a rebuilt node, re-apply the Proxmox stack (its password is kept in \`${declared.passwordSecret}\`).`,
    );
  }
  steps.push(
    `On node ${host.node}, list the guest's backups and pick the newest one from before the incident: \`pvesm list ${host.storage} --content backup --vmid ${g.vmid}\``,
    `If guest ${g.vmid} still exists and is to be replaced, stop it: \`${tool} stop ${g.vmid}\``,
    qm
      ? `Restore the VM over it: \`qmrestore <volid> ${g.vmid} --force 1\` (volid as listed, e.g. \`${host.storage}:backup/...\`)`
      : `Restore the container over it: \`pct restore ${g.vmid} <volid> --force 1\` (volid as listed, e.g. \`${host.storage}:backup/...\`)`,
    `Start it and watch it come up: \`${tool} start ${g.vmid}\``,
  );
  return steps;
}
