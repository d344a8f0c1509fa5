import { App, Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { AppDecision, Classification, GuestKind } from "../../lib/core/vocabulary";
import { isBlocking } from "../../lib/core/finding";
import { BackupEstate, ProtectedService } from "../../lib/estate/protected-service";
import type { EstateSettings, ServiceDefinition } from "../../lib/estate/definition";
import { validateCatalogText } from "../../lib/governance/validate";

const SETTINGS: EstateSettings = {
  name: "garage-lab",
  owner: "@sam",
  proxmoxHosts: { pve1: { endpoint: "https://pve1.lan:8006", node: "pve1", storage: "local" } },
  notifications: { emails: ["sam@example.org"] },
};

const YAML_HEAD = `version: 1
name: garage-lab
owner: "@sam"
proxmox:
  hosts:
    pve1: { endpoint: "https://pve1.lan:8006", node: pve1, storage: local }
notifications:
  email: [sam@example.org]
services:
`;

/** A critical guest with no offsite and no immutability decision: the catalog refuses it. */
const CRITICAL: ServiceDefinition = {
  classification: Classification.CRITICAL,
  rpo: Duration.hours(4),
  rto: Duration.hours(2),
  guest: { host: "pve1", vmid: 101 },
  app: { decision: AppDecision.VZDUMP_ONLY, rationale: "a static site, the image is the data" },
  offsite: { required: false, reason: "the site is rebuilt from git" },
  restore: { secrets: "vault:kv/backup/site", validate: ["curl -fsS http://site.lan/"] },
};
const CRITICAL_YAML = `  - id: site
    classification: critical
    rpo: 4h
    rto: 2h
    vm: { host: pve1, vmid: 101 }
    app: { decision: vzdump-only, rationale: "a static site, the image is the data" }
    offsite: { required: false, reason: "the site is rebuilt from git" }
    restore: { secrets: "vault:kv/backup/site", validate: ["curl -fsS http://site.lan/"] }
`;

function estateWith(defs: Record<string, ServiceDefinition>, settings: EstateSettings = SETTINGS) {
  const app = Testing.app();
  const estate = new BackupEstate(app, "Estate", settings);
  const services = Object.entries(defs).map(([id, d]) => new ProtectedService(estate, id, d));
  return { app, estate, services };
}

const ruleIds = (fs: readonly { ruleId: string; path: readonly (string | number)[] }[]) =>
  fs.map((f) => `${f.ruleId} ${f.path.join(".")}`).sort();

describe("ProtectedService: the catalog's rules, the same ids", () => {
  it("gives a critical service without offsite and immutability decisions the catalog's findings, and builds nothing", () => {
    const yaml = validateCatalogText(YAML_HEAD + CRITICAL_YAML);
    expect(yaml.ok).toBe(false);
    const { estate } = estateWith({ site: CRITICAL });
    const blocking = estate.findings.filter(isBlocking);
    expect(blocking.length).toBeGreaterThan(0);
    expect(ruleIds(blocking)).toEqual(ruleIds(yaml.findings.filter(isBlocking)));
    expect(() => estate.build()).toThrow(/IO-004/);
  });

  it("takes acknowledgements in code as the catalog takes them in YAML, and builds what the catalog builds", () => {
    const head = `version: 1\nname: shop\nowner: "@ops"\naws: { region: us-east-1, accountId: "123456789012" }\nnotifications: { email: [ops@example.com] }\nservices:\n`;
    const svc = `  - id: invoices
    classification: important
    rpo: 1d
    rto: 8h
    aws: { resources: ["arn:aws:s3:::shop-invoices"] }
    app: { decision: platform-only, rationale: "S3 backups are the data" }
    offsite: { required: false, reason: "rebuilt from the ERP" }
    restore: { secrets: "vault:kv/backup/invoices", validate: ["aws s3 ls s3://shop-invoices"] }
`;
    const def: ServiceDefinition = {
      classification: Classification.IMPORTANT,
      rpo: Duration.days(1),
      rto: Duration.hours(8),
      aws: { resources: ["arn:aws:s3:::shop-invoices"] },
      app: { decision: AppDecision.PLATFORM_ONLY, rationale: "S3 backups are the data" },
      offsite: { required: false, reason: "rebuilt from the ERP" },
      restore: { secrets: "vault:kv/backup/invoices", validate: ["aws s3 ls s3://shop-invoices"] },
    };
    const settings: EstateSettings = {
      name: "shop",
      owner: "@ops",
      aws: { region: "us-east-1", accountId: "123456789012" },
      notifications: { emails: ["ops@example.com"] },
    };
    const unacknowledged = validateCatalogText(head + svc);
    expect(ruleIds(unacknowledged.findings)).toContain("GOV-029 services.0.aws.resources");
    expect(ruleIds(estateWith({ invoices: def }, settings).estate.findings)).toEqual(ruleIds(unacknowledged.findings));
    const reason = "versioning is enforced by the platform SCP";
    const yaml = validateCatalogText(head + svc + `    acknowledge: [{ rule: GOV-029, reason: "${reason}" }]\n`);
    const { estate, services } = estateWith(
      { invoices: { ...def, acknowledge: [{ rule: "GOV-029", reason }] } },
      settings,
    );
    expect(yaml.ok).toBe(true);
    expect(ruleIds(estate.findings.filter((f) => f.acknowledged))).toEqual(["GOV-029 services.0.aws.resources"]);
    expect(ruleIds(yaml.findings.filter((f) => f.acknowledged))).toEqual(["GOV-029 services.0.aws.resources"]);
    expect(estate.findings.filter(isBlocking)).toEqual([]);
    const built = estate.build();
    // What the catalog path builds for the service: a plan selecting the bucket, its target with restore steps.
    expect(services[0].targets.map((t) => t.kind)).toContain("aws-backup");
    expect(services[0].jobs.length).toBeGreaterThan(0);
    const json = JSON.parse(Testing.synth(built.awsStack!)) as {
      resource: Record<string, Record<string, { resources?: string[] }>>;
    };
    expect(Object.values(json.resource.aws_backup_selection).flatMap((x) => x.resources ?? [])).toEqual([
      "arn:aws:s3:::shop-invoices",
    ]);
  });

  it("builds on app.synth() and writes the artifacts beside the stacks", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const estate = new BackupEstate(app, "Estate", SETTINGS);
    new ProtectedService(estate, "nvr", {
      classification: Classification.REBUILDABLE,
      rpo: Duration.days(7),
      rto: Duration.days(3),
      guest: { host: "pve1", vmid: 140, kind: GuestKind.LXC },
      app: { decision: AppDecision.VZDUMP_ONLY, rationale: "footage only" },
      offsite: { required: false, reason: "footage is disposable" },
    });
    app.synth();
    expect(estate.estate.stacks.map((s) => s.node.id)).toEqual(["garage-lab-proxmox"]);
    expect(estate.artifacts.get("inventory.yaml")?.content).toMatch(/nvr/);
    // Built once: a service added afterwards is refused, not silently left out.
    expect(() => new ProtectedService(estate, "late", CRITICAL)).toThrow(/CON-005: Estate\/late/);
  });

  it("exposes the estate's handles: the alert topic of an AWS estate", () => {
    const { estate } = estateWith(
      {
        orders: {
          classification: Classification.IMPORTANT,
          rpo: Duration.days(1),
          rto: Duration.hours(8),
          aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"] },
          app: { decision: AppDecision.PLATFORM_ONLY, rationale: "DynamoDB backups are the data" },
          offsite: { required: false, reason: "rebuildable from the ERP" },
          restore: { secrets: "vault:kv/backup/orders", validate: ["aws dynamodb describe-table --table-name orders"] },
        },
      },
      {
        name: "shop",
        owner: "@ops",
        aws: { region: "us-east-1", accountId: "123456789012" },
        notifications: { emails: ["ops@example.com"] },
      },
    );
    const built = estate.build();
    expect(built.alertTopic).toBeDefined();
    expect(built.monitoring.monitoring!.topic).toBe(built.alertTopic);
    expect(built.aws.vaultsByService.get("orders")!.length).toBeGreaterThan(0);
  });
});

describe("ProtectedService and BackupEstate: props checked at run time (JavaScript and tsx callers)", () => {
  const js = (x: unknown) => x as ServiceDefinition;
  it("refuses a missing rpo with CON-001 naming the construct path", () => {
    expect(() => estateWith({ site: js({ ...CRITICAL, rpo: undefined }) })).toThrow(
      /CON-001: Estate\/site: ProtectedService needs `rpo`/,
    );
  });
  it("refuses an rpo written as text with CON-002", () => {
    expect(() => estateWith({ site: js({ ...CRITICAL, rpo: "4h" }) })).toThrow(
      /CON-002: Estate\/site: .*`rpo` is not a Duration/,
    );
  });
  it("refuses `email` for `emails` with CON-003 and the suggestion", () => {
    expect(() => estateWith({}, { ...SETTINGS, notifications: { email: ["a@example.com"] } as never })).toThrow(
      /CON-003: Estate: .*no prop `email`.*did you mean `emails`/,
    );
  });
  it("refuses a misspelt service key (CON-003) and an unknown classification (CON-002)", () => {
    expect(() => estateWith({ site: js({ ...CRITICAL, offiste: { required: false, reason: "x" } }) })).toThrow(
      /CON-003.*did you mean `offsite`/,
    );
    expect(() => estateWith({ site: js({ ...CRITICAL, classification: "crit" }) })).toThrow(
      /CON-002: Estate\/site: .*classification/,
    );
  });
  it("refuses an immutability period that is not whole days (CON-006)", () => {
    expect(() =>
      estateWith({ site: js({ ...CRITICAL, immutable: { mode: "compliance", retention: Duration.hours(36) } }) }),
    ).toThrow(/CON-006/);
  });
  it("refuses a ProtectedService outside a BackupEstate (CON-004)", () => {
    const app = Testing.app();
    expect(() => new ProtectedService(app as never, "site", CRITICAL)).toThrow(/CON-004/);
  });
});
