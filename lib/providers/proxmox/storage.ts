/**
 * Hand-written cdktf bindings of the bpg/proxmox storage resources that can hold vzdump
 * backups: `proxmox_storage_pbs`, `proxmox_storage_nfs`, `proxmox_storage_cifs` and
 * `proxmox_storage_directory` (short names, provider ≥ 0.100.0; the long
 * `proxmox_virtual_environment_storage_*` names share the schema and are deprecated).
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/storage_pbs
 */
import {
  booleanToTerraform,
  type Construct,
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
import { PVE_STORAGE_ID } from "./backup-job";
import { checkNotEmpty, checkOneOf, checkRange, checkSecret, isToken } from "./checks";
import { definedAttrs, type HclAttr, hclBlock, hclBool, hclNumber, hclString, hclStringList } from "./hcl";
import { type IProxmoxVersioned, ProxmoxProviderVersions, proxmoxResourceConfig } from "./version";

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

/** Terraform attributes of a storage block, as rendered. */
export type Attrs = Record<string, unknown>;

/** One scalar attribute of a storage resource, written once for JSON and HCL synthesis. */
/** One attribute of a storage resource, with its Terraform type. */
export type Field =
  | { readonly kind: "string"; readonly value: string | undefined }
  | { readonly kind: "bool"; readonly value: unknown }
  | { readonly kind: "number"; readonly value: number | undefined };
const str = (value: string | undefined): Field => ({ kind: "string", value });
const bool = (value: unknown): Field => ({ kind: "bool", value });

function fieldsToTerraform(fields: Record<string, Field>): Attrs {
  const map = { string: stringToTerraform, bool: booleanToTerraform, number: numberToTerraform };
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, map[f.kind](f.value)]));
}

function fieldsToHcl(fields: Record<string, Field>): Record<string, HclAttr> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, f]) => [
      k,
      f.kind === "string" ? hclString(f.value) : f.kind === "bool" ? hclBool(f.value) : hclNumber(f.value),
    ]),
  );
}

/** Attributes NFS, CIFS and directory storages share. */
function fileStorageFields(c: {
  preallocation?: string;
  createBasePath?: unknown;
  createSubdirs?: unknown;
}): Record<string, Field> {
  return {
    preallocation: str(c.preallocation),
    create_base_path: bool(c.createBasePath),
    create_subdirs: bool(c.createSubdirs),
  };
}

/** Base of the storage bindings: the common attributes and the `backups` block. */
export abstract class ProxmoxStorageResource extends TerraformResource implements IProxmoxVersioned {
  protected readonly common: StorageCommonConfig;

  protected constructor(scope: Construct, id: string, type: string, config: StorageCommonConfig) {
    // Checked before super(): a refused resource must not stay behind in the construct tree.
    validateCommon(type, config);
    super(scope, id, proxmoxResourceConfig(type, ProxmoxProviderVersions.STORAGE_SHORT_NAMES, config));
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

  /** The resource's own scalar attributes, in provider spelling. */
  protected abstract fields(): Record<string, Field>;

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.common;
    return {
      id: stringToTerraform(c.id),
      nodes: listMapper(stringToTerraform, false)(c.nodes),
      content: listMapper(stringToTerraform, false)(c.content),
      disable: booleanToTerraform(c.disable),
      ...fieldsToTerraform(this.fields()),
      backups: storageBackupsToTerraform(c.backups),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.common;
    return definedAttrs({
      id: hclString(c.id),
      nodes: hclStringList(c.nodes, "set"),
      content: hclStringList(c.content, "set"),
      disable: hclBool(c.disable),
      ...fieldsToHcl(this.fields()),
      backups: hclBlock(storageBackupsToHcl(c.backups), "StorageBackups"),
    });
  }
}

/** `proxmox_storage_pbs`: a Proxmox Backup Server datastore as PVE storage. */
export class StoragePbs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_pbs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(
    scope: Construct,
    importToId: string,
    importFromId: string,
    provider?: TerraformProvider,
  ): ImportableResource {
    return new ImportableResource(scope, importToId, {
      terraformResourceType: StoragePbs.tfResourceType,
      importId: importFromId,
      provider,
    });
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
    if (
      config.encryptionKey !== undefined &&
      config.generateEncryptionKey !== undefined &&
      config.generateEncryptionKey !== false
    )
      throw Errors.pveEncryptionConflict(r);
    if (config.fingerprint !== undefined && !isToken(config.fingerprint) && !PBS_FINGERPRINT.test(config.fingerprint)) {
      throw Errors.pveNotAllowed(
        "fingerprint",
        config.fingerprint,
        "a SHA-256 fingerprint: 32 hex bytes separated by ':' (proxmox-backup-manager cert info)",
      );
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

  protected fields(): Record<string, Field> {
    const c = this.config;
    return {
      server: str(c.server),
      datastore: str(c.datastore),
      username: str(c.username),
      password: str(c.password),
      namespace: str(c.namespace),
      fingerprint: str(c.fingerprint),
      encryption_key: str(c.encryptionKey),
      generate_encryption_key: bool(c.generateEncryptionKey),
    };
  }
}

/** `proxmox_storage_nfs`: an NFS export as PVE storage. */
export class StorageNfs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_nfs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(
    scope: Construct,
    importToId: string,
    importFromId: string,
    provider?: TerraformProvider,
  ): ImportableResource {
    return new ImportableResource(scope, importToId, {
      terraformResourceType: StorageNfs.tfResourceType,
      importId: importFromId,
      provider,
    });
  }

  private readonly config: StorageNfsConfig;

  constructor(scope: Construct, id: string, config: StorageNfsConfig) {
    checkNotEmpty("server", config.server);
    checkNotEmpty("export", config.export);
    checkOneOf("preallocation", config.preallocation, STORAGE_PREALLOCATION);
    super(scope, id, StorageNfs.tfResourceType, config);
    this.config = config;
  }

  protected fields(): Record<string, Field> {
    const c = this.config;
    return {
      server: str(c.server),
      export: str(c.export),
      options: str(c.options),
      snapshot_as_volume_chain: bool(c.snapshotAsVolumeChain),
      ...fileStorageFields(c),
    };
  }
}

/** `proxmox_storage_cifs`: an SMB/CIFS share as PVE storage. */
export class StorageCifs extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_cifs";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(
    scope: Construct,
    importToId: string,
    importFromId: string,
    provider?: TerraformProvider,
  ): ImportableResource {
    return new ImportableResource(scope, importToId, {
      terraformResourceType: StorageCifs.tfResourceType,
      importId: importFromId,
      provider,
    });
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

  protected fields(): Record<string, Field> {
    const c = this.config;
    return {
      server: str(c.server),
      username: str(c.username),
      password: str(c.password),
      share: str(c.share),
      domain: str(c.domain),
      subdirectory: str(c.subdirectory),
      options: str(c.options),
      snapshot_as_volume_chain: bool(c.snapshotAsVolumeChain),
      ...fileStorageFields(c),
    };
  }
}

/** `proxmox_storage_directory`: a directory on the node (often a mounted NAS path). */
export class StorageDirectory extends ProxmoxStorageResource {
  public static readonly tfResourceType = "proxmox_storage_directory";

  /** Generates config for `terraform import` (import id: the storage id). */
  public static generateConfigForImport(
    scope: Construct,
    importToId: string,
    importFromId: string,
    provider?: TerraformProvider,
  ): ImportableResource {
    return new ImportableResource(scope, importToId, {
      terraformResourceType: StorageDirectory.tfResourceType,
      importId: importFromId,
      provider,
    });
  }

  private readonly config: StorageDirectoryConfig;

  constructor(scope: Construct, id: string, config: StorageDirectoryConfig) {
    checkNotEmpty("path", config.path);
    if (!isToken(config.path) && !config.path.startsWith("/"))
      throw Errors.pveNotAllowed("path", config.path, "an absolute path, e.g. /mnt/pve/nas-backup");
    checkOneOf("preallocation", config.preallocation, STORAGE_PREALLOCATION);
    super(scope, id, StorageDirectory.tfResourceType, config);
    this.config = config;
  }

  protected fields(): Record<string, Field> {
    const c = this.config;
    return { path: str(c.path), shared: bool(c.shared), ...fileStorageFields(c) };
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
  return definedAttrs({
    max_protected_backups: hclNumber(b.maxProtectedBackups),
    keep_last: hclNumber(b.keepLast),
    keep_hourly: hclNumber(b.keepHourly),
    keep_daily: hclNumber(b.keepDaily),
    keep_weekly: hclNumber(b.keepWeekly),
    keep_monthly: hclNumber(b.keepMonthly),
    keep_yearly: hclNumber(b.keepYearly),
    keep_all: hclBool(b.keepAll),
  });
}

const KEEP_FIELDS = ["keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly"] as const;

function validateCommon(type: string, c: StorageCommonConfig): void {
  checkNotEmpty("id", c.id);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may leave the required prop out: never test `undefined` as a storage id
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
