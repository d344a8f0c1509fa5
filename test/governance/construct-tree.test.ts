import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type App, TerraformStack, Testing } from "../../lib/core/cdk";
import { AppBackup, AppBackupDestination } from "../../lib/constructs/app-backup";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ImmutableVault } from "../../lib/constructs/immutable-vault";
import { TierBackupPlan } from "../../lib/constructs/tier-backup-plan";
import { Duration } from "../../lib/core/duration";
import { Severity } from "../../lib/core/finding";
import { Retention } from "../../lib/core/retention";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { AppEngine } from "../../lib/core/vocabulary";
import { GovernanceChecks } from "../../lib/governance/checks";
import { validateCatalogText } from "../../lib/governance/validate";

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`;

/** Synthesizes an app whose stack `build` fills, under GovernanceChecks; answers the findings and any synthesis error. */
function synthChecked(build: (stack: TerraformStack, app: App) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  build(stack, app);
  const checks = GovernanceChecks.applyTo(app);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { findings: checks.findings, error };
}

describe("governance on the construct tree: the catalog's findings for hand-built constructs", () => {
  it("a critical tier preset into a plain EncryptedVault with no offsite copy: GOV-010 and GOV-023, as for a critical catalog service", () => {
    const { findings, error } = synthChecked((s) => {
      const vault = new EncryptedVault(s, "Vault", { vaultName: "plain", kmsKeyArn: KEY_ARN, accountId: ACCOUNT });
      TierBackupPlan.criticalTier(s, "Critical", { vault, planName: "critical" });
    });
    const ids = findings.map((f) => f.ruleId).sort();
    expect(ids).toEqual(["GOV-010", "GOV-023"]);
    expect(findings.every((f) => f.severity === Severity.ERROR && f.constructPath === "stack/Critical")).toBe(true);
    expect(error?.message).toMatch(/GOV-010/);
    // The catalog's ids for the same service (critical, no offsite, nothing lockable):
    const yaml = validateCatalogText(`version: 1
name: shop
owner: "@ops"
aws: { region: us-east-1, accountId: "${ACCOUNT}" }
services:
  - id: orders
    classification: critical
    rpo: 1d
    rto: 4h
    aws: { resources: ["arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders"] }
    app: { decision: platform-only, rationale: "DynamoDB backups are the data" }
    offsite: { required: false, reason: "single Region shop" }
    restore: { secrets: "vault:kv/orders", validate: ["aws dynamodb describe-table --table-name orders"] }
`);
    expect(yaml.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["GOV-010"]));
  });

  it("the same preset with a locked vault and an offsite copy passes; GOV-023 can be acknowledged in code, GOV-010 cannot", () => {
    const ok = synthChecked((s) => {
      const west = new AwsProvider(s, "west", { region: "us-west-2", alias: "west" });
      const vault = new ImmutableVault(s, "Locked", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 14,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "locked",
      });
      const copy = new ImmutableVault(s, "Offsite", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 14,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "offsite",
        region: "us-west-2",
        provider: west,
      });
      TierBackupPlan.criticalTier(s, "Critical", { vault, copyTo: copy, planName: "critical" });
    });
    expect(ok.findings).toEqual([]);
    expect(ok.error).toBeUndefined();
    const acked = synthChecked((s) => {
      const vault = new EncryptedVault(s, "Vault", { vaultName: "plain", kmsKeyArn: KEY_ARN, accountId: ACCOUNT });
      const copy = new EncryptedVault(s, "Copy", { vaultName: "copy", kmsKeyArn: KEY_ARN, accountId: ACCOUNT });
      const plan = TierBackupPlan.criticalTier(s, "Critical", { vault, copyTo: copy, planName: "critical" });
      GovernanceChecks.acknowledge(plan, "GOV-023", "an offline tape copy is made weekly");
    });
    expect(acked.findings.map((f) => [f.ruleId, !!f.acknowledged])).toEqual([["GOV-023", true]]);
    expect(acked.error).toBeUndefined();
    expect(() =>
      synthChecked((s) => GovernanceChecks.acknowledge(s, "GOV-010", "we accept a single Region here")),
    ).toThrow(/ACK-003/);
  });

  const BASE = {
    estate: "homelab",
    serviceId: "app",
    host: "app.lan",
    engine: AppEngine.POSTGRESQL,
    database: "app",
    retention: Retention.of({ daily: 7 }),
    rto: Duration.hours(2),
    destination: AppBackupDestination.repository("/mnt/nas/restic/app"),
  };

  it("AppBackup with rpo 15m and a daily schedule: GOV-013, as the catalog gives", () => {
    const { findings } = synthChecked((s) => {
      new AppBackup(s, "App", { ...BASE, rpo: Duration.minutes(15), schedule: Schedule.at(Cadence.daily(), 60) });
    });
    expect(findings.map((f) => [f.ruleId, f.constructPath])).toEqual([["GOV-013", "stack/App"]]);
    expect(findings[0].message).toMatch(/daily at 01:00, further apart than its rpo 15m/);
  });

  it("AppBackup with rpo 15m and no schedule: GOV-013, not a silent hourly default", () => {
    const { findings } = synthChecked((s) => {
      new AppBackup(s, "App", { ...BASE, rpo: Duration.minutes(15) });
    });
    expect(findings.map((f) => f.ruleId)).toEqual(["GOV-013"]);
    expect(findings[0].fix).toMatch(/pitr: true/);
  });

  it("AppBackup with rpo 15m and pitr (WAL archived continuously), or a schedule inside the RPO: no finding", () => {
    const { findings } = synthChecked((s) => {
      new AppBackup(s, "Pitr", { ...BASE, serviceId: "pitr", rpo: Duration.minutes(15), pitr: true });
      new AppBackup(s, "Hourly", {
        ...BASE,
        serviceId: "hourly",
        rpo: Duration.hours(4),
        schedule: Schedule.at(Cadence.hourly(4), 0),
      });
    });
    expect(findings).toEqual([]);
  });

  it("a vault named by string (`targetVaultName`) in another stack of the app is resolved there: its lock is checked (GOV-019)", () => {
    const { findings, error } = synthChecked((s, app) => {
      const other = new TerraformStack(app, "vaults");
      new AwsProvider(other, "aws", { region: "us-east-1" });
      new ImmutableVault(other, "Locked", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 30,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "locked-elsewhere",
      });
      new TierBackupPlan(s, "Plan", {
        planName: "by-name",
        rules: [
          {
            ruleName: "daily",
            targetVaultName: "locked-elsewhere",
            schedule: Schedule.at(Cadence.daily(), 90),
            deleteAfterDays: 7,
          },
        ],
      });
    });
    expect(findings.filter((f) => f.ruleId === "GOV-019").map((f) => f.constructPath)).toEqual(["stack/Plan"]);
    expect(findings.find((f) => f.ruleId === "GOV-019")!.message).toMatch(
      /7 days, below the lock minimum of 30 days of vault vaults\/Locked/,
    );
    expect(error?.message).toMatch(/GOV-019/);
  });
});
