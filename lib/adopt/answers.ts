import { z } from "zod";
import { AdoptErrors } from "./errors";

/**
 * The saved answers `backup-gov adopt` reads: the JSON output of documented read-only calls,
 * each recognized by its content (never by its file name), then checked against the shape its
 * call documents. Only the fields adoption uses are checked; every answer carries more.
 *
 * @see https://pve.proxmox.com/pve-docs/api-viewer/ (GET /cluster/backup, /cluster/resources, /cluster/backup-info/not-backed-up, /storage)
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
 * @see https://velero.io/docs/main/api-types/schedule/
 */
export enum AnswerKind {
  PVE_JOBS = "pvesh get /cluster/backup",
  PVE_GUESTS = "pvesh get /cluster/resources --type vm",
  PVE_NOT_BACKED_UP = "pvesh get /cluster/backup-info/not-backed-up",
  PVE_STORAGE = "pvesh get /storage",
  AWS_PLANS = "aws backup list-backup-plans",
  AWS_PLAN = "aws backup get-backup-plan",
  AWS_SELECTIONS = "aws backup list-backup-selections",
  AWS_SELECTION = "aws backup get-backup-selection",
  AWS_VAULTS = "aws backup list-backup-vaults",
  AWS_VAULT = "aws backup describe-backup-vault",
  AWS_VAULT_NOTIFICATIONS = "aws backup get-backup-vault-notifications",
  S3_VERSIONING = "aws s3api get-bucket-versioning",
  S3_OBJECT_LOCK = "aws s3api get-object-lock-configuration",
  S3_REPLICATION = "aws s3api get-bucket-replication",
  VELERO = "kubectl get schedules.velero.io,backupstoragelocations.velero.io -A -o json",
}

/** What an attribution (`NAME=FILE`) names, for the answers that do not name it themselves. */
export enum Subject {
  HOST = "HOST",
  BUCKET = "BUCKET",
  CLUSTER = "CLUSTER",
}

/** The subject each kind of answer needs, when the answer does not name it. */
export const SUBJECT_OF: Partial<Record<AnswerKind, Subject>> = {
  [AnswerKind.PVE_JOBS]: Subject.HOST,
  [AnswerKind.PVE_GUESTS]: Subject.HOST,
  [AnswerKind.PVE_NOT_BACKED_UP]: Subject.HOST,
  [AnswerKind.PVE_STORAGE]: Subject.HOST,
  [AnswerKind.S3_VERSIONING]: Subject.BUCKET,
  [AnswerKind.S3_OBJECT_LOCK]: Subject.BUCKET,
  [AnswerKind.S3_REPLICATION]: Subject.BUCKET,
  [AnswerKind.VELERO]: Subject.CLUSTER,
};

// Proxmox answers numbers as numbers or strings depending on the call and version.
const num = z.union([z.number(), z.string().regex(/^-?[0-9]+$/)]).transform(Number);
const flag = z.union([z.boolean(), z.number(), z.string()]).transform((v) => v === true || v === 1 || v === "1");
const str = z.string().max(4096);

export const pveJob = z.looseObject({
  id: str,
  schedule: str.optional(),
  starttime: str.optional(),
  dow: str.optional(),
  storage: str.optional(),
  vmid: z.union([str, z.number()]).transform(String).optional(),
  all: flag.optional(),
  exclude: z.union([str, z.number()]).transform(String).optional(),
  pool: str.optional(),
  node: str.optional(),
  mode: z.enum(["snapshot", "suspend", "stop"]).optional(),
  enabled: flag.optional(),
  compress: str.optional(),
  mailto: str.optional(),
  script: str.optional(),
  // Proxmox returns prune-backups as an object ({"keep-daily": "7"}), older versions as a string.
  "prune-backups": z.union([z.record(z.string(), z.union([num, flag])), str]).optional(),
  maxfiles: num.optional(),
});
export const pveGuest = z.looseObject({
  vmid: num,
  type: z.enum(["qemu", "lxc"]),
  node: str,
  name: str.optional(),
  template: flag.optional(),
  pool: str.optional(),
});
export const pveNotBackedUp = z.looseObject({
  vmid: num,
  type: z.enum(["qemu", "lxc"]).optional(),
  name: str.optional(),
});
export const pveStorage = z.looseObject({
  storage: str,
  type: str,
  content: str.optional(),
  path: str.optional(),
  server: str.optional(),
  export: str.optional(),
  datastore: str.optional(),
  nodes: str.optional(),
  shared: flag.optional(),
});

const lifecycle = z
  .looseObject({
    DeleteAfterDays: z.number().int().optional(),
    MoveToColdStorageAfterDays: z.number().int().optional(),
  })
  .optional();
export const awsPlanRule = z.looseObject({
  RuleName: str,
  TargetBackupVaultName: str,
  ScheduleExpression: str.optional(),
  ScheduleExpressionTimezone: str.optional(),
  StartWindowMinutes: z.number().int().optional(),
  CompletionWindowMinutes: z.number().int().optional(),
  Lifecycle: lifecycle,
  EnableContinuousBackup: z.boolean().optional(),
  CopyActions: z.array(z.looseObject({ DestinationBackupVaultArn: str, Lifecycle: lifecycle })).optional(),
});
export const awsPlans = z.looseObject({
  BackupPlansList: z.array(z.looseObject({ BackupPlanId: str, BackupPlanName: str, BackupPlanArn: str.optional() })),
});
export const awsPlan = z.looseObject({
  BackupPlanId: str,
  BackupPlanArn: str.optional(),
  BackupPlan: z.looseObject({ BackupPlanName: str, Rules: z.array(awsPlanRule) }),
});
export const awsSelections = z.looseObject({
  BackupSelectionsList: z.array(z.looseObject({ SelectionId: str, SelectionName: str, BackupPlanId: str })),
});
const condition = z.looseObject({ ConditionKey: str, ConditionValue: str });
export const awsSelection = z.looseObject({
  SelectionId: str,
  BackupPlanId: str,
  BackupSelection: z.looseObject({
    SelectionName: str,
    IamRoleArn: str,
    Resources: z.array(str).optional(),
    NotResources: z.array(str).optional(),
    ListOfTags: z.array(z.looseObject({ ConditionType: str, ConditionKey: str, ConditionValue: str })).optional(),
    Conditions: z
      .looseObject({
        StringEquals: z.array(condition).optional(),
        StringNotEquals: z.array(condition).optional(),
        StringLike: z.array(condition).optional(),
        StringNotLike: z.array(condition).optional(),
      })
      .optional(),
  }),
});
const vaultFields = {
  BackupVaultName: str,
  BackupVaultArn: str,
  EncryptionKeyArn: str.optional(),
  Locked: z.boolean().optional(),
  MinRetentionDays: z.number().int().optional(),
  MaxRetentionDays: z.number().int().optional(),
  LockDate: z.union([str, z.number()]).optional(),
  VaultType: str.optional(),
};
export const awsVaults = z.looseObject({ BackupVaultList: z.array(z.looseObject(vaultFields)) });
export const awsVault = z.looseObject(vaultFields);
export const awsVaultNotifications = z.looseObject({
  BackupVaultName: str,
  SNSTopicArn: str,
  BackupVaultEvents: z.array(str),
});
export const s3Versioning = z.looseObject({
  Status: z.enum(["Enabled", "Suspended"]).optional(),
  MFADelete: str.optional(),
});
export const s3ObjectLock = z.looseObject({
  ObjectLockConfiguration: z.looseObject({
    ObjectLockEnabled: z.literal("Enabled").optional(),
    Rule: z
      .looseObject({
        DefaultRetention: z.looseObject({
          Mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
          Days: z.number().int().optional(),
          Years: z.number().int().optional(),
        }),
      })
      .optional(),
  }),
});
export const s3Replication = z.looseObject({
  ReplicationConfiguration: z.looseObject({
    Role: str,
    Rules: z.array(
      z.looseObject({
        ID: str.optional(),
        Status: z.enum(["Enabled", "Disabled"]),
        Destination: z.looseObject({ Bucket: str }),
      }),
    ),
  }),
});
const k8sMeta = z.looseObject({ name: str, namespace: str.optional() });
export const veleroSchedule = z.looseObject({
  kind: z.literal("Schedule"),
  metadata: k8sMeta,
  spec: z.looseObject({
    schedule: str,
    paused: z.boolean().optional(),
    template: z
      .looseObject({
        includedNamespaces: z.array(str).optional(),
        excludedNamespaces: z.array(str).optional(),
        ttl: str.optional(),
        storageLocation: str.optional(),
        snapshotVolumes: z.boolean().optional(),
        defaultVolumesToFsBackup: z.boolean().optional(),
      })
      .optional(),
  }),
});
export const veleroLocation = z.looseObject({
  kind: z.literal("BackupStorageLocation"),
  metadata: k8sMeta,
  spec: z.looseObject({
    provider: str,
    objectStorage: z.looseObject({ bucket: str, prefix: str.optional() }),
    config: z.record(z.string(), z.string()).optional(),
    default: z.boolean().optional(),
  }),
});
export const velero = z.looseObject({ items: z.array(z.union([veleroSchedule, veleroLocation])) });

const SCHEMAS = {
  [AnswerKind.PVE_JOBS]: z.array(pveJob),
  [AnswerKind.PVE_GUESTS]: z.array(pveGuest),
  [AnswerKind.PVE_NOT_BACKED_UP]: z.array(pveNotBackedUp),
  [AnswerKind.PVE_STORAGE]: z.array(pveStorage),
  [AnswerKind.AWS_PLANS]: awsPlans,
  [AnswerKind.AWS_PLAN]: awsPlan,
  [AnswerKind.AWS_SELECTIONS]: awsSelections,
  [AnswerKind.AWS_SELECTION]: awsSelection,
  [AnswerKind.AWS_VAULTS]: awsVaults,
  [AnswerKind.AWS_VAULT]: awsVault,
  [AnswerKind.AWS_VAULT_NOTIFICATIONS]: awsVaultNotifications,
  [AnswerKind.S3_VERSIONING]: s3Versioning,
  [AnswerKind.S3_OBJECT_LOCK]: s3ObjectLock,
  [AnswerKind.S3_REPLICATION]: s3Replication,
  [AnswerKind.VELERO]: velero,
} as const;

/** One recognized, checked answer. */
export type Answer = {
  [K in AnswerKind]: {
    readonly kind: K;
    readonly file: string;
    readonly subject?: string;
    readonly data: z.output<(typeof SCHEMAS)[K]>;
  };
}[AnswerKind];

/** Saved answers larger than this are refused before parsing (a real estate's answers are kilobytes). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const has = (o: unknown, k: string): boolean =>
  !!o && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k);

/**
 * Which call answered, from the content alone; undefined when no documented call answers so.
 * An empty list answers any of the Proxmox list calls: it is recognized only with a hint.
 */
export function recognize(value: unknown, subject?: string): AnswerKind | undefined {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (first === undefined || !first || typeof first !== "object") return undefined;
    if (
      has(first, "schedule") ||
      has(first, "starttime") ||
      (has(first, "storage") && has(first, "id") && !has(first, "type"))
    )
      return AnswerKind.PVE_JOBS;
    if (has(first, "storage") && has(first, "type")) return AnswerKind.PVE_STORAGE;
    if (has(first, "vmid") && has(first, "node")) return AnswerKind.PVE_GUESTS;
    if (has(first, "vmid")) return AnswerKind.PVE_NOT_BACKED_UP;
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  if (has(value, "BackupPlansList")) return AnswerKind.AWS_PLANS;
  if (has(value, "BackupPlan")) return AnswerKind.AWS_PLAN;
  if (has(value, "BackupSelectionsList")) return AnswerKind.AWS_SELECTIONS;
  if (has(value, "BackupSelection")) return AnswerKind.AWS_SELECTION;
  if (has(value, "BackupVaultList")) return AnswerKind.AWS_VAULTS;
  if (has(value, "BackupVaultEvents") || has(value, "SNSTopicArn")) return AnswerKind.AWS_VAULT_NOTIFICATIONS;
  if (has(value, "BackupVaultName")) return AnswerKind.AWS_VAULT;
  if (has(value, "ObjectLockConfiguration")) return AnswerKind.S3_OBJECT_LOCK;
  if (has(value, "ReplicationConfiguration")) return AnswerKind.S3_REPLICATION;
  if (has(value, "items") && Array.isArray((value as { items: unknown }).items)) {
    const items = (value as { items: unknown[] }).items;
    if (
      items.some(
        (i) => has(i, "apiVersion") && String((i as { apiVersion: unknown }).apiVersion).startsWith("velero.io/"),
      )
    )
      return AnswerKind.VELERO;
    return undefined;
  }
  // get-bucket-versioning answers `{}` for a bucket that was never versioned: only with a bucket named.
  if (has(value, "Status") || has(value, "MFADelete") || (subject !== undefined && Object.keys(value).length === 0))
    return AnswerKind.S3_VERSIONING;
  return undefined;
}

/** Parses one saved answer: its bytes, the file name for messages, the attribution if any. */
export function parseAnswer(bytes: Uint8Array, file: string, subject?: string): Answer | undefined {
  if (bytes.length > MAX_ANSWER_BYTES) throw AdoptErrors.answerTooLarge(file, bytes.length, MAX_ANSWER_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw AdoptErrors.answerNotJson(file, "it is not UTF-8 text");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw AdoptErrors.answerNotJson(file, jsonErrorAt(text, (e as Error).message));
  }
  // The API's own envelope ({"data": ...}) is what pvesh prints without --output-format json.
  if (
    value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    has(value, "data")
  )
    value = (value as { data: unknown }).data;
  if (Array.isArray(value) && value.length === 0) return undefined;
  const kind = recognize(value, subject);
  if (!kind) throw AdoptErrors.answerUnrecognized(file, Object.values(AnswerKind));
  const needs = SUBJECT_OF[kind];
  if (needs && subject === undefined) throw AdoptErrors.answerNeedsSubject(file, kind, needs);
  if (!needs && subject !== undefined) throw AdoptErrors.answerSubjectUnexpected(file, kind, subject);
  const r = (SCHEMAS[kind] as z.ZodType).safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("") || "(top)";
    throw AdoptErrors.answerWrongShape(file, kind, path, issue.message);
  }
  const answer = { kind, file, subject, data: r.data };
  return answer as Answer;
}

/** `NAME=FILE` or `FILE`: the attribution, when the text before `=` is a plain name. */
export function splitAttribution(arg: string): { readonly subject?: string; readonly file: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,62})=(.+)$/s.exec(arg);
  return m ? { subject: m[1], file: m[2] } : { file: arg };
}

function jsonErrorAt(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message.split("\n")[0];
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `${message.split("\n")[0].replace(/ in JSON at position \d+.*$/, "")} at line ${line}, column ${column}`;
}
