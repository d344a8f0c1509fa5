import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Saved answers the stand-in serves, in the shapes the AWS CLI saved them. */
export interface FakeBackupAnswers {
  readonly vaults: ReadonlyArray<Record<string, unknown>>;
  readonly plans: ReadonlyArray<Record<string, any>>;
  readonly selections: ReadonlyArray<Record<string, any>>;
  readonly notifications?: ReadonlyArray<Record<string, unknown>>;
  /** The account STS GetCallerIdentity answers (the provider asks for it unless told not to). */
  readonly account?: string;
}

export interface FakeServer {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the AWS Backup REST API on 127.0.0.1 that answers the read calls the
 * provider makes when it imports (DescribeBackupVault, GetBackupPlan, GetBackupSelection,
 * GetBackupVaultNotifications, ListTags) from saved answers; every other call is refused,
 * so a plan that tried to change something through it would fail. Not AWS: a stand-in.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeBackupVault.html (GET /backup-vaults/{name})
 */
export async function startFakeBackupApi(answers: FakeBackupAnswers): Promise<FakeServer> {
  const requests: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown, error?: string) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    if (error) res.setHeader("x-amzn-errortype", error);
    res.end(JSON.stringify(wire(body)));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = decodeURIComponent(url.pathname).replace(/\/$/, "");
      requests.push(`${req.method} ${path}`);
      if (req.method === "POST" && /Action=GetCallerIdentity/.test(body) && answers.account) {
        res.setHeader("content-type", "text/xml");
        return res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${answers.account}:user/adopt</Arn><UserId>AIDAADOPT</UserId><Account>${answers.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      }
      if (req.method !== "GET")
        return send(
          res,
          400,
          { message: `the stand-in answers reads only, not ${req.method} ${path}` },
          "InvalidRequestException",
        );
      let m: RegExpExecArray | null;
      if ((m = /^\/backup-vaults\/([^/]+)\/notification-configuration$/.exec(path))) {
        const n = answers.notifications?.find((x) => x.BackupVaultName === m![1]);
        return n ? send(res, 200, n) : send(res, 404, { message: "no notifications" }, "ResourceNotFoundException");
      }
      if ((m = /^\/backup-vaults\/([^/]+)$/.exec(path))) {
        const v = answers.vaults.find((x) => x.BackupVaultName === m![1]);
        return v
          ? send(res, 200, v)
          : send(res, 404, { message: `vault ${m[1]} not found` }, "ResourceNotFoundException");
      }
      if ((m = /^\/backup\/plans\/([^/]+)\/selections\/([^/]+)$/.exec(path))) {
        const s = answers.selections.find((x) => x.BackupPlanId === m![1] && x.SelectionId === m![2]);
        return s ? send(res, 200, s) : send(res, 404, { message: "selection not found" }, "ResourceNotFoundException");
      }
      if ((m = /^\/backup\/plans\/([^/]+)$/.exec(path))) {
        const p = answers.plans.find((x) => x.BackupPlanId === m![1]);
        return p ? send(res, 200, p) : send(res, 404, { message: "plan not found" }, "ResourceNotFoundException");
      }
      if (/^\/tags\//.test(path)) return send(res, 200, { Tags: {} });
      return send(res, 404, { message: `the stand-in does not answer ${path}` }, "ResourceNotFoundException");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The CLI prints timestamps as ISO text; the REST wire format carries them as epoch seconds
 * (the SDK refuses a string there): the saved answers are turned back into the wire form.
 */
function wire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(wire);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        /Date$/.test(k) && typeof x === "string" && !Number.isNaN(Date.parse(x)) ? Date.parse(x) / 1000 : wire(x),
      ]),
    );
  }
  return v;
}
