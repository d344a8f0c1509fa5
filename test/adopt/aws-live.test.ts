import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { AWS_LIVE_CALLS, type AwsLiveCall, readAwsLive } from "../../lib/adopt/aws-live";
import { cli } from "../support/cli";
import { startFakeAws, type FakeAws } from "./fake-aws";
import { estateArgs } from "./support";

const DOCS = readFileSync(join(__dirname, "..", "..", "docs", "adopt.md"), "utf8");
/** The least-privilege policy docs/adopt.md shows (its one `json` block). */
const POLICY = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(DOCS)![1]);

const SECRET = "wJalrXUtnFEMI-never-printed-EXAMPLEKEY";
const ENV = {
  AWS_ACCESS_KEY_ID: "AKIAADOPTEXAMPLE",
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: "session-token-never-printed",
  AWS_REGION: "eu-west-1",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_EC2_METADATA_DISABLED: "true",
};
/** The draft without the names of the sources (a saved file's name, or the live call's command line). */
const sourcesOut = (text: string) => text.replace(/\((?:[^()\n]*\.json|aws (?:backup|s3api) [^()\n]*)\)/g, "(source)");
const saved = () => parse(sourcesOut(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text));

/** Live AWS mode against a local stand-in for AWS Backup (REST-JSON) and S3 (REST-XML) on 127.0.0.1. */
describe("live mode: adopt makes the read-only AWS Backup and S3 calls itself", () => {
  const saveEnv = { ...process.env };
  let fake: FakeAws;
  const start = async (opts: Parameters<typeof startFakeAws>[0] = {}) => {
    fake = await startFakeAws(opts);
    Object.assign(process.env, ENV, { AWS_ENDPOINT_URL: fake.url });
    return fake;
  };
  afterEach(async () => {
    await fake?.close();
    for (const k of Object.keys(process.env)) if (!(k in saveEnv)) delete process.env[k];
    Object.assign(process.env, saveEnv);
  });

  it("reads every page and answers exactly what the saved answers say", async () => {
    await start({ emptyPages: 2 });
    const answers = await readAwsLive({ buckets: ["acme-exports"] });
    expect(answers.map((a) => a.kind)).toEqual([
      "aws backup list-backup-plans",
      "aws backup get-backup-plan",
      "aws backup list-backup-selections",
      "aws backup get-backup-selection",
      "aws backup list-backup-vaults",
      "aws backup describe-backup-vault",
      "aws backup get-backup-vault-notifications",
      "aws s3api get-bucket-versioning",
      "aws s3api get-bucket-versioning",
    ]);
    // Three pages per list call: two empty ones with a NextToken, then the items.
    expect(fake.calls.filter((c) => c === "ListBackupPlans")).toHaveLength(3);
    expect(fake.calls.filter((c) => c === "ListBackupVaults")).toHaveLength(3);
    expect(fake.requests.some((r) => /nextToken=page-2/.test(r.line))).toBe(true);
    // The bucket a selection names is read without being asked for.
    expect(answers.filter((a) => a.subject).map((a) => a.subject)).toEqual(["acme-exports", "acme-invoices"]);
  });

  it("the CLI drafts the same catalog live as from the saved answers, and prints no credential", async () => {
    await start({ emptyPages: 1 });
    const dir = mkdtempSync(join(tmpdir(), "adopt-aws-live-"));
    const out = join(dir, "live.yaml");
    const rest = estateArgs().filter((a) => !/aws-|s3-/.test(a));
    const r = await cli("adopt", "--name", "acme", "--out", out, "--aws", "--s3", "acme-exports", ...rest);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const live = parse(sourcesOut(readFileSync(out, "utf8")));
    expect(live).toEqual(saved());
    expect(JSON.stringify(live)).toContain("(source)");
    // Reads only, signed with the access key id; neither the secret nor the session token leaves in clear or reaches the output.
    expect(fake.requests.every((q) => q.line.startsWith("GET "))).toBe(true);
    expect(fake.requests.every((q) => q.auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIAADOPTEXAMPLE/"))).toBe(true);
    const printed = r.out + r.err + readFileSync(out, "utf8") + JSON.stringify(fake.requests);
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain("session-token-never-printed");
    // The comments name the live call each value came from.
    expect(readFileSync(out, "utf8")).toContain("aws backup get-backup-selection --backup-plan-id");
  });

  it("reads a bucket's Object Lock and replication when it has them", async () => {
    await start({ lockedBucket: "acme-ledger" });
    const answers = await readAwsLive({ buckets: ["acme-ledger"] });
    const ledger = answers.filter((a) => a.subject === "acme-ledger");
    expect(ledger.map((a) => a.kind)).toEqual([
      "aws s3api get-bucket-versioning",
      "aws s3api get-object-lock-configuration",
      "aws s3api get-bucket-replication",
    ]);
    expect(ledger[1].data).toEqual({
      ObjectLockConfiguration: {
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } },
      },
    });
    expect(
      (ledger[2].data as { ReplicationConfiguration: { Rules: Array<{ Destination: { Bucket: string } }> } })
        .ReplicationConfiguration.Rules[0].Destination.Bucket,
    ).toBe("arn:aws:s3:::acme-ledger-replica");
  });

  it("a bucket in another Region is asked again there, as S3 names it", async () => {
    await start({ regionOf: { "acme-exports": "us-east-2" } });
    const answers = await readAwsLive({ buckets: ["acme-exports"] });
    expect(answers.filter((a) => a.subject === "acme-exports").map((a) => a.kind)).toEqual([
      "aws s3api get-bucket-versioning",
    ]);
    const exports = fake.requests.filter((q) => /^GET \/acme-exports\/?\?versioning/.test(q.line));
    expect(exports.some((q) => q.auth.includes("/eu-west-1/s3/"))).toBe(true);
    expect(exports.some((q) => q.auth.includes("/us-east-2/s3/"))).toBe(true);
  });

  it("every call --aws makes is allowed by the policy docs/adopt.md shows, and nothing beyond reads is", async () => {
    await start({ lockedBucket: "acme-ledger" });
    await readAwsLive({ buckets: ["acme-ledger", "acme-exports"] });
    const made = [...new Set(fake.calls)].sort();
    // Every operation of the table is exercised, so the check below covers them all.
    expect(made).toEqual(Object.keys(AWS_LIVE_CALLS).sort());
    const decide = async (action: string, resource: string): Promise<string> => {
      const simulation = {
        identityPolicies: [{ name: "adopt", policy: POLICY }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          principal: "arn:aws:iam::111122223333:user/adopt",
          action,
          resource: { accountId: "111122223333", resource },
          contextVariables: {},
        },
      } as unknown as Simulation;
      const r = await runSimulation(simulation, {});
      // An action with no resource type (the List calls) is evaluated on "*", as IAM does.
      if (r.resultType === "error" && JSON.stringify(r.errors).includes("must.use.wildcard") && resource !== "*")
        return decide(action, "*");
      if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
      return r.overallResult;
    };
    const resourceOf = (op: AwsLiveCall) =>
      AWS_LIVE_CALLS[op].action.startsWith("s3:")
        ? "arn:aws:s3:::acme-ledger"
        : /Vault/.test(op)
          ? "arn:aws:backup:eu-west-1:111122223333:backup-vault:prod-locked"
          : /Get/.test(op)
            ? "arn:aws:backup:eu-west-1:111122223333:backup-plan:8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11"
            : "*";
    for (const op of made as AwsLiveCall[])
      expect([op, await decide(AWS_LIVE_CALLS[op].action, resourceOf(op))]).toEqual([op, "Allowed"]);
    // Least privilege: the policy names exactly these actions, no wildcard, and a write or an object read is denied.
    const actions = POLICY.Statement.flatMap((st: { Action: string[] }) => st.Action).sort();
    expect(actions).toEqual(
      Object.values(AWS_LIVE_CALLS)
        .map((c) => c.action)
        .sort(),
    );
    expect(await decide("backup:DeleteBackupPlan", "arn:aws:backup:eu-west-1:111122223333:backup-plan:x")).not.toBe(
      "Allowed",
    );
    expect(await decide("s3:GetObject", "arn:aws:s3:::acme-ledger/key")).not.toBe("Allowed");
    expect(await decide("backup:UpdateBackupPlan", "*")).not.toBe("Allowed");
  });

  it.each([
    [
      "AccessDenied on Backup",
      { deny: ["GetBackupSelection"] },
      /ADOPT-051: the live call `aws backup get-backup-selection --backup-plan-id 8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11 --selection-id 5e7f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b` failed: access denied \(AccessDeniedException\)[\s\S]*backup:GetBackupSelection/,
    ],
    [
      "AccessDenied on S3",
      { deny: ["GetObjectLockConfiguration"] },
      /ADOPT-051: the live call `aws s3api get-object-lock-configuration --bucket acme-exports` failed: access denied \(AccessDenied\)[\s\S]*s3:GetBucketObjectLockConfiguration/,
    ],
    [
      "throttling, after the SDK's retries",
      { throttle: ["ListBackupVaults"] },
      /ADOPT-051: the live call `aws backup list-backup-vaults` failed: throttled \(ThrottlingException\)[\s\S]*backup:ListBackupVaults/,
    ],
    [
      "a bucket in another Region",
      { elsewhere: ["acme-exports"] },
      /ADOPT-051: the live call `aws s3api get-bucket-versioning --bucket acme-exports` failed: the bucket is in another Region \(PermanentRedirect\)[\s\S]*--aws-region/,
    ],
  ] as const)(
    "%s is a coded message naming the call and the permission; no catalog, no credential",
    async (_name, opts, expected) => {
      await start(opts as Parameters<typeof startFakeAws>[0]);
      const out = join(mkdtempSync(join(tmpdir(), "adopt-aws-err-")), "c.yaml");
      const r = await cli("adopt", "--out", out, "--aws", "--s3", "acme-exports");
      expect(r.code).toBe(2);
      expect(r.err).toMatch(expected);
      expect(r.err).not.toContain(SECRET);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(() => readFileSync(out)).toThrow();
    },
  );

  it("an endpoint that does not answer is ADOPT-051, bounded in time", async () => {
    await start();
    await fake.close();
    const r = await cli("adopt", "--aws");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /ADOPT-051: the live call `aws backup list-backup-plans` failed: the endpoint did not answer \(ECONNREFUSED\)/,
    );
  });

  it("an endpoint that accepts but never answers is ADOPT-051 after the per-request timeout and the retries", async () => {
    await start({ hang: ["ListBackupVaults"] });
    const t0 = Date.now();
    await expect(readAwsLive({ timeoutMs: 300 })).rejects.toThrow(
      /ADOPT-051: the live call `aws backup list-backup-vaults` failed: the endpoint did not answer \(ETIMEDOUT\): .*300 ms requestTimeout/,
    );
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(fake.calls.filter((c) => c === "ListBackupVaults")).toHaveLength(3);
  }, 30_000);

  it("no Region, or no credentials, is ADOPT-051 saying what to set", async () => {
    await start();
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    let r = await cli("adopt", "--aws");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ADOPT-051: .*list-backup-plans.*no Region is set[\s\S]*AWS_REGION/);
    // --aws-region sets it where the environment does not.
    r = await cli("adopt", "--aws", "--aws-region", "eu-west-1");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/region: eu-west-1/);
    fake.calls.length = 0;
    process.env.AWS_REGION = "eu-west-1";
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SESSION_TOKEN;
    r = await cli("adopt", "--aws");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /ADOPT-051: .*list-backup-plans.*credentials were refused or not found \(CredentialsProviderError\)/,
    );
    expect(fake.calls).toEqual([]);
  });

  it("a list that never ends stops at the bound with ADOPT-052", async () => {
    await start({ emptyPages: 1000 });
    await expect(readAwsLive({ maxPages: 5 })).rejects.toThrow(
      /ADOPT-052: the live call `aws backup list-backup-plans` answered more than 5 pages/,
    );
    expect(fake.calls).toHaveLength(5);
    await fake.close();
    // Too many objects: the fixture's one plan is more than a bound of zero, on the first page.
    await start();
    await expect(readAwsLive({ maxItems: 0 })).rejects.toThrow(
      /ADOPT-052: the live call `aws backup list-backup-plans` answered more than .* 0 objects/,
    );
    expect(fake.calls).toEqual(["ListBackupPlans"]);
  });

  it("bad options are refused before any call", async () => {
    await start();
    expect((await cli("adopt", "--s3", "acme-exports")).err).toMatch(
      /ADOPT-010: --s3 is not valid[\s\S]*together with --aws/,
    );
    expect((await cli("adopt", "--aws", "--s3", "Not_A_Bucket")).err).toMatch(/ADOPT-010: --s3 is not valid/);
    expect((await cli("adopt", "--aws", "--aws-region", "mars-1")).err).toMatch(/ADOPT-010: --aws-region is not valid/);
    expect(fake.calls).toEqual([]);
  });
});

describe("without the optional SDK clients", () => {
  it("--aws is ADOPT-050 with the install line", async () => {
    let read: typeof readAwsLive | undefined;
    jest.isolateModules(() => {
      jest.doMock("@aws-sdk/client-backup", () => {
        throw Object.assign(new Error("Cannot find module '@aws-sdk/client-backup' from 'lib/adopt/aws-live.ts'"), {
          code: "MODULE_NOT_FOUND",
        });
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry, with the SDK missing
      read = (require("../../lib/adopt/aws-live") as typeof import("../../lib/adopt/aws-live")).readAwsLive;
    });
    await expect(read!()).rejects.toThrow(
      /ADOPT-050: adopt --aws needs @aws-sdk\/client-backup, which is not installed[\s\S]*npm install @aws-sdk\/client-backup @aws-sdk\/client-s3/,
    );
    jest.dontMock("@aws-sdk/client-backup");
  });
});
