/**
 * The transport a catalog service uses by default: restic into the estate's S3 bucket, with
 * the credentials the generated env file names (an IAM user's key in the shared credentials
 * file, BACKUP_GOV_AWS_CREDENTIALS=shared-file). The bucket is an S3-compatible server the
 * test starts on loopback (s3rver, from npm, over TLS with a certificate made for the run:
 * restic signs streamed uploads over plain HTTP in a way s3rver does not decode). The env
 * file is the generated one, unchanged; only the endpoint (the repository URL) and the CA
 * the test made are given as BACKUP_GOV_* overrides, as an operator would for a private
 * S3-compatible store.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppBackup, AppBackupCredentials, AppBackupDestination } from "../../lib/constructs/app-backup";
import { AwsEstateStack } from "../../lib/estate/aws-stack";
import { Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { Heartbeat, Metrics } from "../../lib/core/metrics";
import { Retention } from "../../lib/core/retention";
import { AppEngine, LockMode } from "../../lib/core/vocabulary";
import { runtimeFiles } from "../../lib/artifacts/app/runtime";
import { cleanup, readMetrics, requireTools, ROOT, runScript, scratch, writeFiles, fileDigests } from "./support";

jest.setTimeout(300_000);

/** Fixed port (the round trips run under flock /tmp/heavy.lock). */
const PORT = 45731;
const BUCKET = "roundtrip-app-backups";
const SERVICE = "files-s3";
/** s3rver's built-in account. */
const ACCESS_KEY = "S3RVER";

describe("restic into S3 (an S3-compatible server on loopback), with the generated env file's credentials", () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let backup: AppBackup;
  let scripts: string;
  let envFile: string;
  let overrides: Record<string, string>;
  let data: string;

  beforeAll(async () => {
    requireTools("restic", "jq", "openssl");
    dir = scratch("s3");
    // A certificate for 127.0.0.1, made for this run.
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

    // The service as the estate builds it for an S3 destination: an IAM user's key in a shared credentials file.
    const app = Testing.app();
    const stack = new AwsEstateStack(app, "s3-roundtrip", {
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
    data = join(dir, "srv", "share");
    for (const [path, size] of [
      ["a.bin", 200_000],
      ["docs/b.txt", 3_000],
      ["docs/deep/c d.txt", 10],
    ] as const) {
      mkdirSync(join(data, path, ".."), { recursive: true });
      writeFileSync(join(data, path), Buffer.alloc(size, path));
    }
    const layout = {
      prefix: join(dir, "prefix"),
      configDir: join(dir, "etc"),
      stateDir: join(dir, "state"),
      cacheDir: join(dir, "cache"),
      textfileDir: join(dir, "textfile"),
    };
    backup = new AppBackup(stack, SERVICE, {
      estate: "roundtrip",
      serviceId: SERVICE,
      host: "roundtrip",
      engine: AppEngine.FILES,
      paths: [data],
      destination: AppBackupDestination.s3({
        bucketName: BUCKET,
        bucketArn: `arn:aws:s3:::${BUCKET}`,
        prefix: `${SERVICE}/`,
        region: "us-east-1",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      }),
      credentials: AppBackupCredentials.iamUser(),
      retention: Retention.of({ daily: 2 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("4h"),
      layout,
    });
    scripts = join(layout.prefix, SERVICE);
    writeFiles(join(layout.prefix, "runtime"), runtimeFiles());
    writeFiles(scripts, backup.files);
    mkdirSync(layout.textfileDir, { recursive: true });

    // The generated env file, installed where install.sh puts it, and the secret files it names.
    const config = join(layout.configDir, SERVICE);
    mkdirSync(config, { recursive: true });
    envFile = join(config, "env");
    writeFileSync(envFile, backup.files.find((f) => f.path === "env")!.content);
    const env = readFileSync(envFile, "utf8");
    const named = (key: string) =>
      /^[A-Z_]+=(.*)$/m.exec(env.split("\n").filter((l) => l.startsWith(`${key}=`))[0] ?? "")?.[1] ?? "";
    expect(named("BACKUP_GOV_AWS_CREDENTIALS")).toBe("shared-file");
    expect(named("AWS_REGION")).toBe("us-east-1");
    expect(named("BACKUP_GOV_REPOSITORY")).toBe(`s3:s3.us-east-1.amazonaws.com/${BUCKET}/${SERVICE}`);
    writeFileSync(
      named("AWS_SHARED_CREDENTIALS_FILE"),
      `[default]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = S3RVER\n`,
      { mode: 0o600 },
    );
    writeFileSync(named("BACKUP_GOV_PASSWORD_FILE"), "correct horse battery staple\n", { mode: 0o600 });

    // A fake aws CLI records the heartbeat the run puts.
    mkdirSync(join(dir, "bin"));
    writeFileSync(
      join(dir, "bin", "aws"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> "${dir}/aws.calls"\n`,
    );
    chmodSync(join(dir, "bin", "aws"), 0o755);
    overrides = {
      // The endpoint: the loopback server instead of s3.us-east-1.amazonaws.com, and the CA of its certificate.
      BACKUP_GOV_REPOSITORY: `s3:https://127.0.0.1:${PORT}/${BUCKET}/${SERVICE}`,
      BACKUP_GOV_CACERT: join(tls, "cert.pem"),
      BACKUP_GOV_DRILL_DIR: join(dir, "drill"),
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
    };
    mkdirSync(join(dir, "drill"));
  });

  afterAll(() => {
    server?.kill();
    if (dir) cleanup(dir);
  });

  const run = (script: string, args: string[] = [], extra: Record<string, string> = {}) =>
    runScript(join(scripts, script), args, envFile, { ...overrides, ...extra });
  const ok = (r: ReturnType<typeof run>) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  const objects = () =>
    existsSync(join(dir, "s3", BUCKET, SERVICE)) ? Object.keys(fileDigests(join(dir, "s3", BUCKET, SERVICE))) : [];

  it("init creates the repository under the service's prefix of the bucket", () => {
    expect(run("backup.sh").code).toBe(4); // preflight: no repository yet
    ok(run("backup.sh", ["--init"]));
    expect(objects().some((k) => k.startsWith("config"))).toBe(true);
    expect(objects().some((k) => k.startsWith("keys/"))).toBe(true);
  });

  it("a backup run stores the files in S3, writes its metrics and puts the heartbeat with the contract's dimensions", () => {
    ok(run("backup.sh"));
    expect(objects().filter((k) => k.startsWith("snapshots/") && k.endsWith("_S3rver_object")).length).toBe(2); // files + its capture record
    expect(objects().some((k) => k.startsWith("data/"))).toBe(true);
    const m = readMetrics(join(dir, "textfile", `backup_files_s3_backup.prom`));
    expect(m.get(Metrics.lastRunSuccess)).toEqual({
      labels: `service="${SERVICE}",engine="files",target="s3"`,
      value: 1,
    });
    expect(m.get(Metrics.items)?.value).toBe(3);
    const calls = readFileSync(join(dir, "aws.calls"), "utf8").split("\n");
    expect(calls.slice(0, 6)).toEqual([
      "cloudwatch",
      "put-metric-data",
      "--region",
      "us-east-1",
      "--namespace",
      Heartbeat.namespace,
    ]);
    const values: Record<string, string> = { Estate: "roundtrip", Service: SERVICE, Source: "files" };
    const dims = `Dimensions=[${Heartbeat.dimensions.map((d) => `{Name=${d},Value=${values[d]}}`).join(",")}]`;
    expect(calls).toContain(`MetricName=${Heartbeat.successMetric},${dims},Value=1,Unit=Count`);
  });

  it("verify.sh checks the S3 repository, restores the snapshot and matches its capture record", () => {
    const r = ok(run("verify.sh"));
    expect(r.stderr).toMatch(/drill of run \S+ passed/);
    expect(readMetrics(join(dir, "textfile", "backup_files_s3_drill.prom")).get(Metrics.drillSuccess)?.value).toBe(1);
  });

  it("restore.sh brings the files back from S3 under another folder", () => {
    const target = join(dir, "restored");
    ok(run("restore.sh", ["--target", target]));
    expect(fileDigests(join(target, data))).toEqual(fileDigests(data));
  });

  it("a second run applies retention (forget --prune) in S3", () => {
    writeFileSync(join(data, "new.txt"), "new");
    ok(run("backup.sh"));
    const list = ok(run("restore.sh", ["--list"]))
      .stdout.trim()
      .split("\n");
    expect(list[0]).toBe("RUN\tUNIT");
    expect(list.length).toBeGreaterThanOrEqual(2);
  });

  it("the runs sign with the key in the file the env file names: another key id there and the preflight refuses (exit 4), nothing is stored", () => {
    // s3rver 3.7.1 checks the access key id of a signed request (InvalidAccessKeyId) but not SigV4 signatures themselves,
    // and lets unsigned requests through: a refused key id is what proves the runs sign with the file's key.
    const before = objects().length;
    const creds = join(dir, "etc", SERVICE, "aws-credentials");
    const good = readFileSync(creds, "utf8");
    writeFileSync(creds, good.replace(`aws_access_key_id = ${ACCESS_KEY}`, "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"));
    try {
      const r = run("backup.sh");
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/repository .* unreachable/);
      expect(objects().length).toBe(before);
    } finally {
      writeFileSync(creds, good);
    }
    expect(run("restore.sh", ["--list"]).code).toBe(0);
  });
});
