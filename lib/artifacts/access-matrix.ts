import { code, doc, table } from "./markdown";

/**
 * artifacts/access-matrix.md: every IAM role and user a stack creates and what it may do to
 * which bucket, vault and key, read from the synthesized Terraform configuration (inline policy
 * JSON, `aws_iam_policy_document` data sources, managed policy attachments), never from a
 * second description of intent. A change to a construct's policy changes this document.
 */

/** What a principal may do to a recovery point's storage. */
export enum Capability {
  BACKUP = "back up",
  RESTORE = "restore",
  DELETE_MARKER = "delete (marker)",
  DELETE_VERSION = "delete recovery points",
  BYPASS = "bypass governance",
  DECRYPT = "decrypt",
  CHANGE_LOCK = "change a lock",
  KEY_DELETION = "disable or delete a key",
}

/** Actions per capability. `s3:DeleteObject` on a versioned bucket only adds a delete marker. */
export const CAPABILITY_ACTIONS: ReadonlyArray<[Capability, readonly string[]]> = [
  [Capability.BACKUP, ["s3:PutObject", "s3:ReplicateObject", "backup:StartBackupJob", "backup:CopyIntoBackupVault"]],
  [
    Capability.RESTORE,
    ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication", "backup:StartRestoreJob"],
  ],
  [Capability.DELETE_MARKER, ["s3:DeleteObject", "s3:ReplicateDelete"]],
  // The snapshot deletions are how a recovery point of EBS, RDS, DynamoDB and FSx disappears outside AWS Backup's API.
  [
    Capability.DELETE_VERSION,
    [
      "s3:DeleteObjectVersion",
      "backup:DeleteRecoveryPoint",
      "backup:DeleteBackupVault",
      "s3:DeleteBucket",
      "ec2:DeleteSnapshot",
      "rds:DeleteDBSnapshot",
      "rds:DeleteDBClusterSnapshot",
      "dynamodb:DeleteBackup",
      "fsx:DeleteBackup",
    ],
  ],
  [Capability.BYPASS, ["s3:BypassGovernanceRetention"]],
  [Capability.DECRYPT, ["kms:Decrypt"]],
  [
    Capability.CHANGE_LOCK,
    // A vault access policy's Deny is part of what keeps recovery points: replacing or deleting it is a lock change.
    [
      "s3:PutObjectRetention",
      "s3:PutObjectLegalHold",
      "s3:PutBucketObjectLockConfiguration",
      "backup:PutBackupVaultLockConfiguration",
      "backup:DeleteBackupVaultLockConfiguration",
      "backup:PutBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultAccessPolicy",
    ],
  ],
  [Capability.KEY_DELETION, ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"]],
];

/**
 * AWS managed policies the stacks attach, by name: what their documented statements grant in these
 * terms (the statements live at AWS, not in the configuration; the simulator test evaluates them).
 * - ForBackup: backup:CopyIntoBackupVault (back up), ec2:DeleteSnapshot, rds:DeleteDBSnapshot,
 *   dynamodb:DeleteBackup, fsx:DeleteBackup (delete recovery points), kms:Decrypt via DynamoDB.
 * - ForRestores: backup:StartRestoreJob with iam:PassRole to backup.amazonaws.com (restore),
 *   kms:Decrypt via EC2, RDS, EFS, DynamoDB, Redshift.
 * - ForS3Backup: s3:GetObject(Version) on every bucket (read, which is what restoring needs), kms:Decrypt via S3.
 * - ForS3Restore: s3:PutObject, s3:GetObject and s3:DeleteObject on every bucket, kms:Decrypt via S3.
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForRestores.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForS3Backup.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForS3Restore.html
 */
export const MANAGED_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
  AWSBackupServiceRolePolicyForBackup: [Capability.BACKUP, Capability.DELETE_VERSION, Capability.DECRYPT],
  AWSBackupServiceRolePolicyForRestores: [Capability.RESTORE, Capability.DECRYPT],
  AWSBackupServiceRolePolicyForS3Backup: [Capability.RESTORE, Capability.DECRYPT],
  AWSBackupServiceRolePolicyForS3Restore: [
    Capability.BACKUP,
    Capability.RESTORE,
    Capability.DELETE_MARKER,
    Capability.DECRYPT,
  ],
};
const MANAGED = MANAGED_CAPABILITIES;

/** One statement, normalized. */
interface Statement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** One IAM role or user of a stack and what its policies allow. */
export interface PrincipalAccess {
  readonly stack: string;
  readonly kind: "role" | "user";
  /** The physical name, or `(generated)` when Terraform names it. */
  readonly name: string;
  /** Who may assume a role (service or account principals). */
  readonly trustedBy: readonly string[];
  /** Target (bucket, vault, key, or `*`) → capabilities. */
  readonly grants: ReadonlyMap<string, ReadonlySet<Capability>>;
  /** AWS managed policies attached. */
  readonly managed: readonly string[];
}

type Json = Record<string, unknown>;

/** Synthesized stacks (`cdk.tf.json` contents) by stack name. */
export type SynthesizedStacks = Readonly<Record<string, Json>>;

const list = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? x.map(String) : [String(x)]);

function resourcesOf(stack: Json, type: string): Array<[string, Json]> {
  return Object.entries(((stack.resource as Json | undefined)?.[type] as Record<string, Json> | undefined) ?? {});
}

/** The address a `${type.name.attr}` reference names, if it is one. */
function refTo(value: unknown): { type: string; name: string } | undefined {
  const m = /^\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(String(value));
  return m ? { type: `${m[1] ?? ""}${m[2]}`, name: m[3] } : undefined;
}

/** Statements of a policy value: a JSON document, or a reference to an `aws_iam_policy_document`. */
function statementsOf(stack: Json, policy: unknown): Statement[] {
  const ref = refTo(policy);
  if (ref?.type === "data.aws_iam_policy_document") {
    const d = ((stack.data as Json | undefined)?.aws_iam_policy_document as Record<string, Json> | undefined)?.[
      ref.name
    ];
    return ((d?.statement as Json[] | undefined) ?? []).map((s) => ({
      effect: String(s.effect ?? "Allow"),
      actions: list(s.actions),
      resources: list(s.resources),
    }));
  }
  try {
    const docJson = JSON.parse(String(policy)) as { Statement?: Json[] | Json };
    return (Array.isArray(docJson.Statement) ? docJson.Statement : docJson.Statement ? [docJson.Statement] : []).map(
      (s) => ({ effect: String(s.Effect), actions: list(s.Action), resources: list(s.Resource) }),
    );
  } catch {
    return [];
  }
}

/** The principals a trust policy (JSON, or an `aws_iam_policy_document`) lets assume the role. */
function trustOf(stack: Json, policy: unknown): string[] {
  const ref = refTo(policy);
  if (ref?.type === "data.aws_iam_policy_document") {
    const d = ((stack.data as Json | undefined)?.aws_iam_policy_document as Record<string, Json> | undefined)?.[
      ref.name
    ];
    return ((d?.statement as Json[] | undefined) ?? []).flatMap((st) =>
      ((st.principals as Json[] | undefined) ?? []).flatMap((p) => list(p.identifiers)),
    );
  }
  try {
    const statements = JSON.parse(String(policy)).Statement as Json[];
    return statements.flatMap((st) => {
      const p = st.Principal as Json | undefined;
      return [...list(p?.Service), ...list(p?.AWS)];
    });
  } catch {
    return [];
  }
}

/** Readable names of the stack's buckets, keys and vaults, by the strings that refer to them (as the matrix's "On" column). */
export function targetNames(stack: Json): (resource: string) => string {
  const byRef = new Map<string, string>();
  for (const [addr, r] of resourcesOf(stack, "aws_s3_bucket"))
    byRef.set(`aws_s3_bucket.${addr}`, `bucket ${String(r.bucket)}`);
  const aliases = new Map<string, string>();
  for (const [, r] of resourcesOf(stack, "aws_kms_alias")) {
    const t = refTo(r.target_key_id);
    if (t)
      aliases.set(
        t.name,
        `${String(r.name)}${r.provider && String(r.provider).includes(".") ? ` (${String(r.provider).split(".")[1]})` : ""}`,
      );
  }
  for (const [addr] of resourcesOf(stack, "aws_kms_key"))
    byRef.set(`aws_kms_key.${addr}`, `key ${aliases.get(addr) ?? addr}`);
  for (const [addr, r] of resourcesOf(stack, "aws_backup_vault"))
    byRef.set(`aws_backup_vault.${addr}`, `vault ${String(r.name)}`);
  return (resource: string) => {
    if (resource === "*") return "*";
    const ref = refTo(resource.replace(/\/.*$/, "").replace(/(\})[^}]*$/, "$1"));
    if (ref && byRef.has(`${ref.type}.${ref.name}`))
      return (
        byRef.get(`${ref.type}.${ref.name}`)! +
        (resource.includes("}/") ? ` ${resource.slice(resource.indexOf("}/") + 2)}` : "")
      );
    const s3 = /^arn:aws[a-z-]*:s3:::([^/]+)(\/(.*))?$/.exec(resource);
    if (s3) return `bucket ${s3[1]}${s3[3] ? ` ${s3[3]}` : ""}`;
    const vault = /^arn:aws[a-z-]*:backup:[^:]*:[^:]*:backup-vault:(.+)$/.exec(resource);
    if (vault) return `vault ${vault[1]}`;
    return resource;
  };
}

function capabilitiesOf(action: string): Capability[] {
  if (action === "*") return CAPABILITY_ACTIONS.map(([c]) => c);
  const out: Capability[] = [];
  for (const [cap, actions] of CAPABILITY_ACTIONS) {
    if (actions.some((a) => a === action || (action.endsWith(":*") && a.startsWith(action.slice(0, -1)))))
      out.push(cap);
  }
  return out;
}

/** Every role and user of the stacks with what their policies allow, sorted by stack and name. */
export function accessOf(stacks: SynthesizedStacks): PrincipalAccess[] {
  const out: PrincipalAccess[] = [];
  for (const [stackName, stack] of Object.entries(stacks)) {
    const name = targetNames(stack);
    const principals = new Map<
      string,
      { kind: "role" | "user"; name: string; trustedBy: string[]; statements: Statement[]; managed: string[] }
    >();
    for (const [addr, r] of resourcesOf(stack, "aws_iam_role")) {
      principals.set(`aws_iam_role.${addr}`, {
        kind: "role",
        name: r.name ? String(r.name) : "(generated)",
        trustedBy: trustOf(stack, r.assume_role_policy),
        statements: [],
        managed: [],
      });
    }
    for (const [addr, r] of resourcesOf(stack, "aws_iam_user"))
      principals.set(`aws_iam_user.${addr}`, {
        kind: "user",
        name: String(r.name),
        trustedBy: [],
        statements: [],
        managed: [],
      });
    const owner = (v: unknown) => {
      const ref = refTo(v);
      return ref
        ? principals.get(`${ref.type}.${ref.name}`)
        : [...principals.values()].find((p) => p.name === String(v));
    };
    for (const [, r] of resourcesOf(stack, "aws_iam_role_policy"))
      owner(r.role)?.statements.push(...statementsOf(stack, r.policy));
    for (const [, r] of resourcesOf(stack, "aws_iam_user_policy"))
      owner(r.user)?.statements.push(...statementsOf(stack, r.policy));
    for (const [, r] of resourcesOf(stack, "aws_iam_role_policy_attachment"))
      owner(r.role)?.managed.push(String(r.policy_arn).split("/").pop()!);
    for (const p of principals.values()) {
      const grants = new Map<string, Set<Capability>>();
      const grant = (target: string, caps: readonly Capability[]) => {
        if (!caps.length) return;
        const set = grants.get(target) ?? new Set<Capability>();
        for (const c of caps) set.add(c);
        grants.set(target, set);
      };
      // backup:StartRestoreJob restores nothing without iam:PassRole of a restore role.
      const allows = p.statements.filter((x) => x.effect === "Allow");
      const passesRoles = allows.some((s) => s.actions.some((a) => a === "*" || a === "iam:*" || a === "iam:PassRole"));
      for (const s of allows) {
        const restoreByS3 =
          s.actions.some((a) => a.startsWith("s3:") && capabilitiesOf(a).includes(Capability.RESTORE)) ||
          s.actions.includes("*");
        const caps = [...new Set(s.actions.flatMap(capabilitiesOf))].filter(
          (c) => c !== Capability.RESTORE || restoreByS3 || passesRoles,
        );
        for (const r of s.resources.length ? s.resources : ["*"]) grant(name(r), caps);
      }
      for (const m of p.managed) grant("* (AWS managed policy)", MANAGED[m] ?? []);
      out.push({ stack: stackName, kind: p.kind, name: p.name, trustedBy: p.trustedBy, grants, managed: p.managed });
    }
  }
  return out.sort((a, b) => a.stack.localeCompare(b.stack) || a.name.localeCompare(b.name));
}

/** One Deny of a bucket or vault policy: what nobody (not even the listed principals) may do there. */
export interface ResourceDenial {
  readonly stack: string;
  readonly on: string;
  readonly sid: string;
  readonly actions: readonly string[];
  readonly condition?: string;
}

/** Every Deny statement of the stacks' bucket and vault policies. */
export function resourceDenials(stacks: SynthesizedStacks): ResourceDenial[] {
  const out: ResourceDenial[] = [];
  for (const [stackName, stack] of Object.entries(stacks)) {
    const name = targetNames(stack);
    const owners: Array<[string, string]> = [
      ["aws_s3_bucket_policy", "bucket"],
      ["aws_backup_vault_policy", "backup_vault_name"],
    ];
    for (const [type, key] of owners) {
      for (const [, r] of resourcesOf(stack, type)) {
        const ref = refTo(r[key]);
        const on = ref
          ? name(`\${${ref.type}.${ref.name}.arn}`)
          : type === "aws_s3_bucket_policy"
            ? `bucket ${String(r[key])}`
            : `vault ${String(r[key])}`;
        const pref = refTo(r.policy);
        if (pref?.type === "data.aws_iam_policy_document") {
          const d = ((stack.data as Json | undefined)?.aws_iam_policy_document as Record<string, Json> | undefined)?.[
            pref.name
          ];
          for (const st of (d?.statement as Json[] | undefined) ?? []) {
            if (st.effect !== "Deny") continue;
            const cond = (st.condition as Json[] | undefined) ?? [];
            out.push({
              stack: stackName,
              on,
              sid: String(st.sid ?? ""),
              actions: list(st.actions),
              condition: cond.length
                ? cond.map((c) => `${String(c.test)} ${String(c.variable)}=${list(c.values).join("|")}`).join("; ")
                : undefined,
            });
          }
          continue;
        }
        let doc: { Statement?: Json[] } = {};
        try {
          doc = JSON.parse(String(r.policy));
        } catch {
          continue;
        }
        for (const st of doc.Statement ?? []) {
          if (st.Effect !== "Deny") continue;
          const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
          out.push({
            stack: stackName,
            on,
            sid: String(st.Sid ?? ""),
            actions: list(st.Action),
            condition: cond
              ? Object.entries(cond)
                  .map(
                    ([op, kv]) =>
                      `${op} ${Object.entries(kv)
                        .map(([k, v]) => `${k}=${list(v).join("|")}`)
                        .join(", ")}`,
                  )
                  .join("; ")
              : undefined,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.on.localeCompare(b.on) || a.sid.localeCompare(b.sid));
}

/** A principal that can both delete recovery points and change (or bypass) locks. */
export function canDestroyLockedData(p: PrincipalAccess): boolean {
  const all = new Set([...p.grants.values()].flatMap((s) => [...s]));
  return all.has(Capability.DELETE_VERSION) && (all.has(Capability.CHANGE_LOCK) || all.has(Capability.BYPASS));
}

/** Restore rights held by a principal without a name of its own (Terraform-generated). */
export function unnamedRestorers(access: readonly PrincipalAccess[]): PrincipalAccess[] {
  return access.filter(
    (p) => p.name === "(generated)" && [...p.grants.values()].some((s) => s.has(Capability.RESTORE)),
  );
}

const COLUMNS = [
  Capability.BACKUP,
  Capability.RESTORE,
  Capability.DELETE_MARKER,
  Capability.DELETE_VERSION,
  Capability.BYPASS,
  Capability.DECRYPT,
  Capability.CHANGE_LOCK,
  Capability.KEY_DELETION,
];

/** What the matrix cannot see: it reads only the policies these stacks write. */
export const MATRIX_BLIND_SPOTS: readonly string[] = [
  "AWS Organizations service and resource control policies (SCPs, RCPs), which may deny any cell",
  "permission boundaries and session policies of the principals that assume these roles",
  "IAM principals created outside these stacks (people, pipelines, other tools) and principals of other accounts",
  "the principal that runs `terraform apply`, which can do what its own policy allows",
  "changes AWS makes to its managed policies after their documented versions (AWSBackupServiceRolePolicyFor*): their rows follow the statements as documented",
];

/**
 * The key policies' break-glass deny (see BackupKey), when every key of the stacks has one:
 * then only that principal may disable or delete a key.
 */
export function breakGlassOf(stacks: SynthesizedStacks): string | undefined {
  const found = new Set<string>();
  let keys = 0;
  for (const stack of Object.values(stacks)) {
    for (const [, r] of resourcesOf(stack, "aws_kms_key")) {
      keys++;
      try {
        const st = ((JSON.parse(String(r.policy)) as { Statement?: Json[] }).Statement ?? []).find(
          (x) => x.Sid === "OnlyBreakGlassDisablesOrDeletes",
        );
        const arn = ((st?.Condition as Record<string, Record<string, string>> | undefined)?.ArnNotEquals ?? {})[
          "aws:PrincipalArn"
        ];
        if (arn) found.add(arn);
      } catch {
        // A policy that is not literal JSON (a reference) names no break-glass principal here.
      }
    }
  }
  // Only when every key has the deny and all name the same principal.
  return keys > 0 && found.size === 1 && keys === countDenies(stacks) ? [...found][0] : undefined;
}

function countDenies(stacks: SynthesizedStacks): number {
  return Object.values(stacks).reduce(
    (n, stack) =>
      n +
      resourcesOf(stack, "aws_kms_key").filter(([, r]) => String(r.policy).includes("OnlyBreakGlassDisablesOrDeletes"))
        .length,
    0,
  );
}

/** The access matrix document. */
export function renderAccessMatrix(estate: string, stacks: SynthesizedStacks): string {
  const access = accessOf(stacks);
  const flagged = access.filter(canDestroyLockedData);
  const unnamed = unnamedRestorers(access);
  const denials = resourceDenials(stacks);
  const breakGlass = breakGlassOf(stacks);
  const rows = access.flatMap((p) =>
    [...p.grants.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([target, caps]) => [
        `${p.kind} ${code(p.name)}`,
        target,
        ...COLUMNS.map((c) => (caps.has(c) ? "✔" : "")),
        canDestroyLockedData(p) ? "⚠" : "",
      ]),
  );
  // The key policies delegate to the account: any administrator holds every right the resource policies do not deny to all.
  rows.push([
    "account administrator (not created here)",
    "every bucket, vault and key",
    // The deny covers disabling and deletion, not kms:PutKeyPolicy: an administrator can replace the policy (and the deny); the guard alerts on it.
    ...COLUMNS.map((c) =>
      c === Capability.KEY_DELETION && breakGlass
        ? `only ${code(breakGlass)} disables or deletes; ✔ kms:PutKeyPolicy (can lift that deny; alerted)`
        : "✔ unless denied below",
    ),
    "⚠",
  ]);
  return doc(
    `# Access matrix: ${estate}`,
    "<!-- Generated by backup-gov from the synthesized Terraform configuration (the policy documents themselves); do not edit. -->",
    "Every IAM role and user the stacks create, and what its policies allow on each bucket, vault and key. `delete (marker)` is `s3:DeleteObject` on a versioned bucket: the version stays (and stays locked); `delete recovery points` removes versions or recovery points for good. Resource policies (TLS-only, encryption, vault access) only narrow these rights further.",
    "A row on `* (AWS managed policy)` holds a right somewhere in the account, as the managed policies' documented statements grant it; their `decrypt` is only through a service (kms:ViaService: S3, DynamoDB, EC2, RDS, EFS).",
    "The last row is any administrator of the account (AdministratorAccess or equivalent): the key policies delegate to the account, so an administrator holds every right here unless a bucket, vault or key policy denies it to everyone (listed below). Restoring needs `backup:StartRestoreJob` and `iam:PassRole` on a restore role: an administrator has both.",
    "## What this matrix cannot see",
    MATRIX_BLIND_SPOTS.map((b) => `- ${b}`).join("\n"),
    access.length ? table(["Principal", "On", ...COLUMNS, "Flag"], rows) : "The stacks create no IAM role or user.",
    "## What the bucket and vault policies deny to everyone",
    denials.length
      ? table(
          ["On", "Statement", "Denied actions", "When"],
          denials.map((d) => [d.on, d.sid, d.actions.join(", "), d.condition ?? "always"]),
        )
      : "No bucket or vault policy denies anything.",
    "## Who is trusted to act as each role",
    access.filter((p) => p.kind === "role").length
      ? table(
          ["Role", "Assumed by", "AWS managed policies"],
          access
            .filter((p) => p.kind === "role")
            .map((p) => [code(p.name), p.trustedBy.join(", ") || "(none)", p.managed.join(", ") || "—"]),
        )
      : "No roles.",
    "## Flags",
    [
      flagged.length
        ? `⚠ Can both delete recovery points and change or bypass locks: ${flagged.map((p) => code(p.name)).join(", ")}. Remove one of the two rights.`
        : "No principal these stacks create can both delete recovery points and change or bypass a lock.",
      unnamed.length
        ? `⚠ Restore rights held by principals without a name of their own: ${unnamed.map((p) => `${p.kind} in ${p.stack}`).join(", ")}.`
        : "Among the principals these stacks create, restore rights are held only by named roles and users.",
      `⚠ An account administrator can restore, delete what no lock protects, and ${breakGlass ? `not disable or delete a key (only ${code(breakGlass)} may) without first replacing its key policy (kms:PutKeyPolicy, which the guard alerts on)` : "disable or delete the keys, which makes every locked backup unreadable (name `aws.breakGlassPrincipal`, GOV-220)"}; only SCPs, which this matrix cannot see, narrow that further.`,
    ].join("\n\n"),
  );
}
