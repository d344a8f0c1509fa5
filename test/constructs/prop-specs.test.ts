import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "../../lib/core/cdk";
import { BackupMonitoring } from "../../lib/constructs/backup-monitoring";
import { BackupKey } from "../../lib/constructs/backup-key";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { BackupBucket } from "../../lib/constructs/backup-bucket";
import { PROP_SPECS } from "../../lib/private/prop-specs";

const DIR = join(__dirname, "..", "..", "lib", "constructs");

/** Each `<Class>Props` interface of lib/constructs: its members and the required ones, read with the TypeScript parser. */
function interfaces(): Map<string, { known: string[]; required: string[] }> {
  const out = new Map<string, { known: string[]; required: string[] }>();
  for (const f of readdirSync(DIR).filter((x) => x.endsWith(".ts"))) {
    const src = ts.createSourceFile(f, readFileSync(join(DIR, f), "utf8"), ts.ScriptTarget.ES2022, true);
    src.forEachChild((n) => {
      if (!ts.isInterfaceDeclaration(n) || !n.name.text.endsWith("Props")) return;
      const members = n.members.filter(ts.isPropertySignature);
      out.set(n.name.text.replace(/Props$/, ""), {
        known: members.map((m) => m.name.getText(src)),
        required: members.filter((m) => !m.questionToken).map((m) => m.name.getText(src)),
      });
    });
  }
  return out;
}

describe("run-time prop checks of the constructs", () => {
  const found = interfaces();
  it.each(Object.keys(PROP_SPECS))(
    "%s: the table lists exactly the Props interface's members and its required ones",
    (name) => {
      const i = found.get(name)!;
      expect(i).toBeDefined();
      expect([...PROP_SPECS[name].known].sort()).toEqual([...i.known].sort());
      expect(Object.keys(PROP_SPECS[name].required).sort()).toEqual([...i.required].sort());
    },
  );

  const stack = () => {
    const s = new TerraformStack(Testing.app(), "stack");
    new AwsProvider(s, "aws", { region: "us-east-1" });
    return s;
  };
  const js = (x: unknown) => x as never;

  it("BackupMonitoring without accountId: CON-001 naming the construct, never arn:aws:iam::undefined:root", () => {
    expect(
      () => new BackupMonitoring(stack(), "Monitoring", js({ estate: "homelab", emails: ["ops@example.com"] })),
    ).toThrow(/CON-001: stack\/Monitoring: BackupMonitoring needs `accountId`/);
  });
  it("BackupMonitoring with `email` for `emails`: CON-003 with the suggestion, not a topic without subscriptions", () => {
    expect(
      () =>
        new BackupMonitoring(
          stack(),
          "Monitoring",
          js({ estate: "homelab", accountId: "123456789012", email: ["ops@example.com"] }),
        ),
    ).toThrow(/CON-003: stack\/Monitoring: BackupMonitoring has no prop `email`.*did you mean `emails`/);
  });
  it("EncryptedVault without kmsKeyArn, BackupBucket with a numeric name, BackupKey without props: coded errors", () => {
    expect(() => new EncryptedVault(stack(), "Vault", js({ vaultName: "v" }))).toThrow(
      /CON-001: stack\/Vault: EncryptedVault needs `kmsKeyArn`/,
    );
    expect(
      () =>
        new BackupBucket(
          stack(),
          "Bucket",
          js({ bucketName: 42, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/x" }),
        ),
    ).toThrow(/CON-002: stack\/Bucket: BackupBucket: `bucketName` is not a non-empty string; received 42/);
    expect(() => new BackupKey(stack(), "Key", js(undefined))).toThrow(/CON-001: stack\/Key: BackupKey needs `props`/);
  });
  it("refuses literals of the wrong format at construction (CON-002), and lets tokens through", () => {
    expect(() => new BackupKey(stack(), "Key", js({ accountId: "12345" }))).toThrow(
      /CON-002: stack\/Key: BackupKey: `accountId` is not a 12-digit AWS account id; received "12345"/,
    );
    expect(() => new EncryptedVault(stack(), "Vault", js({ vaultName: "v", kmsKeyArn: "alias/backup" }))).toThrow(
      /CON-002: .*kmsKeyArn/,
    );
    expect(
      () =>
        new EncryptedVault(
          stack(),
          "Vault",
          js({ vaultName: "v", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/x", region: "us east 1" }),
        ),
    ).toThrow(/CON-002: .*`region` is not an AWS Region code/);
    const s = stack();
    const key = new BackupKey(s, "Key", { accountId: "123456789012" });
    expect(() => new EncryptedVault(s, "Vault", { vaultName: "vault", kmsKeyArn: key.keyArn })).not.toThrow();
  });
});
