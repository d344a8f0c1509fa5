import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { evaluateRules } from "../../lib/governance/engine";
import { loadCatalogText } from "../../lib/catalog/load";
import { s3BucketNameProblem, stateBucketName } from "../../lib/governance/rules/state/state-bucket-name";
import { stateKeyPrefix } from "../../lib/governance/rules/state/state-key-prefix";
import type { GovernanceRule } from "../../lib/governance/rule";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { awsService, catalogWith, criticalDbService, validate, vmService } from "../support/catalogs";

type Json = any;

const STATE = { backend: "s3", bucket: "acme-tfstate", region: "eu-central-1", keyPrefix: "backup-gov/" };
const HOSTS = {
  pve: { endpoint: "https://pve.test:8006", node: "pve", storage: "pbs" },
  edge: { endpoint: "https://edge.test:8006", node: "edge", storage: "local" },
};

/** An estate with AWS, two Proxmox hosts, guests on both, optionally state and a per-host split. */
function estate(patch: Record<string, unknown> = {}, hosts: Record<string, unknown> = HOSTS): Record<string, unknown> {
  const services = [
    criticalDbService("vault", { vm: { host: "pve", vmid: 201 } }),
    vmService("wiki", { vm: { host: "pve", vmid: 110 } }),
    ...("edge" in hosts ? [vmService("sensor", { vm: { host: "edge", vmid: 120 } })] : []),
    ...("lab" in hosts ? [vmService("lab-vm", { vm: { host: "lab", vmid: 130 } })] : []),
    awsService("billing"),
  ];
  return catalogWith(services, { proxmox: { hosts }, ...patch });
}

/** Synthesizes a catalog object into a fresh folder; returns each stack's cdk.tf.json. */
function synth(
  doc: Record<string, unknown>,
  out = mkdtempSync(join(tmpdir(), "state-stacks-")),
): { out: string; stacks: Record<string, Json> } {
  const file = join(out, "catalog.yaml");
  writeFileSync(file, stringify(doc));
  const r = synthesizeCatalog(file, join(out, "cdktf.out"));
  if (!r.report.ok) throw new Error(r.report.findings.map((f) => `${f.ruleId} ${f.message}`).join("\n"));
  const dir = join(out, "cdktf.out", "stacks");
  const stacks = Object.fromEntries(
    readdirSync(dir).map((name) => [name, JSON.parse(readFileSync(join(dir, name, "cdk.tf.json"), "utf8"))]),
  );
  return { out, stacks };
}

function run(rule: GovernanceRule, doc: Record<string, unknown>) {
  const { catalog, source } = loadCatalogText(stringify(doc));
  return evaluateRules(catalog!, source!, [rule]);
}

describe("state: remote state for every stack", () => {
  it("gives every stack an encrypted S3 backend with native locking and the key <keyPrefix><stack>.tfstate", () => {
    // GIVEN an estate with a state section and a per-host split (three stacks)
    const { stacks } = synth(estate({ state: STATE, stacks: { proxmox: "per-host" } }));
    // THEN each stack has exactly that backend and no local state
    expect(Object.keys(stacks).sort()).toEqual(["testlab-aws", "testlab-proxmox-edge", "testlab-proxmox-pve"]);
    for (const [name, json] of Object.entries(stacks)) {
      // Terraform S3 backend docs: encrypt = server-side encryption of the state object; use_lockfile = S3 native locking (Terraform 1.10+).
      expect(json.terraform.backend).toEqual({
        s3: {
          bucket: "acme-tfstate",
          key: `backup-gov/${name}.tfstate`,
          region: "eu-central-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
      expect(JSON.stringify(json.terraform.backend)).not.toMatch(/dynamodb/);
      // Terraform S3 backend docs: use_lockfile needs Terraform 1.10 or later; older versions reject the argument.
      expect(json.terraform.required_version).toBe(">= 1.10.0");
    }
  });

  it("without a state section, stacks keep cdktf's local state", () => {
    const { stacks } = synth(estate());
    for (const json of Object.values(stacks)) expect(Object.keys(json.terraform.backend)).toEqual(["local"]);
  });

  it("an empty keyPrefix puts the state at <stack>.tfstate", () => {
    const { stacks } = synth(estate({ state: { backend: "s3", bucket: "acme-tfstate", region: "us-east-1" } }));
    expect(stacks["testlab-aws"].terraform.backend.s3.key).toBe("testlab-aws.tfstate");
  });

  it("the schema names the key of a wrong backend, region or unknown field, at its line", () => {
    const r = validate(
      estate({ state: { backend: "gcs", bucket: "acme-tfstate", region: "Frankfurt", lock: "dynamodb" } }),
    );
    expect(r.ok).toBe(false);
    const at = (path: string) => r.findings.find((f) => f.path.join(".") === path);
    expect(at("state.backend")).toMatchObject({ ruleId: "CAT-006" });
    expect(at("state.region")).toMatchObject({ ruleId: "CAT-007" });
    expect(r.findings.some((f) => f.ruleId === "CAT-003" && f.message.includes("lock"))).toBe(true);
    expect(r.findings.every((f) => f.position.line > 0 && f.fix)).toBe(true);
  });
});

describe("artifacts/pipelines/state-access-policy.json", () => {
  it("grants the pipeline exactly what the S3 backend does on the state bucket, under the key prefix only", () => {
    const { out } = synth(estate({ state: STATE }));
    const policy = JSON.parse(
      readFileSync(join(out, "cdktf.out", "artifacts", "pipelines", "state-access-policy.json"), "utf8"),
    );
    // Terraform S3 backend docs, "Permissions Required": s3:ListBucket on the bucket; s3:GetObject and s3:PutObject on the key;
    // with use_lockfile, s3:GetObject, s3:PutObject and s3:DeleteObject on <key>.tflock. Terraform never deletes state.
    expect(policy.Statement).toEqual([
      {
        Sid: "ListStatePrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::acme-tfstate",
        Condition: { StringLike: { "s3:prefix": ["backup-gov/*"] } },
      },
      {
        Sid: "ReadWriteState",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: "arn:aws:s3:::acme-tfstate/backup-gov/*.tfstate",
      },
      {
        Sid: "StateLockFile",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: "arn:aws:s3:::acme-tfstate/backup-gov/*.tfstate.tflock",
      },
    ]);
    expect(JSON.stringify(policy)).not.toMatch(/"s3:\*"|"\*"/);
  });

  it("uses the partition of the bucket's region, and is absent without a state section", () => {
    const { out } = synth(estate({ state: { ...STATE, region: "cn-north-1" } }));
    expect(
      readFileSync(join(out, "cdktf.out", "artifacts", "pipelines", "state-access-policy.json"), "utf8"),
    ).toContain("arn:aws-cn:s3:::acme-tfstate");
    expect(existsSync(join(synth(estate()).out, "cdktf.out", "artifacts", "pipelines"))).toBe(false);
  });
});

describe("GOV-120: state-bucket-name", () => {
  it.each([
    ["ab", /3 to 63/],
    ["a".repeat(64), /3 to 63/],
    ["Acme-State", /lowercase/],
    ["acme_state", /lowercase/],
    ["-acme", /begin and end/],
    ["acme.", /begin and end/],
    ["acme..state", /adjacent periods/],
    ["192.168.5.4", /IP address/],
    ["xn--acme", /prefix `xn--`/],
    ["sthree-acme", /prefix `sthree-`/],
    ["amzn-s3-demo-acme", /prefix `amzn-s3-demo-`/],
    ["acme-s3alias", /suffix `-s3alias`/],
    ["acme--ol-s3", /suffix `--ol-s3`/],
    ["acme.mrap", /suffix `.mrap`/],
    ["acme--x-s3", /suffix `--x-s3`/],
    ["acme--table-s3", /suffix `--table-s3`/],
  ])("non-compliant: %s", (bucket, why) => {
    // S3 user guide, "General purpose bucket naming rules".
    const f = run(stateBucketName, estate({ state: { ...STATE, bucket } }));
    expect(f).toMatchObject([{ ruleId: "GOV-120", severity: "error", path: ["state", "bucket"] }]);
    expect(f[0].message).toMatch(why);
  });

  it("compliant: names S3 accepts", () => {
    for (const ok of ["acme-tfstate", "abc", "a.b-c1", "1acme", "a".repeat(63)])
      expect(s3BucketNameProblem(ok)).toBeUndefined();
    expect(run(stateBucketName, estate({ state: STATE }))).toEqual([]);
  });

  it("not applicable: no state section", () => {
    expect(run(stateBucketName, estate())).toEqual([]);
  });

  it("blocks synthesis: a catalog with a bad state bucket writes nothing", () => {
    const r = validate(estate({ state: { ...STATE, bucket: "Bad_Bucket" } }));
    expect(r.ok).toBe(false);
    expect(r.findings.filter((f) => f.ruleId === "GOV-120")).toHaveLength(1);
  });
});

describe("GOV-121: state-key-prefix", () => {
  it.each([
    ["/backup-gov/", /starts with `\/`/],
    ["backup-gov//x/", /contains `\/\/`/],
    ["a/../b/", /`..` segment/],
    ["back up/", /safe set/],
    ["état/", /safe set/],
  ])("non-compliant: %s", (keyPrefix, why) => {
    const f = run(stateKeyPrefix, estate({ state: { ...STATE, keyPrefix } }));
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]).toMatchObject({ ruleId: "GOV-121", path: ["state", "keyPrefix"] });
    expect(f.map((x) => x.message).join("\n")).toMatch(why);
  });

  it("compliant: a prefix with folders, or none", () => {
    expect(run(stateKeyPrefix, estate({ state: { ...STATE, keyPrefix: "estates/homelab-2024_(prod)/" } }))).toEqual([]);
    expect(run(stateKeyPrefix, estate({ state: { ...STATE, keyPrefix: undefined } }))).toEqual([]);
  });

  it("not applicable: no state section", () => {
    expect(run(stateKeyPrefix, estate())).toEqual([]);
  });
});

describe("stacks.proxmox: per-host", () => {
  it("gives each host a stack of its own, with only its provider, its credential variable and its jobs", () => {
    const { stacks } = synth(estate({ stacks: { proxmox: "per-host" } }));
    expect(Object.keys(stacks).sort()).toEqual(["testlab-aws", "testlab-proxmox-edge", "testlab-proxmox-pve"]);
    for (const host of ["pve", "edge"]) {
      const json = stacks[`testlab-proxmox-${host}`];
      expect(json.provider.proxmox.map((p: Json) => p.alias)).toEqual([host]);
      expect(json.provider.proxmox[0].endpoint).toBe(`https://${host}.test:8006`);
      expect(Object.keys(json.variable)).toEqual([`proxmox_api_token_${host}`]);
      expect(json.variable[`proxmox_api_token_${host}`].sensitive).toBe(true);
      const jobs = Object.values(json.resource.proxmox_backup_job) as Json[];
      expect(jobs.length).toBeGreaterThan(0);
      for (const j of jobs) expect(j.provider).toBe(`proxmox.${host}`);
    }
    expect(stacks["testlab-proxmox-pve"].resource.proxmox_backup_job).not.toEqual(
      stacks["testlab-proxmox-edge"].resource.proxmox_backup_job,
    );
  });

  it("builds the same jobs as the single stack, split by host", () => {
    const single = synth(estate()).stacks["testlab-proxmox"];
    const split = synth(estate({ stacks: { proxmox: "per-host" } })).stacks;
    const jobs = (json: Json) =>
      (Object.values(json.resource.proxmox_backup_job) as Json[]).map(({ "//": _m, ...j }) => j);
    const sort = (l: Json[]) => [...l].sort((a, b) => a.id.localeCompare(b.id));
    expect(sort([...jobs(split["testlab-proxmox-pve"]), ...jobs(split["testlab-proxmox-edge"])])).toEqual(
      sort(jobs(single)),
    );
  });

  it("keeps every other stack's name and content when a host is added or removed", () => {
    // GIVEN the two-host estate, then the same with a third host, then with edge removed
    const before = synth(estate({ stacks: { proxmox: "per-host" } })).stacks;
    const added = synth(
      estate(
        { stacks: { proxmox: "per-host" } },
        { ...HOSTS, lab: { endpoint: "https://lab.test:8006", node: "lab", storage: "local" } },
      ),
    ).stacks;
    const removed = synth(estate({ stacks: { proxmox: "per-host" } }, { pve: HOSTS.pve })).stacks;
    // THEN the pve stack is byte-for-byte the same resources, providers and variables in all three
    const core = (json: Json) => ({ provider: json.provider, variable: json.variable, resource: json.resource });
    expect(Object.keys(added)).toContain("testlab-proxmox-lab");
    expect(core(added["testlab-proxmox-pve"])).toEqual(core(before["testlab-proxmox-pve"]));
    expect(core(added["testlab-proxmox-edge"])).toEqual(core(before["testlab-proxmox-edge"]));
    expect(core(removed["testlab-proxmox-pve"])).toEqual(core(before["testlab-proxmox-pve"]));
    expect(Object.keys(removed).sort()).toEqual(["testlab-aws", "testlab-proxmox-pve"]);
  });

  it("a re-synth after switching back to single removes the per-host folders", () => {
    const { out } = synth(estate({ stacks: { proxmox: "per-host" } }));
    const again = synth(estate({ stacks: { proxmox: "single" } }), out);
    expect(Object.keys(again.stacks).sort()).toEqual(["testlab-aws", "testlab-proxmox"]);
    expect(existsSync(join(out, "cdktf.out", "stacks", "testlab-proxmox-pve"))).toBe(false);
  });

  it("the schema refuses an unknown split, naming the key", () => {
    const r = validate(estate({ stacks: { proxmox: "per-node" } }));
    expect(r.findings.find((f) => f.path.join(".") === "stacks.proxmox")).toMatchObject({ ruleId: "CAT-006" });
  });
});
