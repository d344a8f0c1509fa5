import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { BackupKey, KEY_ADMIN_AND_USE_ACTIONS } from "../../lib/constructs/backup-key";
import { isWildcardAction, PolicyEffect } from "../../lib/core/iam-policy";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

describe("BackupKey", () => {
  it("creates a rotating key with a 30-day deletion window and deletion protection", () => {
    // GIVEN / WHEN
    const { json } = synthAws((s) => new BackupKey(s, "Key", { accountId: "123456789012", alias: "estate-backup" }));
    // THEN
    expect(json).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: "alias/estate-backup" });
  });

  it("names every action of its policy and lets the account administer the key", () => {
    const { resources } = synthAws((s) => new BackupKey(s, "Key", { accountId: "123456789012" }));
    const policy = policyOf(ofType(resources, "aws_kms_key")[0].policy);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
    });
    expect(policy.Statement[0].Action).toEqual(
      expect.arrayContaining(["kms:PutKeyPolicy", "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]),
    );
    for (const a of KEY_ADMIN_AND_USE_ACTIONS) expect(isWildcardAction(a) || a.includes("*")).toBe(false);
  });

  it("adds statements given in props and through addToPolicy (rendered at synth time)", () => {
    const { resources } = synthAws((s) => {
      const key = new BackupKey(s, "Key", {
        accountId: "123456789012",
        statements: [
          {
            sid: "One",
            effect: PolicyEffect.ALLOW,
            principals: { service: ["cloudtrail.amazonaws.com"] },
            actions: ["kms:DescribeKey"],
            resources: ["*"],
          },
        ],
      });
      key.addToPolicy({
        sid: "Two",
        effect: PolicyEffect.ALLOW,
        principals: { service: ["logs.amazonaws.com"] },
        actions: ["kms:Encrypt"],
        resources: ["*"],
      });
    });
    const sids = policyOf(ofType(resources, "aws_kms_key")[0].policy).Statement.map((s) => s.Sid);
    expect(sids).toEqual(["AccountAdministersAndDelegatesUse", "One", "Two"]);
  });

  it("can drop deletion protection for throw-away estates", () => {
    const { json } = synthAws((s) => new BackupKey(s, "Key", { accountId: "123456789012", preventDestroy: false }));
    expect(json).toHaveResourceWithProperties(KmsKey, { lifecycle: { prevent_destroy: false } });
  });

  it.each([6, 31, 7.5])("refuses a deletion window of %p days with AWS-001", (days) => {
    expect(() =>
      synthAws((s) => new BackupKey(s, "Key", { accountId: "123456789012", deletionWindowInDays: days })),
    ).toThrow(/AWS-001/);
  });
});
