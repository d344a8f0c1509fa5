/**
 * The IAM identities of app-level backups against the real hashicorp/aws provider, offline:
 * `terraform validate` and `terraform plan` of an IAM user and of a Roles Anywhere role and
 * profile, each scoped to one S3 prefix, and of both on a bucket with Object Lock (with the
 * extension policy lock-extend.sh uses).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AppBackup, AppBackupCredentials, AppBackupDestination } from "../../lib/constructs/app-backup";
import { TerraformStack, Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine } from "../../lib/core/vocabulary";
import { S3_LOCATION } from "../artifacts/app/fixtures";

jest.setTimeout(120_000);

const RC = join(__dirname, "..", "..", ".tmp", "terraform-offline.rc");

describe("AppBackup IAM with the real provider (offline)", () => {
  let synthesized: string;
  let json: { resource: Record<string, Record<string, { name?: string }>> };

  beforeAll(() => {
    // global-setup ran scripts/tf-offline.sh, which wrote this CLI config pointing at the provider mirror.
    if (!existsSync(RC))
      throw new Error(`${RC} is missing: run the terraform jest project (its global setup writes it)`);
    process.env.TF_CLI_CONFIG_FILE = RC;
    const app = Testing.app();
    const stack = new TerraformStack(app, "app-backup-iam");
    new AwsProvider(stack, "Aws", {
      region: "us-east-1",
      accessKey: "AKIAOFFLINEPLANTEST0",
      secretKey: "offline-plan-not-a-secret",
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: "true",
      skipRegionValidation: true,
    });
    const base = {
      estate: "homelab",
      host: "db.internal",
      engine: AppEngine.POSTGRESQL,
      database: "app",
      retention: Retention.of({ daily: 7 }),
      rpo: Duration.parse("4h"),
      rto: Duration.parse("2h"),
      destination: AppBackupDestination.s3(S3_LOCATION),
    };
    new AppBackup(stack, "UserBackup", { ...base, serviceId: "with-user" });
    new AppBackup(stack, "RolesAnywhereBackup", {
      ...base,
      serviceId: "with-role",
      credentials: AppBackupCredentials.rolesAnywhere(
        "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/11111111-2222-3333-4444-555555555555",
      ),
    });
    // On a bucket with Object Lock, each identity also gets its capped, bypass-denying extension policy.
    const locked = AppBackupDestination.s3({
      ...S3_LOCATION,
      prefix: "locked/",
      objectLock: { mode: "GOVERNANCE", days: 30 },
    });
    new AppBackup(stack, "LockedUserBackup", { ...base, serviceId: "locked-user", destination: locked });
    new AppBackup(stack, "LockedRoleBackup", {
      ...base,
      serviceId: "locked-role",
      destination: locked,
      credentials: AppBackupCredentials.rolesAnywhere(
        "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/11111111-2222-3333-4444-555555555555",
      ),
    });
    synthesized = Testing.fullSynth(stack);
    json = JSON.parse(Testing.synth(stack)) as typeof json;
  });

  it("validates", () => {
    expect(
      Object.values(json.resource.aws_iam_user_policy).filter((p) => p.name === "object-lock-extension"),
    ).toHaveLength(1);
    expect(
      Object.values(json.resource.aws_iam_role_policy).filter((p) => p.name === "object-lock-extension"),
    ).toHaveLength(1);
    expect(synthesized).toBeValidTerraform();
  });

  it("plans", () => {
    expect(synthesized).toPlanSuccessfully();
  });
});
