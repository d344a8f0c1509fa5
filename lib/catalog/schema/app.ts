import { z } from "zod";
import { Patterns } from "./common";

export const APP_DECISIONS = ["required", "vzdump-only", "platform-only"] as const;
export const APP_ENGINES = ["postgresql", "mysql", "mongodb", "files"] as const;
export const APP_TOOLS = ["restic", "borg"] as const;

/** The app-level backup decision of one service (the checklist's app-level step). */
export const appSchema = z
  .strictObject({
    decision: z
      .enum(APP_DECISIONS)
      .describe(
        "`required`: an application-consistent backup runs on the owning host; `vzdump-only`: the guest image is enough; `platform-only`: the platform's own backup (AWS Backup for the resources under `aws`) is enough.",
      ),
    rationale: z.string().describe("Why this decision was taken. Must not be empty."),
    engine: z.enum(APP_ENGINES).describe("What is backed up when `decision` is `required`.").optional(),
    host: z
      .string()
      .regex(Patterns.hostname)
      .describe("The owning host where the backup job runs (systemd timer).")
      .optional(),
    database: z
      .string()
      .regex(Patterns.database)
      .describe("Database name (postgresql, mysql, mongodb).")
      .optional(),
    pitr: z
      .boolean()
      .describe("Continuous archiving for point-in-time recovery: WAL (postgresql), binary logs (mysql), oplog (mongodb).")
      .optional(),
    paths: z.array(z.string().regex(Patterns.absolutePath)).min(1).describe("files: absolute paths to back up.").optional(),
    excludes: z.array(z.string().min(1)).describe("files: exclude patterns (restic/borg syntax).").optional(),
    tool: z
      .enum(APP_TOOLS)
      .describe("Backup tool that stores the dump or the files: restic (default) or borg. Borg needs `repository`.")
      .optional(),
    repository: z
      .string()
      .regex(Patterns.repository)
      .describe(
        "A NAS path (`/mnt/nas/backup/app`) or `ssh://` URL used instead of the estate's S3 bucket. Borg needs one: it cannot write to S3.",
      )
      .optional(),
    bandwidthLimit: z
      .string()
      .regex(Patterns.bandwidth)
      .describe("Upload limit, e.g. `20MiB/s`.")
      .optional(),
  })
  .describe("The app-level backup decision.");
