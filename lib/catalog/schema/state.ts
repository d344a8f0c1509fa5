import { z } from "zod";
import { ProxmoxStackSplit, StateBackend } from "../../core/vocabulary";
import { awsRegion } from "./common";

/**
 * Remote Terraform state for every stack of the estate, for pipelines: one S3 object per
 * stack, encrypted, locked with S3's native lock file. The bucket's name rules and the key
 * prefix are checked by GOV-120 and GOV-121, with a message for each rule broken.
 */
export const stateSchema = z
  .strictObject({
    backend: z
      .enum(StateBackend)
      .describe("The state backend. Only `s3` exists today; without a `state` section every stack keeps local state."),
    bucket: z
      .string()
      .min(1)
      .describe(
        "An existing S3 bucket for the state, versioned and encrypted by its owner (this library does not create it). S3 bucket naming rules apply (GOV-120).",
      ),
    region: awsRegion("Region of the state bucket."),
    keyPrefix: z
      .string()
      .max(900)
      .describe(
        "Prefix of every stack's state key: the key is `<keyPrefix><stack name>.tfstate`, e.g. `backup-gov/homelab-aws.tfstate`. Default empty. Must not start with `/` or contain `//` (GOV-121).",
      )
      .optional(),
  })
  .describe(
    "Optional: remote Terraform state (S3 backend with `encrypt` and native S3 locking, `use_lockfile`; Terraform 1.10 or later) for every stack. Omit for local state.",
  );

/** How the estate's resources are split into cdktf stacks. */
export const stacksSchema = z
  .strictObject({
    proxmox: z
      .enum(ProxmoxStackSplit)
      .describe(
        "`single` (default): one `<name>-proxmox` stack with a provider alias per host. `per-host`: a stack `<name>-proxmox-<host>` per host, with its own provider and credential variable, so that each host plans, applies and holds state alone; adding or removing a host leaves the other stacks' names unchanged.",
      )
      .optional(),
  })
  .describe("Optional: how resources are split into cdktf stacks.");
