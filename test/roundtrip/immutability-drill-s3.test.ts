/**
 * The immutability drill's probe PUT against an S3 stand-in (s3rver on loopback): S3 refuses a
 * PUT into a bucket with default retention unless it carries Content-MD5 or an x-amz-checksum-*
 * header (S3 PutObject API reference; ../shared/reference/operational-facts.md), and AWS CLI
 * releases before the 2025 default checksums send neither. s3rver has no Object Lock, so the
 * stand-in CLI below enforces that rule as S3 does (no header: InvalidRequest; a digest that is not
 * the body's: BadDigest; s3rver 3.7 checks neither) before it hands the PUT, unchanged, to the real
 * AWS CLI against s3rver; the test then compares the header with the MD5 of what s3rver stored. The
 * lock's own answers (retention, refused deletes) come from the stand-in, as in
 * test/artifacts/immutability-drill.test.ts: only the upload is the subject here.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderImmutabilityDrill } from "../../lib/artifacts/immutability-drill";
import { ROOT, cleanup, scratch } from "./support";

jest.setTimeout(120_000);

const PORT = 45741;
const BUCKET = "drill-locked-bucket";

describe("immutability drill against an S3 stand-in", () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let script: string;
  let cli: string;
  const env = () => ({
    PATH: process.env.PATH!,
    HOME: dir,
    AWS_CLI: cli,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_DEFAULT_REGION: "us-east-1",
    REAL_AWS: "aws",
    ENDPOINT: `http://127.0.0.1:${PORT}`,
    MD5_LOG: join(dir, "md5.log"),
  });

  beforeAll(async () => {
    dir = scratch("immutability-s3");
    mkdirSync(join(dir, "s3"));
    server = spawn(
      process.execPath,
      [
        join(ROOT, "node_modules", "s3rver", "bin", "s3rver.js"),
        "-d",
        join(dir, "s3"),
        "-a",
        "127.0.0.1",
        "-p",
        String(PORT),
        "-s",
        "--configure-bucket",
        BUCKET,
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${PORT}`]).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    script = join(dir, "immutability-drill.sh");
    writeFileSync(
      script,
      renderImmutabilityDrill("estate", [{ name: BUCKET, region: "us-east-1", mode: "COMPLIANCE", days: 14 }]),
    );
    chmodSync(script, 0o755);
    cli = join(dir, "aws");
    writeFileSync(
      cli,
      `#!/usr/bin/env bash
denied() { echo "An error occurred (AccessDenied) when calling the $1 operation: Access Denied" >&2; exit 254; }
case "$1 $2" in
  "sts get-caller-identity") echo "arn:aws:iam::123456789012:role/drill" ;;
  "s3api put-object")
    if [[ " $* " != *" --content-md5 "* && " $* " != *" --checksum-algorithm "* ]]; then
      echo "An error occurred (InvalidRequest) when calling the PutObject operation: Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters" >&2
      exit 254
    fi
    args=("$@"); md5=""; body=""
    for ((i = 0; i < \${#args[@]}; i++)); do
      [[ \${args[i]} == --content-md5 ]] && md5=\${args[i+1]}
      [[ \${args[i]} == --body ]] && body=\${args[i+1]}
    done
    if [[ -n $md5 ]]; then
      echo "$md5" >>"$MD5_LOG"
      if [[ $md5 != "$(openssl md5 -binary "$body" | base64)" ]]; then
        echo "An error occurred (BadDigest) when calling the PutObject operation: The Content-MD5 you specified did not match what we received." >&2
        exit 254
      fi
    fi
    "$REAL_AWS" --endpoint-url "$ENDPOINT" "$@" >/dev/null || exit $?
    echo "v-standin" ;;
  "s3api get-object-retention")
    if [[ "$*" == *"Retention.[Mode,RetainUntilDate]"* ]]; then printf 'COMPLIANCE\\t2030-01-15T00:00:00+00:00\\n'; else echo "2030-01-15T00:00:00+00:00"; fi ;;
  "s3api delete-object") [[ "$*" != *--version-id* ]] && exit 0; denied DeleteObject ;;
  "s3api put-object-retention") denied PutObjectRetention ;;
  *) echo "stand-in: unexpected $*" >&2; exit 99 ;;
esac
`,
    );
    chmodSync(cli, 0o755);
  });

  afterAll(() => {
    server?.kill();
    if (dir) cleanup(dir);
  });

  it("sends the probe with the Content-MD5 of the bytes s3rver stored, and the drill passes", () => {
    const r = spawnSync(script, [], { encoding: "utf8", env: env() });
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({
      status: 0,
      out: expect.stringContaining("the probe is locked in COMPLIANCE mode"),
    });
    expect(r.stdout).not.toMatch(/could not write the probe/);
    // The probe is in the bucket, with the bytes whose MD5 went along.
    const object = spawnSync(
      "bash",
      [
        "-c",
        `find "$1" -path '*immutability-drill*' -name '*._S3rver_object' | head -n 1`,
        "_",
        join(dir, "s3", BUCKET),
      ],
      { encoding: "utf8" },
    ).stdout.trim();
    expect(readFileSync(object, "utf8")).toMatch(/^immutability drill \d{8}T\d{6}Z\n$/);
    // The header the drill sent is the MD5 of the bytes s3rver stored.
    expect(readFileSync(join(dir, "md5.log"), "utf8").trim()).toBe(
      createHash("md5").update(readFileSync(object)).digest("base64"),
    );
  });

  it("the oracles work: a wrong Content-MD5 is refused (BadDigest) and the stand-in refuses a PUT without one", () => {
    const probe = join(dir, "probe");
    writeFileSync(probe, "something else\n");
    const bad = spawnSync(
      cli,
      [
        "s3api",
        "put-object",
        "--bucket",
        BUCKET,
        "--key",
        "wrong",
        "--body",
        probe,
        "--content-md5",
        "1B2M2Y8AsgTpgAmY7PhCfg==",
      ],
      { encoding: "utf8", env: env() },
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/BadDigest/);
    const none = spawnSync(cli, ["s3api", "put-object", "--bucket", BUCKET, "--key", "none", "--body", probe], {
      encoding: "utf8",
      env: env(),
    });
    expect(none.stderr).toMatch(/Content-MD5 OR x-amz-checksum- HTTP header is required/);
    expect(readdirSync(join(dir, "s3", BUCKET)).some((f) => f.startsWith("wrong") || f.startsWith("none"))).toBe(false);
  });
});
