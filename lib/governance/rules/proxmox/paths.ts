import type { ProxmoxHost, ProxmoxStorage } from "../../../catalog/model";
import type { CatalogPath } from "../../../core/finding";

/** YAML path of a declared storage: `proxmox.hosts.<host>.storages[i]`. */
export function storagePath(host: ProxmoxHost, storage: ProxmoxStorage, ...rest: Array<string | number>): CatalogPath {
  return ["proxmox", "hosts", host.name, "storages", storage.index, ...rest];
}

/** The declared storage a host's vzdump jobs write to, if the catalog declares it. */
export function targetStorage(host: ProxmoxHost): ProxmoxStorage | undefined {
  return host.storages.find((s) => s.id === host.storage);
}
