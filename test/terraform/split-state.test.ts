import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedCatalog } from "../../bench/catalog";
import { planCatalog, ROOT, resources, type StackRun, TF_DIR } from "./offline";

/**
 * A split estate with remote state, as a pipeline runs it: a generated 60-service catalog with
 * `state:` and `stacks.proxmox: per-host`, synthesized, and its AWS stack planned offline by
 * the real terraform with the S3 backend overridden by a local one (the pipeline has the bucket,
 * the test has no network).
 */
const STATE = { backend: "s3", bucket: "acme-tfstate", region: "us-east-1", keyPrefix: "backup-gov/" };
const NAME = "split-state";
const file = join(TF_DIR, `${NAME}.yaml`);
let runs: StackRun[];
let stacks: Record<
  string,
  { terraform: { backend: Record<string, Record<string, unknown>> }; resource?: Record<string, unknown> }
>;

beforeAll(() => {
  mkdirSync(TF_DIR, { recursive: true });
  writeFileSync(
    file,
    generatedCatalog(60, { name: "split", extra: { state: STATE, stacks: { proxmox: "per-host" } } }),
  );
  runs = planCatalog({ name: NAME, file });
  const dir = join(TF_DIR, NAME, "synth", "stacks");
  stacks = Object.fromEntries(
    readdirSync(dir).map((s) => [s, JSON.parse(readFileSync(join(dir, s, "cdk.tf.json"), "utf8"))]),
  );
}, 240_000);

describe("a split estate with remote state", () => {
  it("synthesizes an AWS stack and one stack per Proxmox host, each with its own S3 state key", () => {
    // bench/catalog.ts spreads 60 services over 4 hosts (pve-00..pve-03).
    expect(Object.keys(stacks).sort()).toEqual([
      "split-aws",
      "split-proxmox-pve-00",
      "split-proxmox-pve-01",
      "split-proxmox-pve-02",
      "split-proxmox-pve-03",
    ]);
    for (const [name, json] of Object.entries(stacks)) {
      expect(json.terraform.backend).toEqual({
        s3: {
          bucket: "acme-tfstate",
          key: `backup-gov/${name}.tfstate`,
          region: "us-east-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
    }
  });

  it("plans its AWS stack offline with the real hashicorp/aws provider: valid, only creations", () => {
    expect(runs.map((r) => r.stack)).toEqual(["split-aws"]);
    const [run] = runs;
    expect(run.validate).toMatchObject({ valid: true, error_count: 0 });
    for (const rc of run.plan.resource_changes)
      expect(rc.change.actions).toEqual(rc.mode === "data" ? ["read"] : ["create"]);
    expect(resources(run, "aws_backup_selection").length).toBeGreaterThan(0);
    const managed = run.plan.resource_changes.filter((rc) => rc.mode === "managed");
    expect(managed.length).toBe(
      Object.values(stacks["split-aws"].resource ?? {}).reduce(
        (n: number, r) => n + Object.keys(r as object).length,
        0,
      ),
    );
  });

  it("terraform itself accepts the S3 backend block: init gets as far as asking AWS for credentials", () => {
    // GIVEN the AWS stack as synthesized, without the offline override
    const work = join(TF_DIR, NAME, "backend-init");
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    copyFileSync(join(TF_DIR, NAME, "synth", "stacks", "split-aws", "cdk.tf.json"), join(work, "cdk.tf.json"));
    // WHEN terraform init configures the backend with placeholder credentials and no network
    const r = spawnSync(join(ROOT, "scripts", "tf-offline.sh"), [work, "init", "-input=false", "-no-color"], {
      encoding: "utf8",
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: "AKIAOFFLINEPLANTEST0",
        AWS_SECRET_ACCESS_KEY: "offline",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_MAX_ATTEMPTS: "1",
      },
      timeout: 120_000,
    });
    // THEN the only failure is reaching AWS: no unsupported argument (use_lockfile needs Terraform 1.10+) and no invalid value
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/Initializing the backend/);
    expect(out).not.toMatch(/Unsupported argument|Invalid Value|Invalid value|deprecated/i);
    expect(out).toMatch(/STS|credentials|dial tcp|no such host/i);
  });

  it("terraform refuses the state keys GOV-121 refuses (a leading / and //)", () => {
    // The S3 backend's own validation, run by the real terraform (docs: key must not start or end with / or contain //).
    for (const key of ["/backup-gov/x.tfstate", "backup-gov//x.tfstate"]) {
      const work = join(TF_DIR, NAME, "bad-key");
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      writeFileSync(
        join(work, "main.tf.json"),
        JSON.stringify({
          terraform: { backend: { s3: { bucket: "acme-tfstate", key, region: "us-east-1", use_lockfile: true } } },
        }),
      );
      const r = spawnSync(join(ROOT, "scripts", "tf-offline.sh"), [work, "init", "-input=false", "-no-color"], {
        encoding: "utf8",
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
        timeout: 120_000,
      });
      expect(r.stdout + r.stderr).toMatch(/Invalid Value/);
      expect(r.stdout + r.stderr).toMatch(/must not start or end with "\/"|must not contain "\/\/"/);
    }
  });
});

afterAll(() => {
  // Keep the plans (small) for inspection; only the scratch init folders go.
  for (const d of ["backend-init", "bad-key"]) rmSync(join(TF_DIR, NAME, d), { recursive: true, force: true });
});
