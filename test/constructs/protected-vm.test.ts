import { ProtectedVm } from "../../lib/constructs/protected-vm";
import { JOB_ID_MAX, ProxmoxHostBackups, retentionCode } from "../../lib/constructs/proxmox-host-backups";
import { VzdumpJob, VzdumpMode } from "../../lib/constructs/vzdump-job";
import { App, TerraformStack, TerraformVariable, Testing } from "../../lib/core/cdk";
import { Retention } from "../../lib/core/retention";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { GuestKind } from "../../lib/core/vocabulary";
import { ProxmoxProvider } from "../../lib/providers/proxmox";
import { startsInFirstWeek } from "../support/systemd";

type Json = any;

function host(props: Partial<ConstructorParameters<typeof ProxmoxHostBackups>[2]> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "pve");
  const token = new TerraformVariable(stack, "token", { type: "string", sensitive: true });
  const provider = new ProxmoxProvider(stack, "Pve", {
    alias: "pve",
    endpoint: "https://pve:8006/",
    apiToken: token.stringValue,
  });
  const backups = new ProxmoxHostBackups(stack, "Host", {
    provider,
    storage: "pbs-main",
    jobIdPrefix: "pve",
    mailto: ["ops@example.com"],
    ...props,
  });
  return { app, stack, backups };
}

function jobs(stack: TerraformStack): Json[] {
  return Object.values(JSON.parse(Testing.synth(stack)).resource?.proxmox_backup_job ?? {});
}

const DAILY = Retention.of({ daily: 7, weekly: 4, monthly: 6 });

describe("ProtectedVm: grouping into vzdump jobs", () => {
  it("puts two guests of one host with the same RPO and policy into one job", () => {
    // GIVEN a host
    const { stack, backups } = host();
    // WHEN two services with a 1-day RPO enroll
    const a = new ProtectedVm(stack, "nextcloud", {
      host: backups,
      vmid: 210,
      cadence: Cadence.daily(),
      retention: DAILY,
    });
    const b = new ProtectedVm(stack, "paperless", {
      host: backups,
      vmid: 220,
      cadence: Cadence.daily(),
      retention: DAILY,
    });
    // THEN they share one proxmox_backup_job
    expect(a.job).toBe(b.job);
    const out = jobs(stack);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: "pve-1d-d7w4m6",
      vmid: ["210", "220"],
      notes_template: "{{guestname}} ({{vmid}}) | services: 210=nextcloud 220=paperless | backup-gov",
    });
  });

  it("gives services with different RPOs different jobs", () => {
    const { stack, backups } = host();
    const a = new ProtectedVm(stack, "vault", {
      host: backups,
      vmid: 204,
      cadence: Cadence.hourly(4),
      retention: DAILY,
    });
    const b = new ProtectedVm(stack, "cloud", { host: backups, vmid: 210, cadence: Cadence.daily(), retention: DAILY });
    expect(a.job).not.toBe(b.job);
    expect(
      jobs(stack)
        .map((j) => [j.id, j.vmid])
        .sort(),
    ).toEqual([
      ["pve-1d-d7w4m6", ["210"]],
      ["pve-4h-d7w4m6", ["204"]],
    ]);
  });

  it("splits one cadence by what a job applies to all its guests: retention, mode, repeat-missed", () => {
    const { stack, backups } = host();
    new ProtectedVm(stack, "a", { host: backups, vmid: 101, retention: DAILY });
    new ProtectedVm(stack, "b", { host: backups, vmid: 102, retention: Retention.of({ daily: 14 }) });
    new ProtectedVm(stack, "c", { host: backups, vmid: 103, retention: DAILY, mode: VzdumpMode.STOP });
    new ProtectedVm(stack, "d", { host: backups, vmid: 104, retention: DAILY, repeatMissed: true });
    new ProtectedVm(stack, "e", { host: backups, vmid: 105, retention: DAILY, mode: VzdumpMode.STOP });
    const byId = Object.fromEntries(jobs(stack).map((j) => [j.id, j]));
    expect(Object.keys(byId).sort()).toEqual(["pve-1d-d14", "pve-1d-d7w4m6", "pve-1d-d7w4m6-rm", "pve-1d-d7w4m6-stop"]);
    expect(byId["pve-1d-d7w4m6-stop"]).toMatchObject({ mode: "stop", vmid: ["103", "105"] });
    expect(byId["pve-1d-d7w4m6-rm"].repeat_missed).toBe(true);
    expect(byId["pve-1d-d7w4m6"]).not.toHaveProperty("repeat_missed");
  });

  it("derives job ids from settings, not from enrollment order", () => {
    const ids = (order: number[]) => {
      const { stack, backups } = host();
      const specs = [
        { vmid: 101, cadence: Cadence.daily(), retention: DAILY },
        { vmid: 102, cadence: Cadence.hourly(6), retention: DAILY },
        { vmid: 103, cadence: Cadence.weekly(), retention: Retention.of({ weekly: 8 }) },
      ];
      for (const i of order) new ProtectedVm(stack, `g${specs[i].vmid}`, { host: backups, ...specs[i] });
      return jobs(stack)
        .map((j) => `${j.id} ${j.schedule} ${j.vmid.join(",")}`)
        .sort();
    };
    expect(ids([0, 1, 2])).toEqual(ids([2, 0, 1]));
  });

  it("maps the retention to prune_backups and sets the house defaults of every job", () => {
    const { stack, backups } = host();
    new ProtectedVm(stack, "vault", {
      host: backups,
      vmid: 204,
      kind: GuestKind.QEMU,
      cadence: Cadence.hourly(4),
      retention: Retention.of({ hourly: 12, daily: 14, weekly: 8, monthly: 12, yearly: 1 }),
      repeatMissed: true,
    });
    const [j] = jobs(stack);
    expect(j.prune_backups).toEqual({
      "keep-hourly": "12",
      "keep-daily": "14",
      "keep-weekly": "8",
      "keep-monthly": "12",
      "keep-yearly": "1",
    });
    expect(j).toMatchObject({
      compress: "zstd",
      mode: "snapshot",
      mailto: ["ops@example.com"],
      mailnotification: "failure",
      repeat_missed: true,
      enabled: true,
      remove: true,
      storage: "pbs-main",
      provider: "proxmox.pve",
    });
    expect(j).not.toHaveProperty("node");
    expect(j.id).toBe(
      `pve-4h-${retentionCode(Retention.of({ hourly: 12, daily: 14, weekly: 8, monthly: 12, yearly: 1 }))}-rm`,
    );
  });

  it("leaves mail settings out when nobody is to be mailed", () => {
    const { stack, backups } = host({ mailto: undefined });
    new ProtectedVm(stack, "a", { host: backups, vmid: 101 });
    const [j] = jobs(stack);
    expect(j).not.toHaveProperty("mailto");
    expect(j).not.toHaveProperty("mailnotification");
  });

  it("refuses a guest enrolled twice on one host, and a vmid Proxmox cannot have", () => {
    const { stack, backups } = host();
    new ProtectedVm(stack, "a", { host: backups, vmid: 101 });
    expect(() => new ProtectedVm(stack, "b", { host: backups, vmid: 101, cadence: Cadence.weekly() })).toThrow(
      /PVE-011: pve\/Host: guest 101 on host pve is enrolled twice \(a and b\)/,
    );
    expect(() => new ProtectedVm(stack, "c", { host: backups, vmid: 42 })).toThrow(/PVE-007/);
  });

  it("refuses a retention that keeps nothing (Proxmox would fall back to the storage's keep-all)", () => {
    const { stack, backups } = host();
    expect(() => new ProtectedVm(stack, "a", { host: backups, vmid: 101, retention: Retention.of({}) })).toThrow(
      /PVE-008/,
    );
  });

  it("fails synthesis of a standalone job that selects no guest", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new TerraformStack(app, "s");
    const provider = new ProxmoxProvider(stack, "P", {});
    new VzdumpJob(stack, "empty-job", {
      provider,
      storage: "local",
      retention: DAILY,
      schedule: Schedule.at(Cadence.daily(), 60),
    });
    expect(() => app.synth()).toThrow(/PVE-010: backup job empty-job selects no guest/);
  });

  it("keeps long job ids short, with a hash of the full id as tail", () => {
    const { stack, backups } = host({ jobIdPrefix: "a-very-long-host-name-for-a-cluster-entry" });
    const vm = new ProtectedVm(stack, "a", {
      host: backups,
      vmid: 101,
      retention: Retention.of({ hourly: 100, daily: 365, weekly: 52, monthly: 120, yearly: 10 }),
      cadence: Cadence.hourly(1),
      mode: VzdumpMode.SUSPEND,
      repeatMissed: true,
    });
    expect(vm.jobId.length).toBeLessThanOrEqual(JOB_ID_MAX);
    expect(vm.jobId).toMatch(
      /^a-very-long-host-name-for-a-cluster-entry-1h-h-[0-9a-f]{8}$|^a-very-long.*-[0-9a-f]{8}$/,
    );
  });
});

describe("ProtectedVm: tier presets", () => {
  it.each([
    [
      "criticalTier",
      Cadence.hourly(4),
      { "keep-hourly": "12", "keep-daily": "14", "keep-weekly": "8", "keep-monthly": "12", "keep-yearly": "1" },
      true,
    ],
    ["importantTier", Cadence.daily(), { "keep-daily": "7", "keep-weekly": "4", "keep-monthly": "6" }, false],
    ["rebuildableTier", Cadence.weekly(), { "keep-daily": "3", "keep-weekly": "2" }, false],
  ] as const)("%s sets the tier's retention and repeat-missed", (preset, cadence, prune, repeat) => {
    const { stack, backups } = host();
    const vm = ProtectedVm[preset](stack, "g", { host: backups, vmid: 300, cadence });
    const [j] = jobs(stack);
    expect(j.prune_backups).toEqual(prune);
    expect(vm.job.repeatMissed).toBe(repeat);
  });
});

describe("ProtectedVm: staggering", () => {
  const MIX: Array<[Cadence, Retention]> = [
    [Cadence.hourly(1), Retention.of({ hourly: 48, daily: 14 })],
    [Cadence.hourly(2), Retention.of({ hourly: 24, daily: 14 })],
    [Cadence.hourly(3), Retention.of({ hourly: 16, daily: 7 })],
    [Cadence.hourly(4), Retention.of({ hourly: 12, daily: 14, weekly: 8 })],
    [Cadence.hourly(4), Retention.of({ hourly: 6, daily: 7 })],
    [Cadence.hourly(6), Retention.of({ hourly: 4, daily: 7 })],
    [Cadence.hourly(8), Retention.of({ hourly: 3, daily: 7 })],
    [Cadence.hourly(12), Retention.of({ hourly: 2, daily: 7, weekly: 4 })],
    [Cadence.daily(), DAILY],
    [Cadence.daily(), Retention.of({ daily: 14, weekly: 8, monthly: 12, yearly: 1 })],
    [Cadence.daily(), Retention.of({ daily: 3, weekly: 2 })],
    [Cadence.weekly(), Retention.of({ weekly: 4 })],
    [Cadence.weekly(), Retention.of({ weekly: 8, monthly: 6 })],
  ];

  function staggered() {
    const { stack, backups } = host();
    MIX.forEach(
      ([cadence, retention], i) =>
        new ProtectedVm(stack, `svc${i}`, { host: backups, vmid: 100 + i, cadence, retention }),
    );
    return { stack, backups };
  }

  it("gives no two jobs of a host the same start minute anywhere in the week (checked with systemd-analyze)", () => {
    const { stack, backups } = staggered();
    const out = jobs(stack);
    expect(out).toHaveLength(MIX.length);
    const real = startsInFirstWeek(out.map((j) => j.schedule));
    const seen = new Map<number, string>();
    for (const j of out) {
      const starts = real.get(j.schedule)!;
      const job = backups.jobs.find((x) => x.jobId === j.id)!;
      // systemd's reading of the calendar event is exactly the model's week of starts.
      expect(starts).toEqual(job.schedule.startsInWeek());
      expect(starts).toHaveLength(job.cadence.perWeek);
      for (const t of starts) {
        expect(seen.get(t)).toBeUndefined();
        seen.set(t, j.id);
      }
    }
  });

  it("uses an oracle that does refuse what systemd (and so Proxmox) cannot parse", () => {
    expect(() => startsInFirstWeek(["*-*-* 02/4:15:00", "every tuesday"])).toThrow(
      /refused an expression: .*every tuesday/,
    );
  });

  it("keeps runs of a typical host 30 minutes apart, so a run's expected window never overlaps the next start", () => {
    const { stack, backups } = host();
    [4, 9, 10, 11, 12].forEach(
      (i) =>
        new ProtectedVm(stack, `svc${i}`, { host: backups, vmid: 100 + i, cadence: MIX[i][0], retention: MIX[i][1] }),
    );
    new ProtectedVm(stack, "weekly", {
      host: backups,
      vmid: 199,
      cadence: Cadence.weekly(),
      retention: Retention.of({ weekly: 2 }),
    });
    expect(backups.jobs).toHaveLength(6);
    const all = backups.jobs.flatMap((j) => j.schedule.startsInWeek()).sort((a, b) => a - b);
    for (let i = 1; i < all.length; i++) expect(all[i] - all[i - 1]).toBeGreaterThanOrEqual(30);
  });

  it("starts daily and weekly jobs inside the nightly window", () => {
    const { backups } = staggered();
    for (const j of backups.jobs.filter((x) => !x.cadence.isSubDaily)) {
      const { hour } = j.schedule.firstStart();
      expect(hour).toBeGreaterThanOrEqual(1);
      expect(hour).toBeLessThan(6);
    }
  });
});
