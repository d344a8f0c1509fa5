/**
 * Hand-written cdktf bindings of the bpg/proxmox storage resources that can hold vzdump
 * backups: `proxmox_storage_pbs`, `proxmox_storage_nfs`, `proxmox_storage_cifs` and
 * `proxmox_storage_directory` (short names, provider ≥ 0.100.0; the long
 * `proxmox_virtual_environment_storage_*` names share the schema and are deprecated).
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/storage_pbs
 */
import {
  booleanToHclTerraform,
  booleanToTerraform,
  type Construct,
  ImportableResource,
  type IResolvable,
  listMapper,
  listMapperHcl,
  numberToHclTerraform,
  numberToTerraform,
  stringToHclTerraform,
  stringToTerraform,
  type TerraformMetaArguments,
  type TerraformProvider,
  TerraformResource,
} from "../../core/cdk";
import { Errors } from "../../errors";
import { PVE_STORAGE_ID } from "./backup-job";
import { checkNotEmpty, checkOneOf, checkRange, checkSecret, isToken } from "./checks";
import { type IProxmoxVersioned, ProxmoxProviderVersions } from "./version";

/** Allowed values of a storage's `content` set. */
export const STORAGE_CONTENT = ["backup", "images", "import", "iso", "rootdir", "snippets", "vztmpl"] as const;
/** Allowed values of `preallocation` (file-based storages). */
export const STORAGE_PREALLOCATION = ["off", "metadata", "falloc", "full"] as const;
/** A PBS certificate fingerprint: 32 colon-separated hex bytes (SHA-256). */
export const PBS_FINGERPRINT = /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/i;

/**
 * The `backups` block (a SingleNestedBlock): the storage's own retention, applied when a
 * job sets no `prune_backups` of its own.
 */
export interface StorageBackups {
  /** `max_protected_backups`: -1 = unlimited. */
  readonly maxProtectedBackups?: number;
  /** `keep_last`, ≥ 0. */
  readonly keepLast?: number;
  /** `keep_hourly`, ≥ 0. */
  readonly keepHourly?: number;
  /** `keep_daily`, ≥ 0. */
  readonly keepDaily?: number;
  /** `keep_weekly`, ≥ 0. */
  readonly keepWeekly?: number;
  /** `keep_monthly`, ≥ 0. */
  readonly keepMonthly?: number;
  /** `keep_yearly`, ≥ 0. */
  readonly keepYearly?: number;
  /** `keep_all`: must not be true together with any `keep_*` value. @default false */
  readonly keepAll?: boolean | IResolvable;
}

/** Attributes every storage resource has. */
export interface StorageCommonConfig extends TerraformMetaArguments {
  /** `id`: the storage id jobs refer to. Required; changing it replaces the storage. */
  readonly id: string;
  /** `nodes` (set): where the storage is available. @default - every node */
  readonly nodes?: string[];
  /** `content` (set): include `backup` for a vzdump target. */
  readonly content?: string[];
  /** `disable`. @default false */
  readonly disable?: boolean | IResolvable;
  /** The `backups` block. */
  readonly backups?: StorageBackups;
}

/** Configuration of {@link StoragePbs}. */
export interface StoragePbsConfig extends StorageCommonConfig {
  /** `server`: PBS host name or address. */
  readonly server: string;
  /** `datastore`: the datastore on the PBS. */
  readonly datastore: string;
  /** `username`, e.g. `backup@pbs` or `backup@pbs!pve`. */
  readonly username: string;
  /** `password` (sensitive): a token only, e.g. a sensitive variable. */
  readonly password: string;
  /** `namespace`. */
  readonly namespace?: string;
  /** `fingerprint`: SHA-256 of the PBS certificate. */
  readonly fingerprint?: string;
  /** `encryption_key` (sensitive): a token only. Conflicts with `generate_encryption_key`. */
  readonly encryptionKey?: string;
  /** `generate_encryption_key`. Conflicts with `encryption_key`. */
  readonly generateEncryptionKey?: boolean | IResolvable;
}

/** Configuration of {@link StorageNfs}. */
export interface StorageNfsConfig extends StorageCommonConfig {
  /** `server`. */
  readonly server: string;
  /** `export`: the NFS export path. */
  readonly export: string;
  /** `preallocation`. */
  readonly preallocation?: string;
  /** `options`: NFS mount options. */
  readonly options?: string;
  /** `snapshot_as_volume_chain`. */
  readonly snapshotAsVolumeChain?: boolean | IResolvable;
  /** `create_base_path`. @default true */
  readonly createBasePath?: boolean | IResolvable;
  /** `create_subdirs`. @default true */
  readonly createSubdirs?: boolean | IResolvable;
}

/** Configuration of {@link StorageCifs}. */
export interface StorageCifsConfig extends StorageCommonConfig {
  /** `server`. */
  readonly server: string;
  /** `username`. */
  readonly username: string;
  /** `password` (sensitive): a token only. */
  readonly password: string;
  /** `share`: the SMB share name. */
  readonly share: string;
  /** `domain`. */
  readonly domain?: string;
  /** `subdirectory`. */
  readonly subdirectory?: string;
  /** `options` (provider ≥ 0.110.0). */
  readonly options?: string;
  /** `preallocation`. */
  readonly preallocation?: string;
  /** `snapshot_as_volume_chain`. */
  readonly snapshotAsVolumeChain?: boolean | IResolvable;
  /** `create_base_path` (provider ≥ 0.110.0). @default true */
  readonly createBasePath?: boolean | IResolvable;
  /** `create_subdirs` (provider ≥ 0.110.0). @default true */
  readonly createSubdirs?: boolean | IResolvable;
}

/** Configuration of {@link StorageDirectory}. */
export interface StorageDirectoryConfig extends StorageCommonConfig {
  /** `path`: the directory on the node. */
  readonly path: string;
  /** `preallocation`. */
  readonly preallocation?: string;
  /** `shared`: the path is the same shared mount on every node. @default true */
  readonly shared?: boolean | IResolvable;
  /** `create_base_path`. @default true */
  readonly createBasePath?: boolean | IResolvable;
  /** `create_subdirs`. @default true */
  readonly createSubdirs?: boolean | IResolvable;
}

type Attrs = Record<string, unknown>;
type HclAttr = { value: unknown; isBlock: boolean; type: string; storageClassType: string };

/** Base of the storage bindings: the common attributes and the `backups` block. */
export abstract class ProxmoxStorageResource extends TerraformResource implements IProxmoxVersioned {
  protected readonly common: StorageCommonConfig;

  protected constructor(scope: Construct, id: string, type: string, config: StorageCommonConfig) {
    // Checked before super(): a refused resource must not stay behind in the construct tree.
    validateCommon(type, config);
    super(scope, id, {
      terraformResourceType: type,
      terraformGeneratorMetadata: { providerName: "proxmox", providerVersionConstraint: `>= ${ProxmoxProviderVersions.STORAGE_SHORT_NAMES}` },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.common = config;
  }

  public get minimumProviderVersion(): string {
    return ProxmoxProviderVersions.STORAGE_SHORT_NAMES;
  }

  /** `id`: the storage id, as a reference (use it as a job's `storage` to order creation). */
  public get id(): string {
    return this.getStringAttribute("id");
  }
  public get nodes(): string[] {
    return this.getListAttribute("nodes");
  }
  public get content(): string[] {
    return this.getListAttribute("content");
  }
  /** `shared` (computed). */
  public get shared(): IResolvable {
    return this.getBooleanAttribute("shared");
  }

  /** The resource's own attributes, in provider spelling. */
  protected abstract specificAttributes(): Attrs;
  protected abstract specificHclAttributes(): Record<string, HclAttr>;

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.common;
    return {
      id: stringToTerraform(c.id),
      nodes: listMapper(stringToTerraform, false)(c.nodes),
      content: listMapper(stringToTerraform, false)(c.content),
      disable: booleanToTerraform(c.disable),
      ...this.specificAttributes(),
      backups: storageBackupsToTerraform(c.backups),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.common;
    const attrs: Record<string, HclAttr> = {
      id: hcl(stringToHclTerraform(c.id), "string"),
      nodes: { value: listMapperHcl(stringToHclTerraform, false)(c.nodes), isBlock: false, type: "set", storageClassType: "stringList" },
      content: { value: listMapperHcl(stringToHclTerraform, false)(c.content), isBlock: false, type: "set", storageClassType: "stringList" },
      disable: hcl(booleanToHclTerraform(c.disable), "boolean"),
      ...this.specificHclAttributes(),
      backups: { value: storageBackupsToHcl(c.backups), isBlock: true, type: "struct", storageClassType: "StorageBackups" },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v.value !== undefined));
  }
}

/** `proxmox_storage_pbs`: a Proxmox Backup Server datastore as PVE storage. */
export class StoragePbs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_pbs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): ImportableResource {
    return new ImportableResource(scope, importToId, { terraformResourceType: StoragePbs.tfResourceType, importId: importFromId, provider });
  }

  private readonly config: StoragePbsConfig;

  constructor(scope: Construct, id: string, config: StoragePbsConfig) {
    const r = StoragePbs.tfResourceType;
    checkNotEmpty("server", config.server);
    checkNotEmpty("datastore", config.datastore);
    checkNotEmpty("username", config.username);
    checkNotEmpty("password", config.password);
    checkSecret("password", config.password);
    checkSecret("encryption_key", config.encryptionKey);
    if (config.encryptionKey !== undefined && config.generateEncryptionKey !== undefined && config.generateEncryptionKey !== false) throw Errors.pveEncryptionConflict(r);
    if (config.fingerprint !== undefined && !isToken(config.fingerprint) && !PBS_FINGERPRINT.test(config.fingerprint)) {
      throw Errors.pveNotAllowed("fingerprint", config.fingerprint, "a SHA-256 fingerprint: 32 hex bytes separated by ':' (proxmox-backup-manager cert info)");
    }
    super(scope, id, r, config);
    this.config = config;
  }

  /** `encryption_key_fingerprint` (computed). */
  public get encryptionKeyFingerprint(): string {
    return this.getStringAttribute("encryption_key_fingerprint");
  }
  /** `generated_encryption_key` (computed, sensitive): save it to the secret store at once. */
  public get generatedEncryptionKey(): string {
    return this.getStringAttribute("generated_encryption_key");
  }

  protected specificAttributes(): Attrs {
    const c = this.config;
    return {
      server: stringToTerraform(c.server),
      datastore: stringToTerraform(c.datastore),
      username: stringToTerraform(c.username),
      password: stringToTerraform(c.password),
      namespace: stringToTerraform(c.namespace),
      fingerprint: stringToTerraform(c.fingerprint),
      encryption_key: stringToTerraform(c.encryptionKey),
      generate_encryption_key: booleanToTerraform(c.generateEncryptionKey),
    };
  }

  protected specificHclAttributes(): Record<string, HclAttr> {
    const c = this.config;
    return {
      server: hcl(stringToHclTerraform(c.server), "string"),
      datastore: hcl(stringToHclTerraform(c.datastore), "string"),
      username: hcl(stringToHclTerraform(c.username), "string"),
      password: hcl(stringToHclTerraform(c.password), "string"),
      namespace: hcl(stringToHclTerraform(c.namespace), "string"),
      fingerprint: hcl(stringToHclTerraform(c.fingerprint), "string"),
      encryption_key: hcl(stringToHclTerraform(c.encryptionKey), "string"),
      generate_encryption_key: hcl(booleanToHclTerraform(c.generateEncryptionKey), "boolean"),
    };
  }
}

/** `proxmox_storage_nfs`: an NFS export as PVE storage. */
export class StorageNfs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_nfs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): ImportableResource {
    return new ImportableResource(scope, importToId, { terraformResourceType: StorageNfs.tfResourceType, importId: importFromId, provider });
  }

  private readonly config: StorageNfsConfig;

  constructor(scope: Construct, id: string, config: StorageNfsConfig) {
    checkNotEmpty("server", config.server);
    checkNotEmpty("export", config.export);
    checkOneOf("preallocation", config.preallocation, STORAGE_PREALLOCATION);
    super(scope, id, StorageNfs.tfResourceType, config);
    this.config = config;
  }

  protected specificAttributes(): Attrs {
    const c = this.config;
    return {
      server: stringToTerraform(c.server),
      export: stringToTerraform(c.export),
      preallocation: stringToTerraform(c.preallocation),
      options: stringToTerraform(c.options),
      snapshot_as_volume_chain: booleanToTerraform(c.snapshotAsVolumeChain),
      create_base_path: booleanToTerraform(c.createBasePath),
      create_subdirs: booleanToTerraform(c.createSubdirs),
    };
  }

  protected specificHclAttributes(): Record<string, HclAttr> {
    const c = this.config;
    return {
      server: hcl(stringToHclTerraform(c.server), "string"),
      export: hcl(stringToHclTerraform(c.export), "string"),
      preallocation: hcl(stringToHclTerraform(c.preallocation), "string"),
      options: hcl(stringToHclTerraform(c.options), "string"),
      snapshot_as_volume_chain: hcl(booleanToHclTerraform(c.snapshotAsVolumeChain), "boolean"),
      create_base_path: hcl(booleanToHclTerraform(c.createBasePath), "boolean"),
      create_subdirs: hcl(booleanToHclTerraform(c.createSubdirs), "boolean"),
    };
  }
}

/** `proxmox_storage_cifs`: an SMB/CIFS share as PVE storage. */
export class StorageCifs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_cifs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): ImportableResource {
    return new ImportableResource(scope, importToId, { terraformResourceType: StorageCifs.tfResourceType, importId: importFromId, provider });
  }

  private readonly config: StorageCifsConfig;

  constructor(scope: Construct, id: string, config: StorageCifsConfig) {
    checkNotEmpty("server", config.server);
    checkNotEmpty("username", config.username);
    checkNotEmpty("share", config.share);
    checkNotEmpty("password", config.password);
    checkSecret("password", config.password);
    checkOneOf("preallocation", config.preallocation, STORAGE_PREALLOCATION);
    super(scope, id, StorageCifs.tfResourceType, config);
    this.config = config;
  }

  public get minimumProviderVersion(): string {
    const c = this.config;
    const newer = c.options !== undefined || c.createBasePath !== undefined || c.createSubdirs !== undefined;
    return newer ? ProxmoxProviderVersions.CIFS_OPTIONS : ProxmoxProviderVersions.STORAGE_SHORT_NAMES;
  }

  protected specificAttributes(): Attrs {
    const c = this.config;
    return {
      server: stringToTerraform(c.server),
      username: stringToTerraform(c.username),
      password: stringToTerraform(c.password),
      share: stringToTerraform(c.share),
      domain: stringToTerraform(c.domain),
      subdirectory: stringToTerraform(c.subdirectory),
      options: stringToTerraform(c.options),
      preallocation: stringToTerraform(c.preallocation),
      snapshot_as_volume_chain: booleanToTerraform(c.snapshotAsVolumeChain),
      create_base_path: booleanToTerraform(c.createBasePath),
      create_subdirs: booleanToTerraform(c.createSubdirs),
    };
  }

  protected specificHclAttributes(): Record<string, HclAttr> {
    const c = this.config;
    return {
      server: hcl(stringToHclTerraform(c.server), "string"),
      username: hcl(stringToHclTerraform(c.username), "string"),
      password: hcl(stringToHclTerraform(c.password), "string"),
      share: hcl(stringToHclTerraform(c.share), "string"),
      domain: hcl(stringToHclTerraform(c.domain), "string"),
      subdirectory: hcl(stringToHclTerraform(c.subdirectory), "string"),
      options: hcl(stringToHclTerraform(c.options), "string"),
      preallocation: hcl(stringToHclTerraform(c.preallocation), "string"),
      snapshot_as_volume_chain: hcl(booleanToHclTerraform(c.snapshotAsVolumeChain), "boolean"),
      create_base_path: hcl(booleanToHclTerraform(c.createBasePath), "boolean"),
      create_subdirs: hcl(booleanToHclTerraform(c.createSubdirs), "boolean"),
    };
  }
}

/** `proxmox_storage_directory`: a directory on the node (often a mounted NAS path). */
export class StorageDirectory extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_directory";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): ImportableResource {
    return new ImportableResource(scope, importToId, { terraformResourceType: StorageDirectory.tfResourceType, importId: importFromId, provider });
  }

  private readonly config: StorageDirectoryConfig;

  constructor(scope: Construct, id: string, config: StorageDirectoryConfig) {
    checkNotEmpty("path", config.path);
    if (!isToken(config.path) && !config.path.startsWith("/")) throw Errors.pveNotAllowed("path", config.path, "an absolute path, e.g. /mnt/pve/nas-backup");
    checkOneOf("preallocation", config.preallocation, STORAGE_PREALLOCATION);
    super(scope, id, StorageDirectory.tfResourceType, config);
    this.config = config;
  }

  protected specificAttributes(): Attrs {
    const c = this.config;
    return {
      path: stringToTerraform(c.path),
      preallocation: stringToTerraform(c.preallocation),
      shared: booleanToTerraform(c.shared),
      create_base_path: booleanToTerraform(c.createBasePath),
      create_subdirs: booleanToTerraform(c.createSubdirs),
    };
  }

  protected specificHclAttributes(): Record<string, HclAttr> {
    const c = this.config;
    return {
      path: hcl(stringToHclTerraform(c.path), "string"),
      preallocation: hcl(stringToHclTerraform(c.preallocation), "string"),
      shared: hcl(booleanToHclTerraform(c.shared), "boolean"),
      create_base_path: hcl(booleanToHclTerraform(c.createBasePath), "boolean"),
      create_subdirs: hcl(booleanToHclTerraform(c.createSubdirs), "boolean"),
    };
  }
}

/** The `backups` block as Terraform JSON (an object: a single nested block). */
export function storageBackupsToTerraform(b: StorageBackups | undefined): Attrs | undefined {
  if (b === undefined) return undefined;
  return {
    max_protected_backups: numberToTerraform(b.maxProtectedBackups),
    keep_last: numberToTerraform(b.keepLast),
    keep_hourly: numberToTerraform(b.keepHourly),
    keep_daily: numberToTerraform(b.keepDaily),
    keep_weekly: numberToTerraform(b.keepWeekly),
    keep_monthly: numberToTerraform(b.keepMonthly),
    keep_yearly: numberToTerraform(b.keepYearly),
    keep_all: booleanToTerraform(b.keepAll),
  };
}

function storageBackupsToHcl(b: StorageBackups | undefined): Record<string, HclAttr> | undefined {
  if (b === undefined) return undefined;
  const attrs: Record<string, HclAttr> = {
    max_protected_backups: hcl(numberToHclTerraform(b.maxProtectedBackups), "number"),
    keep_last: hcl(numberToHclTerraform(b.keepLast), "number"),
    keep_hourly: hcl(numberToHclTerraform(b.keepHourly), "number"),
    keep_daily: hcl(numberToHclTerraform(b.keepDaily), "number"),
    keep_weekly: hcl(numberToHclTerraform(b.keepWeekly), "number"),
    keep_monthly: hcl(numberToHclTerraform(b.keepMonthly), "number"),
    keep_yearly: hcl(numberToHclTerraform(b.keepYearly), "number"),
    keep_all: hcl(booleanToHclTerraform(b.keepAll), "boolean"),
  };
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v.value !== undefined));
}

function hcl(value: unknown, storageClassType: string): HclAttr {
  return { value, isBlock: false, type: "simple", storageClassType };
}

const KEEP_FIELDS = ["keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly"] as const;

function validateCommon(type: string, c: StorageCommonConfig): void {
  checkNotEmpty("id", c.id);
  if (c.id !== undefined && !isToken(c.id) && !PVE_STORAGE_ID.test(c.id)) {
    throw Errors.pveInvalidId("id", c.id);
  }
  if (c.content && !isToken(c.content)) for (const v of c.content) checkOneOf("content", v, STORAGE_CONTENT);
  if (c.nodes && !isToken(c.nodes)) for (const n of c.nodes) checkNotEmpty("nodes", n);
  const b = c.backups;
  if (!b) return;
  checkRange("backups.max_protected_backups", b.maxProtectedBackups, -1);
  for (const f of KEEP_FIELDS) checkRange(`backups.${snake(f)}`, b[f], 0);
  // PROVIDER NOTE: an object validator on the block rejects keep_all = true with any keep_* value.
  if (b.keepAll === true) {
    const others = KEEP_FIELDS.filter((f) => b[f] !== undefined);
    if (others.length) throw Errors.pveKeepAllExclusive(`${type}.backups`, others.map(snake).join(", "));
  }
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
}
