import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { Testing } from "../../lib/core/cdk";
import { VzdumpHookMode } from "../../lib/catalog/model";
import { TargetKind } from "../../lib/estate/context";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";
import { startsInFirstWeek } from "../support/systemd";

type Json = any;

const ROOT = join(__dirname, "..", "..");
const CATALOGS = [
  join(ROOT, "stacks", "catalog.yaml"),
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(ROOT, "examples", f)),
];

function estateOf(file: string) {
  const report = validateCatalogFile(file);
  expect(report.findings.filter((f) => f.severity === "error" && !f.acknowledged)).toEqual([]);
  const estate = Estate.fromReport(Testing.app(), report);
  const json: Json = estate.proxmoxStack ? JSON.parse(Testing.synth(estate.proxmoxStack)) : undefined;
  return { estate, json, catalog: report.catalog! };
}

function estateOfText(doc: object) {
  const report = validateCatalogText(stringify(doc));
  expect(report.findings.filter((f) => f.severity === "error" && !f.acknowledged)).toEqual([]);
  const estate = Estate.fromReport(Testing.app(), report);
  return { estate, json: JSON.parse(Testing.synth(estate.proxmoxStack!)) as Json };
}

/** `host/vmid` of every guest enrolled in the stack's jobs (host = the job's provider alias). */
function enrollments(json: Json): string[] {
  return Object.values(json.resource?.proxmox_backup_job ?? {}).flatMap((j: Json) =>
    j.vmid.map((v: string) => `${j.provider.replace(/^proxmox\./, "")}/${v}`),
  );
}

describe("Proxmox estate: the default catalog", () => {
  const { estate, json, catalog } = estateOf(CATALOGS[0]);

  it("enrolls every `vm` of the catalog exactly once, in a job of its own host", () => {
    const expected = catalog.services.filter((s) => s.vm).map((s) => `${s.vm!.host}/${s.vm!.vmid}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(enrollments(json).sort()).toEqual(expected.sort());
  });

  it("has one provider alias per host, each with its own nullable sensitive credential: an API token, or root@pam's password where the jobs run the hook", () => {
    const aliases = json.provider.proxmox.map((p: Json) => p.alias).sort();
    expect(aliases).toEqual(Object.keys(catalog.proxmox!.hosts).sort());
    for (const p of json.provider.proxmox) {
      const host = catalog.proxmox!.hosts[p.alias];
      // Source: pve-manager PVE/API2/Backup.pm: tmpdir, dumpdir and script raise "Only root may set this option."
      // unless the user is exactly root@pam; an API token's user is the token id, so the hook job needs a password login.
      const root = host.vzdumpHook === VzdumpHookMode.JOB;
      const name = `${root ? "proxmox_root_password" : "proxmox_api_token"}_${p.alias.replace(/-/g, "_")}`;
      if (root) {
        expect(p).toMatchObject({ username: "root@pam", password: `\${var.${name}}` });
        expect(p.api_token).toBeUndefined();
      } else {
        expect(p.api_token).toBe(`\${var.${name}}`);
        expect(p.password).toBeUndefined();
      }
      expect(json.variable[name]).toMatchObject({ type: "string", sensitive: true, nullable: true, default: null });
      expect(p.endpoint).toBe(host.endpoint);
    }
    // The default catalog shows both modes.
    expect(
      Object.values(catalog.proxmox!.hosts)
        .map((h) => h.vzdumpHook)
        .sort(),
    ).toEqual([VzdumpHookMode.JOB, VzdumpHookMode.NODE_CONFIG]);
    expect(json.terraform.required_providers.proxmox).toEqual({ source: "bpg/proxmox", version: ">= 0.99.0, < 1.0.0" });
  });

  it("shares a job between guests of one host with the same policy (nextcloud and paperless on pve)", () => {
    const shared = Object.values(json.resource.proxmox_backup_job).find((j: Json) => j.vmid.includes("210")) as Json;
    expect(shared.vmid).toEqual(["210", "220"]);
    expect(shared.notes_template).toContain("210=nextcloud 220=paperless");
  });

  it("runs jobs at the service's RPO cadence with the effective retention, and repeats missed runs for critical services", () => {
    const vault = estate.context.policyOf("vaultwarden");
    const job = Object.values(json.resource.proxmox_backup_job).find((j: Json) => j.vmid.includes("204")) as Json;
    expect(job.schedule).toMatch(/^\*-\*-\* \d\d\/4:\d\d:00$/);
    expect(job.prune_backups).toEqual(vault.retention.toPruneBackups());
    expect(job.repeat_missed).toBe(true);
    expect(job).toMatchObject({
      compress: "zstd",
      mode: "snapshot",
      mailto: catalog.notifications.email,
      mailnotification: "failure",
    });
  });

  it("registers one scheduled job per proxmox_backup_job, with the same id, schedule, guests and host group", () => {
    const vz = estate.context.jobs.filter((j) => j.kind === TargetKind.VZDUMP);
    const resources = Object.values(json.resource.proxmox_backup_job) as Json[];
    expect(vz.map((j) => j.id).sort()).toEqual(resources.map((r) => r.id).sort());
    for (const j of vz) {
      const r = resources.find((x) => x.id === j.id);
      expect(r.schedule).toBe(j.schedule.toCalendarEvent());
      expect(r.provider).toBe(`proxmox.${j.group}`);
      expect(j.serviceIds.length).toBe(r.vmid.length);
    }
  });

  it("registers a vzdump target with qmrestore or pct restore steps for every guest", () => {
    for (const s of catalog.services.filter((x) => x.vm)) {
      const targets = estate.context.targetsOf(s.id).filter((t) => t.kind === TargetKind.VZDUMP);
      expect(targets).toHaveLength(1);
      const steps = targets[0].restoreSteps.join("\n");
      if (s.vm!.kind === "lxc") expect(steps).toContain(`pct restore ${s.vm!.vmid} <volid> --force 1`);
      else expect(steps).toContain(`qmrestore <volid> ${s.vm!.vmid} --force 1`);
      expect(steps).toContain(
        `pvesm list ${catalog.proxmox!.hosts[s.vm!.host].storage} --content backup --vmid ${s.vm!.vmid}`,
      );
      expect(targets[0].details).toMatchObject({ host: s.vm!.host, vmid: s.vm!.vmid });
    }
  });

  it("renders the SOP of a guest with its vzdump restore steps", () => {
    const sop = String(estate.artifacts.get("sop/unifi.md")!.content);
    expect(sop).toContain("pct restore 120 <volid> --force 1");
  });
});

describe("Proxmox estate: every catalog", () => {
  const all = CATALOGS.map((f) => ({ file: f, ...estateOf(f) })).filter((x) => x.json);

  it("writes only schedules systemd-analyze accepts, none colliding on a host (one call for every schedule)", () => {
    const jobs = all.flatMap((x) => Object.values(x.json.resource?.proxmox_backup_job ?? {}) as Json[]);
    expect(jobs.length).toBeGreaterThan(5);
    const real = startsInFirstWeek(jobs.map((j) => j.schedule));
    for (const x of all) {
      const seen = new Map<string, string>();
      for (const j of Object.values(x.json.resource?.proxmox_backup_job ?? {}) as Json[]) {
        const starts = real.get(j.schedule)!;
        expect(starts.length).toBeGreaterThan(0);
        for (const t of starts) {
          const key = `${j.provider}@${t}`;
          expect(seen.get(key)).toBeUndefined();
          seen.set(key, j.id);
        }
      }
    }
  });

  it("uses the catalog's vzdump mode (suspend for `files` in the Proxmox-only example)", () => {
    const x = all.find((c) => c.file.endsWith("proxmox-only.yaml"))!;
    const job = (Object.values(x.json.resource.proxmox_backup_job) as Json[]).find((j) => j.vmid.includes("103"));
    expect(job.mode).toBe("suspend");
    expect(job.id).toMatch(/-suspend$/);
  });
});

describe("Proxmox estate: declared storages", () => {
  const FP = Array.from({ length: 32 }, () => "0f").join(":");
  const doc = () => {
    const d = parse(readFileSync(join(ROOT, "examples", "proxmox-only.yaml"), "utf8"));
    d.proxmox.hosts.pve1.storages = [
      {
        id: "pbs-garage",
        type: "pbs",
        server: "pbs.lan",
        datastore: "garage",
        username: "backup@pbs!pve",
        passwordSecret: "file:/root/pbs-password",
        fingerprint: FP,
        encryption: { keySecret: "file:/root/pbs.key" },
        retention: { daily: 7 },
      },
      {
        id: "nas-smb",
        type: "cifs",
        server: "nas.lan",
        share: "pve",
        username: "pve",
        passwordSecret: "file:/root/smb-password",
        nodes: ["pve1"],
      },
    ];
    return d;
  };

  it("creates declared storages with sensitive variables for every secret, and points the host's jobs at the created target", () => {
    const { json } = estateOfText(doc());
    const [pbsKey] = Object.keys(json.resource.proxmox_storage_pbs);
    const pbs = json.resource.proxmox_storage_pbs[pbsKey];
    expect(pbs).toMatchObject({
      id: "pbs-garage",
      server: "pbs.lan",
      datastore: "garage",
      fingerprint: FP,
      content: ["backup"],
      backups: { keep_daily: 7 },
      provider: "proxmox.pve1",
    });
    expect(pbs.password).toBe("${var.pbs_password_pve1_pbs_garage}");
    expect(pbs.encryption_key).toBe("${var.pbs_encryption_key_pve1_pbs_garage}");
    for (const v of [
      "pbs_password_pve1_pbs_garage",
      "pbs_encryption_key_pve1_pbs_garage",
      "cifs_password_pve1_nas_smb",
    ]) {
      expect(json.variable[v]).toMatchObject({ type: "string", sensitive: true });
      expect(json.variable[v]).not.toHaveProperty("default");
    }
    const cifs = Object.values(json.resource.proxmox_storage_cifs)[0] as Json;
    expect(cifs).toMatchObject({ id: "nas-smb", nodes: ["pve1"], password: "${var.cifs_password_pve1_nas_smb}" });
    for (const j of Object.values(json.resource.proxmox_backup_job) as Json[])
      expect(j.storage).toBe(`\${proxmox_storage_pbs.${pbsKey}.id}`);
    expect(json.terraform.required_providers.proxmox.version).toBe(">= 0.100.0, < 1.0.0");
  });

  it("adds the encryption key's whereabouts to the restore steps", () => {
    const { estate } = estateOfText(doc());
    const steps = estate.context.targetsOf("wiki")[0].restoreSteps.join("\n");
    expect(steps).toContain("file:/root/pbs.key");
  });

  it("uses a generated key instead of a variable when the catalog asks for one", () => {
    const d = doc();
    d.proxmox.hosts.pve1.storages[0].encryption.generate = true;
    const { json } = estateOfText(d);
    const pbs = Object.values(json.resource.proxmox_storage_pbs)[0] as Json;
    expect(pbs.generate_encryption_key).toBe(true);
    expect(pbs).not.toHaveProperty("encryption_key");
    expect(json.variable).not.toHaveProperty("pbs_encryption_key_pve1_pbs_garage");
  });
});
