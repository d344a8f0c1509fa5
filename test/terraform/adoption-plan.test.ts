import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { offlineOverride, offlineVariables } from "../../lib/private/offline-plan";
import { decideAll, ESTATE, estateArgs } from "../adopt/support";
import { startFakeBackupApi } from "../support/fake-aws-backup";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "tf-offline.sh");
// Terraform runs while the stand-in answers in this process: the calls must not block it.
const tf = async (dir: string, args: string[]) =>
  (await run(SCRIPT, [dir, ...args], { encoding: "utf8", maxBuffer: 1 << 28 })).stdout;

interface Change {
  address: string;
  type: string;
  change: { actions: string[]; importing?: { id: string }; replace_paths?: unknown };
}

/**
 * The adopted fixture estate, planned by the real terraform and AWS provider against a
 * stand-in for the AWS Backup API that serves the saved answers (there is no AWS here):
 * every adopted object is imported, nothing is destroyed or replaced.
 */
describe("terraform plans an adopted estate: N to import, 0 to destroy", () => {
  const work = join(ROOT, ".tmp", "tf", "adoption");
  let changes: Change[] = [];
  let text = "";
  let requests: string[] = [];

  beforeAll(async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const catalog = join(work, "catalog.yaml");
    writeFileSync(catalog, decideAll(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text));
    const synth = synthesizeCatalog(catalog, join(work, "synth"));
    if (!synth.report.ok) throw new Error("the decided draft does not validate");
    const dir = join(work, "acme-aws");
    mkdirSync(dir);
    const json = JSON.parse(readFileSync(join(work, "synth", "stacks", "acme-aws", "cdk.tf.json"), "utf8"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    const read = (f: string) => JSON.parse(readFileSync(join(ESTATE, f), "utf8"));
    const fake = await startFakeBackupApi({
      vaults: read("aws-list-backup-vaults.json").BackupVaultList,
      plans: [read("aws-get-backup-plan.json")],
      selections: [read("aws-get-backup-selection.json")],
      notifications: [read("aws-get-backup-vault-notifications.json")],
    });
    try {
      const override = offlineOverride(json) as { provider: { aws: Array<Record<string, unknown>> } };
      for (const p of override.provider.aws) p.endpoints = [{ backup: fake.url }];
      writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(override));
      writeFileSync(join(dir, "offline.auto.tfvars.json"), JSON.stringify(offlineVariables(json)));
      await tf(dir, ["init", "-input=false", "-no-color"]);
      text = await tf(dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"]);
      changes = JSON.parse(await tf(dir, ["show", "-json", "plan.bin"])).resource_changes as Change[];
    } finally {
      requests = [...fake.requests];
      await fake.close();
    }
  }, 600_000);

  it("imports the vault, its lock, the plan and the selection with the documented ids", () => {
    const imported = Object.fromEntries(
      changes.filter((c) => c.change.importing).map((c) => [c.type, c.change.importing!.id]),
    );
    expect(imported).toEqual({
      aws_backup_vault: "prod-locked",
      aws_backup_vault_lock_configuration: "prod-locked",
      aws_backup_plan: "8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11",
      aws_backup_selection: "8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11|5e7f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    });
    expect(text).toMatch(/Plan: 4 to import, \d+ to add, \d+ to change, 0 to destroy\./);
  });

  it("destroys and replaces nothing; the existing lock is not touched", () => {
    expect(changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address)).toEqual([]);
    expect(changes.find((c) => c.type === "aws_backup_vault_lock_configuration")!.change.actions).toEqual(["no-op"]);
    expect(changes.find((c) => c.type === "aws_backup_selection")!.change.actions).toEqual(["no-op"]);
  });

  it("the provider read every imported object through the stand-in, and wrote nothing", () => {
    expect(requests).toEqual(
      expect.arrayContaining([
        "GET /backup-vaults/prod-locked",
        "GET /backup/plans/8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11",
        "GET /backup/plans/8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11/selections/5e7f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
      ]),
    );
    expect(requests.every((r) => r.startsWith("GET "))).toBe(true);
  });
});
