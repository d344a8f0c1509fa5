/**
 * The package as a library user gets it: `npm pack`, then a fresh project that installs the
 * tarball with the README's install line (from the npm registry or its cache), compiles
 * stack code in strict mode, and synthesizes and plans it offline.
 *
 * Slow (about a minute and a half: pack builds the library, the install brings the AWS
 * provider bindings), so it lives in the terraform project.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./offline";

jest.setTimeout(300_000);

/** The README's install line, with the package name replaced by the tarball. */
function readmeInstallLine(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const line = /^npm install (cdktf-backup-governance .+)$/m.exec(readme);
  if (!line) throw new Error("README.md has no `npm install cdktf-backup-governance ...` line");
  return line[1].split(/\s+/);
}

const STACK = (keepDays: number) => `
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Cadence, GovernanceChecks, ImmutableVault, LockMode, Schedule, TierBackupPlan } from "cdktf-backup-governance";

const app = new App({ outdir: "out-${keepDays}" });
const stack = new TerraformStack(app, "library-user");
new AwsProvider(stack, "aws", { region: "us-east-1" });
const vault = new ImmutableVault(stack, "Locked", { mode: LockMode.COMPLIANCE, days: 14, accountId: "123456789012", bucketName: "library-user-locked-123456789012", vaultName: "library-user-locked" });
const plan = new TierBackupPlan(stack, "Plan", { planName: "library-user" });
plan.addRule({ ruleName: "daily", targetVault: vault, schedule: Schedule.at(Cadence.daily(), 120), deleteAfterDays: ${keepDays} });
Aspects.of(app).add(new GovernanceChecks()); // as the README writes it
app.synth();
`;

// A provider resource no construct can judge when it is built: only the App-level checks catch it.
const RAW = `
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { GovernanceChecks, ImmutableVault, LockMode } from "cdktf-backup-governance";

const app = new App({ outdir: "out-raw" });
const stack = new TerraformStack(app, "raw-user");
new AwsProvider(stack, "aws", { region: "us-east-1" });
const vault = new ImmutableVault(stack, "Locked", { mode: LockMode.COMPLIANCE, days: 14, accountId: "123456789012", bucketName: "raw-user-locked-123456789012", vaultName: "raw-user-locked" });
new BackupPlan(stack, "Raw", { name: "raw", rule: [{ ruleName: "daily", schedule: "cron(0 5 * * ? *)", targetVaultName: vault.vaultName, lifecycle: { deleteAfter: 7 } }] });
Aspects.of(app).add(new GovernanceChecks());
app.synth();
`;

// Velero without the optional Kubernetes peer: a clear error, not a module-loader crash.
const VELERO = `
import { App, TerraformStack } from "cdktf";
import { VeleroProtection } from "cdktf-backup-governance";

const app = new App({ outdir: "out-velero" });
const stack = new TerraformStack(app, "cluster");
new VeleroProtection(stack, "Velero", {
  storageLocation: { name: "default", bucket: "velero-bucket", prefix: "lab", region: "us-east-1" },
});
app.synth();
`;

describe("the packed library in a fresh project", () => {
  const tmp = mkdtempSync(join(tmpdir(), "package-"));
  const project = join(tmp, "project");
  const run = (cmd: string, args: string[], cwd: string) =>
    execFileSync(cmd, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
    });

  /** The stderr of a program that must fail (the test fails if it succeeds). */
  const stderrOfFailing = (script: string): string => {
    try {
      run(process.execPath, [script], project);
    } catch (e) {
      return (e as { stderr: string }).stderr;
    }
    throw new Error(`${script} succeeded`);
  };

  beforeAll(() => {
    // Pack a copy, so that prepack's build does not touch this worktree's dist/.
    const src = join(tmp, "src");
    cpSync(ROOT, src, {
      recursive: true,
      filter: (p) => !/^(node_modules|\.git|dist|cdktf\.out|\.tmp|\.backup-gov|coverage)(\/|$)/.test(relative(ROOT, p)),
    });
    symlinkSync(join(ROOT, "node_modules"), join(src, "node_modules"));
    run("npm", ["pack", "--pack-destination", tmp], src);
    const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"))!;
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "library-user", version: "1.0.0", private: true }),
    );
    const [, ...rest] = readmeInstallLine();
    run("npm", ["install", "--prefer-offline", join(tmp, tarball), ...rest], project);
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          strict: true,
          noUnusedLocals: true,
          noImplicitReturns: true,
          outDir: "dist",
          types: [],
        },
        include: ["*.ts"],
      }),
    );
    writeFileSync(join(project, "seven.ts"), STACK(7));
    writeFileSync(join(project, "fourteen.ts"), STACK(14));
    writeFileSync(join(project, "velero.ts"), VELERO);
    writeFileSync(join(project, "raw.ts"), RAW);
  });

  it("gets one copy of @cdktf/provider-aws, the 20.x line the library supports", () => {
    // Every installed copy, by path (`npm ls --parseable` prints one line per physical copy).
    const copies = [
      ...new Set(
        run("npm", ["ls", "@cdktf/provider-aws", "--all", "--parseable"], project).split("\n").filter(Boolean),
      ),
    ];
    expect(copies).toEqual([join(project, "node_modules", "@cdktf", "provider-aws")]);
    expect(JSON.parse(readFileSync(join(copies[0], "package.json"), "utf8")).version).toMatch(/^20\./);
    expect(existsSync(join(project, "node_modules", "cdktf-backup-governance", "node_modules", "@cdktf"))).toBe(false);
  });

  it("does not install the optional Kubernetes bindings, and loads without them", () => {
    expect(existsSync(join(project, "node_modules", "@cdktf", "provider-kubernetes"))).toBe(false);
    const exported = run(
      process.execPath,
      ["-e", "console.log(Object.keys(require('cdktf-backup-governance')).length)"],
      project,
    );
    expect(Number(exported)).toBeGreaterThan(50);
  });

  it("compiles stack code against the package's types in strict mode", () => {
    // The repository's TypeScript, on the fresh project's node_modules only.
    run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project);
    expect(existsSync(join(project, "dist", "fourteen.js"))).toBe(true);
  });

  it("Aspects.of(app).add(new GovernanceChecks()) fails synthesis for a raw plan keeping 7 days in the 14-day vault", () => {
    const err = stderrOfFailing("dist/raw.js");
    expect(err).toMatch(/\[raw-user\/Raw\] GOV-019: .*7 days, below the lock minimum of 14 days/);
    expect(existsSync(join(project, "out-raw", "stacks", "raw-user", "cdk.tf.json"))).toBe(false);
  });

  it("Velero without @cdktf/provider-kubernetes fails with K8S-071 and the install line", () => {
    const err = stderrOfFailing("dist/velero.js");
    expect(err).toMatch(/K8S-071: cluster\/Velero: @cdktf\/provider-kubernetes is not installed/);
    expect(err).toMatch(/npm install @cdktf\/provider-kubernetes@\^12\.1\.1/);
  });

  it("a rule keeping 7 days in a vault locked 14 days fails with GOV-019 and the construct path", () => {
    const err = stderrOfFailing("dist/seven.js");
    expect(err).toMatch(
      /GOV-019: library-user\/Plan: rule `daily` keeps points 7 days, below the lock minimum of 14 days of vault library-user\/Locked/,
    );
    expect(existsSync(join(project, "out-7", "stacks", "library-user", "cdk.tf.json"))).toBe(false);
  });

  it("the same stack keeping 14 days synthesizes and plans offline with the package's own command", () => {
    run(process.execPath, ["dist/fourteen.js"], project);
    const out = run(
      process.execPath,
      [join(project, "node_modules", ".bin", "backup-gov"), "plan", "--offline", "out-14", "--work", "plans"],
      project,
    );
    expect(out).toMatch(/stack library-user: planned offline, \d+ to create, 0 to update, 0 to destroy/);
    const plan = JSON.parse(readFileSync(join(project, "plans", "library-user", "plan.json"), "utf8"));
    const types = (plan.resource_changes as Array<{ type: string }>).map((c) => c.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "aws_backup_plan",
        "aws_backup_vault",
        "aws_backup_vault_lock_configuration",
        "aws_s3_bucket_object_lock_configuration",
      ]),
    );
  });
});
