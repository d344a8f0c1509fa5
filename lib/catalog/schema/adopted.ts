import { z } from "zod";
import type { AdoptedIds } from "../model";
import { Patterns } from "./common";

/**
 * Ids of objects that already exist (written by `backup-gov adopt`): synth imports the
 * resource it would create under the same name or id (a Terraform `import` block) instead of
 * creating a second one beside it. Each key is the object's own name or id, as the APIs report it.
 */
export const adoptedSchema = z
  .strictObject({
    jobs: z
      .record(
        z.string().regex(Patterns.hostKey),
        z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/), z.array(z.int().min(100).max(999999999))),
      )
      .describe(
        "Existing vzdump jobs per `proxmox.hosts` key: job id → the guests it backs up (`pvesh get /cluster/backup`). The catalog's job for the same guests takes the existing id and is imported by it.",
      )
      .optional(),
    vaults: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{2,50}$/),
        z.strictObject({
          lock: z
            .strictObject({
              minDays: z.int().min(1).max(36500).describe("MinRetentionDays of the existing lock."),
              maxDays: z.int().min(1).max(36500).describe("MaxRetentionDays of the existing lock.").optional(),
              lockDate: z
                .string()
                .min(1)
                .describe("LockDate of the existing lock: compliance mode, unchangeable once it passed.")
                .optional(),
            })
            .describe("The vault has a Vault Lock: it is imported and left exactly as it is.")
            .optional(),
          notifications: z
            .boolean()
            .describe("The vault has notifications (get-backup-vault-notifications): imported by vault name.")
            .optional(),
        }),
      )
      .describe("Existing AWS Backup vaults by name (list-backup-vaults); imported by name.")
      .optional(),
    plans: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/),
        z.strictObject({
          id: z.string().min(1).max(100).describe("BackupPlanId; the import id."),
          vaults: z
            .array(z.string().regex(/^[A-Za-z0-9_.-]{2,50}$/))
            .describe("Vaults its rules write to (TargetBackupVaultName).")
            .optional(),
          copyVaults: z
            .array(z.string().regex(/^[A-Za-z0-9_.-]{2,50}$/))
            .describe("Vaults its copy actions write to.")
            .optional(),
        }),
      )
      .describe(
        "Existing AWS Backup plans by name (list-backup-plans, get-backup-plan). The catalog's plan for the same services takes the existing name (and its vaults' names) and is imported by plan id.",
      )
      .optional(),
    selections: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/),
        z.strictObject({
          planId: z.string().min(1).max(100).describe("BackupPlanId of the selection's plan."),
          id: z.string().min(1).max(100).describe("SelectionId."),
          role: z
            .string()
            .regex(Patterns.arn)
            .describe("IamRoleArn of the existing selection: kept, since a selection's role cannot change in place.")
            .optional(),
          service: z
            .string()
            .regex(Patterns.serviceId)
            .describe("The service adopt drafted from it: the catalog's selection of that service takes this name."),
          resources: z
            .array(z.string().regex(Patterns.arn))
            .describe(
              "Resources of the existing selection, to tell whether the generated one differs (a selection cannot be changed in place).",
            )
            .optional(),
          tags: z
            .record(z.string().min(1).max(128), z.string().max(256))
            .describe("StringEquals tag conditions of the existing selection.")
            .optional(),
        }),
      )
      .describe("Existing backup selections by name (get-backup-selection); imported as `<plan id>|<selection id>`.")
      .optional(),
    buckets: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
        z.strictObject({
          versioning: z.boolean().describe("Versioning was ever enabled (get-bucket-versioning).").optional(),
          objectLock: z.boolean().describe("Object Lock is enabled (get-object-lock-configuration).").optional(),
          replication: z.boolean().describe("A replication configuration exists (get-bucket-replication).").optional(),
        }),
      )
      .describe("Existing S3 buckets and which of their configurations exist; each is imported by bucket name.")
      .optional(),
  })
  .describe("Optional: objects that already exist, to be imported instead of created (written by `backup-gov adopt`).");

// The model's AdoptedIds is what this schema gives (checked at compile time).
const _sameShape: (x: z.output<typeof adoptedSchema>) => AdoptedIds = (x) => x;
void _sameShape;
