import { Construct, type TerraformProvider } from "../core/cdk";
import type { Retention } from "../core/retention";
import { StorageKind } from "../core/vocabulary";
import {
  type ProxmoxStorageResource,
  type StorageBackups,
  StorageCifs,
  StorageDirectory,
  StorageNfs,
  StoragePbs,
} from "../providers/proxmox/storage";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** Connection settings of a Proxmox Backup Server storage. */
export interface PbsBackendProps {
  /** PBS host name or address. */
  readonly server: string;
  /** Datastore on the PBS. */
  readonly datastore: string;
  /** PBS user or token id, e.g. `backup@pbs!pve`. */
  readonly username: string;
  /** The password or token secret: a sensitive variable's value, never a literal. */
  readonly password: string;
  /** @default - the datastore's root namespace */
  readonly namespace?: string;
  /** SHA-256 fingerprint of the PBS certificate. @default - trust the system CAs */
  readonly fingerprint?: string;
  /** Client-side encryption key: a sensitive variable's value. @default - no encryption (or a generated key) */
  readonly encryptionKey?: string;
  /** Let Proxmox generate an encryption key. @default false */
  readonly generateEncryptionKey?: boolean;
}

/** Connection settings of an NFS storage. */
export interface NfsBackendProps {
  readonly server: string;
  /** Exported path. */
  readonly export: string;
  /** Mount options. @default - Proxmox's defaults */
  readonly options?: string;
}

/** Connection settings of a CIFS/SMB storage. */
export interface CifsBackendProps {
  readonly server: string;
  readonly share: string;
  readonly username: string;
  /** A sensitive variable's value, never a literal. */
  readonly password: string;
  /** @default - none */
  readonly domain?: string;
  /** @default - the share's root */
  readonly subdirectory?: string;
}

/** A directory storage. */
export interface DirectoryBackendProps {
  /** Absolute path on the node. */
  readonly path: string;
  /** The same shared mount on every node. @default false */
  readonly shared?: boolean;
}

/**
 * What a {@link BackupStorage} is: a PBS datastore, an NFS export, a CIFS share or a
 * directory. Create one with the static factories.
 */
export class StorageBackend {
  public static pbs(props: PbsBackendProps): StorageBackend {
    return new StorageBackend(StorageKind.PBS, props);
  }

  public static nfs(props: NfsBackendProps): StorageBackend {
    return new StorageBackend(StorageKind.NFS, props);
  }

  public static cifs(props: CifsBackendProps): StorageBackend {
    return new StorageBackend(StorageKind.CIFS, props);
  }

  public static directory(props: DirectoryBackendProps): StorageBackend {
    return new StorageBackend(StorageKind.DIR, props);
  }

  private constructor(
    public readonly kind: StorageKind,
    /** @internal */
    public readonly settings: PbsBackendProps | NfsBackendProps | CifsBackendProps | DirectoryBackendProps,
  ) {}
}

/** Props of {@link BackupStorage}. */
export interface BackupStorageProps {
  /** The (aliased) provider of the host. */
  readonly provider: TerraformProvider;
  /** The Proxmox storage id. @default - the construct id in lower case */
  readonly storageId?: string;
  readonly backend: StorageBackend;
  /** Nodes where the storage is available. @default - every node */
  readonly nodes?: readonly string[];
  /**
   * The storage's own retention (`backups` block), for backups no job prunes itself.
   * @default - none: Proxmox keeps everything no job prunes
   */
  readonly retention?: Retention;
  /** Also keep the last n backups. @default - not set */
  readonly keepLast?: number;
  /** Keep every backup (excludes every other keep setting). @default false */
  readonly keepAll?: boolean;
  /** Protected backups allowed per guest; -1 unlimited. @default - Proxmox's default */
  readonly maxProtectedBackups?: number;
}

/**
 * A Proxmox storage that holds vzdump backups (`content = ["backup"]`), created with the
 * provider's `proxmox_storage_*` resource for its backend. Jobs should use
 * {@link BackupStorage.storageId}, a reference, so that Terraform creates the storage first.
 */
export class BackupStorage extends Construct {
  /** The storage id as a reference to the created storage. @attribute */
  public readonly storageId: string;
  /** The storage id as written. @attribute */
  public readonly name: string;
  /** @attribute */
  public readonly kind: StorageKind;
  /** @attribute */
  public readonly resource: ProxmoxStorageResource;

  private readonly props: BackupStorageProps;

  constructor(scope: Construct, id: string, props: BackupStorageProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "BackupStorage", props);
    this.props = props;
    this.name = props.storageId ?? id.toLowerCase();
    this.kind = props.backend.kind;
    this.resource = this.createResource();
    this.storageId = this.resource.id;
  }

  /** Creates the storage resource of the backend's kind. */
  protected createResource(): ProxmoxStorageResource {
    const p = this.props;
    const common = {
      provider: p.provider,
      id: this.name,
      nodes: p.nodes ? [...p.nodes] : undefined,
      content: ["backup"],
      backups: backupsBlock(p),
    };
    const s = p.backend.settings;
    switch (p.backend.kind) {
      case StorageKind.PBS: {
        const b = s as PbsBackendProps;
        return new StoragePbs(this, "Resource", {
          ...common,
          server: b.server,
          datastore: b.datastore,
          username: b.username,
          password: b.password,
          namespace: b.namespace,
          fingerprint: b.fingerprint,
          encryptionKey: b.encryptionKey,
          generateEncryptionKey: b.generateEncryptionKey || undefined,
        });
      }
      case StorageKind.NFS: {
        const b = s as NfsBackendProps;
        return new StorageNfs(this, "Resource", { ...common, server: b.server, export: b.export, options: b.options });
      }
      case StorageKind.CIFS: {
        const b = s as CifsBackendProps;
        return new StorageCifs(this, "Resource", {
          ...common,
          server: b.server,
          share: b.share,
          username: b.username,
          password: b.password,
          domain: b.domain,
          subdirectory: b.subdirectory,
        });
      }
      case StorageKind.DIR: {
        const b = s as DirectoryBackendProps;
        // PROVIDER NOTE: `shared` defaults to true in the provider; a plain directory is local to its node.
        return new StorageDirectory(this, "Resource", { ...common, path: b.path, shared: b.shared ?? false });
      }
    }
  }
}

function backupsBlock(p: BackupStorageProps): StorageBackups | undefined {
  const r = p.retention;
  const block: StorageBackups = {
    keepLast: p.keepLast,
    keepHourly: r?.hourly || undefined,
    keepDaily: r?.daily || undefined,
    keepWeekly: r?.weekly || undefined,
    keepMonthly: r?.monthly || undefined,
    keepYearly: r?.yearly || undefined,
    keepAll: p.keepAll || undefined,
    maxProtectedBackups: p.maxProtectedBackups,
  };
  return Object.values(block).some((v) => v !== undefined) ? block : undefined;
}
