import { z } from "zod";
import { Classification, ComplianceRegime, GuestKind, LockMode, VzdumpMode } from "../../core/vocabulary";
import { appSchema } from "./app";
import { serviceAwsSchema } from "./aws";
import { awsRegion, duration, LOCK_MODES, Patterns, secretRef } from "./common";
import { serviceDataSchema, serviceKubernetesSchema } from "./kubernetes";

export { LOCK_MODES };

// The vocabulary's enums are the schema's closed sets: one list per concept, no casts.
export const CLASSIFICATIONS: readonly Classification[] = Object.values(Classification);
export const GUEST_KINDS: readonly GuestKind[] = Object.values(GuestKind);
export const VZDUMP_MODES: readonly VzdumpMode[] = Object.values(VzdumpMode);
export const COMPLIANCE_TAGS: readonly ComplianceRegime[] = Object.values(ComplianceRegime);

const retentionCount = (what: string) => z.int().min(0).max(100000).describe(what).optional();

export const retentionSchema = z
  .strictObject({
    hourly: retentionCount("Sub-daily recovery points to keep (for RPOs under a day)."),
    daily: retentionCount("Daily recovery points to keep (= days)."),
    weekly: retentionCount("Weekly recovery points to keep."),
    monthly: retentionCount("Monthly recovery points to keep."),
    yearly: retentionCount("Yearly recovery points to keep."),
  })
  .describe("Overrides the tier's retention defaults, key by key.");

export const serviceSchema = z.strictObject({
  id: z
    .string()
    .regex(Patterns.serviceId)
    .describe("Unique service id: lowercase letters, digits and `-`, 2–41 characters."),
  description: z.string().describe("One line on what the service is, for SOPs and the inventory.").optional(),
  owner: z.string().min(1).describe("Owner of this service; defaults to the catalog `owner`.").optional(),
  classification: z.enum(Classification).describe("Tier: `critical`, `important` or `rebuildable`."),
  rpo: duration("Recovery point objective: the most data that may be lost"),
  rto: duration("Recovery time objective: how long a restore may take"),
  vm: z
    .strictObject({
      host: z.string().regex(Patterns.hostKey).describe("A key of `proxmox.hosts`."),
      vmid: z.int().min(100).max(999999999).describe("Guest id, unique per host."),
      kind: z.enum(GuestKind).describe("`qemu` (VM, default) or `lxc` (container).").optional(),
      mode: z.enum(VzdumpMode).describe("vzdump mode; default `snapshot`.").optional(),
    })
    .describe("The Proxmox guest that runs the service; enrolled in a vzdump job.")
    .optional(),
  app: appSchema.optional(),
  offsite: z
    .strictObject({
      required: z.boolean().describe("Whether a copy must survive the loss of the site."),
      reason: z.string().describe("Why, either way. Must not be empty."),
      region: awsRegion("Destination region; defaults to `aws.offsiteRegion`.").optional(),
    })
    .describe("The offsite decision.")
    .optional(),
  immutable: z
    .strictObject({
      mode: z.enum(LockMode).describe("`compliance`: nobody can shorten the lock; `governance`: privileged users can."),
      days: z
        .int()
        .min(1)
        .max(100000)
        .describe(
          "Every recovery point stays undeletable this many days (vault lock minimum, S3 Object Lock default retention).",
        ),
      maxDays: z
        .int()
        .min(1)
        .max(100000)
        .describe(
          "Optional vault lock maximum: no recovery point in the locked vault may be kept longer (AWS allows up to 36500).",
        )
        .optional(),
    })
    .describe("Immutable copy (S3 Object Lock, AWS Backup Vault Lock). Critical services default to compliance mode.")
    .optional(),
  aws: serviceAwsSchema.optional(),
  kubernetes: serviceKubernetesSchema.optional(),
  data: serviceDataSchema.optional(),
  retention: retentionSchema.optional(),
  restore: z
    .strictObject({
      secrets: secretRef("Where the secrets needed for a restore are kept.").optional(),
      validate: z.array(z.string().min(1)).describe("Commands that prove a restore worked.").optional(),
      dependsOn: z
        .array(z.string().regex(Patterns.serviceId))
        .describe("Services that must be restored first (ids).")
        .optional(),
      notes: z.string().describe("Free text added to the restore SOP.").optional(),
    })
    .describe("Restore facts: the SOP and the DR runbook are rendered from them.")
    .optional(),
  compliance: z
    .array(z.enum(ComplianceRegime))
    .describe("Regimes whose retention minimums (and gdpr maximum) apply.")
    .optional(),
  acknowledge: z
    .array(
      z.strictObject({
        rule: z.string().regex(Patterns.ruleId).describe("A rule id, e.g. `GOV-014`."),
        reason: z.string().describe("Why the finding is accepted (at least 10 characters)."),
      }),
    )
    .describe("Accepted findings: still reported, no longer failing validation.")
    .optional(),
});
