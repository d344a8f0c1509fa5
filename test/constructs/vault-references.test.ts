import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ImmutableVault } from "../../lib/constructs/immutable-vault";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { TierBackupPlan } from "../../lib/constructs/tier-backup-plan";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { tierOf } from "../../lib/policy/tiers";
import { Classification } from "../../lib/core/vocabulary";
import { TIER_TAG } from "../../lib/policy/audit";
import { appStack, ofType, synthAws } from "../support/aws-synth";

const DAILY = Schedule.at(Cadence.daily(), 90);
const ACCOUNT = "123456789012";

describe("plan rules take vaults by reference", () => {
  it("renders the vault's name and waits for the vault and its lock", () => {
    const { resources } = synthAws((s) => {
      const vault = new ImmutableVault(s, "Locked", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 14,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "locked",
      });
      new TierBackupPlan(s, "Plan", {
        planName: "p",
        rules: [{ ruleName: "daily", targetVault: vault, schedule: DAILY, deleteAfterDays: 14 }],
      });
    });
    const plan = ofType(resources, "aws_backup_plan")[0];
    expect(plan.rule[0].target_vault_name).toMatch(/^\$\{aws_backup_vault\.\w+\.name\}$/);
    expect(plan.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_backup_vault\./),
        expect.stringMatching(/^aws_backup_vault_lock_configuration\./),
      ]),
    );
  });

  it("throws GOV-019 at once, naming the plan's path and the vault, when a rule keeps points shorter than the lock", () => {
    // GIVEN a vault locked 14 days
    const { stack } = appStack();
    const vault = new ImmutableVault(stack, "Locked", {
      mode: ObjectLockMode.COMPLIANCE,
      days: 14,
      accountId: ACCOUNT,
      createBucket: false,
    });
    const plan = new TierBackupPlan(stack, "Plan");
    // WHEN a rule keeps 7 days in it, THEN the plan refuses it with the catalog rule's id
    expect(() => plan.addRule({ ruleName: "daily", targetVault: vault, schedule: DAILY, deleteAfterDays: 7 })).toThrow(
      /GOV-019: test\/Plan: rule `daily` keeps points 7 days, below the lock minimum of 14 days of vault test\/Locked.*docs\/rules\.md#gov-019/,
    );
    // and a rule inside the range is accepted
    expect(() =>
      plan.addRule({ ruleName: "weekly", targetVault: vault, schedule: DAILY, deleteAfterDays: 56 }),
    ).not.toThrow();
  });

  it("checks copy actions against the destination's lock maximum", () => {
    const { stack } = appStack();
    const local = EncryptedVault.fromVaultName(stack, "Local", "local");
    const offsite = EncryptedVault.fromVaultArn(
      stack,
      "Offsite",
      `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:offsite`,
      { lock: { mode: ObjectLockMode.GOVERNANCE, minRetentionDays: 7, maxRetentionDays: 30 } },
    );
    expect(offsite.vaultName).toBe("offsite");
    expect(offsite.region).toBe("us-west-2");
    expect(
      () =>
        new TierBackupPlan(stack, "Plan", {
          rules: [
            {
              ruleName: "monthly",
              targetVault: local,
              schedule: DAILY,
              deleteAfterDays: 365,
              copyActions: [{ destinationVault: offsite, deleteAfterDays: 365 }],
            },
          ],
        }),
    ).toThrow(/GOV-019: .*copy action 1 keeps points 365 days, above the lock maximum of 30 days/);
  });

  it("imports existing vaults without creating anything; names stay accepted; a rule names exactly one target", () => {
    const { json, resources } = synthAws((s) => {
      const byName = EncryptedVault.fromVaultName(s, "ByName", "existing", { region: "us-east-1", accountId: ACCOUNT });
      expect(byName.vaultArn).toBe(`arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:existing`);
      new TierBackupPlan(s, "Plan", {
        planName: "p",
        rules: [
          { ruleName: "daily", targetVault: byName, schedule: DAILY, deleteAfterDays: 7 },
          { ruleName: "weekly", targetVaultName: "legacy", schedule: DAILY, deleteAfterDays: 28 },
        ],
      });
      expect(
        () =>
          new TierBackupPlan(s, "Both", {
            rules: [{ ruleName: "d", targetVault: byName, targetVaultName: "x", schedule: DAILY, deleteAfterDays: 7 }],
          }),
      ).toThrow(/AWS-042/);
      expect(
        () => new TierBackupPlan(s, "None", { rules: [{ ruleName: "d", schedule: DAILY, deleteAfterDays: 7 }] }),
      ).toThrow(/AWS-042/);
    });
    expect(ofType(resources, "aws_backup_vault")).toHaveLength(0);
    expect(json).toHaveResourceWithProperties(BackupPlan, {
      rule: [
        expect.objectContaining({ target_vault_name: "existing" }),
        expect.objectContaining({ target_vault_name: "legacy" }),
      ],
    });
  });

  it("refuses an ARN that is not a vault ARN (AWS-040) and a vault-less ImmutableVault as a target (AWS-041)", () => {
    const { stack } = appStack();
    expect(() => EncryptedVault.fromVaultArn(stack, "Bad", "arn:aws:s3:::bucket")).toThrow(/AWS-040: test\/Bad/);
    const bucketOnly = new ImmutableVault(stack, "BucketOnly", {
      mode: ObjectLockMode.GOVERNANCE,
      days: 7,
      accountId: ACCOUNT,
      createVault: false,
    });
    expect(() => bucketOnly.vaultName).toThrow(/AWS-041: test\/BucketOnly/);
  });
});

describe("TierBackupPlan tier presets", () => {
  it.each([
    [Classification.CRITICAL, TierBackupPlan.criticalTier],
    [Classification.IMPORTANT, TierBackupPlan.importantTier],
    [Classification.REBUILDABLE, TierBackupPlan.rebuildableTier],
  ])(
    "%s: one rule per retention class of the tier, kept as the catalog keeps them, tagged with the tier",
    (c, preset) => {
      const { stack } = appStack();
      const vault = EncryptedVault.fromVaultName(stack, "V", "vault");
      const plan = preset(stack, "Plan", { vault });
      const r = tierOf(c).retention;
      const expected: Record<string, number> = {
        daily: r.daily,
        weekly: 7 * r.weekly,
        monthly: Math.ceil((365 * r.monthly) / 12),
        yearly: 365 * r.yearly,
      };
      const got = Object.fromEntries(plan.backupRules.map((x) => [x.ruleName, x.deleteAfterDays]));
      expect(got).toEqual(Object.fromEntries(Object.entries(expected).filter(([, d]) => d > 0)));
      expect(plan.plan.tagsInput).toEqual({ [TIER_TAG]: c });
      // Rules of one plan never start at the same minute; monthly/yearly rules run on the 1st.
      const starts = plan.backupRules.map((x) => x.schedule.toAwsCron());
      expect(new Set(starts.map((s) => s.split(" ").slice(0, 2).join(" "))).size).toBe(starts.length);
      for (const x of plan.backupRules.filter((x) => x.ruleName === "monthly" || x.ruleName === "yearly"))
        expect(x.schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+ 1 /);
    },
  );

  it("critical tier with a sub-daily cadence adds the hourly rule covering 48 hours, and copies every point", () => {
    const { stack } = appStack();
    const vault = EncryptedVault.fromVaultName(stack, "V", "vault");
    const offsite = EncryptedVault.fromVaultArn(stack, "O", `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:offsite`);
    const plan = TierBackupPlan.criticalTier(stack, "Plan", { vault, copyTo: offsite, cadence: Cadence.hourly(4) });
    const hourly = plan.backupRules.find((x) => x.ruleName === "hourly")!;
    expect(hourly.deleteAfterDays).toBe(2);
    expect(hourly.schedule.cadence.intervalMinutes).toBe(240);
    for (const x of plan.backupRules)
      expect(x.copyActions).toEqual([{ destinationVault: offsite, deleteAfterDays: x.deleteAfterDays }]);
  });

  it("critical tier into a vault locked 14 days is accepted; locked 30 days it is refused with GOV-019", () => {
    const { stack } = appStack();
    const ok = new ImmutableVault(stack, "Ok", {
      mode: ObjectLockMode.COMPLIANCE,
      days: 14,
      accountId: ACCOUNT,
      createBucket: false,
    });
    expect(() => TierBackupPlan.criticalTier(stack, "Good", { vault: ok })).not.toThrow();
    const tooLong = new ImmutableVault(stack, "Long", {
      mode: ObjectLockMode.COMPLIANCE,
      days: 30,
      accountId: ACCOUNT,
      createBucket: false,
    });
    expect(() => TierBackupPlan.criticalTier(stack, "Bad", { vault: tooLong })).toThrow(
      /GOV-019: test\/Bad: rule `daily` keeps points 14 days/,
    );
  });
});

describe("selections and restore tests take the role and the vaults by reference", () => {
  it("TierBackupPlan.addSelection({ role }) and RestoreTestingPlan({ vaults }) wire ARNs and dependencies", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { BackupServiceRole } =
      require("../../lib/constructs/backup-service-role") as typeof import("../../lib/constructs/backup-service-role");
    const { RestoreTestingPlan } =
      require("../../lib/constructs/restore-testing-plan") as typeof import("../../lib/constructs/restore-testing-plan");
    const { AwsResourceType } = require("../../lib/policy/aws-backup") as typeof import("../../lib/policy/aws-backup");
    const { resources } = synthAws((s) => {
      const role = new BackupServiceRole(s, "Role");
      const vault = new ImmutableVault(s, "Locked", {
        mode: ObjectLockMode.COMPLIANCE,
        days: 14,
        accountId: ACCOUNT,
        createBucket: false,
        vaultName: "locked",
        region: "us-east-1",
      });
      const plan = TierBackupPlan.criticalTier(s, "Plan", { vault });
      plan.addSelection("Sel", { selectionName: "sel", role, resources: ["arn:aws:rds:us-east-1:123456789012:db:x"] });
      expect(() =>
        plan.addSelection("Both", {
          selectionName: "both",
          role,
          iamRoleArn: "arn:aws:iam::123456789012:role/x",
          resources: ["*"],
        }),
      ).toThrow(/AWS-043/);
      const drills = new RestoreTestingPlan(s, "Drills", {
        planName: "drills",
        schedule: Schedule.at(Cadence.weekly(), 480),
        vaults: [vault],
      });
      drills.addSelection("Rds", {
        selectionName: "rds",
        resourceType: AwsResourceType.RDS,
        role,
        protectedResourceArns: ["arn:aws:rds:us-east-1:123456789012:db:x"],
      });
    });
    expect(ofType(resources, "aws_backup_selection")[0].iam_role_arn).toMatch(/^\$\{aws_iam_role\.\w+\.arn\}$/);
    const rt = ofType(resources, "aws_backup_restore_testing_plan")[0];
    // A literal ARN (name, region and account known): the dependency comes from the reference instead.
    expect(rt.recovery_point_selection[0].include_vaults).toEqual([
      "arn:aws:backup:us-east-1:123456789012:backup-vault:locked",
    ]);
    expect(rt.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_backup_vault_lock_configuration\./)]),
    );
    expect(ofType(resources, "aws_backup_restore_testing_selection")[0].iam_role_arn).toMatch(
      /^\$\{aws_iam_role\.\w+\.arn\}$/,
    );
  });
});
