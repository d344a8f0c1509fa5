import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { AdoptionNotice, IMPORT_ID } from "../../lib/estate/adoption";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { cli } from "../support/cli";
import { decideAll, estateArgs } from "../adopt/support";

const ROOT = join(__dirname, "..", "..");
type Stack = {
  import?: Array<{ to: string; id: string }>;
  resource: Record<string, Record<string, Record<string, any>>>;
};
const stackJson = (out: string, name: string) =>
  JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as Stack;
const imports = (s: Stack) => Object.fromEntries((s.import ?? []).map((i) => [i.to.split(".")[0], i.id]));

describe("import ids are the ones the providers document", () => {
  // hashicorp/aws 5.100.0 docs, "Import" sections: aws_backup_vault, _vault_lock_configuration and
  // _vault_notifications by vault name; aws_backup_plan by plan id; aws_backup_selection as
  // `plan_id|selection_id`; aws_s3_bucket and its _versioning, _object_lock_configuration and
  // _replication_configuration by bucket name. bpg/proxmox proxmox_backup_job: the job id
  // (../shared/reference/proxmox-provider.md §1.2, "Import ID").
  it.each([
    ["vault", IMPORT_ID.vault("v1"), "v1"],
    ["vault lock", IMPORT_ID.vaultLock("v1"), "v1"],
    ["vault notifications", IMPORT_ID.vaultNotifications("v1"), "v1"],
    ["plan", IMPORT_ID.plan("p-1"), "p-1"],
    ["selection", IMPORT_ID.selection("p-1", "s-1"), "p-1|s-1"],
    ["bucket", IMPORT_ID.bucket("b1"), "b1"],
    ["backup job", IMPORT_ID.backupJob("backup-1"), "backup-1"],
  ])("%s", (_what, got, want) => expect(got).toBe(want));
});

describe("synth of an adopted catalog imports what exists, and changes nothing that would force a replacement", () => {
  const dir = mkdtempSync(join(tmpdir(), "adoption-"));
  const catalog = join(dir, "catalog.yaml");
  writeFileSync(catalog, decideAll(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text));
  const result = synthesizeCatalog(catalog, join(dir, "out"));

  it("emits import blocks with the documented ids for the vault, its lock, the plan, its selection and the job", () => {
    expect(result.report.ok).toBe(true);
    const aws = stackJson(join(dir, "out"), "acme-aws");
    expect(imports(aws)).toEqual({
      aws_backup_vault: "prod-locked",
      aws_backup_vault_lock_configuration: "prod-locked",
      aws_backup_plan: "8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11",
      aws_backup_selection: "8c2a4e1f-1b7d-4a57-9d49-3f1a2b9c0e11|5e7f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    });
    // The catalog's plan, vault and selection take the existing names (a name change forces a new object).
    expect(Object.values(aws.resource.aws_backup_plan).map((p) => p.name)).toEqual(["prod-daily"]);
    expect(Object.values(aws.resource.aws_backup_selection).map((p) => p.name)).toEqual(["orders-db"]);
    expect(Object.values(aws.resource.aws_backup_vault).map((p) => p.name)).toContain("prod-locked");
    const pve = stackJson(join(dir, "out"), "acme-proxmox");
    expect(pve.import).toEqual([{ to: expect.stringMatching(/^proxmox_backup_job\./), id: "backup-6a1f03c2-71b4" }]);
    // The job for guests 100 and 101 takes the existing job's id.
    const job = Object.values(pve.resource.proxmox_backup_job).find((j) => j.vmid.join() === "100,101")!;
    expect(job.id).toBe("backup-6a1f03c2-71b4");
  });

  it("leaves the existing compliance lock exactly as it is, and keeps the vault's own key", () => {
    const aws = stackJson(join(dir, "out"), "acme-aws");
    const lock = Object.values(aws.resource.aws_backup_vault_lock_configuration)[0];
    expect(lock).toMatchObject({ changeable_for_days: null, min_retention_days: 7, max_retention_days: 365 });
    expect(lock.lifecycle.ignore_changes).toEqual(["changeable_for_days", "min_retention_days", "max_retention_days"]);
    const vault = Object.values(aws.resource.aws_backup_vault).find((v) => v.name === "prod-locked")!;
    expect(vault.lifecycle).toMatchObject({ prevent_destroy: true, ignore_changes: ["kms_key_arn"] });
  });

  it("says before apply what it leaves beside the catalog's objects, with the non-destructive path", async () => {
    const notices = result.estate!.adoption!.notices;
    const job = notices.find((n) => n.id === AdoptionNotice.NOT_MATCHED && n.message.includes("backup-9c2e51aa-0d3e"))!;
    expect(job.fix).toContain("pvesh delete /cluster/backup/backup-9c2e51aa-0d3e");
    expect(notices.find((n) => n.id === AdoptionNotice.LOCK_KEPT)!.message).toMatch(
      /keeps its existing lock \(7-365 days, compliance/,
    );
    const r = await cli("synth", catalog, "--out", join(dir, "cli-out"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/adoption: 5 existing object\(s\) imported, not created/);
    expect(r.out).toMatch(/GOV-260 .*backup-9c2e51aa-0d3e[\s\S]*non-destructive path: after the catalog's job/);
    expect(readFileSync(join(dir, "cli-out", "artifacts", "adoption.md"), "utf8")).toContain(
      "| acme-aws | `aws_backup_selection.",
    );
  });

  it("a selection that would differ from the existing one is named as a replacement, with the way to keep it", () => {
    const text = readFileSync(catalog, "utf8").replace(
      "resources: [arn:aws:rds:eu-west-1:111122223333:db:orders, arn:aws:s3:::acme-invoices]  #",
      "resources: [arn:aws:rds:eu-west-1:111122223333:db:orders]  #",
    );
    const f = join(dir, "narrower.yaml");
    writeFileSync(f, text);
    const r = synthesizeCatalog(f, join(dir, "narrower"));
    const n = r.estate!.adoption!.notices.find((x) => x.id === AdoptionNotice.SELECTION_REPLACED)!;
    expect(n.message).toMatch(/selection orders-db lists other resources .* cannot update a selection in place/);
    expect(n.fix).toMatch(/write the existing resources into the service's `aws.resources`/);
  });
});

describe("an existing bucket without Object Lock is adopted in place, never replaced", () => {
  it("object_lock_enabled is left unset and the lock configuration resource enables the lock", () => {
    const dir = mkdtempSync(join(tmpdir(), "adoption-bucket-"));
    const first = synthesizeCatalog(join(ROOT, "stacks", "catalog.yaml"), join(dir, "first"));
    const buckets = stackJson(join(dir, "first"), "homelab-aws").resource.aws_s3_bucket;
    const locked = Object.values(buckets).find((b) => b.object_lock_enabled === true && /app/.test(b.bucket))!;
    expect(first.report.ok).toBe(true);
    const doc = parseDocument(readFileSync(join(ROOT, "stacks", "catalog.yaml"), "utf8"));
    doc.set("adopted", { buckets: { [locked.bucket]: { versioning: true } } });
    const file = join(dir, "catalog.yaml");
    writeFileSync(file, doc.toString());
    const r = synthesizeCatalog(file, join(dir, "second"));
    const aws = stackJson(join(dir, "second"), "homelab-aws");
    const [addr, bucket] = Object.entries(aws.resource.aws_s3_bucket).find(([, b]) => b.bucket === locked.bucket)!;
    expect(bucket.object_lock_enabled).toBeNull();
    expect(bucket.lifecycle.ignore_changes).toContain("object_lock_enabled");
    const imported = (aws.import ?? []).map((i) => `${i.to}=${i.id}`);
    expect(imported).toContain(`aws_s3_bucket.${addr}=${locked.bucket}`);
    expect(imported.filter((i) => i.startsWith("aws_s3_bucket_versioning.")).map((i) => i.split("=")[1])).toEqual([
      locked.bucket,
    ]);
    // The lock configuration is created (it enables Object Lock on the existing bucket), not imported.
    expect(imported.some((i) => i.startsWith("aws_s3_bucket_object_lock_configuration."))).toBe(false);
    expect(
      Object.values(aws.resource.aws_s3_bucket_object_lock_configuration).some((c) => c.bucket.includes(addr)),
    ).toBe(true);
    expect(r.estate!.adoption!.notices.find((n) => n.id === AdoptionNotice.BUCKET_LOCK)!.message).toContain(
      locked.bucket,
    );
  });
});
