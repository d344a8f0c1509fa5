import type * as BackupSdk from "@aws-sdk/client-backup";
import type * as S3Sdk from "@aws-sdk/client-s3";
import { terminalText } from "../core/escape/terminal";
import { Errors } from "../errors";
import { must } from "../private/must";
import { type Answer, parseAnswer } from "./answers";

/**
 * The AWS calls adopt makes itself (`--aws`): exactly the read-only calls the saved answers
 * cover, through the AWS SDK v3 with credentials and Region from the environment (the SDK's
 * default chain: AWS_* variables, shared config and credentials files, SSO, instance role).
 * Each answer is turned back into the CLI's JSON and checked exactly as a saved answer is.
 *
 * The SDK clients are optional dependencies, loaded on first use only: the library and every
 * other command work without them (ADOPT-050 says how to install them).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html (the IAM action of each operation)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html (s3:GetBucketObjectLockConfiguration)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html (s3:GetReplicationConfiguration)
 */
export const AWS_LIVE_CALLS = {
  ListBackupPlans: { cli: "aws backup list-backup-plans", action: "backup:ListBackupPlans" },
  GetBackupPlan: { cli: "aws backup get-backup-plan", action: "backup:GetBackupPlan" },
  ListBackupSelections: { cli: "aws backup list-backup-selections", action: "backup:ListBackupSelections" },
  GetBackupSelection: { cli: "aws backup get-backup-selection", action: "backup:GetBackupSelection" },
  ListBackupVaults: { cli: "aws backup list-backup-vaults", action: "backup:ListBackupVaults" },
  DescribeBackupVault: { cli: "aws backup describe-backup-vault", action: "backup:DescribeBackupVault" },
  GetBackupVaultNotifications: {
    cli: "aws backup get-backup-vault-notifications",
    action: "backup:GetBackupVaultNotifications",
  },
  GetBucketVersioning: { cli: "aws s3api get-bucket-versioning", action: "s3:GetBucketVersioning" },
  GetObjectLockConfiguration: {
    cli: "aws s3api get-object-lock-configuration",
    action: "s3:GetBucketObjectLockConfiguration",
  },
  GetBucketReplication: { cli: "aws s3api get-bucket-replication", action: "s3:GetReplicationConfiguration" },
} as const;
export type AwsLiveCall = keyof typeof AWS_LIVE_CALLS;

export interface AwsLiveOptions {
  /** Buckets to read besides those a backup selection names. @default [] */
  readonly buckets?: readonly string[];
  /** @default - the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's region) */
  readonly region?: string;
  /** Per request (connection and response each). @default 30000 */
  readonly timeoutMs?: number;
  /** Pages read per list call before adopt stops with ADOPT-052. @default 200 */
  readonly maxPages?: number;
  /** Objects read per list call before adopt stops with ADOPT-052. @default 5000 */
  readonly maxItems?: number;
  /** Called with each operation as it is made (for a progress line or a test). */
  readonly onCall?: (op: AwsLiveCall) => void;
}

type Backup = typeof BackupSdk;
/** One SDK call, explained when it fails; `missingOk`: a "not found" answer is undefined. */
type Call = <T>(op: AwsLiveCall, target: string, send: () => Promise<T>, missingOk?: boolean) => Promise<T | undefined>;
type S3 = typeof S3Sdk;

function load(pkg: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dependency: loaded only when --aws is used
    return require(pkg);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(pkg)) throw Errors.adoptAwsSdkMissing(pkg);
    throw e;
  }
}

/** Error names that mean the same thing across Backup (REST-JSON) and S3 (REST-XML). */
function explain(e: unknown, op: AwsLiveCall, target: string): Error {
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? "Error";
  const status = err.$metadata?.httpStatusCode;
  const action = AWS_LIVE_CALLS[op].action;
  // The service's own message is shown (bounded, made printable): it never carries the credentials.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- e is whatever was thrown: a message that is not a string must not break the explanation
  const said = terminalText(String(err.message ?? "").slice(0, 300));
  let reason: string;
  let fix: string;
  if (/AccessDenied|UnauthorizedOperation|Forbidden/i.test(name) || status === 403) {
    reason = `access denied (${name})`;
    fix = `allow ${action} to the caller (the policy in docs/adopt.md#permissions)`;
  } else if (/Throttl|TooManyRequests|SlowDown|RequestLimitExceeded/i.test(name) || status === 429 || status === 503) {
    reason = `throttled (${name}) after the SDK's retries`;
    fix = "run adopt again later, or save the answers with the AWS CLI and adopt them from files";
  } else if (/PermanentRedirect|AuthorizationHeaderMalformed|IllegalLocationConstraint/i.test(name) || status === 301) {
    reason = `the bucket is in another Region (${name})`;
    fix =
      "pass --aws-region with the bucket's Region (aws s3api get-bucket-location), or adopt that bucket in its own run";
  } else if (
    /UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|InvalidAccessKeyId|CredentialsProviderError/i.test(
      name,
    )
  ) {
    reason = `the credentials were refused or not found (${name})`;
    fix =
      "set credentials as the AWS SDK reads them (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO), for the account of the plans";
  } else if (/Region is missing/i.test(String(err.message))) {
    reason = "no Region is set";
    fix = "set AWS_REGION (or the profile's region), or pass --aws-region";
  } else if (
    /Timeout|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|socket hang up|EHOSTUNREACH/i.test(
      `${name} ${err.code ?? ""} ${said}`,
    )
  ) {
    reason = `the endpoint did not answer (${err.code ?? /\b(E[A-Z]{4,}|TimeoutError)\b/.exec(`${said} ${name}`)?.[1] ?? name})`;
    fix =
      "check the network, the Region and any endpoint override (AWS_ENDPOINT_URL), or save the answers and adopt them from files";
  } else {
    reason = `${name}${status ? ` (HTTP ${status})` : ""}`;
    fix = `check that the caller may ${action}, or save the answer with \`${AWS_LIVE_CALLS[op].cli}\` and adopt it from a file`;
  }
  return Errors.adoptAwsLiveFailed(
    `${AWS_LIVE_CALLS[op].cli}${target}`,
    action,
    said ? `${reason}: ${said}` : reason,
    fix,
  );
}

/**
 * The CLI prints what the SDK returns, without the metadata and with timestamps as the CLI
 * prints them (ISO 8601, microseconds, `+00:00`), so that a live answer equals a saved one.
 */
function cliJson(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/Z$/, "000+00:00");
  if (Array.isArray(v)) return v.map(cliJson);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k, x]) => k !== "$metadata" && x !== undefined)
        .map(([k, x]) => [k, cliJson(x)]),
    );
  return v;
}

/** Reads the account's AWS Backup plans, selections, vaults and notifications, and the buckets' settings. */
export async function readAwsLive(opts: AwsLiveOptions = {}): Promise<Answer[]> {
  const backupSdk = load("@aws-sdk/client-backup") as Backup;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxPages = opts.maxPages ?? 200;
  const maxItems = opts.maxItems ?? 5000;
  // Bounded in time: per-request timeouts, the SDK's standard retries (throttling backs off).
  // throwOnRequestTimeout: without it the handler only warns when requestTimeout passes, and waits on.
  const config = {
    region: opts.region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
  const backup = new backupSdk.BackupClient(config);
  const out: Answer[] = [];
  const answer = (op: AwsLiveCall, target: string, value: unknown, subject?: string) => {
    // Bounded in size like a saved answer: parseAnswer refuses more than MAX_ANSWER_BYTES (ADOPT-001).
    const a = parseAnswer(Buffer.from(JSON.stringify(cliJson(value))), `${AWS_LIVE_CALLS[op].cli}${target}`, subject);
    if (a) out.push(a);
  };
  const call: Call = async (op, target, send, missingOk) => {
    opts.onCall?.(op);
    try {
      return await send();
    } catch (e) {
      // "Not found" from these calls means "not configured" (notifications, Object Lock, replication).
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (missingOk && (/NotFound/.test(err.name ?? "") || err.$metadata?.httpStatusCode === 404)) return undefined;
      throw explain(e, op, target);
    }
  };
  /** Every page of one list call, bounded in pages and items. */
  const list = async <I>(
    op: AwsLiveCall,
    target: string,
    page: (token?: string) => Promise<{ NextToken?: string; items?: I[] }>,
  ): Promise<I[]> => {
    const items: I[] = [];
    let token: string | undefined;
    for (let n = 1; ; n++) {
      const r = must(await call(op, target, () => page(token)), `the answer of ${op}`);
      items.push(...(r.items ?? []));
      if (items.length > maxItems)
        throw Errors.adoptAwsTooLarge(`${AWS_LIVE_CALLS[op].cli}${target}`, maxPages, maxItems);
      // A token answered twice would loop forever: the list ends there.
      if (!r.NextToken || r.NextToken === token) return items;
      if (n >= maxPages) throw Errors.adoptAwsTooLarge(`${AWS_LIVE_CALLS[op].cli}${target}`, maxPages, maxItems);
      token = r.NextToken;
    }
  };

  try {
    const plans = await list("ListBackupPlans", "", async (NextToken) => {
      const r = await backup.send(new backupSdk.ListBackupPlansCommand({ NextToken, MaxResults: 100 }));
      return { NextToken: r.NextToken, items: r.BackupPlansList };
    });
    answer("ListBackupPlans", "", { BackupPlansList: plans });
    const buckets = new Set<string>();
    for (const p of plans) {
      const id = p.BackupPlanId;
      const t = ` --backup-plan-id ${id}`;
      answer(
        "GetBackupPlan",
        t,
        await call("GetBackupPlan", t, () => backup.send(new backupSdk.GetBackupPlanCommand({ BackupPlanId: id }))),
      );
      const sels = await list("ListBackupSelections", t, async (NextToken) => {
        const r = await backup.send(
          new backupSdk.ListBackupSelectionsCommand({ BackupPlanId: id, NextToken, MaxResults: 100 }),
        );
        return { NextToken: r.NextToken, items: r.BackupSelectionsList };
      });
      answer("ListBackupSelections", t, { BackupSelectionsList: sels });
      for (const s of sels) {
        const st = `${t} --selection-id ${s.SelectionId}`;
        const sel = must(
          await call("GetBackupSelection", st, () =>
            backup.send(new backupSdk.GetBackupSelectionCommand({ BackupPlanId: id, SelectionId: s.SelectionId })),
          ),
          "the answer of GetBackupSelection",
        );
        answer("GetBackupSelection", st, sel);
        // A bucket a selection names is read too: its versioning decides whether AWS Backup can protect it.
        for (const arn of sel.BackupSelection?.Resources ?? []) {
          const m = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(arn);
          if (m) buckets.add(m[1]);
        }
      }
    }
    const vaults = await list("ListBackupVaults", "", async (NextToken) => {
      const r = await backup.send(new backupSdk.ListBackupVaultsCommand({ NextToken, MaxResults: 100 }));
      return { NextToken: r.NextToken, items: r.BackupVaultList };
    });
    answer("ListBackupVaults", "", { BackupVaultList: vaults });
    for (const v of vaults) {
      const t = ` --backup-vault-name ${v.BackupVaultName}`;
      answer(
        "DescribeBackupVault",
        t,
        await call("DescribeBackupVault", t, () =>
          backup.send(new backupSdk.DescribeBackupVaultCommand({ BackupVaultName: v.BackupVaultName })),
        ),
      );
      const n = await call(
        "GetBackupVaultNotifications",
        t,
        () => backup.send(new backupSdk.GetBackupVaultNotificationsCommand({ BackupVaultName: v.BackupVaultName })),
        true,
      );
      if (n) answer("GetBackupVaultNotifications", t, n);
    }
    for (const b of opts.buckets ?? []) buckets.add(b);
    if (buckets.size > 0) await readBuckets([...buckets].sort(), config, call, answer);
  } finally {
    backup.destroy();
  }
  return out;
}

async function readBuckets(
  buckets: readonly string[],
  config: Record<string, unknown>,
  call: Call,
  answer: (op: AwsLiveCall, target: string, value: unknown, subject?: string) => void,
): Promise<void> {
  const s3Sdk = load("@aws-sdk/client-s3") as S3;
  // Path-style: a bucket name with dots, and an endpoint override, both work without DNS tricks.
  // followRegionRedirects: a bucket in another Region is asked again there (S3 names it in x-amz-bucket-region).
  const s3 = new s3Sdk.S3Client({ ...config, forcePathStyle: true, followRegionRedirects: true });
  try {
    for (const b of buckets) {
      const t = ` --bucket ${b}`;
      answer(
        "GetBucketVersioning",
        t,
        await call("GetBucketVersioning", t, () => s3.send(new s3Sdk.GetBucketVersioningCommand({ Bucket: b }))),
        b,
      );
      // No lock or no replication is an error answer (docs/adopt.md step 1): nothing to adopt.
      const lock = await call(
        "GetObjectLockConfiguration",
        t,
        () => s3.send(new s3Sdk.GetObjectLockConfigurationCommand({ Bucket: b })),
        true,
      );
      if (lock?.ObjectLockConfiguration) answer("GetObjectLockConfiguration", t, lock, b);
      const rep = await call(
        "GetBucketReplication",
        t,
        () => s3.send(new s3Sdk.GetBucketReplicationCommand({ Bucket: b })),
        true,
      );
      if (rep?.ReplicationConfiguration) answer("GetBucketReplication", t, rep, b);
    }
  } finally {
    s3.destroy();
  }
}
