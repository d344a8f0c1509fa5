import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BackupServiceRole } from "../../lib/constructs/backup-service-role";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

describe("BackupServiceRole", () => {
  it("is assumed by AWS Backup and carries the managed backup and restore policies only", () => {
    const { json, resources } = synthAws((s) => new BackupServiceRole(s, "Role", { roleName: "estate-aws-backup" }));
    expect(json).toHaveResourceWithProperties(IamRole, { name: "estate-aws-backup" });
    expect(policyOf(ofType(resources, "aws_iam_role")[0].assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(ofType(resources, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(ofType(resources, "aws_iam_role_policy")).toHaveLength(0);
  });

  it("adds the S3 backup and restore policies when S3 is selected, in the region's partition", () => {
    const role = { arns: [] as readonly string[] };
    const { resources } = synthAws((s) => {
      role.arns = new BackupServiceRole(s, "Role", { s3: true, partition: "aws-us-gov" }).managedPolicyArns;
    });
    expect(ofType(resources, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual(role.arns);
    expect(role.arns).toEqual([
      "arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      "arn:aws-us-gov:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:aws-us-gov:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    ]);
  });
});
