import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { AWS_LIVE_CALLS, type AwsLiveCall, readAwsLive } from "../../lib/adopt/aws-live";
import { cli } from "../support/cli";
import { startFakeAws, type FakeAws } from "./fake-aws";
import { estateArgs } from "./support";

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
const saved = () => parse(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text);

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
});
