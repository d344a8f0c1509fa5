import { catalog, findings } from "./support";
import { appEngineOptions } from "../../../../lib/governance/rules/app-level/app-engine-options";
import { borgBandwidthLimit } from "../../../../lib/governance/rules/app-level/borg-bandwidth-limit";
import { pitrEngineCapable } from "../../../../lib/governance/rules/app-level/pitr-engine-capable";
import { mysql8PitrUnsupported } from "../../../../lib/governance/rules/app-level/mysql8-pitr-unsupported";
import { mysql8DrillUnsupported } from "../../../../lib/governance/rules/app-level/mysql8-drill-unsupported";
import { BASELINE_RULES } from "../../../../lib/governance/packs/baseline";
import { Testing } from "../../../../lib/core/cdk";
import { Estate } from "../../../../lib/estate/estate";
import { validateCatalogText } from "../../../../lib/governance/validate";

describe("GOV-050: pitr-engine-capable", () => {
  it("non-compliant: pitr on mongodb, which only has consistent dumps", () => {
    expect(
      findings(
        pitrEngineCapable,
        catalog("engine: mongodb\nhost: db.lan\ndatabase: unifi\npitr: true\nreplicaSet: rs0"),
      ),
    ).toEqual([
      "17: `app.pitr` is not available for engine `mongodb`: mongodump --oplog makes dumps consistent, it does not archive the oplog continuously",
    ]);
  });
  it.each(["postgresql", "mysql"])("compliant: pitr on %s", (engine) => {
    expect(findings(pitrEngineCapable, catalog(`engine: ${engine}\nhost: db.lan\ndatabase: app\npitr: true`))).toEqual(
      [],
    );
  });
  it("not applicable: no pitr, or files (GOV-006 reports that)", () => {
    expect(findings(pitrEngineCapable, catalog("engine: mongodb\nhost: db.lan\ndatabase: unifi"))).toEqual([]);
    expect(findings(pitrEngineCapable, catalog("engine: files\nhost: db.lan\npaths: [/srv]\npitr: true"))).toEqual([]);
  });
  it("cannot be acknowledged (a hard limit)", () => {
    const text = catalog("engine: mongodb\nhost: db.lan\ndatabase: unifi\npitr: true").replace(
      "    restore:",
      '    acknowledge: [{ rule: GOV-050, reason: "we know what we are doing" }]\n    restore:',
    );
    expect(validateCatalogText(text).findings.map((f) => f.ruleId)).toContain("ACK-003");
  });
});

describe("GOV-051: app-engine-options", () => {
  it.each([
    [
      "replicaSet on postgresql",
      "engine: postgresql\nhost: db.lan\ndatabase: app\nreplicaSet: rs0",
      "`app.replicaSet` does not apply to engine `postgresql` and would be ignored",
    ],
    [
      "directoryFormatAbove on mysql",
      "engine: mysql\nhost: db.lan\ndatabase: app\ndirectoryFormatAbove: 10GiB",
      "`app.directoryFormatAbove` does not apply to engine `mysql` and would be ignored",
    ],
    [
      "fullEvery on files",
      "engine: files\nhost: db.lan\npaths: [/srv]\nfullEvery: 7d",
      "`app.fullEvery` does not apply to engine `files` and would be ignored",
    ],
    [
      "fullEvery without pitr",
      "engine: postgresql\nhost: db.lan\ndatabase: app\nfullEvery: 7d",
      "`app.fullEvery` paces the physical backups of `pitr`, which is off",
    ],
    [
      "jobs without directoryFormatAbove",
      "engine: postgresql\nhost: db.lan\ndatabase: app\njobs: 4",
      "`app.jobs` only applies to directory-format dumps, and without `directoryFormatAbove` every dump is one custom-format stream",
    ],
  ])("non-compliant: %s", (_, app, message) => {
    expect(findings(appEngineOptions, catalog(app)).map((f) => f.replace(/^\d+: /, ""))).toEqual([message]);
  });
  it("non-compliant: engine options on a service without an app-level backup", () => {
    const text = catalog("engine: postgresql")
      .replace("decision: required", "decision: vzdump-only")
      .replace("      engine: postgresql", "      replicaSet: rs0\n      jobs: 2");
    expect(findings(appEngineOptions, text).map((f) => f.replace(/^\d+: /, ""))).toEqual([
      "`app.replicaSet` is set but `app.decision` is `vzdump-only`: no app-level backup runs, so it would be ignored",
      "`app.jobs` is set but `app.decision` is `vzdump-only`: no app-level backup runs, so it would be ignored",
    ]);
  });
  it("compliant: each option on its engine", () => {
    expect(
      findings(
        appEngineOptions,
        catalog(
          "engine: postgresql\nhost: db.lan\ndatabase: app\npitr: true\nfullEvery: 7d\ndirectoryFormatAbove: 20GiB\njobs: 4",
        ),
      ),
    ).toEqual([]);
    expect(
      findings(appEngineOptions, catalog("engine: mongodb\nhost: db.lan\ndatabase: unifi\nreplicaSet: rs0")),
    ).toEqual([]);
  });
  it("not applicable: no options set", () => {
    expect(findings(appEngineOptions, catalog("engine: files\nhost: db.lan\npaths: [/srv]"))).toEqual([]);
  });
});

describe("GOV-052: borg-bandwidth-limit", () => {
  it("non-compliant (warning): borg into a local path ignores the limit", () => {
    const text = catalog(
      "engine: files\nhost: db.lan\npaths: [/srv]\ntool: borg\nrepository: /mnt/nas/borg\nbandwidthLimit: 10MiB/s",
    );
    expect(findings(borgBandwidthLimit, text)).toEqual([
      "19: `app.bandwidthLimit: 10MiB/s` has no effect: borg writes into the local path `/mnt/nas/borg` without a rate limit",
    ]);
    expect(validateCatalogText(text).ok).toBe(true);
  });
  it("compliant: borg over ssh, or restic into a local path", () => {
    expect(
      findings(
        borgBandwidthLimit,
        catalog(
          "engine: files\nhost: db.lan\npaths: [/srv]\ntool: borg\nrepository: ssh://b@nas/./x\nbandwidthLimit: 10MiB/s",
        ),
      ),
    ).toEqual([]);
    expect(
      findings(
        borgBandwidthLimit,
        catalog("engine: files\nhost: db.lan\npaths: [/srv]\nrepository: /mnt/nas/r\nbandwidthLimit: 10MiB/s"),
      ),
    ).toEqual([]);
  });
  it("not applicable: no bandwidth limit", () => {
    expect(
      findings(
        borgBandwidthLimit,
        catalog("engine: files\nhost: db.lan\npaths: [/srv]\ntool: borg\nrepository: /mnt/nas/borg"),
      ),
    ).toEqual([]);
  });
  it("can be acknowledged", () => {
    const text = catalog(
      "engine: files\nhost: db.lan\npaths: [/srv]\ntool: borg\nrepository: /mnt/nas/borg\nbandwidthLimit: 10MiB/s",
    ).replace(
      "    restore:",
      '    acknowledge: [{ rule: GOV-052, reason: "the NAS mount is throttled by its QoS" }]\n    restore:',
    );
    expect(validateCatalogText(text).findings.find((f) => f.ruleId === "GOV-052")?.acknowledged).toBeDefined();
  });
});

it("GOV-050..052 are in the baseline pack", () => {
  expect(BASELINE_RULES.map((r) => r.id)).toEqual(expect.arrayContaining(["GOV-050", "GOV-051", "GOV-052"]));
});

describe("GOV-101: mysql8-pitr-unsupported", () => {
  // Source: MariaDB Knowledge Base, "mariadb-backup Overview" (compatibility): mariadb-backup does not support
  // MySQL 8.0; the generated pitr scripts of engine mysql take their physical backups with mariabackup.
  it("non-compliant 1: MySQL 8 with pitr", () => {
    const f = findings(
      mysql8PitrUnsupported,
      catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop\npitr: true"),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatch(/^\d+: service `svc` runs MySQL 8 .*mariabackup/);
  });

  it("compliant: MySQL 8 with dumps only, and MariaDB with pitr", () => {
    expect(
      findings(mysql8PitrUnsupported, catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop")),
    ).toEqual([]);
    expect(
      findings(
        mysql8PitrUnsupported,
        catalog("engine: mysql\nflavour: mariadb\nhost: db.lan\ndatabase: shop\npitr: true"),
      ),
    ).toEqual([]);
    expect(findings(mysql8PitrUnsupported, catalog("engine: mysql\nhost: db.lan\ndatabase: shop\npitr: true"))).toEqual(
      [],
    );
  });

  it("not applicable: other engines", () => {
    expect(
      findings(mysql8PitrUnsupported, catalog("engine: postgresql\nhost: db.lan\ndatabase: shop\npitr: true")),
    ).toEqual([]);
  });

  it("GOV-051 refuses `flavour` on another engine (it would be ignored)", () => {
    const f = findings(appEngineOptions, catalog("engine: postgresql\nflavour: mysql8\nhost: db.lan\ndatabase: shop"));
    expect(f.join("\n")).toMatch(/`app.flavour` does not apply to engine `postgresql`/);
  });

  it("a MySQL 8 service synthesizes grants with SHOW_ROUTINE and without mysql.proc", () => {
    // rebuildable: a tier without automatic drills (GOV-200).
    const report = validateCatalogText(
      catalog(
        "engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop",
        "",
        'aws: { region: us-east-1, offsiteRegion: us-west-2, accountId: "123456789012" }',
      ).replace("classification: important", "classification: rebuildable"),
    );
    expect(report.findings.filter((x) => x.severity === "error")).toEqual([]);
    const estate = Estate.fromReport(Testing.app(), report);
    const sql = estate.artifacts.list().find((a) => a.path.endsWith("/svc/mysql/backup-user.sql"))!.content as string;
    expect(sql).toContain("SHOW_ROUTINE ON *.*");
    expect(sql).not.toMatch(/GRANT SELECT ON mysql\.proc/);
  });
});

describe("GOV-200: mysql8-drill-unsupported", () => {
  it("refuses a MySQL 8 service in a drilled tier, saying why the drill could only fail", () => {
    const f = findings(mysql8DrillUnsupported, catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop"));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatch(/^\d+: service `svc` runs MySQL 8 .* scratch server is MariaDB .* every drill would fail$/);
    expect(f[0].split(":")[0]).toBe(
      String(
        catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop")
          .split("\n")
          .findIndex((l) => l.includes("flavour: mysql8")) + 1,
      ),
    );
    expect(
      findings(
        mysql8DrillUnsupported,
        catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop").replace(
          "classification: important",
          "classification: critical",
        ),
      ),
    ).toHaveLength(1);
  });

  it("leaves MariaDB, and MySQL 8 in a tier without automatic drills, alone", () => {
    expect(
      findings(mysql8DrillUnsupported, catalog("engine: mysql\nflavour: mariadb\nhost: db.lan\ndatabase: shop")),
    ).toEqual([]);
    expect(findings(mysql8DrillUnsupported, catalog("engine: mysql\nhost: db.lan\ndatabase: shop"))).toEqual([]);
    expect(
      findings(
        mysql8DrillUnsupported,
        catalog("engine: mysql\nflavour: mysql8\nhost: db.lan\ndatabase: shop").replace(
          "classification: important",
          "classification: rebuildable",
        ),
      ),
    ).toEqual([]);
  });
});
