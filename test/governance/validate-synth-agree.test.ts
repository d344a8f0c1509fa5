/**
 * What the constructs and the writers reject, validate rejects first, at the catalog line
 * (issue: "validate says 0, synth exits 2"). Each case was a catalog that validated clean
 * and then failed synth with no line and no catalog rule id.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { toolRepository } from "../../lib/constructs/app-backup";
import { BackupTool } from "../../lib/core/vocabulary";
import { HTTPS_API_URL, PVE_STORAGE_ID, REPOSITORY } from "../../lib/core/formats";
import { Size } from "../../lib/core/size";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { Patterns } from "../../lib/catalog/schema/common";
import { awsService, catalogWith, criticalDbService, ROOT, validate, vmService } from "../support/catalogs";

const filesService = (id: string, app: Record<string, unknown>) =>
  vmService(id, {
    app: { decision: "required", rationale: "files", engine: "files", host: `${id}.test`, paths: ["/srv"], ...app },
  });

const host = (patch: Record<string, unknown>) => ({
  proxmox: {
    hosts: {
      pve: {
        endpoint: "https://pve.test:8006",
        node: "pve",
        storage: "pbs",
        vzdumpHook: true,
        auth: "root-password",
        ...patch,
      },
    },
  },
});

const label = (n: number) => "h".repeat(n);
const HOST_253 = [label(63), label(63), label(63), label(61)].join(".");

describe("validate rejects, at the line, what synth would reject", () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      "an ssh:// repository without a path (APP-006)",
      catalogWith([filesService("web", { repository: "ssh://nas" })]),
      "CAT-007",
      "services[0].app.repository",
    ],
    [
      "an ssh:// repository with port 99999",
      catalogWith([filesService("web", { repository: "ssh://u@nas:99999/r" })]),
      "CAT-007",
      "services[0].app.repository",
    ],
    [
      "storage `a` (PVE-002)",
      catalogWith([vmService("web")], host({ storage: "a" })),
      "CAT-007",
      "proxmox.hosts.pve.storage",
    ],
    ["storage `a.`", catalogWith([vmService("web")], host({ storage: "a." })), "CAT-007", "proxmox.hosts.pve.storage"],
    ["storage `a_`", catalogWith([vmService("web")], host({ storage: "a_" })), "CAT-007", "proxmox.hosts.pve.storage"],
    [
      "an endpoint ending in /api2/json (PVE-002)",
      catalogWith([vmService("web")], host({ endpoint: "https://pve.test:8006/api2/json" })),
      "CAT-007",
      "proxmox.hosts.pve.endpoint",
    ],
    [
      "an endpoint on port 99999 (the endpoint rule crashed: GOV-000 at 1:1)",
      catalogWith([vmService("web")], host({ endpoint: "https://pve.test:99999" })),
      "CAT-007",
      "proxmox.hosts.pve.endpoint",
    ],
    [
      "bandwidthLimit 9999999GiB/s (APP-001)",
      catalogWith([filesService("web", { bandwidthLimit: "9999999GiB/s" })]),
      "CAT-008",
      "services[0].app.bandwidthLimit",
    ],
    [
      "directoryFormatAbove 9999999TiB (APP-001)",
      catalogWith([
        criticalDbService("db", {
          app: {
            decision: "required",
            rationale: "db",
            engine: "postgresql",
            host: "db.test",
            database: "app",
            directoryFormatAbove: "9999999TiB",
          },
        }),
      ]),
      "CAT-008",
      "services[0].app.directoryFormatAbove",
    ],
    [
      "a 253-character app.host (ENAMETOOLONG)",
      catalogWith([filesService("web", { host: HOST_253 })]),
      "GOV-110",
      "services[0].app.host",
    ],
    [
      "app.host `nas.tar.gz` beside a host `nas` (ENOTDIR)",
      catalogWith([filesService("web", { host: "nas" }), filesService("api", { host: "nas.tar.gz" })]),
      "GOV-110",
      "services[1].app.host",
    ],
    [
      "one host spelled two ways",
      catalogWith([filesService("web", { host: "NAS.test" }), filesService("api", { host: "nas.test" })]),
      "GOV-110",
      "services[1].app.host",
    ],
  ])("%s", (_what, catalog, rule, path) => {
    const r = validate(catalog);
    const errors = r.findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => `${f.ruleId} ${f.path.join(".").replace(/\.(\d+)/g, "[$1]")}`)).toEqual([
      `${rule} ${path}`,
    ]);
    expect(errors[0].position.line).toBeGreaterThan(1);
  });

  it("the same catalogs, corrected, synthesize (the check is not stricter than synth)", () => {
    const dir = mkdtempSync(join(ROOT, ".tmp", "agree-"));
    const ok = [
      catalogWith(
        [filesService("web", { repository: "ssh://u@nas:2222/r", tool: "borg" })],
        host({ storage: "a1", endpoint: "https://pve.test:65535/" }),
      ),
      catalogWith([
        filesService("web", { bandwidthLimit: "8388607GiB/s", host: HOST_253.slice(0, 248) }),
        filesService("api", { host: "nas.tar" }),
      ]),
    ];
    for (const [i, c] of ok.entries()) {
      const file = join(dir, `c${i}.yaml`);
      writeFileSync(file, stringify(c));
      const r = synthesizeCatalog(file, join(dir, `out${i}`));
      expect(r.report.findings.filter((f) => f.severity === "error")).toEqual([]);
      expect(readdirSync(join(dir, `out${i}`, "artifacts", "hosts")).length).toBeGreaterThan(0);
    }
  });
});

describe("the schema's patterns are the constructs' own", () => {
  it("one definition each (lib/core/formats.ts)", () => {
    expect(Patterns.pveStorageId).toBe(PVE_STORAGE_ID);
    expect(Patterns.repository).toBe(REPOSITORY);
    expect(Patterns.httpsUrl).toBe(HTTPS_API_URL);
  });
  it("sizes: the schema asks the parser the constructs use", () => {
    expect(Size.fits("8388607GiB/s", true)).toBe(true);
    expect(Size.fits("8388608GiB/s", true)).toBe(false);
    expect(() => Size.parseRate("9999999GiB/s")).toThrow(
      /APP-001: bandwidthLimit is not a size; received "9999999GiB\/s"/,
    );
  });
});

/**
 * Issue 20: catalogs that validated clean and then failed synth, or built something other
 * than what they said (items 4, 5 and 9).
 */
describe("issue 20: what validate accepts, synth builds as meant", () => {
  const errorsOf = (c: Record<string, unknown>) =>
    validate(c)
      .findings.filter((f) => f.severity === "error" && !f.acknowledged)
      .map((f) => `${f.ruleId} ${f.path.join(".").replace(/\.(\d+)/g, "[$1]")}`);
  const zero = { daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  const kubernetes = () =>
    parse(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")) as Record<string, any>;

  it.each<[string, Record<string, unknown>]>([
    ["vzdump (synth failed PVE-008)", catalogWith([vmService("web", { retention: zero })])],
    ["AWS Backup (no plan at all)", catalogWith([awsService("db", { retention: zero })])],
    ["restic (KEEP=(): keeps everything forever)", catalogWith([{ ...filesService("web", {}), retention: zero }])],
    ["hourly alone with a daily RPO", catalogWith([vmService("web", { retention: { ...zero, hourly: 24 } })])],
  ])("a retention that keeps nothing is GOV-180 at the service's retention: %s", (_what, catalog) => {
    expect(errorsOf(catalog)).toEqual(["GOV-180 services[0].retention"]);
    const f = validate(catalog).findings.find((x) => x.ruleId === "GOV-180")!;
    expect(f.position.line).toBeGreaterThan(1);
    expect(f.fix).toMatch(/keep at least one class/);
  });

  it("a retention that keeps nothing is GOV-180 for a Kubernetes service (an empty schedules.yaml)", () => {
    const c = kubernetes();
    c.services[0].retention = { ...zero, hourly: 0 };
    expect(errorsOf(c)).toContain("GOV-180 services[0].retention");
  });

  it("one class kept is enough, and synthesizes", () => {
    const dir = mkdtempSync(join(ROOT, ".tmp", "agree-"));
    const c = catalogWith([
      vmService("web", { retention: { ...zero, weekly: 1 } }),
      { ...filesService("files", {}), retention: { ...zero, monthly: 2 } },
      awsService("db", { retention: { ...zero, yearly: 1 } }),
    ]);
    expect(errorsOf(c)).toEqual([]);
    writeFileSync(join(dir, "c.yaml"), stringify(c));
    expect(synthesizeCatalog(join(dir, "c.yaml"), join(dir, "out")).report.ok).toBe(true);
  });

  it("daily points kept longer than `immutable.maxDays` are GOV-019 at validate (synth threw GOV-019)", () => {
    const locked = (daily: number) =>
      catalogWith([
        awsService("db", { immutable: { mode: "governance", days: 7, maxDays: 400 }, retention: { daily } }),
      ]);
    expect(errorsOf(locked(500))).toEqual(["GOV-019 services[0].retention.daily"]);
    expect(validate(locked(500)).findings.find((f) => f.ruleId === "GOV-019")!.message).toMatch(
      /daily points are kept 500 days .*maximum of 400 days/,
    );
    const dir = mkdtempSync(join(ROOT, ".tmp", "agree-"));
    // Synth stops at validation (on 8df2c22 it validated clean and the plan threw GOV-019).
    writeFileSync(join(dir, "bad.yaml"), stringify(locked(500)));
    const refused = synthesizeCatalog(join(dir, "bad.yaml"), join(dir, "out-bad"));
    expect(refused.report.ok).toBe(false);
    expect(refused.stacks).toEqual([]);
    expect(errorsOf(locked(400))).toEqual([]);
    writeFileSync(join(dir, "c.yaml"), stringify(locked(400)));
    expect(synthesizeCatalog(join(dir, "c.yaml"), join(dir, "out")).report.ok).toBe(true);
  });

  it.each(["ssh://-oProxyCommand=touch${IFS}x@nas/repo", "ssh://-oProxyCommand=x/repo", "ssh://u@-nas/repo"])(
    "an ssh:// repository whose user or host starts with `-` is CAT-007 (ssh would read it as an option): %s",
    (repository) => {
      const report = validate(catalogWith([filesService("web", { repository })]));
      expect(
        report.findings.filter((f) => f.severity === "error").map((f) => `${f.ruleId} ${f.path.join(".")}`),
      ).toEqual(["CAT-007 services.0.app.repository"]);
      expect(() => toolRepository(repository, BackupTool.RESTIC)).toThrow(/APP-/);
    },
  );
});

describe("issue 20 item 4: a Proxmox storage's own retention of zeros", () => {
  const withStorage = (retention: Record<string, unknown>) =>
    catalogWith([vmService("web")], host({ storages: [{ id: "pbs", type: "dir", path: "/mnt/pbs", retention }] }));
  it("is GOV-180 at the storage's retention (no prune setting would be written: Proxmox keeps everything)", () => {
    const r = validate(withStorage({ last: 0, daily: 0 }));
    expect(r.findings.filter((f) => f.severity === "error").map((f) => `${f.ruleId} ${f.path.join(".")}`)).toEqual([
      "GOV-180 proxmox.hosts.pve.storages.0.retention",
    ]);
  });
  it.each([[{ last: 1, daily: 0 }], [{ keepAll: true }], [{ maxProtected: 5 }]])(
    "%j keeps something, or says what it keeps: clean",
    (retention) => {
      expect(validate(withStorage(retention)).findings.filter((f) => f.severity === "error")).toEqual([]);
    },
  );
});
