import { z } from "zod";
import { Patterns } from "./common";

/** One Proxmox VE host (or cluster) whose guests are enrolled in vzdump jobs. */
export const proxmoxHostSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(Patterns.httpsUrl)
      .describe("API endpoint, e.g. `https://pve.example.internal:8006` (without `/api2/json`)."),
    node: z.string().regex(Patterns.hostname).describe("Node name inside that cluster; backup jobs run there."),
    storage: z
      .string()
      .regex(Patterns.pveStorageId)
      .describe("Storage id that vzdump jobs write to (a Proxmox Backup Server, NFS, CIFS or directory storage)."),
    insecure: z.boolean().describe("Skip TLS verification of the API endpoint. Default `false`.").optional(),
  })
  .describe("A Proxmox VE host or cluster.");

export const proxmoxSchema = z
  .strictObject({
    hosts: z
      .record(z.string().regex(Patterns.hostKey), proxmoxHostSchema)
      .describe("One entry per Proxmox VE host or cluster, keyed by the name services use in `vm.host`."),
  })
  .describe("Optional: omit for an AWS-only estate.");
