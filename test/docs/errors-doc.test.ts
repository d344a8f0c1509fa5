import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Errors } from "../../lib/errors";
import { renderErrorsDoc } from "../../lib/private/generated-docs";

// What a message shows when a factory computes with a placeholder or misses an argument.
const BROKEN = /NaN|undefined|\bnull\b|\[object |Infinity|xvalue|-\d+ days|at most -/;

describe("docs/errors.md renders every message as a user reads it", () => {
  it("has no NaN, undefined or mangled placeholders (rendered and committed)", () => {
    const rendered = renderErrorsDoc();
    const committed = readFileSync(join(__dirname, "..", "..", "docs", "errors.md"), "utf8");
    for (const text of [rendered, committed]) {
      const bad = text.split("\n").filter((l) => BROKEN.test(l));
      expect(bad).toEqual([]);
    }
    // Every factory is documented.
    for (const name of Object.keys(Errors)) expect(rendered).toContain(`\`${name}\``);
  });

  it("the detector itself catches the placeholders it is meant to catch", () => {
    expect("Allowed: 0..NaN minutes").toMatch(BROKEN);
    expect('fix: rename it, e.g. "xvalue-"').toMatch(BROKEN);
    expect("guest 204 on host pve is enrolled twice (a and undefined)").toMatch(BROKEN);
  });

  it("AWS-012 never suggests a negative cold-storage day at run time", () => {
    const e = Errors.coldStorageTooLate("rule `daily`", 30, 10);
    expect(e.message).not.toMatch(BROKEN);
    expect(e.message).toMatch(/keep points at least 100 days, or drop coldStorageAfterDays/);
    expect(Errors.coldStorageTooLate("rule `m`", 120, 60).message).toMatch(/at most 30/);
  });
});

describe("construct errors name the construct path", () => {
  it("an error a construct throws starts with its path; the error class and code stay", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { Testing, TerraformStack } = require("../../lib/core/cdk") as typeof import("../../lib/core/cdk");
    const { EncryptedVault } =
      require("../../lib/constructs/encrypted-vault") as typeof import("../../lib/constructs/encrypted-vault");
    const { BackupKey } =
      require("../../lib/constructs/backup-key") as typeof import("../../lib/constructs/backup-key");
    const { ValidationError } = require("../../lib/errors") as typeof import("../../lib/errors");
    const stack = new TerraformStack(Testing.app(), "stack");
    let caught: unknown;
    try {
      new EncryptedVault(stack, "Vault", {
        vaultName: "no spaces allowed",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as { code: string }).code).toBe("AWS-005");
    expect((caught as Error).message).toMatch(/^AWS-005: stack\/Vault: vaultName `no spaces allowed`/);
    expect(() => new BackupKey(stack, "Key", { accountId: "123456789012", deletionWindowInDays: 3 })).toThrow(
      /^AWS-001: stack\/Key: /,
    );
  });
});
