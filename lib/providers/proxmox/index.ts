// Hand-written cdktf bindings of the bpg/proxmox provider: re-exports only.
export * from "./version";
export * from "./provider";
export * from "./backup-job";
export * from "./storage";
export { PRUNE_KEYS, PVE_CONFIG_ID } from "./checks";
