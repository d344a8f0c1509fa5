import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ESTATE } from "../adopt/support";
import { startFakeBackupApi } from "../support/fake-aws-backup";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "adopt.md"), "utf8");
const blocks = (lang: string) =>
  [...DOC.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]);

/**
 * docs/adopt.md as written: its `bash` blocks run in order in a fresh folder holding the
 * fixture estate's answers (saved as its `sh` blocks name them), with `backup-gov` on PATH,
 * terraform on the provider mirror, and the AWS provider pointed at a stand-in for the AWS
 * Backup and STS APIs serving the same answers (AWS_ENDPOINT_URL_*): there is no AWS here.
 */
describe("the adoption walk-through runs as written", () => {
  it("every answer the save step names is one the fixture estate has", () => {
    const saved = blocks("sh").flatMap((b) => [...b.matchAll(/> answers\/([\w.-]+)/g)].map((m) => m[1]));
    expect(saved.length).toBeGreaterThanOrEqual(13);
    for (const f of saved) expect(existsSync(join(ESTATE, f))).toBe(true);
  });

  it("adopt, decide, validate, synth and plan: N to import, 0 to destroy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-walkthrough-"));
    mkdirSync(join(dir, "answers"));
    for (const f of readdirSync(ESTATE)) copyFileSync(join(ESTATE, f), join(dir, "answers", f));
    const bin = join(dir, ".bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "backup-gov"),
      `#!/bin/sh\nexec "${join(ROOT, "node_modules", ".bin", "tsx")}" "${join(ROOT, "lib", "cli", "bin.ts")}" "$@"\n`,
    );
    chmodSync(join(bin, "backup-gov"), 0o755);
    const mirror = process.env.TF_PLUGIN_MIRROR;
    if (!mirror) throw new Error("TF_PLUGIN_MIRROR is not set (the terraform project's global setup sets it)");
    writeFileSync(
      join(dir, ".terraformrc"),
      `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    const read = (f: string) => JSON.parse(readFileSync(join(ESTATE, f), "utf8"));
    const fake = await startFakeBackupApi({
      vaults: read("aws-list-backup-vaults.json").BackupVaultList,
      plans: [read("aws-get-backup-plan.json")],
      selections: [read("aws-get-backup-selection.json")],
      notifications: [read("aws-get-backup-vault-notifications.json")],
      account: "111122223333",
    });
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      TF_CLI_CONFIG_FILE: join(dir, ".terraformrc"),
      AWS_ACCESS_KEY_ID: "AKIAWALKTHROUGHTEST0",
      AWS_SECRET_ACCESS_KEY: "walkthrough-not-a-secret",
      AWS_ENDPOINT_URL_BACKUP: fake.url,
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_EC2_METADATA_DISABLED: "true",
      TF_VAR_aws_account_id: "111122223333",
    };
    const outputs: string[] = [];
    try {
      const steps = blocks("bash");
      expect(steps.length).toBeGreaterThanOrEqual(5);
      for (const step of steps) {
        try {
          const r = await run("bash", ["-euo", "pipefail", "-c", step], {
            cwd: dir,
            env,
            encoding: "utf8",
            maxBuffer: 1 << 28,
          });
          outputs.push(r.stdout + r.stderr);
        } catch (e) {
          const x = e as { stdout?: string; stderr?: string };
          throw new Error(
            `step failed:\n${step}\n--- stdout\n${x.stdout?.slice(-3000)}\n--- stderr\n${x.stderr?.slice(-3000)}`,
          );
        }
      }
    } finally {
      await fake.close();
    }
    const [adopt, firstValidate, decided, synth, plan] = outputs;
    expect(adopt).toMatch(/5 service\(s\) drafted/);
    expect(firstValidate).toMatch(/CAT-060/);
    expect(
      firstValidate
        .split("\n")
        .filter((l) => /\s[A-Z]{3}-\d{3}\s/.test(l))
        .every((l) => l.includes("CAT-060")),
    ).toBe(true);
    expect(decided).toMatch(/0 error\(s\).*valid/);
    expect(synth).toMatch(/adoption: 5 existing object\(s\) imported, not created/);
    expect(plan).toMatch(/Plan: 4 to import, \d+ to add, \d+ to change, 0 to destroy\./);
    // Reads only: GETs of the Backup API, and STS GetCallerIdentity (a POST by protocol).
    expect(fake.requests.filter((r) => !/^GET \//.test(r) && r.trim() !== "POST")).toEqual([]);
  }, 600_000);
});
