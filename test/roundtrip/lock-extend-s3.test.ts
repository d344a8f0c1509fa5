/**
 * lock-extend.sh against a real restic repository in an S3 stand-in, with time simulated.
 *
 * The fact (S3 user guide, "Object Lock"; ../shared/reference/operational-facts.md): a bucket's
 * default retention locks each object version for `days` from its own upload; restic's later
 * snapshots keep referencing packs uploaded earlier, so without an extension those packs fall
 * out of their lock while every kept snapshot still needs them. Extending is PutObjectRetention
 * with a later date (no bypass); shortening needs s3:BypassGovernanceRetention in GOVERNANCE
 * mode and is impossible in COMPLIANCE mode; S3 needs a checksum on the request (PutObjectRetention
 * API reference: Content-MD5 or an x-amz-checksum-* header).
 *
 * S3 Object Lock has no local server: this is a stand-in, and says so. The repository is real
 * (restic 0.14, written by the generated backup.sh into s3rver over TLS, as test/roundtrip/s3.test.ts
 * does), and so is the listing (the real AWS CLI's list-objects-v2 against s3rver). s3rver has
 * no Object Lock, so the stand-in `aws` below keeps each object's retention in a file and
 * enforces S3's rules: an object's default retention is its upload time (s3rver's stored file's
 * mtime) plus `days`; a PutObjectRetention that would shorten a COMPLIANCE retention, or a
 * GOVERNANCE one without the bypass, is AccessDenied; the bypass header is recorded (and must
 * never appear). For the checksum, the stand-in hands each PutObjectRetention, unchanged, to the
 * real AWS CLI with --debug against a closed port and refuses the request (InvalidRequest, as S3
 * does) unless the request the CLI built carries x-amz-checksum-* or Content-MD5 over its body.
 * The simulated days run lock-extend.sh under faketime; the stand-in's real CLI calls run
 * without it (s3rver sees the real clock).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackup, AppBackupCredentials, AppBackupDestination } from "../../lib/constructs/app-backup";
import { AwsEstateStack } from "../../lib/estate/aws-stack";
import { Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { Metrics } from "../../lib/core/metrics";
import { Retention } from "../../lib/core/retention";
import { AppEngine, LockMode } from "../../lib/core/vocabulary";
import { runtimeFiles } from "../../lib/artifacts/app/runtime";
import { LOCK_MARGIN_DAYS, LOCK_STEP_DAYS } from "../../lib/artifacts/app/spec";
import { renderImmutabilityDrill } from "../../lib/artifacts/immutability-drill";
import { cleanup, readMetrics, requireTools, ROOT, runScript, scratch, writeFiles } from "./support";

jest.setTimeout(600_000);

/** Fixed port (the round trips run under flock /tmp/heavy.lock). */
const PORT = 45761;
const BUCKET = "roundtrip-locked-app-backups";
const SERVICE = "files-locked";
const PREFIX = `${SERVICE}/`;
const DAYS = 3;
const DAY = 86400;
const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/** The stand-in AWS CLI: real listing against s3rver, Object Lock retention kept and enforced here. */
const STAND_IN = String.raw`#!/usr/bin/env bash
set -uo pipefail
printf '%s\n' "$*" >>"$LOCK_STATE/calls"
real() { env -u LD_PRELOAD -u FAKETIME -u FAKETIME_NO_CACHE "$REAL_AWS" --endpoint-url "$ENDPOINT" --ca-bundle "$CA" "$@"; }
arg() { local want=$1; shift; while (($#)); do [[ $1 == "$want" ]] && { printf '%s' "$2"; return; }; shift; done; }
state_of() { printf '%s/retention/%s' "$LOCK_STATE" "$(printf '%s' "$1" | tr '/' '_')"; }
# The retention of KEY: "MODE EPOCH"; without a recorded one, the bucket default from the upload.
retention_of() {
  local file object
  file=$(state_of "$1")
  if [[ -r $file ]]; then cat "$file"; return 0; fi
  object="$S3_DIR/$BUCKET_NAME/$1._S3rver_object"
  [[ -e $object ]] || return 1
  printf '%s %s\n' "$DEFAULT_MODE" "$(($(stat -c %Y "$object") + DEFAULT_DAYS * 86400))"
}
case "$1 $2" in
  "cloudwatch put-metric-data") exit 0 ;;
  "sts get-caller-identity") echo "arn:aws:iam::123456789012:role/drill" ;;
  "s3api list-objects-v2") shift 2; real s3api list-objects-v2 "$@" ;;
  "s3api put-object")
    shift 2
    [[ " $* " == *" --content-md5 "* ]] || { echo "An error occurred (InvalidRequest) when calling the PutObject operation: Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters" >&2; exit 254; }
    real s3api put-object "$@" >/dev/null || exit $?
    echo "v-standin" ;;
  "s3api delete-object")
    [[ " $* " != *" --version-id "* ]] && exit 0
    echo "An error occurred (AccessDenied) when calling the DeleteObject operation: Access Denied" >&2; exit 254 ;;
  "s3api get-object-retention")
    key=$(arg --key "$@")
    got=$(retention_of "$key") || { echo "An error occurred (NoSuchKey) when calling the GetObjectRetention operation: The specified key does not exist." >&2; exit 254; }
    read -r mode until <<<"$got"
    iso=$(date -u -d "@$until" +%Y-%m-%dT%H:%M:%S+00:00)
    if [[ "$*" == *"Retention.[Mode,RetainUntilDate]"* ]]; then printf '%s\t%s\n' "$mode" "$iso"; else echo "$iso"; fi ;;
  "s3api put-object-retention")
    key=$(arg --key "$@")
    if [[ " $* " == *" --bypass-governance-retention "* ]]; then echo "$key" >>"$LOCK_STATE/bypass"; fi
    # The request the real CLI builds for these very arguments: a checksum over its body, or S3 refuses it.
    shift 2
    debug=$(env -u LD_PRELOAD -u FAKETIME AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard "$REAL_AWS" --endpoint-url http://127.0.0.1:9 --cli-connect-timeout 1 --debug s3api put-object-retention "$@" 2>&1 >/dev/null)
    request=$(grep -m1 'Sending http request' <<<"$debug")
    sum=$(grep -oE "'(x-amz-checksum-(sha256|crc32|crc32c|sha1)|Content-MD5)': b'[^']+'" <<<"$request" | head -n 1)
    body=$(grep -oE "'X-Amz-Content-SHA256': b'[0-9a-f]{64}'" <<<"$request" | grep -oE '[0-9a-f]{64}')
    printf '%s|%s\n' "$sum" "$body" >>"$LOCK_STATE/checksums"
    if [[ -z $sum ]]; then
      echo "An error occurred (InvalidRequest) when calling the PutObjectRetention operation: Content-MD5 OR x-amz-checksum- HTTP header is required" >&2; exit 254
    fi
    spec=$(arg --retention "$@")
    new_mode=$(sed -n 's/.*Mode=\([A-Z]*\).*/\1/p' <<<"$spec")
    new_until=$(date -u -d "$(sed -n 's/.*RetainUntilDate=\([^,]*\).*/\1/p' <<<"$spec")" +%s)
    got=$(retention_of "$key") || { echo "An error occurred (NoSuchKey) when calling the PutObjectRetention operation: no such key" >&2; exit 254; }
    read -r mode until <<<"$got"
    if [[ $mode == COMPLIANCE && ( $new_mode != COMPLIANCE || $new_until -lt $until ) ]] ||
       [[ $mode == GOVERNANCE && $new_until -lt $until && " $* " != *" --bypass-governance-retention "* ]]; then
      echo "$key $until -> $new_until" >>"$LOCK_STATE/refused"
      echo "An error occurred (AccessDenied) when calling the PutObjectRetention operation: Access Denied" >&2; exit 254
    fi
    [[ -z \${STANDIN_DENY_PUT:-} ]] || { echo "An error occurred (AccessDenied) when calling the PutObjectRetention operation: Access Denied" >&2; exit 254; }
    printf '%s %s\n' "$new_mode" "$new_until" >"$(state_of "$key")"
    echo "$key $until -> $new_until" >>"$LOCK_STATE/extended" ;;
  *) echo "stand-in: unexpected $*" >&2; exit 99 ;;
esac
`.replace("\\${", "${");

describe("lock-extend.sh keeps a restic repository on an Object Lock bucket locked (S3 stand-in, simulated days)", () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let scripts: string;
  let envFile: string;
  let state: string;
  let overrides: Record<string, string>;
  let t0: number;

  beforeAll(async () => {
    requireTools("restic", "jq", "openssl", "faketime", "aws");
    expect(existsSync(LIBFAKETIME)).toBe(true);
    dir = scratch("lock-extend");
    const tls = join(dir, "tls");
    mkdirSync(tls);
    const cert = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(tls, "key.pem"),
        "-out",
        join(tls, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { encoding: "utf8" },
    );
    if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);
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
        "--key",
        join(tls, "key.pem"),
        "--cert",
        join(tls, "cert.pem"),
        "--configure-bucket",
        BUCKET,
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${PORT}`]).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const app = Testing.app();
    const stack = new AwsEstateStack(app, "lock-roundtrip", {
      estate: "roundtrip",
      aws: {
        region: "us-east-1",
        offsiteRegion: "us-west-2",
        accountId: "123456789012",
        deletionProtection: true,
        tags: {},
        audit: { enabled: false, lockMode: LockMode.GOVERNANCE, retentionDays: 365 },
      },
    });
    const data = join(dir, "srv", "share");
    mkdirSync(join(data, "docs"), { recursive: true });
    writeFileSync(join(data, "a.bin"), Buffer.alloc(300_000, "a"));
    writeFileSync(join(data, "docs", "b.txt"), "b".repeat(3000));
    const layout = {
      prefix: join(dir, "prefix"),
      configDir: join(dir, "etc"),
      stateDir: join(dir, "state"),
      cacheDir: join(dir, "cache"),
      textfileDir: join(dir, "textfile"),
    };
    const backup = new AppBackup(stack, SERVICE, {
      estate: "roundtrip",
      serviceId: SERVICE,
      host: "roundtrip",
      engine: AppEngine.FILES,
      paths: [data],
      destination: AppBackupDestination.s3({
        bucketName: BUCKET,
        bucketArn: `arn:aws:s3:::${BUCKET}`,
        prefix: PREFIX,
        region: "us-east-1",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        objectLock: { mode: "COMPLIANCE", days: DAYS },
      }),
      credentials: AppBackupCredentials.iamUser(),
      retention: Retention.of({ daily: 7 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("4h"),
      heartbeat: false,
      layout,
    });
    scripts = join(layout.prefix, SERVICE);
    writeFiles(join(layout.prefix, "runtime"), runtimeFiles());
    writeFiles(scripts, backup.files);
    expect(existsSync(join(scripts, "lock-extend.sh"))).toBe(true);
    mkdirSync(layout.textfileDir, { recursive: true });
    const config = join(layout.configDir, SERVICE);
    mkdirSync(config, { recursive: true });
    envFile = join(config, "env");
    writeFileSync(envFile, backup.files.find((f) => f.path === "env")!.content);
    const env = readFileSync(envFile, "utf8");
    const named = (key: string) =>
      /^[A-Z_]+=(.*)$/m.exec(env.split("\n").filter((l) => l.startsWith(`${key}=`))[0] ?? "")?.[1] ?? "";
    writeFileSync(
      named("AWS_SHARED_CREDENTIALS_FILE"),
      "[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n",
      { mode: 0o600 },
    );
    writeFileSync(named("BACKUP_GOV_PASSWORD_FILE"), "correct horse battery staple\n", { mode: 0o600 });

    state = join(dir, "lock-state");
    mkdirSync(join(state, "retention"), { recursive: true });
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin", "aws"), STAND_IN);
    chmodSync(join(dir, "bin", "aws"), 0o755);
    const realAws = spawnSync("bash", ["-c", "command -v aws"], { encoding: "utf8" }).stdout.trim();
    overrides = {
      BACKUP_GOV_REPOSITORY: `s3:https://127.0.0.1:${PORT}/${BUCKET}/${SERVICE}`,
      BACKUP_GOV_CACERT: join(tls, "cert.pem"),
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      REAL_AWS: realAws,
      ENDPOINT: `https://127.0.0.1:${PORT}`,
      CA: join(tls, "cert.pem"),
      LOCK_STATE: state,
      S3_DIR: join(dir, "s3"),
      BUCKET_NAME: BUCKET,
      DEFAULT_MODE: "COMPLIANCE",
      DEFAULT_DAYS: String(DAYS),
    };
    const ok = (r: ReturnType<typeof runScript>) => {
      if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr.slice(-3000)}`);
    };
    ok(runScript(join(scripts, "backup.sh"), ["--init"], envFile, overrides));
    ok(runScript(join(scripts, "backup.sh"), [], envFile, overrides));
    t0 = Math.floor(Date.now() / 1000);
  });

  afterAll(() => {
    server?.kill();
    if (dir) cleanup(dir);
  });

  /** lock-extend.sh with the clock `days` ahead (faketime); the stand-in's real CLI calls keep the real clock. */
  // libfaketime preloaded directly: the faketime wrapper's shared semaphore collides between parallel runs (sem_open: File exists).
  const extendOn = (days: number, extra: Record<string, string> = {}) =>
    runScript(join(scripts, "lock-extend.sh"), [], envFile, {
      ...overrides,
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME: `+${days * DAY}s`,
      FAKETIME_NO_CACHE: "1",
      ...extra,
    });
  /** The current objects of the repository, as s3rver stores them (restic's lock files aside). */
  const objects = (): string[] => {
    const root = join(dir, "s3", BUCKET);
    const out: string[] = [];
    const walk = (rel: string) => {
      for (const e of readdirSync(join(root, rel))) {
        const p = join(rel, e);
        if (statSync(join(root, p)).isDirectory()) walk(p);
        else if (e.endsWith("._S3rver_object")) out.push(p.slice(0, -"._S3rver_object".length));
      }
    };
    walk(SERVICE);
    return out.filter((k) => !k.startsWith(`${PREFIX}locks/`)).sort();
  };
  const uploadedAt = (key: string) =>
    Math.floor(statSync(join(dir, "s3", BUCKET, `${key}._S3rver_object`)).mtimeMs / 1000);
  const retention = (key: string): number => {
    const f = join(state, "retention", key.replace(/\//g, "_"));
    return existsSync(f) ? Number(readFileSync(f, "utf8").split(" ")[1]) : uploadedAt(key) + DAYS * DAY;
  };
  const lines = (name: string) =>
    existsSync(join(state, name)) ? readFileSync(join(state, name), "utf8").trim().split("\n").filter(Boolean) : [];
  /** The pack files restic itself lists for the repository (restic list packs), as S3 keys. */
  const resticPacks = (): string[] => {
    const r = spawnSync(
      "restic",
      [
        "list",
        "packs",
        "--no-lock",
        "-r",
        overrides.BACKUP_GOV_REPOSITORY,
        "--cacert",
        overrides.BACKUP_GOV_CACERT,
        "--password-file",
        join(dir, "etc", SERVICE, "repository-password"),
      ],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH!, HOME: dir, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" },
      },
    );
    if (r.status !== 0) throw new Error(`restic list packs: ${r.stderr}`);
    return r.stdout
      .trim()
      .split("\n")
      .map((id) => `${PREFIX}data/${id.slice(0, 2)}/${id}`);
  };

  it("the oracles work: the stand-in refuses a shorter COMPLIANCE retention, and the checksum the real CLI sends is over the request body", () => {
    const key = objects().find((k) => k.includes("/data/"))!;
    const until = retention(key);
    const env = { ...process.env, ...overrides, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
    const shorter = new Date((until - DAY) * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    const r = spawnSync(
      join(dir, "bin", "aws"),
      [
        "s3api",
        "put-object-retention",
        "--region",
        "us-east-1",
        "--bucket",
        BUCKET,
        "--key",
        key,
        "--checksum-algorithm",
        "SHA256",
        "--retention",
        `Mode=COMPLIANCE,RetainUntilDate=${shorter}`,
      ],
      { encoding: "utf8", env },
    );
    expect(r.stderr).toMatch(/AccessDenied/);
    expect(retention(key)).toBe(until);
    // The real CLI always adds a checksum to PutObjectRetention (an operation S3 requires one on); the
    // header it sends with --checksum-algorithm SHA256 is the SHA-256 of the very body it signs.
    const [sum, body] = lines("checksums").at(-1)!.split("|");
    expect(sum).toMatch(/^'x-amz-checksum-sha256': b'/);
    expect(Buffer.from(body, "hex").toString("base64")).toBe(/b'([^']+)'/.exec(sum)![1]);
    rmSync(join(state, "refused"));
  });

  it("without the extension, the packs of the first backup leave their lock after the bucket's days while the newest snapshot still needs them", () => {
    const packs = resticPacks();
    expect(packs.length).toBeGreaterThan(0);
    for (const p of packs) expect(objects()).toContain(p);
    // The upload-time lock alone: each pack locked until its upload + DAYS, past by day DAYS + 1.
    for (const p of packs) expect(uploadedAt(p) + DAYS * DAY).toBeLessThan(t0 + (DAYS + 1) * DAY);
  });

  it(`run daily for ${DAYS + 9} simulated days: every referenced object stays locked at least ${DAYS} days ahead, never shortened, no bypass, each touched about weekly`, () => {
    const firstPacks = resticPacks();
    let kept: string[] = firstPacks;
    let pruned: string[] = [];
    const putsPerDay: number[] = [];
    for (let day = 0; day <= DAYS + 8; day++) {
      // A new snapshot midway: unchanged files, so it references the first backup's data packs again; keep-daily
      // forgets the first run (same real day) and prune removes the packs only it referenced (its capture record).
      if (day === 2) {
        const r = runScript(join(scripts, "backup.sh"), [], envFile, overrides);
        expect(r.code).toBe(0);
        const now = resticPacks();
        kept = firstPacks.filter((p) => now.includes(p));
        pruned = firstPacks.filter((p) => !now.includes(p));
        expect(kept.length).toBeGreaterThan(0);
      }
      const before = lines("extended").length;
      const r = extendOn(day);
      expect({ day, code: r.code, err: r.code === 0 ? "" : r.stderr.slice(-2000) }).toEqual({ day, code: 0, err: "" });
      putsPerDay.push(lines("extended").length - before);
      const now = t0 + day * DAY;
      for (const key of objects())
        expect({ day, key, lockedFor: retention(key) - now >= DAYS * DAY }).toEqual({ day, key, lockedFor: true });
      // The packs the first backup wrote that the newest snapshot still references (restic lists them) stay locked
      // beyond their upload-time lock; those prune removed are no longer extended.
      for (const p of kept) expect(retention(p)).toBeGreaterThanOrEqual(now + DAYS * DAY);
      const m = readMetrics(join(dir, "textfile", "backup_files_locked_lock.prom"));
      expect(m.get(Metrics.lockExtendSuccess)?.value).toBe(1);
      expect(m.get(Metrics.lockDays)?.value).toBe(DAYS);
      expect(m.get(Metrics.lockMinRetainUntil)!.value).toBeGreaterThanOrEqual(now + DAYS * DAY);
      expect(Math.abs(m.get(Metrics.lockExtendLastSuccess)!.value - now)).toBeLessThan(600);
    }
    expect(resticPacks()).toEqual(expect.arrayContaining(kept));
    for (const p of pruned)
      expect(lines("extended").filter((e) => e.startsWith(`${p} `)).length).toBeLessThanOrEqual(1);
    // Day 0 extends everything; the next days touch nothing until the margin is reached again.
    expect(putsPerDay[0]).toBeGreaterThanOrEqual(objects().length - 2);
    expect(putsPerDay[1]).toBe(0);
    expect(putsPerDay.filter((n) => n > 0).length).toBeLessThanOrEqual(
      Math.ceil((DAYS + 9) / (LOCK_STEP_DAYS - LOCK_MARGIN_DAYS)) + 2,
    );
    // Never a shortening attempt, never the bypass, a checksum on every request.
    expect(lines("refused")).toEqual([]);
    expect(lines("bypass")).toEqual([]);
    expect(lines("calls").filter((c) => c.includes("bypass"))).toEqual([]);
    for (const c of lines("checksums"))
      expect(c).toMatch(/^'x-amz-checksum-sha256': b'[A-Za-z0-9+/=]+'\|[0-9a-f]{64}$/);
    for (const e of lines("extended")) {
      const [, from, , to] = e.split(" ");
      expect(Number(to)).toBeGreaterThan(Number(from));
    }
  });

  it("a refused extension fails the run (exit 7), writes success 0 and keeps the last success time", () => {
    const last = readMetrics(join(dir, "textfile", "backup_files_locked_lock.prom")).get(
      Metrics.lockExtendLastSuccess,
    )!.value;
    const r = extendOn(DAYS + 30, { STANDIN_DENY_PUT: "1" });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/extending the retention of s3:\/\/.* failed/);
    const m = readMetrics(join(dir, "textfile", "backup_files_locked_lock.prom"));
    expect(m.get(Metrics.lockExtendSuccess)?.value).toBe(0);
    expect(m.get(Metrics.lockExtendLastSuccess)?.value).toBe(last);
  });

  it("the immutability drill reads the oldest object of the repository: it fails where only the upload-time lock holds, and passes once lock-extend.sh ran", () => {
    const drill = join(dir, "immutability-drill.sh");
    writeFileSync(
      drill,
      renderImmutabilityDrill("roundtrip", [
        { name: BUCKET, region: "us-east-1", mode: "COMPLIANCE", days: DAYS, repositories: [PREFIX] },
      ]),
    );
    chmodSync(drill, 0o755);
    const env = {
      ...overrides,
      AWS_CLI: "aws",
      HOME: dir,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    };
    const run = () => spawnSync(drill, [], { encoding: "utf8", env: { ...env, PATH: overrides.PATH } });
    // Forget every extension: only the upload-time lock holds, which ends sooner than DAYS from now.
    rmSync(join(state, "retention"), { recursive: true });
    mkdirSync(join(state, "retention"));
    const oldest = objects().sort((a, b) => uploadedAt(a) - uploadedAt(b))[0];
    const before = run();
    expect(before.status).toBe(1);
    expect(before.stdout).toMatch(
      /FAIL {2}the oldest object of files-locked\/ \(files-locked\/\S+, uploaded \S+\) is not locked in COMPLIANCE mode for 3 days/,
    );
    expect(before.stdout).toMatch(/ok {4}deleting the locked version was refused/);
    // The real-time run of the job (not faked) extends it; the drill then passes on that very object.
    expect(runScript(join(scripts, "lock-extend.sh"), [], envFile, overrides).code).toBe(0);
    const after = run();
    expect({ status: after.status, out: after.stdout }).toEqual({
      status: 0,
      out: expect.stringContaining("the oldest object of files-locked/"),
    });
    expect(after.stdout).toMatch(/is locked in COMPLIANCE mode until/);
    expect(retention(oldest)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + DAYS * DAY);
  });
});
