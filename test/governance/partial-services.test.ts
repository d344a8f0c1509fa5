/**
 * All findings at once: a service whose required key is malformed still takes part in every
 * rule that does not need that key, cross-service rules included (issue: its duplicate vmid,
 * its dependency cycle and its incomplete app section appeared only after the first fix).
 */
import { MissingFieldError } from "../../lib/catalog/model";
import { catalogWith, validate, vmService } from "../support/catalogs";

const rules = (r: ReturnType<typeof validate>) =>
  r.findings.filter((f) => f.severity === "error").map((f) => `${f.ruleId} ${f.path.join(".")}`);

describe("rules run on the well-formed parts of a service with a malformed required key", () => {
  const report = validate(
    catalogWith([
      vmService("web", {
        classification: "critcal",
        vm: { host: "pve", vmid: 150 },
        restore: { secrets: "vault:x", validate: ["true"], dependsOn: ["api"] },
      }),
      vmService("api", {
        rpo: "4 hours",
        vm: { host: "pve", vmid: 150 },
        restore: { secrets: "vault:x", validate: ["true"], dependsOn: ["web"] },
        app: { decision: "required", rationale: "x", engine: "postgresql" },
      }),
    ]),
  );

  it("reports the schema errors and, in the same run, the duplicate vmid, the cycle and the incomplete app section", () => {
    expect(rules(report)).toEqual([
      "CAT-006 services.0.classification",
      "CAT-007 services.1.rpo",
      "GOV-004 services.1.vm.vmid",
      "GOV-006 services.1.app",
      "GOV-006 services.1.app",
      "GOV-016 services.1.restore.dependsOn.0",
    ]);
  });

  it("no rule crashed (GOV-000), and the rules that need the missing keys are skipped for those services only", () => {
    expect(report.findings.filter((f) => f.ruleId === "GOV-000")).toEqual([]);
    // web's missing classification hides no finding of a complete service next to it.
    const third = validate(
      catalogWith([
        vmService("web", { classification: "critcal" }),
        vmService("db", { classification: "critical", offsite: { required: false, reason: "none" } }),
      ]),
    );
    expect(rules(third)).toEqual([
      "CAT-006 services.0.classification",
      "GOV-023 services.1.classification",
      "GOV-010 services.1.offsite.required",
    ]);
  });

  it("a key the loader dropped reads as unknown, not absent: no finding is invented from the drop", () => {
    // vm is dropped (vmid malformed) and rpo is malformed: no "vzdump-only needs a vm" (GOV-007).
    const r = validate(catalogWith([vmService("web", { vm: { host: "pve", vmid: "abc" }, rpo: "4 hours" })]));
    expect(rules(r)).toEqual(["CAT-007 services.0.rpo", "CAT-005 services.0.vm.vmid"]);
  });

  it("a secret in a partial service is still found", () => {
    const r = validate(catalogWith([vmService("web", { rto: "soon", description: "key AKIAABCDEFGHIJKLMNOP" })]));
    expect(rules(r)).toEqual(["CAT-007 services.0.rto", "GOV-025 services.0.description"]);
  });

  it("partial services never reach `services` (synth, status and drift see complete services only)", () => {
    expect(report.catalog!.services).toEqual([]);
    expect(report.catalog!.partialServices).toHaveLength(2);
    expect(() => report.catalog!.partialServices![0].classification).toThrow(MissingFieldError);
    expect(Object.keys(report.catalog!.partialServices![1])).not.toContain("rpo");
  });
});

describe("a section dropped for a malformed required key reads as unknown, not absent", () => {
  it("aws.region malformed: no invented 'no aws section' findings (GOV-006, GOV-023), other rules still run", () => {
    const r = validate(
      catalogWith(
        [
          vmService("web", { vm: { host: "nope", vmid: 150 } }),
          {
            id: "pg",
            classification: "critical",
            rpo: "4h",
            rto: "2h",
            vm: { host: "pve", vmid: 201 },
            app: { decision: "required", rationale: "db", engine: "postgresql", host: "pg.test", database: "app" },
            offsite: { required: true, reason: "critical" },
            restore: { secrets: "vault:kv/pg", validate: ["true"] },
          },
        ],
        { aws: { region: "us east", offsiteRegion: "us-west-2", accountId: "123456789012" } },
      ),
    );
    expect(rules(r)).toEqual(["CAT-007 aws.region", "GOV-003 services.0.vm.host"]);
  });
});
