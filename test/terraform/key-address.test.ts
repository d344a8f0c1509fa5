/**
 * BackupMonitoring's topic key is now built by BackupKey. A deployed key has prevent_destroy,
 * and a key removed from the configuration is not protected by it: Terraform would schedule
 * its deletion. So the key must keep its address. Proved on a real plan: a state that holds
 * the key (and its alias) where the previous version put them plans an update in place, no
 * create and no delete.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupMonitoring } from "../../lib/constructs/backup-monitoring";
import { App, TerraformStack } from "../../lib/core/cdk";
import { planStackOffline } from "../../lib/private/offline-plan";

jest.setTimeout(180_000);

const ACCOUNT = "123456789012";
// The addresses the previous release gave the key and the alias (cdktf ids of Monitoring/Key
// and Monitoring/KeyAlias, as in its synthesized JSON).
const KEY = "aws_kms_key.Monitoring_Key_F01ECDBE";
const ALIAS = "aws_kms_alias.Monitoring_KeyAlias_E354741C";

function priorState(): object {
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
  const instance = (attributes: Record<string, unknown>) => [
    { schema_version: 0, attributes, sensitive_attributes: [] },
  ];
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "0a1b2c3d-0000-4000-8000-000000000001",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_kms_key",
        name: KEY.split(".")[1],
        provider,
        instances: instance({
          id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
          key_id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
          arn: keyArn,
          description: "Encrypts the backup alert topic (and audit reports) of estate lab",
          enable_key_rotation: true,
          deletion_window_in_days: 30,
          is_enabled: true,
          key_usage: "ENCRYPT_DECRYPT",
          customer_master_key_spec: "SYMMETRIC_DEFAULT",
          multi_region: false,
          bypass_policy_lockout_safety_check: false,
          rotation_period_in_days: 365,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "kms:DescribeKey",
                Resource: "*",
              },
            ],
          }),
          tags: {},
          tags_all: {},
        }),
      },
      {
        mode: "managed",
        type: "aws_kms_alias",
        name: ALIAS.split(".")[1],
        provider,
        instances: instance({
          id: "alias/lab-backup-alerts",
          name: "alias/lab-backup-alerts",
          arn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/lab-backup-alerts`,
          target_key_id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
          target_key_arn: keyArn,
        }),
      },
    ],
  };
}

describe("the topic key keeps its Terraform address (a deployed key is updated, never replaced)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "key-address-"));
  let changes: Array<{ address: string; change: { actions: string[] } }>;

  beforeAll(() => {
    const app = new App({ outdir: join(tmp, "out") });
    const stack = new TerraformStack(app, "monitoring");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new BackupMonitoring(stack, "Monitoring", { estate: "lab", accountId: ACCOUNT, emails: ["ops@example.com"] });
    app.synth();
    const work = join(tmp, "work");
    mkdirSync(join(work, "monitoring"), { recursive: true });
    writeFileSync(join(work, "monitoring", "terraform.tfstate"), JSON.stringify(priorState()));
    const r = planStackOffline(join(tmp, "out", "stacks", "monitoring"), {
      workRoot: work,
      pluginMirror: process.env.TF_PLUGIN_MIRROR,
    });
    if (r.error) throw new Error(r.error);
    changes = JSON.parse(readFileSync(join(r.workDir, "plan.json"), "utf8")).resource_changes;
  });

  it("plans the key as an update in place at its old address (the key policy is BackupKey's now)", () => {
    expect(changes.find((c) => c.address === KEY)!.change.actions).toEqual(["update"]);
  });

  it("creates and deletes no key and no alias", () => {
    const keys = changes.filter((c) => c.address.startsWith("aws_kms_"));
    expect(keys.map((c) => [c.address, c.change.actions])).toEqual(expect.arrayContaining([[KEY, ["update"]]]));
    for (const c of keys) expect(c.change.actions.some((a) => a === "create" || a === "delete")).toBe(false);
    expect(changes.find((c) => c.address === ALIAS)?.change.actions ?? ["no-op"]).not.toContain("create");
  });
});
