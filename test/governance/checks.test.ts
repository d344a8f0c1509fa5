import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Aspects, type App, type Construct, TerraformStack, Testing } from "../../lib/core/cdk";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { BackupBucket } from "../../lib/constructs/backup-bucket";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ImmutableVault } from "../../lib/constructs/immutable-vault";
import { OffsiteReplica } from "../../lib/constructs/offsite-replica";
import { TierBackupPlan } from "../../lib/constructs/tier-backup-plan";
import { VzdumpJob } from "../../lib/constructs/vzdump-job";
import { Retention } from "../../lib/core/retention";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { Severity } from "../../lib/core/finding";
import { GovernanceChecks } from "../../lib/governance/checks";
import { ProxmoxProvider } from "../../lib/providers/proxmox";

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`;
const DAILY = Schedule.at(Cadence.daily(), 90);

/** An app with one AWS stack built by `build`, checked by a GovernanceChecks on the app. */
function checked(build: (stack: TerraformStack) => void): {
  app: App;
  checks: GovernanceChecks;
  stack: TerraformStack;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  build(stack);
  const checks = GovernanceChecks.applyTo(app);
  return { app, checks, stack };
}

/** Runs the aspect (synthesis) and answers the findings of one rule; synthesis errors are kept. */
function findings(build: (stack: TerraformStack) => void, ruleId: string) {
  const { app, checks } = checked(build);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { found: checks.findings.filter((f) => f.ruleId === ruleId), error, all: checks.findings };
}

const rawPlan = (s: Construct, id: string, rule: Record<string, unknown>, tags?: Record<string, string>) =>
  new BackupPlan(s, id, {
    name: id,
    rule: [{ ruleName: "r", schedule: "cron(0 5 * * ? *)", targetVaultName: "v", ...rule }] as never,
    tags,
  });

describe("GovernanceChecks", () => {
  describe("GOV-019: retention-inside-lock (rules naming a locked vault by name)", () => {
    it("non-compliant: an ImmutableVault locked 14 days, a rule keeping 7 days in it: synthesis fails with the id and the fix", () => {
      const { found, error } = findings((s) => {
        const vault = new ImmutableVault(s, "Locked", {
          mode: ObjectLockMode.COMPLIANCE,
          days: 14,
          accountId: ACCOUNT,
          createBucket: false,
          vaultName: "locked",
        });
        new TierBackupPlan(s, "Plan", {
          rules: [{ ruleName: "daily", targetVaultName: vault.vaultName, schedule: DAILY, deleteAfterDays: 7 }],
        });
      }, "GOV-019");
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: Severity.ERROR, constructPath: "stack/Plan" });
      expect(error?.message).toMatch(
        /\[stack\/Plan\] GOV-019: rule `daily` keeps points 7 days, below the lock minimum of 14 days of vault stack\/Locked.*Fix: keep the points at least 14 days/,
      );
    });
    it("non-compliant: a hand-built vault with a raw lock, a raw plan above the lock maximum", () => {
      const { found } = findings((s) => {
        const v = new BackupVault(s, "Raw", { name: "raw" });
        new BackupVaultLockConfiguration(s, "RawLock", {
          backupVaultName: v.name,
          minRetentionDays: 7,
          maxRetentionDays: 30,
        });
        rawPlan(s, "P", { targetVaultName: v.name, lifecycle: { deleteAfter: 90 } });
      }, "GOV-019");
      expect(found.map((f) => f.message)).toEqual([
        expect.stringMatching(/keeps points 90 days, above the lock maximum of 30 days/),
      ]);
    });
    it("compliant: 14 days in a 14-day lock; not applicable: unlocked vault", () => {
      expect(
        findings((s) => {
          const vault = new ImmutableVault(s, "Locked", {
            mode: ObjectLockMode.COMPLIANCE,
            days: 14,
            accountId: ACCOUNT,
            createBucket: false,
          });
          new TierBackupPlan(s, "Plan", {
            rules: [{ ruleName: "daily", targetVaultName: vault.vaultName, schedule: DAILY, deleteAfterDays: 14 }],
          });
          const plain = EncryptedVault.fromVaultName(s, "Plain", "plain");
          new TierBackupPlan(s, "Other", {
            rules: [{ ruleName: "daily", targetVault: plain, schedule: DAILY, deleteAfterDays: 1 }],
          });
        }, "GOV-019").found,
      ).toEqual([]);
    });
  });

  describe("GOV-017 / GOV-020: lifecycles of hand-built plans", () => {
    it("non-compliant: cold storage shorter than 90 days; continuous beyond 35 days or to cold storage", () => {
      const r = findings((s) => {
        rawPlan(s, "Cold", { lifecycle: { deleteAfter: 100, coldStorageAfter: 30 } });
        rawPlan(s, "Cont", { enableContinuousBackup: true, lifecycle: { deleteAfter: 60 } });
      }, "GOV-017");
      expect(r.found.map((f) => f.constructPath)).toEqual(["stack/Cold"]);
      expect(r.found[0].message).toMatch(/only 70 days in cold storage/);
      expect(r.all.filter((f) => f.ruleId === "GOV-020").map((f) => f.message)).toEqual([
        expect.stringMatching(/keeps points 60 days; AWS allows 1–35/),
      ]);
    });
    it("compliant", () => {
      const r = findings((s) => {
        rawPlan(s, "Cold", { lifecycle: { deleteAfter: 120, coldStorageAfter: 30 } });
        rawPlan(s, "Cont", { enableContinuousBackup: true, lifecycle: { deleteAfter: 35 } });
      }, "GOV-017");
      expect(r.all).toEqual([]);
    });
  });

  describe("GOV-018: vault-lock-range (raw lock configurations)", () => {
    it("non-compliant: minimum above maximum; compliant: in range", () => {
      const bad = findings(
        (s) =>
          new BackupVaultLockConfiguration(s, "L", {
            backupVaultName: "v",
            minRetentionDays: 40,
            maxRetentionDays: 30,
          }),
        "GOV-018",
      );
      expect(bad.found.map((f) => f.message)).toEqual([expect.stringMatching(/minimum above maximum/)]);
      expect(
        findings(
          (s) =>
            new BackupVaultLockConfiguration(s, "L", {
              backupVaultName: "v",
              minRetentionDays: 7,
              maxRetentionDays: 30,
            }),
          "GOV-018",
        ).found,
      ).toEqual([]);
    });
  });

  describe("GOV-024: compliance-retention (a plan's compliance tag)", () => {
    it("non-compliant: hipaa needs 2190 days; gdpr allows at most 1095", () => {
      const r = findings((s) => {
        const v = EncryptedVault.fromVaultName(s, "V", "vault");
        new TierBackupPlan(s, "Hipaa", {
          tags: { compliance: "hipaa" },
          rules: [{ ruleName: "m", targetVault: v, schedule: DAILY, deleteAfterDays: 365 }],
        });
        new TierBackupPlan(s, "Gdpr", {
          tags: { "backup:compliance": "gdpr,soc2" },
          rules: [{ ruleName: "y", targetVault: v, schedule: DAILY, deleteAfterDays: 1825 }],
        });
      }, "GOV-024");
      expect(r.found.map((f) => [f.constructPath, f.message])).toEqual([
        [
          "stack/Hipaa",
          expect.stringMatching(/HIPAA needs recovery points kept at least 2190 days .* oldest point is kept 365 days/),
        ],
        ["stack/Gdpr", expect.stringMatching(/GDPR allows recovery points at most 1095 days/)],
      ]);
    });
    it("compliant: soc2 with a year; not applicable: no compliance tag", () => {
      const r = findings((s) => {
        const v = EncryptedVault.fromVaultName(s, "V", "vault");
        new TierBackupPlan(s, "Soc", {
          tags: { compliance: "soc2" },
          rules: [{ ruleName: "y", targetVault: v, schedule: DAILY, deleteAfterDays: 365 }],
        });
        new TierBackupPlan(s, "None", {
          rules: [{ ruleName: "d", targetVault: v, schedule: DAILY, deleteAfterDays: 7 }],
        });
      }, "GOV-024");
      expect(r.found).toEqual([]);
    });
  });

  describe("GOV-160: selection-tags-and", () => {
    it("non-compliant: two selection_tag blocks (OR); compliant: TierBackupPlan.addSelection (conditions, AND)", () => {
      const r = findings((s) => {
        new BackupSelection(s, "Or", {
          name: "or",
          planId: "p",
          iamRoleArn: "arn:aws:iam::123456789012:role/b",
          selectionTag: [
            { type: "STRINGEQUALS", key: "app", value: "a" },
            { type: "STRINGEQUALS", key: "env", value: "prod" },
          ],
        });
        const v = EncryptedVault.fromVaultName(s, "V", "vault");
        const plan = new TierBackupPlan(s, "Plan", {
          rules: [{ ruleName: "d", targetVault: v, schedule: DAILY, deleteAfterDays: 7 }],
        });
        plan.addSelection("And", {
          selectionName: "and",
          iamRoleArn: "arn:aws:iam::123456789012:role/b",
          tags: { app: "a", env: "prod" },
        });
      }, "GOV-160");
      expect(r.found.map((f) => f.constructPath)).toEqual(["stack/Or"]);
      expect(r.error?.message).toMatch(/GOV-160: selection `or` lists 2 selection_tag blocks/);
    });
  });

  describe("GOV-029: s3-backup-versioning (buckets a selection backs up)", () => {
    it("non-compliant: a bucket of this app without versioning (warning, synthesis goes on); an external bucket cannot be verified", () => {
      const r = findings((s) => {
        new S3Bucket(s, "Plain", { bucket: "plain-bucket" });
        new BackupSelection(s, "Sel", {
          name: "sel",
          planId: "p",
          iamRoleArn: "arn:aws:iam::123456789012:role/b",
          resources: ["arn:aws:s3:::plain-bucket", "arn:aws:s3:::elsewhere"],
        });
      }, "GOV-029");
      expect(r.error).toBeUndefined();
      expect(r.found.map((f) => [f.severity, f.message])).toEqual([
        [
          Severity.WARNING,
          expect.stringMatching(/bucket stack\/Plain is backed up by AWS Backup but has no S3 versioning/),
        ],
        [Severity.WARNING, expect.stringMatching(/versioning on `elsewhere`, which this app does not create/)],
      ]);
    });
    it("compliant: a versioned bucket; acknowledged in code: reported, marked, not failing", () => {
      const r = findings((s) => {
        const b = new S3Bucket(s, "Versioned", { bucket: "versioned-bucket" });
        new S3BucketVersioningA(s, "V", { bucket: b.bucket, versioningConfiguration: { status: "Enabled" } });
        const sel = new BackupSelection(s, "Sel", {
          name: "sel",
          planId: "p",
          iamRoleArn: "arn:aws:iam::123456789012:role/b",
          resources: ["arn:aws:s3:::versioned-bucket", "arn:aws:s3:::elsewhere"],
        });
        GovernanceChecks.acknowledge(sel.node.scope!, "GOV-029", "elsewhere is versioned by an SCP of the org");
      }, "GOV-029");
      expect(r.found).toEqual([
        expect.objectContaining({ acknowledged: { reason: "elsewhere is versioned by an SCP of the org" } }),
      ]);
    });
  });

  describe("GOV-161 / GOV-163: hand-built replication", () => {
    it("non-compliant: locked source into an unlocked, unversioned replica", () => {
      const r = findings((s) => {
        const src = new BackupBucket(s, "Src", {
          bucketName: "src-bucket",
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 14 },
        });
        const dst = new S3Bucket(s, "Dst", { bucket: "dst-bucket" });
        new S3BucketReplicationConfigurationA(s, "Repl", {
          bucket: src.bucket.bucket,
          role: "arn:aws:iam::123456789012:role/r",
          rule: [{ status: "Enabled", destination: { bucket: dst.arn } }],
        });
      }, "GOV-161");
      expect(r.found.map((f) => f.message)).toEqual([
        expect.stringMatching(/bucket stack\/Src has Object Lock, its replica stack\/Dst has none/),
      ]);
      expect(r.all.filter((f) => f.ruleId === "GOV-163").map((f) => f.message)).toEqual([
        expect.stringMatching(/destination bucket stack\/Dst has no versioning/),
      ]);
    });
    it("compliant: OffsiteReplica", () => {
      const r = findings((s) => {
        const west = new AwsProvider(s, "west", { region: "us-west-2", alias: "west" });
        const src = new BackupBucket(s, "Src", {
          bucketName: "src-bucket",
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 14 },
        });
        new OffsiteReplica(s, "Replica", {
          source: src,
          destinationRegion: "us-west-2",
          destinationProvider: west,
          accountId: ACCOUNT,
        });
      }, "GOV-161");
      expect(r.all).toEqual([]);
    });
  });

  describe("GOV-004 / GOV-162: hand-built vzdump jobs of one host", () => {
    const job = (s: Construct, id: string, pve: ProxmoxProvider, vmids: number[], offset = 60) =>
      new VzdumpJob(s, id, {
        provider: pve,
        jobId: `job-${id.toLowerCase()}`,
        storage: "pbs",
        retention: Retention.days(7),
        schedule: Schedule.at(Cadence.daily(), offset),
        guests: vmids.map((vmid) => ({ vmid, label: `g${vmid}` })),
      });
    it("non-compliant: one guest in two jobs of a host, two jobs at the same minute", () => {
      const r = findings((s) => {
        const pve = new ProxmoxProvider(s, "pve", { endpoint: "https://pve.test:8006" });
        job(s, "A", pve, [101, 102]);
        job(s, "B", pve, [102]);
      }, "GOV-004");
      expect(r.found.map((f) => [f.constructPath, f.message])).toEqual([
        ["stack/B", expect.stringMatching(/guest 102 on host stack\/pve is also enrolled by stack\/A \(g102\)/)],
      ]);
      expect(r.all.filter((f) => f.ruleId === "GOV-162").map((f) => f.severity)).toEqual([Severity.WARNING]);
    });
    it("compliant: other hosts, other start times", () => {
      const r = findings((s) => {
        const pve = new ProxmoxProvider(s, "pve", { endpoint: "https://pve.test:8006" });
        const other = new ProxmoxProvider(s, "other", { endpoint: "https://other.test:8006", alias: "other" });
        job(s, "A", pve, [101]);
        job(s, "B", pve, [102], 90);
        job(s, "C", other, [101]);
      }, "GOV-004");
      expect(r.all).toEqual([]);
    });
  });

  describe("GOV-164: a GovernanceChecks on the App reaches every stack", () => {
    const badLock = (s: Construct) =>
      new BackupVaultLockConfiguration(s, "L", { backupVaultName: "v", minRetentionDays: 40, maxRetentionDays: 30 });
    const awsStack = (app: App, id: string) => {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      return stack;
    };

    it("Aspects.of(app).add(new GovernanceChecks()) checks a stack that holds a construct of the library (cdktf alone would never run it)", () => {
      // cdktf 0.21 synthesizer.js: invokeAspects(this.stack) starts at each stack, so the App's
      // aspects are never visited; the library's constructs hand their stack over in a validation.
      const app = Testing.app();
      const stack = awsStack(app, "stack");
      const vault = new ImmutableVault(stack, "Locked", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 14,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "locked",
      });
      // A provider resource the constructs cannot judge at construction: a raw plan keeping 7 days in it.
      rawPlan(stack, "Raw", { targetVaultName: vault.vaultName, lifecycle: { deleteAfter: 7 } });
      badLock(stack);
      const onApp = new GovernanceChecks();
      Aspects.of(app).add(onApp);
      expect(() => app.synth()).toThrow(/GOV-019: .*7 days, below the lock minimum of 14 days/);
      expect(onApp.findings.map((f) => f.ruleId).sort()).toEqual(["GOV-018", "GOV-019"]);
    });

    it("fails synthesis for a stack of provider resources only that an App-level GovernanceChecks cannot reach", () => {
      const app = Testing.app();
      new EncryptedVault(awsStack(app, "lib"), "Vault", { vaultName: "v1", accountId: ACCOUNT, kmsKeyArn: KEY_ARN });
      badLock(awsStack(app, "raw"));
      Aspects.of(app).add(new GovernanceChecks());
      expect(() => app.synth()).toThrow(/GOV-164: stack raw was not checked by the GovernanceChecks added above it/);
    });

    it("applyTo checks the stacks that exist, and a later stack through the library's constructs in it", () => {
      const app = Testing.app();
      const early = awsStack(app, "early"); // provider resources only, existing at applyTo
      new BackupVaultLockConfiguration(early, "L", { backupVaultName: "v", minRetentionDays: 7, maxRetentionDays: 30 });
      const checks = GovernanceChecks.applyTo(app);
      const late = awsStack(app, "late");
      new EncryptedVault(late, "Vault", { vaultName: "v1", accountId: ACCOUNT, kmsKeyArn: KEY_ARN });
      badLock(late);
      expect(() => app.synth()).toThrow(/\[late\/L\] GOV-018/);
      expect(checks.hasChecked(early)).toBe(true);
      // Each stack checked once, though the checks sit on the App and on the early stack.
      expect(checks.findings.map((f) => f.constructPath)).toEqual(["late/L"]);
    });

    it("a stack of provider resources only created after applyTo fails synthesis instead of passing unchecked", () => {
      const app = Testing.app();
      new TerraformStack(app, "early");
      GovernanceChecks.applyTo(app);
      badLock(awsStack(app, "late"));
      expect(() => app.synth()).toThrow(/GOV-164: stack late was not checked/);
    });

    it("leaves a stack with GovernanceChecks of its own to those: no finding twice, the stack's settings kept", () => {
      const app = Testing.app();
      const own = awsStack(app, "own");
      new EncryptedVault(own, "Vault", { vaultName: "v1", accountId: ACCOUNT, kmsKeyArn: KEY_ARN });
      new S3Bucket(own, "Unversioned", { bucket: "unversioned-bucket" }); // GOV-029, a warning
      const ownChecks = new GovernanceChecks({ skip: ["GOV-029"] });
      Aspects.of(own).add(ownChecks);
      const onApp = new GovernanceChecks();
      Aspects.of(app).add(onApp);
      expect(() => app.synth()).not.toThrow();
      expect(ownChecks.hasChecked(own)).toBe(true);
      expect(onApp.hasChecked(own)).toBe(false);
      expect([...ownChecks.findings, ...onApp.findings]).toEqual([]);
    });

    it("passes a clean app, with the checks on the App", () => {
      const app = Testing.app();
      const stack = awsStack(app, "stack");
      new EncryptedVault(stack, "Vault", { vaultName: "v1", accountId: ACCOUNT, kmsKeyArn: KEY_ARN });
      const onApp = new GovernanceChecks();
      Aspects.of(app).add(onApp);
      expect(() => app.synth()).not.toThrow();
      expect(onApp.hasChecked(stack)).toBe(true);
      expect(onApp.findings).toEqual([]);
    });
  });

  describe("acknowledgements in code", () => {
    it("refuse unknown rules (ACK-001), hard limits (ACK-003) and short reasons (ACK-002), naming the construct", () => {
      const { stack } = checked(() => undefined);
      expect(() => GovernanceChecks.acknowledge(stack, "GOV-999", "a long enough reason")).toThrow(
        /ACK-001: stack: acknowledge names unknown rule GOV-999/,
      );
      expect(() => GovernanceChecks.acknowledge(stack, "GOV-019", "a long enough reason")).toThrow(
        /ACK-003: stack: GOV-019 guards a hard limit/,
      );
      expect(() => GovernanceChecks.acknowledge(stack, "GOV-029", "short")).toThrow(/ACK-002/);
    });
    it("an acknowledged error no longer fails synthesis", () => {
      const r = findings((s) => {
        new BackupSelection(s, "Or", {
          name: "or",
          planId: "p",
          iamRoleArn: "arn:aws:iam::123456789012:role/b",
          selectionTag: [
            { type: "STRINGEQUALS", key: "a", value: "1" },
            { type: "STRINGEQUALS", key: "b", value: "2" },
          ],
        });
        GovernanceChecks.acknowledge(s, "GOV-160", "either tag marks a resource of this team");
      }, "GOV-160");
      expect(r.error).toBeUndefined();
      expect(r.found[0].acknowledged).toEqual({ reason: "either tag marks a resource of this team" });
    });
    it("skip leaves a rule out entirely", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      new BackupSelection(stack, "Or", {
        name: "or",
        planId: "p",
        iamRoleArn: "arn:aws:iam::123456789012:role/b",
        selectionTag: [
          { type: "STRINGEQUALS", key: "a", value: "1" },
          { type: "STRINGEQUALS", key: "b", value: "2" },
        ],
      });
      const checks = new GovernanceChecks({ skip: ["GOV-160"] });
      Aspects.of(stack).add(checks);
      expect(() => app.synth()).not.toThrow();
      expect(checks.findings).toEqual([]);
    });
  });

  it("a check that throws is reported as GOV-000 (a warning), not a crash of synthesis", () => {
    const r = findings((s) => {
      const plan = new TierBackupPlan(s, "Plan", {
        rules: [{ ruleName: "d", targetVaultName: "v", schedule: DAILY, deleteAfterDays: 7 }],
      });
      // A rule list that breaks when read: the check must say so and carry on.
      Object.defineProperty(plan, "backupRules", {
        get: () => {
          throw new Error("boom");
        },
      });
    }, "GOV-000");
    expect(r.error).toBeUndefined();
    expect(r.found.map((f) => [f.severity, f.constructPath, f.message])).toEqual([
      [Severity.WARNING, "stack/Plan", expect.stringMatching(/could not be evaluated here: boom/)],
    ]);
  });
});
