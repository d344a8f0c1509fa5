import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderImmutabilityDrill } from "../../lib/artifacts/immutability-drill";

const BUCKETS = [
  { name: "estate-app-compliance-14d-123456789012", region: "us-east-1", mode: "COMPLIANCE", days: 14 },
  { name: "estate-app-compliance-14d-replica-123456789012", region: "us-west-2", mode: "COMPLIANCE", days: 14 },
];

/**
 * A stand-in for the AWS CLI: it answers like S3 does for a locked bucket unless told
 * otherwise through FAKE_* variables, and logs every call.
 */
const FAKE_AWS = `#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
denied() { echo "An error occurred (AccessDenied) when calling the $1 operation: Access Denied" >&2; exit 254; }
case "$1 $2" in
  "sts get-caller-identity") echo "arn:aws:iam::123456789012:role/drill";;
  "s3api put-object") echo "v-123";;
  "s3api get-object-retention")
    if [[ "$*" == *"Retention.[Mode,RetainUntilDate]"* ]]; then printf '%s\\t%s\\n' "\${FAKE_MODE:-COMPLIANCE}" "2030-01-15T00:00:00+00:00"
    else echo "\${FAKE_UNTIL_AFTER:-2030-01-15T00:00:00+00:00}"; fi;;
  "s3api delete-object")
    if [[ "$*" != *--version-id* ]]; then exit 0; fi
    case "\${FAKE_DELETE:-deny}" in allow) exit 0;; network) echo "Could not connect to the endpoint URL" >&2; exit 255;; *) denied DeleteObject;; esac;;
  "s3api put-object-retention") [[ "\${FAKE_RETENTION:-deny}" == allow ]] && exit 0; denied PutObjectRetention;;
  *) echo "fake aws: unexpected $*" >&2; exit 99;;
esac
`;

describe("immutability drill", () => {
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "drill-"));
    script = join(dir, "immutability-drill.sh");
    writeFileSync(script, renderImmutabilityDrill("estate", BUCKETS));
    chmodSync(script, 0o755);
    writeFileSync(join(dir, "aws"), FAKE_AWS);
    chmodSync(join(dir, "aws"), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string> = {}, args: string[] = []) {
    const log = join(dir, `calls-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, "");
    const r = spawnSync(script, args, {
      encoding: "utf8",
      env: { PATH: process.env.PATH!, AWS_CLI: join(dir, "aws"), FAKE_LOG: log, ...env },
    });
    return { status: r.status, out: r.stdout + r.stderr, calls: readFileSync(log, "utf8") };
  }

  it("passes shellcheck", () => {
    expect(() => execFileSync("shellcheck", ["-s", "bash", "-f", "gcc", script], { encoding: "utf8" })).not.toThrow();
  });

  it("is byte-identical for the same buckets, whatever their order", () => {
    expect(renderImmutabilityDrill("estate", [...BUCKETS].reverse())).toBe(renderImmutabilityDrill("estate", BUCKETS));
  });

  it("passes only when S3 refuses both the version delete and the shorter retention on every bucket", () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.out).toContain("DRILL PASSED: every lock held on 2 bucket(s)");
    expect(r.out).toMatch(/ok {4}deleting the locked version was refused/);
    expect(r.out).toMatch(/ok {4}shortening the retention was refused/);
    // It never asks S3 to bypass a governance lock, and it writes to each bucket in its region.
    expect(r.calls).not.toContain("bypass");
    expect(r.calls).toMatch(
      /s3api put-object --region us-west-2 --bucket estate-app-compliance-14d-replica-123456789012/,
    );
  });

  it.each([
    ["the locked version can be deleted", { FAKE_DELETE: "allow" }, "deleting the locked version succeeded"],
    ["the retention can be shortened", { FAKE_RETENTION: "allow" }, "shortening the retention to"],
    [
      "the delete fails for another reason (no proof)",
      { FAKE_DELETE: "network" },
      "the delete failed for another reason",
    ],
    ["objects are locked in another mode", { FAKE_MODE: "GOVERNANCE" }, "the probe is not locked in COMPLIANCE mode"],
    [
      "the retention changed after all",
      { FAKE_UNTIL_AFTER: "2030-01-02T00:00:00+00:00" },
      "the version is gone or its retention changed",
    ],
  ])("fails when %s", (_what, env, message) => {
    const r = run(env);
    expect(r.status).toBe(1);
    expect(r.out).toContain(message);
    expect(r.out).toContain("DRILL FAILED");
  });

  it("checks only the buckets named on the command line, and refuses unknown ones", () => {
    const one = run({}, ["estate-app-compliance-14d-123456789012"]);
    expect(one.status).toBe(0);
    expect(one.out).toContain("on 1 bucket(s)");
    expect(run({}, ["no-such-bucket"]).status).toBe(2);
  });

  it("refuses to run without the AWS CLI", () => {
    const r = run({ AWS_CLI: join(dir, "missing-aws") });
    expect(r.status).toBe(2);
    expect(r.out).toContain("is not installed");
  });

  it("is the real file lib/artifacts/app/sh/operator/immutability-drill.sh with the data in place of its # @data lines", () => {
    const source = readFileSync(
      join(__dirname, "..", "..", "lib", "artifacts", "app", "sh", "operator", "immutability-drill.sh"),
      "utf8",
    );
    const rendered = renderImmutabilityDrill("estate", BUCKETS);
    const program = (text: string) =>
      text.split("\n").filter((l) => !/ # @data$/.test(l) && !/^(ESTATE|BUCKETS)=|^# Estate /.test(l));
    expect(program(rendered)).toEqual(program(source));
  });

  it("runs no catalog text: quotes, $(...) and backticks in the estate and bucket names stay data", () => {
    const marker = join(dir, "pwned");
    const hostile = `x$(touch ${marker})\`touch ${marker}\`'"`;
    const evil = join(dir, "evil-drill.sh");
    writeFileSync(
      evil,
      renderImmutabilityDrill(`estate ${hostile}\nnewline`, [
        { name: `b${hostile}`, region: "us-east-1", mode: "COMPLIANCE", days: 1 },
      ]),
    );
    chmodSync(evil, 0o755);
    // (shellcheck rightly notes SC2016 there: single quotes keep $(...) from expanding, which is the point.)
    expect(() => execFileSync("bash", ["-n", evil], { encoding: "utf8" })).not.toThrow();
    const log = join(dir, "evil.log");
    writeFileSync(log, "");
    const r = spawnSync(evil, [], {
      encoding: "utf8",
      env: { PATH: process.env.PATH!, AWS_CLI: join(dir, "aws"), FAKE_LOG: log },
    });
    expect(r.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
    // The bucket reached the AWS CLI as written, one argument.
    expect(readFileSync(log, "utf8")).toContain(`--bucket b${hostile} `);
  });
});
