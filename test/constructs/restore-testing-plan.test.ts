import { BackupRestoreTestingPlan } from "@cdktf/provider-aws/lib/backup-restore-testing-plan";
import { BackupRestoreTestingSelection } from "@cdktf/provider-aws/lib/backup-restore-testing-selection";
import {
  RecoveryPointType,
  RestoreTestingAlgorithm,
  RestoreTestingPlan,
} from "../../lib/constructs/restore-testing-plan";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { AwsResourceType } from "../../lib/policy/aws-backup";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ofType, synthAws } from "../support/aws-synth";

const WEEKLY = Schedule.at(Cadence.weekly(), 6 * 1440 + 8 * 60);
const ROLE = "arn:aws:iam::123456789012:role/backup";

describe("RestoreTestingPlan", () => {
  it("picks the latest snapshot of the window from the given vaults on its schedule", () => {
    const { json } = synthAws(
      (s) =>
        new RestoreTestingPlan(s, "Weekly", {
          planName: "estate_weekly",
          schedule: WEEKLY,
          includeVaults: ["arn:aws:backup:us-east-1:123456789012:backup-vault:v"],
          selectionWindowDays: 7,
        }),
    );
    expect(json).toHaveResourceWithProperties(BackupRestoreTestingPlan, {
      name: "estate_weekly",
      schedule_expression: "cron(0 8 ? * SUN *)",
      start_window_hours: 24,
      recovery_point_selection: [
        {
          algorithm: "LATEST_WITHIN_WINDOW",
          include_vaults: ["arn:aws:backup:us-east-1:123456789012:backup-vault:v"],
          recovery_point_types: ["SNAPSHOT"],
          selection_window_days: 7,
        },
      ],
    });
  });

  it("tests resources by ARN or by tag conditions, one resource type per selection", () => {
    const { json, resources } = synthAws((s) => {
      const plan = new RestoreTestingPlan(s, "P", {
        planName: "estate_monthly",
        schedule: WEEKLY,
        algorithm: RestoreTestingAlgorithm.RANDOM_WITHIN_WINDOW,
        recoveryPointTypes: [RecoveryPointType.SNAPSHOT, RecoveryPointType.CONTINUOUS],
      });
      plan.addSelection("Rds", {
        selectionName: "billing_rds",
        resourceType: AwsResourceType.RDS,
        iamRoleArn: ROLE,
        protectedResourceArns: ["arn:aws:rds:us-east-1:123456789012:db:billing"],
      });
      plan.addSelection("Ddb", {
        selectionName: "shop_dynamodb_tags",
        resourceType: AwsResourceType.DYNAMODB,
        iamRoleArn: ROLE,
        tags: { app: "shop" },
        validationWindowHours: 4,
      });
    });
    expect(json).toHaveResourceWithProperties(BackupRestoreTestingSelection, {
      name: "billing_rds",
      protected_resource_type: "RDS",
      protected_resource_arns: ["arn:aws:rds:us-east-1:123456789012:db:billing"],
      validation_window_hours: 24,
      restore_testing_plan_name: expect.stringMatching(/aws_backup_restore_testing_plan\..*\.name/),
    });
    const ddb = ofType(resources, "aws_backup_restore_testing_selection").find((x) => x.name === "shop_dynamodb_tags")!;
    expect(ddb.protected_resource_conditions).toEqual([
      { string_equals: [{ key: "aws:ResourceTag/app", value: "shop" }] },
    ]);
    expect(ddb.protected_resource_arns).toBeUndefined();
    expect(ddb.validation_window_hours).toBe(4);
    expect(ofType(resources, "aws_backup_restore_testing_plan")[0].recovery_point_selection[0]).toMatchObject({
      algorithm: "RANDOM_WITHIN_WINDOW",
      include_vaults: ["*"],
      recovery_point_types: ["SNAPSHOT", "CONTINUOUS"],
    });
  });

  const plan = (s: Parameters<Parameters<typeof synthAws>[0]>[0]) =>
    new RestoreTestingPlan(s, "P", { planName: "p", schedule: WEEKLY });
  it.each<[string, Parameters<typeof synthAws>[0], RegExp]>([
    [
      "a hyphen in the plan name",
      (s) => new RestoreTestingPlan(s, "P", { planName: "estate-weekly", schedule: WEEKLY }),
      /AWS-018/,
    ],
    [
      "a hyphen in a selection name",
      (s) =>
        plan(s).addSelection("S", {
          selectionName: "svc-rds",
          resourceType: AwsResourceType.RDS,
          iamRoleArn: ROLE,
          protectedResourceArns: ["a"],
        }),
      /AWS-018/,
    ],
    [
      "a start window over a week",
      (s) => new RestoreTestingPlan(s, "P", { planName: "p", schedule: WEEKLY, startWindowHours: 169 }),
      /AWS-019.*startWindowHours/,
    ],
    [
      "a selection window over a year",
      (s) => new RestoreTestingPlan(s, "P", { planName: "p", schedule: WEEKLY, selectionWindowDays: 366 }),
      /AWS-019.*selectionWindowDays/,
    ],
    [
      "a validation window of 0 hours",
      (s) =>
        plan(s).addSelection("S", {
          selectionName: "x",
          resourceType: AwsResourceType.RDS,
          iamRoleArn: ROLE,
          protectedResourceArns: ["a"],
          validationWindowHours: 0,
        }),
      /AWS-019/,
    ],
    [
      "ARNs and tags together",
      (s) =>
        plan(s).addSelection("S", {
          selectionName: "x",
          resourceType: AwsResourceType.RDS,
          iamRoleArn: ROLE,
          protectedResourceArns: ["a"],
          tags: { a: "b" },
        }),
      /AWS-020.*not both/,
    ],
    [
      "neither ARNs nor tags",
      (s) => plan(s).addSelection("S", { selectionName: "x", resourceType: AwsResourceType.RDS, iamRoleArn: ROLE }),
      /AWS-020/,
    ],
    [
      "a type restore testing does not support",
      (s) =>
        plan(s).addSelection("S", {
          selectionName: "x",
          resourceType: AwsResourceType.REDSHIFT,
          iamRoleArn: ROLE,
          tags: { a: "b" },
        }),
      /AWS-020.*Redshift/,
    ],
    [
      "two selections of one name",
      (s) => {
        const p = plan(s);
        p.addSelection("A", {
          selectionName: "x",
          resourceType: AwsResourceType.RDS,
          iamRoleArn: ROLE,
          protectedResourceArns: ["a"],
        });
        p.addSelection("B", {
          selectionName: "x",
          resourceType: AwsResourceType.EFS,
          iamRoleArn: ROLE,
          protectedResourceArns: ["b"],
        });
      },
      /AWS-020.*already/,
    ],
  ])("refuses %s", (_what, build, error) => {
    expect(() => synthAws(build)).toThrow(error);
  });
});

describe("RestoreTestingPlan dependencies", () => {
  it("waits, once, for vaults it names by literal ARN", () => {
    const { resources } = synthAws((s) => {
      const v = new EncryptedVault(s, "Vault", {
        vaultName: "estate-v",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        region: "us-east-1",
        accountId: "123456789012",
      });
      const p = new RestoreTestingPlan(s, "P", {
        planName: "estate_weekly",
        schedule: WEEKLY,
        includeVaults: [v.vaultArn],
      });
      p.addDependency(v.vault);
      p.addDependency(v.vault);
    });
    expect(ofType(resources, "aws_backup_restore_testing_plan")[0].depends_on).toEqual([
      expect.stringMatching(/^aws_backup_vault\.Vault_/),
    ]);
  });
});
