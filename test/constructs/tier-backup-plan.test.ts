import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { type BackupRuleProps, TierBackupPlan } from "../../lib/constructs/tier-backup-plan";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { appStack, ofType, synthAws } from "../support/aws-synth";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";

const DAILY = Schedule.at(Cadence.daily(), 90);
const ROLE = "arn:aws:iam::123456789012:role/backup";
const rule = (extra: Partial<BackupRuleProps> = {}): BackupRuleProps => ({
  ruleName: "daily",
  targetVaultName: "estate-standard",
  schedule: DAILY,
  deleteAfterDays: 14,
  ...extra,
});

describe("TierBackupPlan", () => {
  it("renders rules with schedule, windows, lifecycle and copy actions", () => {
    const { json } = synthAws((s) => {
      new TierBackupPlan(s, "Plan", {
        planName: "estate-critical",
        rules: [
          rule({
            copyActions: [
              {
                destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:estate-offsite",
                deleteAfterDays: 14,
              },
            ],
          }),
          rule({
            ruleName: "monthly",
            schedule: DAILY.onDayOfMonth(1),
            deleteAfterDays: 365,
            coldStorageAfterDays: 30,
          }),
        ],
      });
    });
    expect(json).toHaveResourceWithProperties(BackupPlan, {
      name: "estate-critical",
      rule: [
        expect.objectContaining({
          rule_name: "daily",
          target_vault_name: "estate-standard",
          schedule: "cron(30 1 * * ? *)",
          start_window: 60,
          completion_window: 10080,
          lifecycle: { delete_after: 14 },
          copy_action: [
            {
              destination_vault_arn: "arn:aws:backup:us-west-2:123456789012:backup-vault:estate-offsite",
              lifecycle: { delete_after: 14 },
            },
          ],
        }),
        expect.objectContaining({
          rule_name: "monthly",
          schedule: "cron(30 1 1 * ? *)",
          lifecycle: { delete_after: 365, cold_storage_after: 30 },
        }),
      ],
    });
  });

  it("takes rules added after construction (the rule list is produced at synth time)", () => {
    const { resources } = synthAws((s) => {
      const plan = new TierBackupPlan(s, "Plan", { planName: "estate-p" });
      plan.addRule(rule());
      plan.addRule(rule({ ruleName: "continuous", continuous: true, deleteAfterDays: 7 }));
    });
    const rules = ofType(resources, "aws_backup_plan")[0].rule;
    expect(rules.map((r: { rule_name: string }) => r.rule_name)).toEqual(["daily", "continuous"]);
    expect(rules[1].enable_continuous_backup).toBe(true);
  });

  it("selects by ARNs, and by tags with AND conditions (never selection_tag)", () => {
    const { json, resources } = synthAws((s) => {
      const plan = new TierBackupPlan(s, "Plan", { planName: "estate-p", rules: [rule()] });
      plan.addSelection("Arns", {
        selectionName: "estate-svc",
        iamRoleArn: ROLE,
        resources: ["arn:aws:rds:us-east-1:123456789012:db:x"],
      });
      plan.addSelection("Tags", {
        selectionName: "estate-svc-tags",
        iamRoleArn: ROLE,
        tags: { env: "prod", app: "billing" },
      });
    });
    expect(json).toHaveResourceWithProperties(BackupSelection, {
      name: "estate-svc",
      resources: ["arn:aws:rds:us-east-1:123456789012:db:x"],
      iam_role_arn: ROLE,
      plan_id: expect.stringMatching(/aws_backup_plan\..*\.id/),
    });
    const tags = ofType(resources, "aws_backup_selection").find((s) => s.name === "estate-svc-tags")!;
    expect(tags.resources).toEqual(["*"]);
    expect(tags.condition).toEqual([
      {
        string_equals: [
          { key: "aws:ResourceTag/app", value: "billing" },
          { key: "aws:ResourceTag/env", value: "prod" },
        ],
      },
    ]);
    for (const s of ofType(resources, "aws_backup_selection")) expect(s.selection_tag).toBeUndefined();
  });

  it("waits for vaults named only by literal", () => {
    const { resources } = synthAws((s) => {
      const vault = new EncryptedVault(s, "Offsite", {
        vaultName: "estate-offsite",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        region: "us-west-2",
        accountId: "123456789012",
      });
      const plan = new TierBackupPlan(s, "Plan", {
        planName: "estate-p",
        rules: [rule({ copyActions: [{ destinationVaultArn: vault.vaultArn, deleteAfterDays: 14 }] })],
      });
      plan.addDependency(vault.vault);
      plan.addDependency(vault.vault);
    });
    expect(ofType(resources, "aws_backup_plan")[0].depends_on).toEqual([
      expect.stringMatching(/^aws_backup_vault\.Offsite_/),
    ]);
  });

  it("fails synthesis of a plan without rules (AWS-017)", () => {
    const { app, stack } = appStack();
    new TierBackupPlan(stack, "Plan", { planName: "estate-empty" });
    expect(() => app.synth()).toThrow(/AWS-017/);
  });

  it.each<[string, () => void, RegExp]>([
    ["a bad plan name", () => synthAws((s) => new TierBackupPlan(s, "P", { planName: "has space" })), /AWS-010/],
    [
      "a bad rule name",
      () => synthAws((s) => new TierBackupPlan(s, "P", { planName: "p", rules: [rule({ ruleName: "no/slash" })] })),
      /AWS-011/,
    ],
    [
      "a duplicate rule name",
      () => synthAws((s) => new TierBackupPlan(s, "P", { planName: "p", rules: [rule(), rule()] })),
      /AWS-011.*already/,
    ],
    [
      "cold storage with fewer than 90 days left",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", {
              planName: "p",
              rules: [rule({ deleteAfterDays: 100, coldStorageAfterDays: 30 })],
            }),
        ),
      /AWS-012/,
    ],
    [
      "a copy action with cold storage too late",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", {
              planName: "p",
              rules: [
                rule({ copyActions: [{ destinationVaultArn: "v", deleteAfterDays: 60, coldStorageAfterDays: 1 }] }),
              ],
            }),
        ),
      /AWS-012.*copy action 1/,
    ],
    [
      "continuous retention over 35 days",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", { planName: "p", rules: [rule({ continuous: true, deleteAfterDays: 36 })] }),
        ),
      /AWS-013/,
    ],
    [
      "continuous with cold storage",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", {
              planName: "p",
              rules: [rule({ continuous: true, deleteAfterDays: 200, coldStorageAfterDays: 100 })],
            }),
        ),
      /AWS-013/,
    ],
    [
      "continuous rules into two vaults",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", {
              planName: "p",
              rules: [rule({ continuous: true }), rule({ ruleName: "c2", continuous: true, targetVaultName: "other" })],
            }),
        ),
      /AWS-013.*already writes/,
    ],
    [
      "a start window under 60 minutes",
      () => synthAws((s) => new TierBackupPlan(s, "P", { planName: "p", rules: [rule({ startWindowMinutes: 30 })] })),
      /AWS-014/,
    ],
    [
      "a completion window not after the start window",
      () =>
        synthAws(
          (s) =>
            new TierBackupPlan(s, "P", {
              planName: "p",
              rules: [rule({ startWindowMinutes: 120, completionWindowMinutes: 120 })],
            }),
        ),
      /AWS-014/,
    ],
    [
      "a selection with no ARNs and no tags",
      () =>
        synthAws((s) =>
          new TierBackupPlan(s, "P", { planName: "p", rules: [rule()] }).addSelection("S", {
            selectionName: "s",
            iamRoleArn: ROLE,
          }),
        ),
      /AWS-015/,
    ],
    [
      "a bad selection name",
      () =>
        synthAws((s) =>
          new TierBackupPlan(s, "P", { planName: "p", rules: [rule()] }).addSelection("S", {
            selectionName: "a".repeat(51),
            iamRoleArn: ROLE,
            resources: ["x"],
          }),
        ),
      /AWS-016/,
    ],
  ])("refuses %s", (_what, make, error) => {
    expect(make).toThrow(error);
  });
});

describe("TierBackupPlan periods as Durations (deleteAfterDays and coldStorageAfterDays deprecated)", () => {
  const build = (rule: Record<string, unknown>) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const plan = new TierBackupPlan(stack, "Plan", { planName: "plan" });
    plan.addRule({
      ruleName: "daily",
      targetVaultName: "v",
      schedule: Schedule.at(Cadence.daily(), 90),
      ...rule,
    } as never);
    return {
      plan,
      json: JSON.parse(Testing.synth(stack)) as {
        resource: {
          aws_backup_plan: Record<
            string,
            { rule: Array<{ lifecycle: unknown; copy_action?: Array<{ lifecycle: unknown }> }> }
          >;
        };
      },
    };
  };

  it("writes the same lifecycle from deleteAfter/coldStorageAfter as from the deprecated day counts", () => {
    const copy = { destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:copy" };
    const typed = build({
      deleteAfter: Duration.days(120),
      coldStorageAfter: Duration.days(30),
      copyActions: [{ ...copy, deleteAfter: Duration.days(120) }],
    });
    const old = build({
      deleteAfterDays: 120,
      coldStorageAfterDays: 30,
      copyActions: [{ ...copy, deleteAfterDays: 120 }],
    });
    const rule = (j: typeof typed.json) => Object.values(j.resource.aws_backup_plan)[0].rule[0];
    expect(rule(typed.json)).toEqual(rule(old.json));
    expect(rule(typed.json).lifecycle).toEqual({ delete_after: 120, cold_storage_after: 30 });
    expect(typed.plan.backupRules[0].deleteAfterDays).toBe(120);
  });

  it("refuses both spellings (CON-009), neither (CON-001), and a part day (CON-006)", () => {
    expect(() => build({ deleteAfter: Duration.days(7), deleteAfterDays: 7 })).toThrow(/CON-009/);
    expect(() => build({})).toThrow(/CON-001: stack\/Plan: rule daily needs `deleteAfter`/);
    expect(() => build({ deleteAfter: Duration.hours(36) })).toThrow(/CON-006/);
  });
});
