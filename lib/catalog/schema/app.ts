import { z } from "zod";
import { Size } from "../../core/size";
import { AppDecision, AppEngine, BackupTool, MysqlFlavour } from "../../core/vocabulary";
import { duration, Patterns } from "./common";

/** The app-level backup decision of one service (the checklist's app-level step). */
export const appSchema = z
  .strictObject({
    decision: z
      .enum(AppDecision)
      .describe(
        "`required`: an application-consistent backup runs on the owning host; `vzdump-only`: the guest image is enough; `platform-only`: the platform's own backup (AWS Backup for the resources under `aws`) is enough.",
      ),
    rationale: z.string().describe("Why this decision was taken. Must not be empty."),
    engine: z.enum(AppEngine).describe("What is backed up when `decision` is `required`.").optional(),
    host: z
      .string()
      .regex(Patterns.hostname)
      .describe("The owning host where the backup job runs (systemd timer).")
      .optional(),
    database: z.string().regex(Patterns.database).describe("Database name (postgresql, mysql, mongodb).").optional(),
    pitr: z
      .boolean()
      .describe(
        "Continuous archiving for point-in-time recovery: WAL (postgresql), binary logs (mysql), oplog (mongodb).",
      )
      .optional(),
    paths: z
      .array(z.string().regex(Patterns.absolutePath))
      .min(1)
      .describe("files: absolute paths to back up.")
      .optional(),
    excludes: z
      .array(z.string().min(1))
      .describe(
        "files: exclude patterns, with one meaning for restic and borg: a name or path tail (`*.log`, `cache`, `cache/`) matches anywhere below the paths; a leading `/` anchors the pattern at that absolute path.",
      )
      .optional(),
    tool: z
      .enum(BackupTool)
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
      // The parser the constructs use: 9999999GiB/s matches the pattern but is no number of bytes.
      .refine((v) => Size.fits(v, true), { message: "is too large: at most 8 PiB/s (2^53 - 1 bytes)", abort: true })
      .describe("Upload limit, e.g. `20MiB/s`.")
      .optional(),
    directoryFormatAbove: z
      .string()
      .regex(Patterns.size)
      .refine((v) => Size.fits(v), { message: "is too large: at most 8 PiB (2^53 - 1 bytes)", abort: true })
      .describe(
        "postgresql: databases larger than this (e.g. `20GiB`) are dumped in directory format with `jobs` parallel workers instead of one custom-format stream. Default: always custom format.",
      )
      .optional(),
    jobs: z
      .int()
      .min(1)
      .max(32)
      .describe(
        "postgresql: parallel pg_dump/pg_restore workers for directory-format dumps (needs `directoryFormatAbove`). Default 2.",
      )
      .optional(),
    flavour: z
      .enum(MysqlFlavour)
      .describe(
        "mysql: which server it is, `mariadb` (default) or `mysql8` (MySQL 8.0 or later). The backup user's grants differ: MySQL 8 has no `mysql.proc` and needs `SHOW_ROUTINE` (8.0.20+) to dump routines.",
      )
      .optional(),
    serverVersion: z
      .string()
      .regex(/^\d{1,2}\.\d{1,2}(\.\d{1,3})?$/)
      .describe(
        "mysql: the server's version (`10.5`, `10.11`, `8.0.36`), when known. The generated binary-log settings follow it: MariaDB before 10.6 knows only `expire_logs_days`, 10.6 and later `binlog_expire_logs_seconds`. Default: settings every MariaDB 10.x accepts (`expire_logs_days`).",
      )
      .optional(),
    replicaSet: z
      .string()
      .regex(Patterns.replicaSet)
      .describe(
        "mongodb: the replica set name; when set, dumps use `--oplog` so each dump is consistent to one point in time.",
      )
      .optional(),
    fullEvery: duration(
      "With `pitr`, how often a full physical backup runs (pg_basebackup for postgresql; a full mariabackup for mysql, with incremental ones at every run in between); default `1d`",
    ).optional(),
  })
  .describe("The app-level backup decision.");

/** IAM Roles Anywhere: hosts get temporary credentials from their X.509 certificate instead of access keys. */
export const rolesAnywhereSchema = z
  .strictObject({
    trustAnchorArn: z
      .string()
      .regex(Patterns.arn)
      .describe(
        "ARN of an existing IAM Roles Anywhere trust anchor (your CA). Each app-level backup gets its own profile and role, which trust certificates whose subject CN is the service's `app.host`.",
      ),
  })
  .describe(
    "Temporary credentials for app-level backups through IAM Roles Anywhere. Without it, each service gets an IAM user whose access key the operator creates and rotates (never stored in Terraform).",
  );
