import { stringify } from "yaml";
import { loadCatalogText } from "../../lib/catalog/load";
import { evaluateRules } from "../../lib/governance/engine";
import type { GovernanceRule } from "../../lib/governance/rule";
import { localDirTarget } from "../../lib/governance/rules/proxmox/local-dir-target";
import { pbsFingerprint } from "../../lib/governance/rules/proxmox/pbs-fingerprint";
import { storageDeclaredOnce } from "../../lib/governance/rules/proxmox/storage-declared-once";
import { targetStorageOnNode } from "../../lib/governance/rules/proxmox/target-storage-on-node";
import { vzdumpFailureMail } from "../../lib/governance/rules/proxmox/vzdump-failure-mail";
import { validateCatalogText } from "../../lib/governance/validate";
import { jobHookNeedsRootPassword } from "../../lib/governance/rules/proxmox/job-hook-needs-root-password";
import { VZDUMP_HOOK_PATH } from "../../lib/artifacts/vzdump-hook";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";

const FP = Array.from({ length: 32 }, () => "ab").join(":");

type Doc = any;

/** A small valid Proxmox estate; each test bends one thing. */
function base(): Doc {
  return {
    version: 1,
    name: "lab",
    owner: "@ops",
    proxmox: {
      hosts: {
        pve: {
          endpoint: "https://pve.example.internal:8006",
          node: "pve",
          storage: "pbs-main",
          storages: [
            {
              id: "pbs-main",
              type: "pbs",
              server: "pbs.example.internal",
              datastore: "lab",
              username: "backup@pbs!pve",
              passwordSecret: "vault:kv/pbs",
              fingerprint: FP,
            },
          ],
        },
      },
    },
    notifications: { email: ["ops@example.com"] },
    services: [
      {
        id: "wiki",
        classification: "important",
        rpo: "1d",
        rto: "4h",
        vm: { host: "pve", vmid: 101 },
        app: { decision: "vzdump-only", rationale: "the image is enough" },
        offsite: { required: false, reason: "rebuilt from notes" },
        restore: { secrets: "vault:kv/wiki", validate: ["curl -fsS http://wiki"] },
      },
    ],
  };
}

/** Findings of one rule only (the test pack holds just that rule). */
function run(rule: GovernanceRule, doc: Doc) {
  const loaded = loadCatalogText(stringify(doc), "cat.yaml");
  expect(loaded.findings.filter((f) => f.severity === "error")).toEqual([]);
  return evaluateRules(loaded.catalog!, loaded.source!, [rule]);
}

describe("GOV-040: storage-declared-once", () => {
  it("non-compliant 1: the same id twice on one host", () => {
    const d = base();
    d.proxmox.hosts.pve.storages.push({ id: "pbs-main", type: "dir", path: "/mnt/x" });
    const f = run(storageDeclaredOnce, d);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: "GOV-040", path: ["proxmox", "hosts", "pve", "storages", 1, "id"] });
    expect(f[0].message).toMatch(/already declared earlier on host `pve`/);
  });

  it("non-compliant 2: two node entries of one cluster (same endpoint) declare the same id", () => {
    const d = base();
    d.proxmox.hosts["pve-b"] = {
      ...d.proxmox.hosts.pve,
      node: "pve-b",
      endpoint: "https://PVE.example.internal:8006/",
    };
    const f = run(storageDeclaredOnce, d);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/on host `pve`, which has the same endpoint pve.example.internal:8006/);
  });

  it("compliant: the same id on two different clusters", () => {
    const d = base();
    d.proxmox.hosts.other = { ...d.proxmox.hosts.pve, endpoint: "https://other.example.internal:8006" };
    expect(run(storageDeclaredOnce, d)).toEqual([]);
  });

  it("not applicable: no proxmox section", () => {
    const d = base();
    delete d.proxmox;
    delete d.services[0].vm;
    expect(run(storageDeclaredOnce, d)).toEqual([]);
  });
});

describe("GOV-041: pbs-fingerprint", () => {
  it("non-compliant: a PBS storage without fingerprint (warning, not blocking)", () => {
    const d = base();
    delete d.proxmox.hosts.pve.storages[0].fingerprint;
    const f = run(pbsFingerprint, d);
    expect(f).toMatchObject([
      { ruleId: "GOV-041", severity: "warning", path: ["proxmox", "hosts", "pve", "storages", 0] },
    ]);
    expect(validateCatalogText(stringify(d)).ok).toBe(true);
  });

  it("compliant: fingerprint pinned", () => {
    expect(run(pbsFingerprint, base())).toEqual([]);
  });

  it("not applicable: NFS storage", () => {
    const d = base();
    d.proxmox.hosts.pve.storages = [{ id: "pbs-main", type: "nfs", server: "nas", export: "/b" }];
    expect(run(pbsFingerprint, d)).toEqual([]);
  });

  it("the schema refuses a malformed fingerprint before the rule runs", () => {
    const d = base();
    d.proxmox.hosts.pve.storages[0].fingerprint = "ab:cd";
    const r = validateCatalogText(stringify(d));
    expect(r.findings.map((f) => f.ruleId)).toContain("CAT-007");
  });
});

describe("GOV-042: vzdump-failure-mail", () => {
  it("non-compliant: guests enrolled, only a webhook", () => {
    const d = base();
    d.notifications = { webhooks: [{ name: "slack-ops" }] };
    expect(run(vzdumpFailureMail, d)).toMatchObject([
      { ruleId: "GOV-042", severity: "warning", path: ["notifications"] },
    ]);
  });

  it("compliant: an email is listed", () => {
    expect(run(vzdumpFailureMail, base())).toEqual([]);
  });

  it("not applicable: no guests, or no channel at all (GOV-012's finding)", () => {
    const d = base();
    d.notifications = { pagerduty: true };
    delete d.services[0].vm;
    d.services[0].app = {
      decision: "required",
      rationale: "files",
      engine: "files",
      host: "wiki.lan",
      paths: ["/srv"],
    };
    expect(run(vzdumpFailureMail, d)).toEqual([]);
    const e = base();
    e.notifications = {};
    expect(run(vzdumpFailureMail, e)).toEqual([]);
  });
});

describe("GOV-043: target-storage-on-node", () => {
  it("non-compliant: the target storage is restricted to other nodes", () => {
    const d = base();
    d.proxmox.hosts.pve.storages[0].nodes = ["pve-b"];
    const f = run(targetStorageOnNode, d);
    expect(f).toMatchObject([
      { ruleId: "GOV-043", severity: "error", path: ["proxmox", "hosts", "pve", "storages", 0, "nodes"] },
    ]);
    expect(f[0].message).toMatch(/leave out node `pve`/);
  });

  it("compliant: nodes include the host's node, or no nodes at all", () => {
    const d = base();
    d.proxmox.hosts.pve.storages[0].nodes = ["pve", "pve-b"];
    expect(run(targetStorageOnNode, d)).toEqual([]);
    expect(run(targetStorageOnNode, base())).toEqual([]);
  });

  it("not applicable: the target storage is not declared (referenced by id)", () => {
    const d = base();
    d.proxmox.hosts.pve.storage = "existing";
    d.proxmox.hosts.pve.storages[0].nodes = ["elsewhere"];
    expect(run(targetStorageOnNode, d)).toEqual([]);
  });
});

describe("GOV-044: local-dir-target", () => {
  function critical(d: Doc): Doc {
    Object.assign(d.services[0], { classification: "critical", offsite: { required: true, reason: "critical" } });
    d.proxmox.hosts.pve.storages = [{ id: "pbs-main", type: "dir", path: "/var/lib/vz/dump" }];
    return d;
  }

  it("non-compliant: a critical guest backed up to a local directory", () => {
    const f = run(localDirTarget, critical(base()));
    expect(f).toMatchObject([{ ruleId: "GOV-044", severity: "warning", path: ["services", 0, "vm", "host"] }]);
  });

  it("acknowledged by the service with a reason", () => {
    const d = critical(base());
    d.services[0].acknowledge = [{ rule: "GOV-044", reason: "the path is an NFS mount of the NAS in the garage" }];
    expect(run(localDirTarget, d)[0].acknowledged).toEqual({
      reason: "the path is an NFS mount of the NAS in the garage",
    });
  });

  it("compliant: shared directory, or PBS target", () => {
    const d = critical(base());
    d.proxmox.hosts.pve.storages[0].shared = true;
    expect(run(localDirTarget, d)).toEqual([]);
    expect(run(localDirTarget, base())).toEqual([]);
  });

  it("not applicable: an important guest on a local directory", () => {
    const d = critical(base());
    d.services[0].classification = "important";
    expect(run(localDirTarget, d)).toEqual([]);
  });
});

describe("catalog schema for declared storages", () => {
  it("loads every storage kind into the model", () => {
    const d = base();
    d.proxmox.hosts.pve.storages.push(
      { id: "nfs1", type: "nfs", server: "nas", export: "/v/pve", options: "vers=4.2", retention: { daily: 7 } },
      {
        id: "smb1",
        type: "cifs",
        server: "nas",
        share: "pve",
        username: "pve",
        passwordSecret: "vault:kv/smb",
        domain: "HOME",
      },
      {
        id: "usb",
        type: "dir",
        path: "/mnt/usb",
        shared: false,
        nodes: ["pve"],
        retention: { keepAll: true, maxProtected: -1 },
      },
    );
    d.proxmox.hosts.pve.storages[0].encryption = { keySecret: "vault:kv/pbs-key" };
    const c = loadCatalogText(stringify(d)).catalog!;
    const st = c.proxmox!.hosts.pve.storages;
    expect(st.map((s) => [s.id, s.kind, s.index])).toEqual([
      ["pbs-main", "pbs", 0],
      ["nfs1", "nfs", 1],
      ["smb1", "cifs", 2],
      ["usb", "dir", 3],
    ]);
    expect(st[0]).toMatchObject({
      encryption: { generate: false, keySecret: "vault:kv/pbs-key" },
      passwordSecret: "vault:kv/pbs",
    });
    expect(st[3]).toMatchObject({
      path: "/mnt/usb",
      shared: false,
      nodes: ["pve"],
      retention: { keepAll: true, maxProtected: -1 },
    });
  });

  it("reports a wrong or missing `type` with its choices, and keepAll next to keep counts", () => {
    const d = base();
    d.proxmox.hosts.pve.storages = [
      { id: "a1", type: "pbz" },
      { id: "b1", path: "/x" },
      { id: "c1", type: "dir", path: "/x", retention: { keepAll: true, daily: 1 } },
    ];
    const f = validateCatalogText(stringify(d)).findings;
    expect(f.find((x) => x.ruleId === "CAT-006")?.message).toBe('`type` must be one of pbs, nfs, cifs, dir; got "pbz"');
    expect(f.find((x) => x.ruleId === "CAT-006")?.fix).toBe('did you mean "pbs"?');
    expect(f.find((x) => x.ruleId === "CAT-004")?.message).toBe("missing required key `type`");
    expect(f.find((x) => x.ruleId === "CAT-007")?.message).toMatch(/`keepAll: true` cannot be combined/);
  });

  it("suggests the right key inside a storage variant", () => {
    const d = base();
    d.proxmox.hosts.pve.storages = [{ id: "n1", type: "nfs", server: "nas", exprt: "/x" }];
    const f = validateCatalogText(stringify(d)).findings.find((x) => x.ruleId === "CAT-003");
    expect(f?.fix).toBe("did you mean `export`?");
  });

  it("refuses a secret written where a secret reference belongs", () => {
    const d = base();
    d.proxmox.hosts.pve.storages[0].passwordSecret = "hunter2";
    expect(validateCatalogText(stringify(d)).findings.map((f) => f.ruleId)).toContain("CAT-007");
  });
});

describe("GOV-100: job-hook-needs-root-password", () => {
  // Source: pve-manager PVE/API2/Backup.pm (POST/PUT /cluster/backup): `return if $user eq 'root@pam'`, then for
  // tmpdir, dumpdir and script: raise_param_exc "Only root may set this option." An API token's user is
  // `root@pam!<token>`, so a token of root is refused too.
  const withHost = (patch: Record<string, unknown>) => {
    const d = base();
    Object.assign(d.proxmox.hosts.pve, patch);
    return d;
  };

  it("non-compliant 1: the jobs run the hook and Terraform has only an API token (the default)", () => {
    const f = run(jobHookNeedsRootPassword, withHost({ vzdumpHook: true }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      ruleId: "GOV-100",
      severity: "error",
      path: ["proxmox", "hosts", "pve", "vzdumpHook"],
    });
    expect(f[0].message).toContain("Only root may set this option");
    expect(f[0].fix).toMatch(/vzdumpHook: vzdump\.conf.*auth: root-password/);
    expect(f[0].position).toMatchObject({ file: "cat.yaml", line: expect.any(Number), column: expect.any(Number) });
  });

  it("non-compliant 2: an explicit `auth: token` with the job hook", () => {
    expect(run(jobHookNeedsRootPassword, withHost({ vzdumpHook: true, auth: "token" }))).toHaveLength(1);
  });

  it("compliant: root@pam with its password, or the hook from /etc/vzdump.conf with a token", () => {
    expect(run(jobHookNeedsRootPassword, withHost({ vzdumpHook: true, auth: "root-password" }))).toEqual([]);
    expect(run(jobHookNeedsRootPassword, withHost({ vzdumpHook: "vzdump.conf" }))).toEqual([]);
  });

  it("not applicable: no hook", () => {
    expect(run(jobHookNeedsRootPassword, withHost({ vzdumpHook: false }))).toEqual([]);
    expect(run(jobHookNeedsRootPassword, base())).toEqual([]);
  });

  it("the root-password host's provider logs in as root@pam from a sensitive variable, never a literal", () => {
    const report = validateCatalogText(stringify(withHost({ vzdumpHook: true, auth: "root-password" })), "cat.yaml");
    expect(report.findings.filter((x) => x.severity === "error")).toEqual([]);
    const estate = Estate.fromReport(Testing.app(), report);
    const json = JSON.parse(Testing.synth(estate.proxmoxStack!));
    expect(json.provider.proxmox[0]).toMatchObject({
      alias: "pve",
      username: "root@pam",
      password: "${var.proxmox_root_password_pve}",
    });
    expect(json.variable.proxmox_root_password_pve).toMatchObject({ sensitive: true });
    expect(
      (Object.values(json.resource.proxmox_backup_job) as Array<{ script?: string }>).map((j) => j.script),
    ).toEqual([VZDUMP_HOOK_PATH]);
  });
});
