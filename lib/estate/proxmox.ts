import type { EstateContext } from "./context";

/** Proxmox protection: providers per host, vzdump jobs (ProtectedVm), backup storages. */
export function buildProxmoxProtection(ctx: EstateContext): void {
  if (!ctx.proxmoxStack) return;
}
