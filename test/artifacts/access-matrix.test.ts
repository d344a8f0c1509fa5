import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  breakGlassOf,
  Capability,
  accessOf,
  canDestroyLockedData,
  MATRIX_BLIND_SPOTS,
  renderAccessMatrix,
  resourceDenials,
  unnamedRestorers,
} from "../../lib/artifacts/access-matrix";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { validateCatalogFile } from "../../lib/governance/validate";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { DEFAULT_CATALOG, ROOT } from "../support/catalogs";
import { scratch } from "../support/tools";

function synthesized(file: string) {
  const out = scratch("access");
  const r = synthesizeCatalog(file, out);
  const aws = r.stacks.find((s) => s.endsWith("-aws"))!;
  return { out, stacks: { [aws]: JSON.parse(readFileSync(join(out, "stacks", aws, "cdk.tf.json"), "utf8")) } };
}

/** A stack holding one role with one inline policy. */
function oneRole(actions: string[], name: string | null = "ops-admin", resource = "arn:aws:s3:::estate-app/*") {
  return {
    s: {
      resource: {
        aws_iam_role: {
          R: {
            ...(name ? { name } : {}),
            assume_role_policy: JSON.stringify({
              Statement: [
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" },
              ],
            }),
          },
        },
        aws_iam_role_policy: {
          P: {
            role: "${aws_iam_role.R.name}",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: actions, Resource: resource }],
            }),
          },
        },
      },
    },
  };
}

describe("the access matrix, rendered by synthesis", () => {
  it("includes what stack code adds after the estate is built, and renders the AWS stack once per synth", () => {
    const app = Testing.app();
    const estate = Estate.fromReport(app, validateCatalogFile(DEFAULT_CATALOG));
    const aws = estate.awsStack!;
    new IamRole(aws, "AddedByStackCode", {
      name: "added-by-stack-code",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicy: [
        {
          name: "read",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "backup:ListRecoveryPointsByBackupVault", Resource: "*" }],
          }),
        },
      ],
    });
    const render = jest.spyOn(aws, "toTerraform");
    app.synth();
    expect(render).toHaveBeenCalledTimes(1);
    const matrix = estate.artifacts.get("access-matrix.md")!.content as string;
    expect(render).toHaveBeenCalledTimes(1); // the document came from synthesis's rendering
    expect(matrix).toContain("added-by-stack-code");
  });

  it("renders the stack itself when read before synthesis", () => {
    const estate = Estate.fromReport(Testing.app(), validateCatalogFile(DEFAULT_CATALOG));
    expect(estate.artifacts.get("access-matrix.md")!.content).toMatch(/^# /);
  });
});

describe("the access matrix of the default catalog", () => {
  const { out, stacks } = synthesized(DEFAULT_CATALOG);
  const access = accessOf(stacks);

  it("is written by synth, from the synthesized configuration", () => {
    expect(readFileSync(join(out, "artifacts", "access-matrix.md"), "utf8")).toBe(
      renderAccessMatrix("homelab", stacks),
    );
  });

  it("lists every role and user the AWS stack creates", () => {
    const json = Object.values(stacks)[0] as { resource: Record<string, Record<string, { name?: string }>> };
    const names = [
      ...Object.values(json.resource.aws_iam_role ?? {}),
      ...Object.values(json.resource.aws_iam_user ?? {}),
    ]
      .map((r) => r.name)
      .sort();
    expect(access.map((p) => p.name).sort()).toEqual(names);
  });

  it("confines each app-backup user to its own prefix (read from its policy document data source)", () => {
    for (const p of access.filter((x) => x.kind === "user")) {
      const service = p.name.replace(/^homelab-app-/, "");
      const buckets = [...p.grants.keys()].filter((t) => t.startsWith("bucket "));
      expect(buckets.length).toBeGreaterThan(0);
      for (const b of buckets) expect(b).toMatch(new RegExp(` ${service}/\\*$`));
      expect([...p.grants.values()].some((c) => c.has(Capability.RESTORE))).toBe(true);
    }
  });

  it("gives AWS Backup's role backup and restore through the managed policies, trusted only by AWS Backup", () => {
    const role = access.find((p) => p.name === "homelab-aws-backup")!;
    expect(role.trustedBy).toEqual(["backup.amazonaws.com"]);
    // Source: AWS Backup Developer Guide, "AWS managed policies for AWS Backup": AWSBackupServiceRolePolicyForBackup deletes
    // the recovery points it created at the end of their lifecycle (ec2:DeleteSnapshot, rds:DeleteDBSnapshot, ...) and
    // uses the resources' KMS keys; the restore policies decrypt what they restore. Empty cells there over-claimed.
    // AWSBackupServiceRolePolicyForS3Restore also grants s3:DeleteObject on every bucket: a delete marker (its documentation page).
    expect([...role.grants.get("* (AWS managed policy)")!].sort()).toEqual(
      [
        Capability.BACKUP,
        Capability.RESTORE,
        Capability.DELETE_MARKER,
        Capability.DELETE_VERSION,
        Capability.DECRYPT,
      ].sort(),
    );
  });

  it("lists what every bucket and vault policy denies: plain HTTP on each bucket, manual deletion in each vault", () => {
    const json = Object.values(stacks)[0] as {
      resource: Record<string, Record<string, { bucket?: string; name?: string }>>;
    };
    const denials = resourceDenials(stacks);
    for (const b of Object.values(json.resource.aws_s3_bucket)) {
      // From inline JSON (BackupBucket) and from policy document data sources (the report bucket) alike.
      expect(
        denials.filter((d) => d.on === `bucket ${b.bucket}` && d.condition === "Bool aws:SecureTransport=false").length,
      ).toBe(1);
    }
    for (const v of Object.values(json.resource.aws_backup_vault)) {
      expect(denials).toContainEqual(
        expect.objectContaining({
          on: `vault ${v.name}`,
          actions: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
        }),
      );
    }
  });

  it("states what it cannot see, and that an account administrator can restore and delete unless a resource policy denies it; key deletion only by the break-glass role", () => {
    const md = renderAccessMatrix("homelab", stacks);
    expect(md).toContain("## What this matrix cannot see");
    for (const b of MATRIX_BLIND_SPOTS) expect(md).toContain(b);
    expect(md).toMatch(/\| account administrator \(not created here\) \| every bucket, vault and key \|/);
    expect(md).toContain("`backup:StartRestoreJob` and `iam:PassRole`");
    // The default catalog names aws.breakGlassPrincipal: every key denies disabling and deletion to anyone else.
    expect(breakGlassOf(stacks)).toBe("arn:aws:iam::123456789012:role/backup-break-glass");
    expect(md).toContain("only `arn:aws:iam::123456789012:role/backup-break-glass`");
    expect(md).not.toContain("Restore rights are held only by named roles and users.");
  });

  it("flags nobody: no principal can delete recovery points and change a lock, and every restorer is named", () => {
    expect(access.filter(canDestroyLockedData)).toEqual([]);
    expect(unnamedRestorers(access)).toEqual([]);
  });
});

describe("the access matrix reads what the policies say", () => {
  it("flags a principal that can delete versions and change retention", () => {
    const [p] = accessOf(oneRole(["s3:DeleteObjectVersion", "s3:PutObjectRetention"]));
    expect(canDestroyLockedData(p)).toBe(true);
    expect(renderAccessMatrix("x", oneRole(["s3:DeleteObjectVersion", "s3:PutObjectRetention"]))).toMatch(
      /⚠ Can both delete recovery points and change or bypass locks: `ops-admin`/,
    );
  });

  it("flags deleting versions with the governance bypass, and a service wildcard", () => {
    expect(canDestroyLockedData(accessOf(oneRole(["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]))[0])).toBe(
      true,
    );
    expect(canDestroyLockedData(accessOf(oneRole(["s3:*"]))[0])).toBe(true);
    expect(
      canDestroyLockedData(
        accessOf(
          oneRole(
            ["backup:DeleteRecoveryPoint", "backup:PutBackupVaultLockConfiguration"],
            "ops",
            "arn:aws:backup:us-east-1:123456789012:backup-vault:v",
          ),
        )[0],
      ),
    ).toBe(true);
  });

  it("does not flag a delete marker writer (s3:DeleteObject on a versioned bucket)", () => {
    const [p] = accessOf(oneRole(["s3:DeleteObject", "s3:PutObjectRetention"]));
    expect([...p.grants.get("bucket estate-app *")!].sort()).toEqual(
      [Capability.CHANGE_LOCK, Capability.DELETE_MARKER].sort(),
    );
    expect(canDestroyLockedData(p)).toBe(false);
  });

  it("flags restore rights of a role without a name", () => {
    const access = accessOf(oneRole(["s3:GetObject"], null));
    expect(unnamedRestorers(access)).toHaveLength(1);
    expect(renderAccessMatrix("x", oneRole(["s3:GetObject"], null))).toMatch(
      /⚠ Restore rights held by principals without a name/,
    );
  });
});

describe("the access matrix of the Kubernetes example", () => {
  const { stacks } = synthesized(join(ROOT, "examples", "kubernetes.yaml"));
  it("shows each cluster's Velero user on its own prefix, able to write and read but not to destroy locked data", () => {
    const access = accessOf(stacks);
    const prod = access.find((p) => p.name === "kubeshop-velero-prod")!;
    const bucket = [...prod.grants.keys()].find(
      (k) => k.startsWith("bucket kubeshop-velero-compliance") && !k.includes("replica"),
    )!;
    expect(bucket).toMatch(/ prod\/\*$/);
    expect([...prod.grants.get(bucket)!].sort()).toEqual(
      [Capability.BACKUP, Capability.RESTORE, Capability.DELETE_MARKER].sort(),
    );
    expect(canDestroyLockedData(prod)).toBe(false);
  });
});
