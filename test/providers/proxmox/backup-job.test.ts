import { TerraformVariable, Token } from "../../../lib/core/cdk";
import { BackupJob, type BackupJobConfig } from "../../../lib/providers/proxmox";
import { BACKUP_JOB_ENUMS, BACKUP_JOB_FACTS, conforms } from "./facts";
import { fixture, synth } from "./synth";

/** Every attribute of the resource set once (vmid selection; `all`/`pool` conflict with it). */
const FULL: BackupJobConfig = {
  id: "nightly",
  schedule: "*-*-* 02:00",
  storage: "pbs-main",
  enabled: true,
  node: "pve",
  vmid: ["100", "101"],
  mode: "snapshot",
  compress: "zstd",
  starttime: "02:00",
  maxfiles: 3,
  mailto: ["ops@example.com"],
  mailnotification: "failure",
  bwlimit: 51200,
  ionice: 7,
  pigz: 2,
  zstd: 0,
  pruneBackups: { "keep-daily": "7", "keep-last": "3" },
  remove: true,
  notesTemplate: "{{guestname}}",
  protected: false,
  repeatMissed: true,
  script: "/usr/local/bin/vzdump-hook",
  stdexcludes: true,
  excludePath: ["/tmp/?*"],
  fleecing: { enabled: true, storage: "local-lvm" },
  performance: { maxWorkers: 4, pbsEntriesMax: 1048576 },
  pbsChangeDetectionMode: "metadata",
  lockwait: 180,
  stopwait: 10,
  tmpdir: "/var/tmp",
};

function jobJson(config: Partial<BackupJobConfig>) {
  const { stack, provider } = fixture();
  new BackupJob(stack, "Job", { ...FULL, ...config, provider } as BackupJobConfig);
  return synth(stack).resource.proxmox_backup_job.Job;
}

function make(config: Partial<BackupJobConfig>) {
  const { stack, provider } = fixture();
  return () =>
    new BackupJob(stack, "Job", {
      id: "j1",
      schedule: "*-*-* 02:00",
      storage: "pbs-main",
      ...config,
      provider,
    } as BackupJobConfig);
}

describe("proxmox_backup_job binding conformance", () => {
  const json = jobJson({});

  it.each(Object.entries(BACKUP_JOB_FACTS).filter(([name]) => name !== "all" && name !== "pool"))(
    "synthesizes %s with the provider's name and type",
    (name, fact) => {
      expect(json).toHaveProperty([name]);
      expect(conforms(json[name], fact.type)).toBe(true);
    },
  );

  it("writes no attribute the provider does not have", () => {
    const known = new Set([...Object.keys(BACKUP_JOB_FACTS), "provider", "//"]);
    expect(Object.keys(json).filter((k) => !known.has(k))).toEqual([]);
  });

  it("writes vmid as a list of strings, prune_backups as a string map, fleecing/performance as objects", () => {
    expect(json.vmid).toEqual(["100", "101"]);
    expect(json.prune_backups).toEqual({ "keep-daily": "7", "keep-last": "3" });
    expect(json.fleecing).toEqual({ enabled: true, storage: "local-lvm" });
    expect(json.performance).toEqual({ max_workers: 4, pbs_entries_max: 1048576 });
    expect(Array.isArray(json.fleecing)).toBe(false);
    expect(json.compress).toBe("zstd");
    expect(json.provider).toBe("proxmox.pve");
  });

  it("writes all and pool when they select the guests", () => {
    const all = jobJson({ vmid: undefined, all: true });
    expect(all.all).toBe(true);
    expect(all).not.toHaveProperty("vmid");
    const pool = jobJson({ vmid: undefined, pool: "prod" });
    expect(pool.pool).toBe("prod");
  });

  it("leaves unset optional attributes out (so Proxmox keeps its defaults)", () => {
    const { stack, provider } = fixture();
    new BackupJob(stack, "Min", { provider, id: "min", schedule: "daily", storage: "local", vmid: ["100"] });
    expect(Object.keys(synth(stack).resource.proxmox_backup_job.Min).sort()).toEqual([
      "id",
      "provider",
      "schedule",
      "storage",
      "vmid",
    ]);
  });

  it("accepts references for vmid elements (a VM's vm_id converted to string)", () => {
    const { stack, provider } = fixture();
    const v = new TerraformVariable(stack, "vmid", { type: "number" });
    new BackupJob(stack, "Ref", {
      provider,
      id: "ref",
      schedule: "daily",
      storage: "local",
      vmid: [Token.asString(v.numberValue)],
    });
    expect(synth(stack).resource.proxmox_backup_job.Ref.vmid).toEqual(["${var.vmid}"]);
  });
});

describe("proxmox_backup_job client-side checks", () => {
  it.each([
    [{ all: true, vmid: ["100"] }, "all", "vmid"],
    [{ all: true, pool: "prod" }, "all", "pool"],
    [{ vmid: ["100"], pool: "prod" }, "vmid", "pool"],
    [{ vmid: ["100"], exclude: ["101"] }, "vmid", "exclude"],
  ])("refuses %j: %s and %s are mutually exclusive (PVE-001)", (config, a, b) => {
    expect(make(config as Partial<BackupJobConfig>)).toThrow(
      new RegExp(`PVE-001: proxmox_backup_job: \`${a}\` and \`${b}\` cannot both be set`),
    );
  });

  it("allows exclude together with all (Proxmox's 'all except' mode) and then needs provider 0.112.0", () => {
    const { stack, provider } = fixture();
    new BackupJob(stack, "AllBut", {
      provider,
      id: "allbut",
      schedule: "daily",
      storage: "local",
      all: true,
      exclude: ["100"],
    });
    const out = synth(stack);
    expect(out.resource.proxmox_backup_job.AllBut.exclude).toEqual(["100"]);
    expect(out.terraform.required_providers.proxmox.version).toBe(">= 0.112.0, < 1.0.0");
  });

  it.each(Object.entries(BACKUP_JOB_ENUMS))(
    "accepts every allowed %s and refuses others (PVE-002)",
    (attr, allowed) => {
      const key = attr === "pbs_change_detection_mode" ? "pbsChangeDetectionMode" : attr;
      for (const v of allowed) expect(make({ vmid: ["100"], [key]: v })).not.toThrow();
      for (const bad of ["", "SNAPSHOT", "zstd ", "never", "2"]) {
        if (allowed.includes(bad)) continue;
        expect(make({ vmid: ["100"], [key]: bad })).toThrow(new RegExp(`PVE-002: \`${attr}\``));
      }
    },
  );

  it.each([0, 4, 8])("accepts ionice %d", (n) => {
    expect(make({ vmid: ["100"], ionice: n })).not.toThrow();
  });

  it.each([-1, 9, 2.5])("refuses ionice %d (PVE-003, 0..8)", (n) => {
    expect(make({ vmid: ["100"], ionice: n })).toThrow(/PVE-003: `ionice` is out of range.*allowed: 0\.\.8/);
  });

  it("skips unresolved tokens in checks (Terraform judges references)", () => {
    const { stack, provider } = fixture();
    const v = new TerraformVariable(stack, "io", { type: "number" });
    expect(
      () =>
        new BackupJob(stack, "T", {
          provider,
          id: "tt",
          schedule: "daily",
          storage: "local",
          vmid: ["100"],
          ionice: v.numberValue,
          mode: new TerraformVariable(stack, "m", { type: "string" }).stringValue,
        }),
    ).not.toThrow();
  });

  it("refuses keep-all together with other keep options (PVE-004) but allows it alone", () => {
    expect(make({ vmid: ["100"], pruneBackups: { "keep-all": "1", "keep-daily": "7" } })).toThrow(
      /PVE-004: `prune_backups`: keep-all cannot be combined.*keep-daily/,
    );
    expect(make({ vmid: ["100"], pruneBackups: { "keep-all": "1" } })).not.toThrow();
    expect(make({ vmid: ["100"], pruneBackups: { "keep-all": "0", "keep-daily": "7" } })).not.toThrow();
  });

  it("refuses prune keys in the wrong spelling and non-numeric values", () => {
    expect(make({ vmid: ["100"], pruneBackups: { keep_daily: "7" } })).toThrow(/PVE-005.*received "keep_daily"/);
    expect(make({ vmid: ["100"], pruneBackups: { "keep-daily": "seven" } })).toThrow(
      /PVE-003: `prune_backups\["keep-daily"\]`/,
    );
    expect(make({ vmid: ["100"], pruneBackups: { "keep-all": "2" } })).toThrow(/PVE-002/);
  });

  it("refuses guest ids that are not Proxmox vmids (PVE-007)", () => {
    expect(make({ vmid: ["99"] })).toThrow(/PVE-007/);
    expect(make({ vmid: ["1e3"] })).toThrow(/PVE-007/);
    expect(make({ vmid: [100 as unknown as string] })).toThrow(/PVE-002: `vmid`.*as strings/);
  });

  it("refuses a job id Proxmox would reject (PVE-006), an empty schedule (PVE-012) and a bad storage id", () => {
    expect(make({ id: "1st-job", vmid: ["100"] })).toThrow(/PVE-006: `id`/);
    expect(make({ id: "nightly job", vmid: ["100"] })).toThrow(/PVE-006/);
    expect(make({ id: `j${"x".repeat(49)}`, vmid: ["100"] })).not.toThrow();
    expect(make({ id: `j${"x".repeat(50)}`, vmid: ["100"] })).toThrow(/PVE-006.*2-50 characters/);
    expect(make({ schedule: " ", vmid: ["100"] })).toThrow(/PVE-012: `schedule` must not be empty/);
    expect(make({ storage: "pbs main", vmid: ["100"] })).toThrow(/PVE-002: `storage`/);
  });

  it("leaves nothing behind in the stack when it refuses a job", () => {
    const { stack, provider } = fixture();
    expect(
      () =>
        new BackupJob(stack, "Bad", {
          provider,
          id: "bad",
          schedule: "daily",
          storage: "local",
          all: true,
          vmid: ["100"],
        }),
    ).toThrow(/PVE-001/);
    expect(synth(stack).resource).toBeUndefined();
  });

  it("refuses a malformed starttime and negative counts", () => {
    expect(make({ vmid: ["100"], starttime: "25:00" })).toThrow(/PVE-002: `starttime`/);
    expect(make({ vmid: ["100"], bwlimit: -5 })).toThrow(/PVE-003: `bwlimit`/);
    expect(make({ vmid: ["100"], performance: { maxWorkers: 0 } })).toThrow(/PVE-003: `performance.max_workers`/);
  });
});

describe("proxmox_backup_job HCL synthesis", () => {
  it("writes fleecing and performance as object expressions, not blocks", () => {
    const { stack, provider } = fixture();
    new BackupJob(stack, "Job", { ...FULL, provider });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hcl: string = require("../../../lib/core/cdk").Testing.synthHcl(stack);
    expect(hcl).toMatch(/fleecing = \{\nenabled = true\nstorage = "local-lvm"\n\}/);
    expect(hcl).toMatch(/performance = \{\nmax_workers = 4/);
    expect(hcl).toMatch(/prune_backups = \{\nkeep-daily = "7"/);
    expect(hcl).not.toMatch(/fleecing \{/);
  });
});
