import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { AwsLiveCall } from "../../lib/adopt/aws-live";
import { ESTATE } from "./support";

export interface FakeAws {
  readonly url: string;
  /** Each request as the operation it is (by method and path, as the APIs route them). */
  readonly calls: AwsLiveCall[];
  /** Raw request lines, and the Authorization header of each (SigV4: never the secret). */
  readonly requests: Array<{ line: string; auth: string }>;
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** Operations answered with AccessDenied (403). */
  readonly deny?: readonly AwsLiveCall[];
  /** Operations answered with throttling (429 / 503 SlowDown), every time. */
  readonly throttle?: readonly AwsLiveCall[];
  /** Buckets in another Region that S3 does not name (301 PermanentRedirect without x-amz-bucket-region). */
  readonly elsewhere?: readonly string[];
  /** Buckets in the Region given: asked with another signing Region, S3 answers 301 naming it in x-amz-bucket-region. */
  readonly regionOf?: Readonly<Record<string, string>>;
  /** Every list answers this many empty pages before its items (AWS may answer an empty page with a NextToken). */
  readonly emptyPages?: number;
  /** Operations never answered (the connection stays open). */
  readonly hang?: readonly AwsLiveCall[];
  /** A bucket with Object Lock and replication, answered in full. */
  readonly lockedBucket?: string;
}

const read = (f: string) => JSON.parse(readFileSync(join(ESTATE, f), "utf8"));
/** The CLI prints timestamps as ISO text; the REST-JSON wire carries epoch seconds. */
function wire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(wire);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, /Date$/.test(k) && typeof x === "string" ? Date.parse(x) / 1000 : wire(x)]),
    );
  return v;
}
const xml = (s: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${s}`;
const S3NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/**
 * A stand-in for the AWS Backup (REST-JSON) and S3 (REST-XML, path-style) APIs on 127.0.0.1,
 * serving the fixture estate's saved answers in the wire shapes the APIs document. Reads only:
 * any other method is refused. Not AWS: a stand-in, reached through AWS_ENDPOINT_URL.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupPlans.html (GET /backup/plans/?maxResults&nextToken)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html (GET /{bucket}?versioning)
 */
export async function startFakeAws(opts: FakeAwsOptions = {}): Promise<FakeAws> {
  const calls: AwsLiveCall[] = [];
  const requests: Array<{ line: string; auth: string }> = [];
  const plans = read("aws-list-backup-plans.json");
  const plan = read("aws-get-backup-plan.json");
  const selections = read("aws-list-backup-selections.json");
  const selection = read("aws-get-backup-selection.json");
  const vaults = read("aws-list-backup-vaults.json");
  const notifications = read("aws-get-backup-vault-notifications.json");
  const versioning: Record<string, { Status?: string; MFADelete?: string }> = {
    "acme-invoices": read("s3-versioning-acme-invoices.json"),
    "acme-exports": read("s3-versioning-acme-exports.json"),
  };
  if (opts.lockedBucket) versioning[opts.lockedBucket] = { Status: "Enabled" };

  const json = (res: ServerResponse, status: number, body: unknown, error?: string) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    if (error) res.setHeader("x-amzn-errortype", error);
    res.end(JSON.stringify(error ? { Message: String((body as { Message?: string }).Message ?? error) } : wire(body)));
  };
  const s3err = (res: ServerResponse, status: number, code: string, message: string) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/xml");
    res.end(xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>0</RequestId></Error>`));
  };
  /** A list answered page by page: `emptyPages` empty pages, then everything. */
  const page = (url: URL, key: string, items: unknown[]) => {
    const token = url.searchParams.get("nextToken");
    const n = token ? Number(token.replace("page-", "")) : 0;
    if (n < (opts.emptyPages ?? 0)) return { [key]: [], NextToken: `page-${n + 1}` };
    return { [key]: items };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = decodeURIComponent(url.pathname).replace(/\/$/, "");
      requests.push({ line: `${req.method} ${req.url}`, auth: String(req.headers.authorization ?? "") });
      const op = route(path, url);
      if (req.method !== "GET" || !op)
        return json(
          res,
          400,
          { Message: `the stand-in answers reads only, not ${req.method} ${path}` },
          "InvalidRequestException",
        );
      calls.push(op.op);
      if (opts.hang?.includes(op.op)) return;
      const s3 = op.op.startsWith("GetBucket") || op.op === "GetObjectLockConfiguration";
      if (opts.deny?.includes(op.op)) {
        return s3
          ? s3err(res, 403, "AccessDenied", "Access Denied")
          : json(
              res,
              403,
              { Message: `User: arn:aws:iam::111122223333:user/adopt is not authorized to perform: ${op.op}` },
              "AccessDeniedException",
            );
      }
      if (opts.throttle?.includes(op.op))
        return s3
          ? s3err(res, 503, "SlowDown", "Please reduce your request rate.")
          : json(res, 429, { Message: "Rate exceeded" }, "ThrottlingException");
      const signedFor = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization))?.[1];
      const home = opts.regionOf?.[op.arg];
      if (s3 && home && signedFor !== home) {
        res.setHeader("x-amz-bucket-region", home);
        return s3err(
          res,
          301,
          "PermanentRedirect",
          "The bucket you are attempting to access must be addressed using the specified endpoint.",
        );
      }
      if (s3 && opts.elsewhere?.includes(op.arg))
        return s3err(
          res,
          301,
          "PermanentRedirect",
          "The bucket you are attempting to access must be addressed using the specified endpoint.",
        );
      switch (op.op) {
        case "ListBackupPlans":
          return json(res, 200, page(url, "BackupPlansList", plans.BackupPlansList));
        case "GetBackupPlan":
          return op.arg === plan.BackupPlanId
            ? json(res, 200, plan)
            : json(res, 404, { Message: "plan not found" }, "ResourceNotFoundException");
        case "ListBackupSelections":
          return json(
            res,
            200,
            page(url, "BackupSelectionsList", op.arg === plan.BackupPlanId ? selections.BackupSelectionsList : []),
          );
        case "GetBackupSelection":
          return op.arg === `${selection.BackupPlanId}/${selection.SelectionId}`
            ? json(res, 200, selection)
            : json(res, 404, { Message: "selection not found" }, "ResourceNotFoundException");
        case "ListBackupVaults":
          return json(res, 200, page(url, "BackupVaultList", vaults.BackupVaultList));
        case "DescribeBackupVault": {
          const v = vaults.BackupVaultList.find((x: { BackupVaultName: string }) => x.BackupVaultName === op.arg);
          return v ? json(res, 200, v) : json(res, 404, { Message: "vault not found" }, "ResourceNotFoundException");
        }
        case "GetBackupVaultNotifications":
          return op.arg === notifications.BackupVaultName
            ? json(res, 200, notifications)
            : json(res, 404, { Message: "no notifications" }, "ResourceNotFoundException");
        case "GetBucketVersioning": {
          const v = versioning[op.arg];
          if (!v) return s3err(res, 404, "NoSuchBucket", "The specified bucket does not exist");
          res.setHeader("content-type", "application/xml");
          // The wire element is MfaDelete; the CLI prints it as MFADelete.
          return res.end(
            xml(
              `<VersioningConfiguration ${S3NS}>${v.Status ? `<Status>${v.Status}</Status>` : ""}${v.MFADelete ? `<MfaDelete>${v.MFADelete}</MfaDelete>` : ""}</VersioningConfiguration>`,
            ),
          );
        }
        case "GetObjectLockConfiguration":
          if (op.arg !== opts.lockedBucket)
            return s3err(
              res,
              404,
              "ObjectLockConfigurationNotFoundError",
              "Object Lock configuration does not exist for this bucket",
            );
          res.setHeader("content-type", "application/xml");
          return res.end(
            xml(
              `<ObjectLockConfiguration ${S3NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>`,
            ),
          );
        case "GetBucketReplication":
          if (op.arg !== opts.lockedBucket)
            return s3err(
              res,
              404,
              "ReplicationConfigurationNotFoundError",
              "The replication configuration was not found",
            );
          res.setHeader("content-type", "application/xml");
          return res.end(
            xml(
              `<ReplicationConfiguration ${S3NS}><Role>arn:aws:iam::111122223333:role/replication</Role><Rule><ID>offsite</ID><Status>Enabled</Status><Priority>1</Priority><Filter/><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::${op.arg}-replica</Bucket></Destination></Rule></ReplicationConfiguration>`,
            ),
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The operation a request is, by the REST routes the two APIs document. */
function route(path: string, url: URL): { op: AwsLiveCall; arg: string } | undefined {
  let m: RegExpExecArray | null;
  if (path === "/backup/plans") return { op: "ListBackupPlans", arg: "" };
  if ((m = /^\/backup\/plans\/([^/]+)\/selections$/.exec(path))) return { op: "ListBackupSelections", arg: m[1] };
  if ((m = /^\/backup\/plans\/([^/]+)\/selections\/([^/]+)$/.exec(path)))
    return { op: "GetBackupSelection", arg: `${m[1]}/${m[2]}` };
  if ((m = /^\/backup\/plans\/([^/]+)$/.exec(path))) return { op: "GetBackupPlan", arg: m[1] };
  if (path === "/backup-vaults") return { op: "ListBackupVaults", arg: "" };
  if ((m = /^\/backup-vaults\/([^/]+)\/notification-configuration$/.exec(path)))
    return { op: "GetBackupVaultNotifications", arg: m[1] };
  if ((m = /^\/backup-vaults\/([^/]+)$/.exec(path))) return { op: "DescribeBackupVault", arg: m[1] };
  if ((m = /^\/([a-z0-9][a-z0-9.-]+)$/.exec(path))) {
    if (url.searchParams.has("versioning")) return { op: "GetBucketVersioning", arg: m[1] };
    if (url.searchParams.has("object-lock")) return { op: "GetObjectLockConfiguration", arg: m[1] };
    if (url.searchParams.has("replication")) return { op: "GetBucketReplication", arg: m[1] };
  }
  return undefined;
}
