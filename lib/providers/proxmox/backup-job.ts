/**
 * Hand-written cdktf binding of `proxmox_backup_job` (bpg/proxmox ≥ 0.99.0): a cluster
 * vzdump job (`/cluster/backup`). Attribute names and types follow the provider's schema
 * exactly; the resource has no blocks (`fleecing` and `performance` are nested attributes).
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/backup_job
 */
import {
  booleanToTerraform,
  type Construct,
  hashMapper,
  ImportableResource,
  type IResolvable,
  listMapper,
  numberToTerraform,
  stringToTerraform,
  type TerraformMetaArguments,
  type TerraformProvider,
  TerraformResource,
} from "../../core/cdk";
import { Errors } from "../../errors";
import { definedAttrs, hclBool, hclNumber, hclObject, hclString, hclStringList, hclStringMap } from "./hcl";
import {
  checkConfigId,
  checkConflicts,
  checkNotEmpty,
  checkOneOf,
  checkPruneBackups,
  checkRange,
  isToken,
} from "./checks";
import { type IProxmoxVersioned, ProxmoxProviderVersions, proxmoxResourceConfig } from "./version";
import { PVE_STORAGE_ID } from "../../core/formats";

/** Longest job id the Proxmox API accepts. */
export const BACKUP_JOB_ID_MAX = 50;

/** Allowed values of `mode`. */
export const BACKUP_JOB_MODES = ["snapshot", "suspend", "stop"] as const;
/** Allowed values of `compress` (strings, including "0" and "1"). */
export const BACKUP_JOB_COMPRESS = ["0", "1", "gzip", "lzo", "zstd"] as const;
/** Allowed values of `mailnotification`. */
export const BACKUP_JOB_MAIL_NOTIFICATION = ["always", "failure"] as const;
/** Allowed values of `pbs_change_detection_mode`. */
export const BACKUP_JOB_PBS_CHANGE_DETECTION = ["legacy", "data", "metadata"] as const;

/** `fleecing`: a nested attribute (an object, not a block). */
export interface BackupJobFleecing {
  /** `fleecing.enabled` (optional, computed). */
  readonly enabled?: boolean | IResolvable;
  /** `fleecing.storage`: storage for the fleecing images. */
  readonly storage?: string;
}

/** `performance`: a nested attribute (an object, not a block). */
export interface BackupJobPerformance {
  /** `performance.max_workers`. */
  readonly maxWorkers?: number;
  /** `performance.pbs_entries_max`. */
  readonly pbsEntriesMax?: number;
}

/** Configuration of {@link BackupJob}: every attribute of `proxmox_backup_job`. */
export interface BackupJobConfig extends TerraformMetaArguments {
  /** `id`: the job id (required; changing it replaces the job). */
  readonly id: string;
  /** `schedule`: a systemd calendar event, e.g. `*-*-* 02:00`. Required. */
  readonly schedule: string;
  /** `storage`: the target storage id. Required. */
  readonly storage: string;
  /** `enabled` (optional, computed). */
  readonly enabled?: boolean | IResolvable;
  /** `node`: only run on this node. */
  readonly node?: string;
  /** `vmid`: guest ids **as strings**. Conflicts with `all` and `pool`. */
  readonly vmid?: string[];
  /** `all`: every guest (optional, computed). Conflicts with `vmid` and `pool`. */
  readonly all?: boolean | IResolvable;
  /** `mode`: `snapshot`, `suspend` or `stop` (optional, computed). */
  readonly mode?: string;
  /** `compress`: `0`, `1`, `gzip`, `lzo` or `zstd` (optional, computed). */
  readonly compress?: string;
  /** `starttime`: `HH:MM`. */
  readonly starttime?: string;
  /** `maxfiles`: deprecated by Proxmox in favour of `prune_backups`. */
  readonly maxfiles?: number;
  /** `mailto`: addresses or users. */
  readonly mailto?: string[];
  /** `mailnotification`: `always` or `failure` (optional, computed); ignored without `mailto`. */
  readonly mailnotification?: string;
  /** `bwlimit`: KiB/s (optional, computed). */
  readonly bwlimit?: number;
  /** `ionice`: 0–8 (optional, computed). */
  readonly ionice?: number;
  /** `pigz`: gzip threads. */
  readonly pigz?: number;
  /** `zstd`: zstd threads (0 = half of the cores). */
  readonly zstd?: number;
  /** `prune_backups`: hyphenated keep-* keys with **string** values (optional, computed). */
  readonly pruneBackups?: { [key: string]: string };
  /** `remove`: prune old backups after the run (optional, computed). */
  readonly remove?: boolean | IResolvable;
  /** `notes_template`: `{{guestname}}`, `{{vmid}}`, `{{node}}`, `{{cluster}}` are expanded. */
  readonly notesTemplate?: string;
  /** `protected`: mark the backups protected (optional, computed). */
  readonly protected?: boolean | IResolvable;
  /** `repeat_missed`: run a missed job as soon as possible (optional, computed). */
  readonly repeatMissed?: boolean | IResolvable;
  /** `script`: hook script path (Proxmox allows it for root@pam only). */
  readonly script?: string;
  /** `stdexcludes` (optional, computed). */
  readonly stdexcludes?: boolean | IResolvable;
  /** `exclude_path`: shell globs. */
  readonly excludePath?: string[];
  /** `pool`: back up a pool's members. Conflicts with `all` and `vmid`. */
  readonly pool?: string;
  /** `fleecing` (nested attribute). */
  readonly fleecing?: BackupJobFleecing;
  /** `performance` (nested attribute). */
  readonly performance?: BackupJobPerformance;
  /** `pbs_change_detection_mode`: `legacy`, `data` or `metadata`. */
  readonly pbsChangeDetectionMode?: string;
  /** `lockwait`: minutes. */
  readonly lockwait?: number;
  /** `stopwait`: minutes. */
  readonly stopwait?: number;
  /** `tmpdir` (Proxmox allows it for root@pam only). */
  readonly tmpdir?: string;
  /**
   * `exclude`: guest ids (strings) to leave out of an `all`/`pool` job. Conflicts with `vmid`.
   * Needs provider ≥ 0.112.0, which the stack's version constraint then requires.
   */
  readonly exclude?: string[];
}

/** `proxmox_backup_job`. */
export class BackupJob extends TerraformResource implements IProxmoxVersioned {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "proxmox_backup_job";

  /**
   * Generates config for `terraform import` of an existing job (import id: the job id).
   * @param provider the (aliased) provider of the host the job lives on
   */
  public static generateConfigForImport(
    scope: Construct,
    importToId: string,
    importFromId: string,
    provider?: TerraformProvider,
  ): ImportableResource {
    return new ImportableResource(scope, importToId, {
      terraformResourceType: BackupJob.tfResourceType,
      importId: importFromId,
      provider,
    });
  }

  private readonly config: BackupJobConfig;

  constructor(scope: Construct, id: string, config: BackupJobConfig) {
    // Checked before super(): a refused resource must not stay behind in the construct tree.
    validateBackupJob(config);
    super(scope, id, proxmoxResourceConfig(BackupJob.tfResourceType, ProxmoxProviderVersions.BACKUP_JOB, config));
    this.config = config;
  }

  public get minimumProviderVersion(): string {
    return this.config.exclude !== undefined
      ? ProxmoxProviderVersions.BACKUP_JOB_EXCLUDE
      : ProxmoxProviderVersions.BACKUP_JOB;
  }

  /** `id`: the job id, as a reference. */
  public get id(): string {
    return this.getStringAttribute("id");
  }
  public get schedule(): string {
    return this.getStringAttribute("schedule");
  }
  public get storage(): string {
    return this.getStringAttribute("storage");
  }
  public get enabled(): IResolvable {
    return this.getBooleanAttribute("enabled");
  }
  /** `node` (renamed: constructs own `node`). */
  public get nodeAttribute(): string {
    return this.getStringAttribute("node");
  }
  public get vmid(): string[] {
    return this.getListAttribute("vmid");
  }
  public get all(): IResolvable {
    return this.getBooleanAttribute("all");
  }
  public get mode(): string {
    return this.getStringAttribute("mode");
  }
  public get compress(): string {
    return this.getStringAttribute("compress");
  }
  public get mailto(): string[] {
    return this.getListAttribute("mailto");
  }
  public get mailnotification(): string {
    return this.getStringAttribute("mailnotification");
  }
  public get pruneBackups(): { [key: string]: string } {
    return this.getStringMapAttribute("prune_backups");
  }
  public get notesTemplate(): string {
    return this.getStringAttribute("notes_template");
  }
  public get repeatMissed(): IResolvable {
    return this.getBooleanAttribute("repeat_missed");
  }
  public get pool(): string {
    return this.getStringAttribute("pool");
  }

  /** The configuration this job was created with (read-only). */
  public get input(): BackupJobConfig {
    return this.config;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      id: stringToTerraform(c.id),
      schedule: stringToTerraform(c.schedule),
      storage: stringToTerraform(c.storage),
      enabled: booleanToTerraform(c.enabled),
      node: stringToTerraform(c.node),
      vmid: listMapper(stringToTerraform, false)(c.vmid),
      all: booleanToTerraform(c.all),
      mode: stringToTerraform(c.mode),
      compress: stringToTerraform(c.compress),
      starttime: stringToTerraform(c.starttime),
      maxfiles: numberToTerraform(c.maxfiles),
      mailto: listMapper(stringToTerraform, false)(c.mailto),
      mailnotification: stringToTerraform(c.mailnotification),
      bwlimit: numberToTerraform(c.bwlimit),
      ionice: numberToTerraform(c.ionice),
      pigz: numberToTerraform(c.pigz),
      zstd: numberToTerraform(c.zstd),
      prune_backups: hashMapper(stringToTerraform)(c.pruneBackups),
      remove: booleanToTerraform(c.remove),
      notes_template: stringToTerraform(c.notesTemplate),
      protected: booleanToTerraform(c.protected),
      repeat_missed: booleanToTerraform(c.repeatMissed),
      script: stringToTerraform(c.script),
      stdexcludes: booleanToTerraform(c.stdexcludes),
      exclude_path: listMapper(stringToTerraform, false)(c.excludePath),
      pool: stringToTerraform(c.pool),
      fleecing: fleecingToTerraform(c.fleecing),
      performance: performanceToTerraform(c.performance),
      pbs_change_detection_mode: stringToTerraform(c.pbsChangeDetectionMode),
      lockwait: numberToTerraform(c.lockwait),
      stopwait: numberToTerraform(c.stopwait),
      tmpdir: stringToTerraform(c.tmpdir),
      exclude: listMapper(stringToTerraform, false)(c.exclude),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return definedAttrs({
      id: hclString(c.id),
      schedule: hclString(c.schedule),
      storage: hclString(c.storage),
      enabled: hclBool(c.enabled),
      node: hclString(c.node),
      vmid: hclStringList(c.vmid),
      all: hclBool(c.all),
      mode: hclString(c.mode),
      compress: hclString(c.compress),
      starttime: hclString(c.starttime),
      maxfiles: hclNumber(c.maxfiles),
      mailto: hclStringList(c.mailto),
      mailnotification: hclString(c.mailnotification),
      bwlimit: hclNumber(c.bwlimit),
      ionice: hclNumber(c.ionice),
      pigz: hclNumber(c.pigz),
      zstd: hclNumber(c.zstd),
      prune_backups: hclStringMap(c.pruneBackups),
      remove: hclBool(c.remove),
      notes_template: hclString(c.notesTemplate),
      protected: hclBool(c.protected),
      repeat_missed: hclBool(c.repeatMissed),
      script: hclString(c.script),
      stdexcludes: hclBool(c.stdexcludes),
      exclude_path: hclStringList(c.excludePath),
      pool: hclString(c.pool),
      // Nested attributes (not blocks): HCL writes them as object expressions, `fleecing = { ... }`.
      fleecing: hclObject(fleecingToTerraform(c.fleecing), "BackupJobFleecing"),
      performance: hclObject(performanceToTerraform(c.performance), "BackupJobPerformance"),
      pbs_change_detection_mode: hclString(c.pbsChangeDetectionMode),
      lockwait: hclNumber(c.lockwait),
      stopwait: hclNumber(c.stopwait),
      tmpdir: hclString(c.tmpdir),
      exclude: hclStringList(c.exclude),
    });
  }
}

/** `fleecing` as Terraform JSON. */
export function fleecingToTerraform(f: BackupJobFleecing | undefined): Record<string, unknown> | undefined {
  if (f === undefined) return undefined;
  return { enabled: booleanToTerraform(f.enabled), storage: stringToTerraform(f.storage) };
}

/** `performance` as Terraform JSON. */
export function performanceToTerraform(p: BackupJobPerformance | undefined): Record<string, unknown> | undefined {
  if (p === undefined) return undefined;
  return { max_workers: numberToTerraform(p.maxWorkers), pbs_entries_max: numberToTerraform(p.pbsEntriesMax) };
}

/** PVE's storage id format (`pve-storage-id`), shared with the catalog schema. */
export { PVE_STORAGE_ID };

function validateBackupJob(c: BackupJobConfig): void {
  const r = "proxmox_backup_job";
  checkNotEmpty("id", c.id);
  // PROVIDER NOTE: the PVE API caps job ids at 50 characters (/cluster/backup, `id` maxLength).
  checkConfigId("id", c.id, BACKUP_JOB_ID_MAX);
  checkNotEmpty("schedule", c.schedule);
  checkNotEmpty("storage", c.storage);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may leave the required prop out: never test `undefined` as a storage id
  if (c.storage !== undefined && !isToken(c.storage) && !PVE_STORAGE_ID.test(c.storage)) {
    throw Errors.pveNotAllowed(
      "storage",
      c.storage,
      "a Proxmox storage id: a letter, then letters, digits, '-', '_' or '.', not ending in '-', '_' or '.'",
    );
  }
  // PROVIDER NOTE: the provider validates these pairs at resource level (resourcevalidator.Conflicting).
  checkConflicts(r, { all: c.all, vmid: c.vmid, pool: c.pool, exclude: c.exclude }, [
    ["all", "vmid"],
    ["all", "pool"],
    ["vmid", "pool"],
    ["vmid", "exclude"],
  ]);
  for (const [attr, ids] of [
    ["vmid", c.vmid],
    ["exclude", c.exclude],
  ] as const) {
    if (ids === undefined || isToken(ids)) continue;
    for (const v of ids) {
      if (isToken(v)) continue;
      if (typeof v !== "string") throw Errors.pveNotAllowed(attr, v, 'guest ids as strings, e.g. ["100", "101"]');
      if (!/^[1-9][0-9]*$/.test(v) || Number(v) < 100 || Number(v) > 999999999) throw Errors.pveInvalidVmid(v);
    }
  }
  checkOneOf("mode", c.mode, BACKUP_JOB_MODES);
  checkOneOf("compress", c.compress, BACKUP_JOB_COMPRESS);
  checkOneOf("mailnotification", c.mailnotification, BACKUP_JOB_MAIL_NOTIFICATION);
  checkOneOf("pbs_change_detection_mode", c.pbsChangeDetectionMode, BACKUP_JOB_PBS_CHANGE_DETECTION);
  checkRange("ionice", c.ionice, 0, 8);
  checkRange("bwlimit", c.bwlimit, 0);
  checkRange("pigz", c.pigz, 0);
  checkRange("zstd", c.zstd, 0);
  checkRange("maxfiles", c.maxfiles, 1);
  checkRange("lockwait", c.lockwait, 0);
  checkRange("stopwait", c.stopwait, 0);
  checkRange("performance.max_workers", c.performance?.maxWorkers, 1);
  checkRange("performance.pbs_entries_max", c.performance?.pbsEntriesMax, 1);
  if (c.starttime !== undefined && !isToken(c.starttime) && !/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/.test(c.starttime)) {
    throw Errors.pveNotAllowed("starttime", c.starttime, "HH:MM, e.g. 02:30");
  }
  for (const m of c.mailto ?? []) checkNotEmpty("mailto", m);
  checkPruneBackups("prune_backups", c.pruneBackups);
}
