import {
  awsService,
  catalogWith,
  criticalDbService,
  findingsOf,
  pathsOf,
  validate,
  vmService,
} from "../support/catalogs";
import { hasUrlPassword } from "../../lib/governance/rules/secrets/no-inline-secrets";

/** Findings of `rule` in a catalog built from services (and top-level patches). */
function check(rule: string, services: Array<Record<string, unknown>>, patch: Record<string, unknown> = {}) {
  const report = validate(catalogWith(services, patch));
  const schema = report.findings.filter((f) => f.ruleId.startsWith("CAT-"));
  expect(schema).toEqual([]); // the fixtures themselves must be well-formed
  return findingsOf(report, rule);
}

describe("GOV-001: unique-service-ids", () => {
  it("non-compliant: two services share an id", () => {
    expect(pathsOf(check("GOV-001", [vmService("web"), vmService("web", { vm: { host: "pve", vmid: 555 } })]))).toEqual(
      ["services[1].id"],
    );
  });
  it("compliant: distinct ids", () => {
    expect(check("GOV-001", [vmService("web"), vmService("api")])).toEqual([]);
  });
});

describe("GOV-002: service-owner", () => {
  it("non-compliant: no service owner and no catalog owner", () => {
    expect(pathsOf(check("GOV-002", [vmService("web")], { owner: undefined }))).toEqual(["services[0]"]);
  });
  it("compliant: catalog default owner, or the service's own", () => {
    expect(check("GOV-002", [vmService("web")])).toEqual([]);
    expect(check("GOV-002", [vmService("web", { owner: "@me" })], { owner: undefined })).toEqual([]);
  });
});

describe("GOV-003: vm-host-declared", () => {
  it("non-compliant: unknown host, with a suggestion", () => {
    const f = check("GOV-003", [vmService("web", { vm: { host: "pev", vmid: 101 } })]);
    expect(pathsOf(f)).toEqual(["services[0].vm.host"]);
    expect(f[0].fix).toMatch(/did you mean `pve`/);
  });
  it("non-compliant: no proxmox section at all", () => {
    expect(check("GOV-003", [vmService("web")], { proxmox: undefined })[0].message).toMatch(
      /needs a `proxmox` section/,
    );
  });
  it("compliant / not applicable", () => {
    expect(check("GOV-003", [vmService("web")])).toEqual([]);
    expect(check("GOV-003", [awsService("db")], { proxmox: undefined })).toEqual([]);
  });
});

describe("GOV-004: vmid-unique-per-host", () => {
  it("non-compliant: one vmid claimed twice on a host", () => {
    const f = check("GOV-004", [
      vmService("aa", { vm: { host: "pve", vmid: 101 } }),
      vmService("bb", { vm: { host: "pve", vmid: 101 } }),
    ]);
    expect(pathsOf(f)).toEqual(["services[1].vm.vmid"]);
    expect(f[0].message).toMatch(/already enrolled by service `aa`/);
  });
  it("compliant: same vmid on different hosts", () => {
    const hosts = {
      pve: { endpoint: "https://pve.test:8006", node: "pve", storage: "pbs" },
      other: { endpoint: "https://o.test:8006", node: "o", storage: "nas" },
    };
    expect(
      check(
        "GOV-004",
        [vmService("aa", { vm: { host: "pve", vmid: 101 } }), vmService("bb", { vm: { host: "other", vmid: 101 } })],
        { proxmox: { hosts } },
      ),
    ).toEqual([]);
  });
});

describe("GOV-005: app-decision-recorded", () => {
  it("non-compliant: no app block; blank rationale", () => {
    expect(pathsOf(check("GOV-005", [vmService("web", { app: undefined })]))).toEqual(["services[0]"]);
    expect(
      pathsOf(check("GOV-005", [vmService("web", { app: { decision: "vzdump-only", rationale: "  " } })])),
    ).toEqual(["services[0].app.rationale"]);
  });
  it("compliant", () => {
    expect(check("GOV-005", [vmService("web")])).toEqual([]);
  });
});

describe("GOV-006: app-required-fields", () => {
  const req = (app: Record<string, unknown>) =>
    vmService("db", { app: { decision: "required", rationale: "consistency", ...app } });
  it("non-compliant: required without engine", () => {
    expect(check("GOV-006", [req({})])[0].message).toMatch(/needs `app.engine`/);
  });
  it("non-compliant: database engine without database or host", () => {
    const msgs = check("GOV-006", [req({ engine: "postgresql" })]).map((f) => f.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/needs `app.host`/),
        expect.stringMatching(/needs `app.database`/),
      ]),
    );
  });
  it("non-compliant: files without paths; borg without repository; fields of another engine", () => {
    expect(check("GOV-006", [req({ engine: "files", host: "h.test" })])[0].message).toMatch(/needs `app.paths`/);
    expect(
      pathsOf(check("GOV-006", [req({ engine: "files", host: "h.test", paths: ["/srv"], tool: "borg" })])),
    ).toEqual(["services[0].app.tool"]);
    expect(
      pathsOf(check("GOV-006", [req({ engine: "postgresql", host: "h.test", database: "d", paths: ["/srv"] })])),
    ).toEqual(["services[0].app.paths"]);
    expect(pathsOf(check("GOV-006", [req({ engine: "files", host: "h.test", paths: ["/srv"], pitr: true })]))).toEqual([
      "services[0].app.pitr",
    ]);
  });
  it("non-compliant: no destination in a Proxmox-only estate", () => {
    expect(
      check("GOV-006", [req({ engine: "files", host: "h.test", paths: ["/srv"] })], { aws: undefined })[0].message,
    ).toMatch(/no destination/);
  });
  it("non-compliant: engine fields on a vzdump-only service would be ignored", () => {
    expect(
      pathsOf(
        check("GOV-006", [vmService("web", { app: { decision: "vzdump-only", rationale: "image", engine: "mysql" } })]),
      ),
    ).toEqual(["services[0].app.engine"]);
  });
  it("compliant", () => {
    expect(check("GOV-006", [req({ engine: "postgresql", host: "h.test", database: "d", pitr: true })])).toEqual([]);
    expect(
      check("GOV-006", [
        req({ engine: "files", host: "h.test", paths: ["/srv"], tool: "borg", repository: "ssh://b@nas/./r" }),
      ]),
    ).toEqual([]);
  });
});

describe("GOV-007: vzdump-only-needs-vm", () => {
  it("non-compliant", () => {
    expect(pathsOf(check("GOV-007", [vmService("web", { vm: undefined })]))).toEqual(["services[0].app.decision"]);
  });
  it("compliant", () => {
    expect(check("GOV-007", [vmService("web")])).toEqual([]);
  });
});

describe("GOV-008: platform-only-needs-platform", () => {
  it("non-compliant: nothing under aws", () => {
    expect(pathsOf(check("GOV-008", [awsService("db", { aws: undefined })]))).toEqual(["services[0].app.decision"]);
    expect(pathsOf(check("GOV-008", [awsService("db", { aws: { tags: {} } })]))).toEqual(["services[0].app.decision"]);
  });
  it("compliant: ARNs or tags", () => {
    expect(check("GOV-008", [awsService("db")])).toEqual([]);
    expect(check("GOV-008", [awsService("db", { aws: { tags: { app: "db" } } })])).toEqual([]);
  });
});

describe("GOV-009: offsite-decision-recorded", () => {
  it("non-compliant: missing block; empty reason", () => {
    expect(pathsOf(check("GOV-009", [vmService("web", { offsite: undefined })]))).toEqual(["services[0]"]);
    expect(pathsOf(check("GOV-009", [vmService("web", { offsite: { required: false, reason: "" } })]))).toEqual([
      "services[0].offsite.reason",
    ]);
  });
  it("compliant", () => {
    expect(check("GOV-009", [vmService("web")])).toEqual([]);
  });
});

describe("GOV-010: critical-offsite-required", () => {
  it("non-compliant: critical opts out", () => {
    expect(
      pathsOf(check("GOV-010", [criticalDbService("vault", { offsite: { required: false, reason: "cost" } })])),
    ).toEqual(["services[0].offsite.required"]);
  });
  it("compliant; important may opt out", () => {
    expect(check("GOV-010", [criticalDbService("vault")])).toEqual([]);
    expect(check("GOV-010", [vmService("web")])).toEqual([]);
  });
});

describe("GOV-011: offsite-destination", () => {
  it("non-compliant: vzdump-only service requires offsite", () => {
    expect(check("GOV-011", [vmService("web", { offsite: { required: true, reason: "needed" } })])[0].message).toMatch(
      /nothing of service `web` reaches another region/,
    );
  });
  it("non-compliant: no offsite region, or the primary one", () => {
    expect(check("GOV-011", [awsService("db")], { aws: { region: "us-east-1" } })[0].message).toMatch(
      /no destination region/,
    );
    expect(
      pathsOf(
        check("GOV-011", [awsService("db", { offsite: { required: true, reason: "x-region", region: "us-east-1" } })]),
      ),
    ).toEqual(["services[0].offsite.region"]);
  });
  it("non-compliant but acknowledgeable: a named repository", () => {
    const svc = criticalDbService("vault", {
      app: {
        decision: "required",
        rationale: "db",
        engine: "postgresql",
        host: "v.test",
        database: "v",
        repository: "ssh://b@nas/./v",
      },
    });
    expect(pathsOf(check("GOV-011", [svc]))).toEqual(["services[0].app.repository"]);
    const acked = validate(
      catalogWith([{ ...svc, acknowledge: [{ rule: "GOV-011", reason: "the NAS sits at the office, 40 km away" }] }]),
    );
    expect(findingsOf(acked, "GOV-011")[0].acknowledged?.reason).toMatch(/40 km/);
  });
  it("compliant: app backup to S3, AWS resources", () => {
    expect(check("GOV-011", [criticalDbService("vault"), awsService("db")])).toEqual([]);
  });
});

describe("GOV-012: notification-channel", () => {
  it("non-compliant", () => {
    expect(pathsOf(check("GOV-012", [vmService("web")], { notifications: { email: [] } }))).toEqual(["notifications"]);
    expect(check("GOV-012", [vmService("web")], { notifications: undefined })).toHaveLength(1);
  });
  it("compliant: any one channel", () => {
    expect(check("GOV-012", [vmService("web")], { notifications: { pagerduty: true } })).toEqual([]);
    expect(check("GOV-012", [vmService("web")], { notifications: { webhooks: [{ name: "slack" }] } })).toEqual([]);
  });
});

describe("GOV-013: rpo-feasible", () => {
  it("non-compliant: vzdump-only with an RPO under an hour", () => {
    expect(pathsOf(check("GOV-013", [vmService("web", { rpo: "30m" })]))).toEqual(["services[0].rpo"]);
  });
  it("non-compliant: AWS resources without continuous backup (DynamoDB)", () => {
    const f = check("GOV-013", [
      awsService("tbl", { rpo: "15m", aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/tbl"] } }),
    ]);
    expect(f[0].message).toMatch(/does not offer for arn:aws:dynamodb/);
  });
  it("non-compliant: tag selection cannot be verified", () => {
    expect(
      pathsOf(
        check("GOV-013", [
          awsService("db", {
            rpo: "15m",
            aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:x"], tags: { app: "x" } },
          }),
        ]),
      ),
    ).toEqual(["services[0].aws.tags"]);
  });
  it("compliant: pitr; RDS continuous; RPO of an hour or more", () => {
    expect(
      check("GOV-013", [
        criticalDbService("vault", {
          rpo: "15m",
          app: {
            decision: "required",
            rationale: "db",
            engine: "postgresql",
            host: "v.test",
            database: "v",
            pitr: true,
          },
        }),
      ]),
    ).toEqual([]);
    expect(check("GOV-013", [awsService("db", { rpo: "15m", retention: { daily: 14 } })])).toEqual([]);
    expect(check("GOV-013", [vmService("web", { rpo: "1h" })])).toEqual([]);
  });
});

describe("GOV-014: restore-sop", () => {
  it("non-compliant: important without secrets and validate", () => {
    expect(check("GOV-014", [vmService("web", { restore: undefined })]).map((f) => f.message)).toEqual([
      expect.stringMatching(/no `restore.secrets`/),
      expect.stringMatching(/no `restore.validate`/),
    ]);
  });
  it("compliant; not applicable to rebuildable", () => {
    expect(check("GOV-014", [vmService("web")])).toEqual([]);
    expect(check("GOV-014", [vmService("web", { classification: "rebuildable", restore: undefined })])).toEqual([]);
  });
});

describe("GOV-015: depends-on-exists", () => {
  it("non-compliant: unknown id (with suggestion) and self", () => {
    const f = check("GOV-015", [
      vmService("web", { restore: { secrets: "vault:x", validate: ["t"], dependsOn: ["dbb", "web"] } }),
      vmService("db"),
    ]);
    expect(pathsOf(f)).toEqual(["services[0].restore.dependsOn[0]", "services[0].restore.dependsOn[1]"]);
    expect(f[0].fix).toMatch(/did you mean `db`/);
  });
  it("compliant", () => {
    expect(
      check("GOV-015", [
        vmService("web", { restore: { secrets: "vault:x", validate: ["t"], dependsOn: ["db"] } }),
        vmService("db"),
      ]),
    ).toEqual([]);
  });
});

describe("GOV-016: depends-on-acyclic", () => {
  const dep = (id: string, on: string[]) =>
    vmService(id, { restore: { secrets: "vault:x", validate: ["t"], dependsOn: on } });
  it("non-compliant: a three-service cycle is reported once", () => {
    const f = check("GOV-016", [dep("aa", ["bb"]), dep("bb", ["cc"]), dep("cc", ["aa"])]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/aa → bb → cc → aa/);
  });
  it("compliant: a diamond", () => {
    expect(check("GOV-016", [dep("aa", ["bb", "cc"]), dep("bb", ["dd"]), dep("cc", ["dd"]), dep("dd", [])])).toEqual(
      [],
    );
  });
});

describe("GOV-017: cold-storage-minimum", () => {
  it("non-compliant: monthly points kept 183 days, cold after 120", () => {
    const f = check("GOV-017", [
      awsService("db", { aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:db"], coldStorageAfterDays: 120 } }),
    ]);
    expect(f.length).toBeGreaterThan(0);
    expect(pathsOf(f)[0]).toBe("services[0].aws.coldStorageAfterDays");
    expect(f[0].message).toMatch(/only 63 days in cold storage/);
  });
  it("compliant: cold applies only where 90 days remain", () => {
    expect(
      check("GOV-017", [
        awsService("db", {
          aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:db"], coldStorageAfterDays: 90 },
        }),
      ]),
    ).toEqual([]);
  });
});

describe("GOV-018: vault-lock-range", () => {
  it("non-compliant: minimum above maximum; maximum above 36500", () => {
    expect(
      pathsOf(
        check("GOV-018", [
          awsService("db", { immutable: { mode: "governance", days: 7, maxDays: 5 }, retention: { daily: 7 } }),
        ]),
      ),
    ).toEqual(["services[0].immutable.days"]);
    expect(
      pathsOf(check("GOV-018", [awsService("db", { immutable: { mode: "governance", days: 7, maxDays: 40000 } })])),
    ).toEqual(["services[0].immutable.maxDays"]);
  });
  it("compliant", () => {
    expect(check("GOV-018", [awsService("db", { immutable: { mode: "governance", days: 7, maxDays: 400 } })])).toEqual(
      [],
    );
  });
});

describe("GOV-019: retention-inside-lock", () => {
  it("non-compliant: weekly points shorter than the lock", () => {
    const f = check("GOV-019", [
      awsService("db", { retention: { daily: 30, weekly: 2 }, immutable: { mode: "compliance", days: 30 } }),
    ]);
    expect(pathsOf(f)).toEqual(["services[0].retention.weekly"]);
    expect(f[0].message).toMatch(/weekly points are kept 14 days .* locks every point for 30 days/);
  });
  it("non-compliant: monthly points longer than the lock maximum", () => {
    const f = check("GOV-019", [awsService("db", { immutable: { mode: "governance", days: 7, maxDays: 100 } })]);
    expect(pathsOf(f)).toEqual(["services[0].classification"]);
    expect(f[0].message).toMatch(/monthly points are kept 183 days.*maximum of 100 days/);
  });
  it("compliant", () => {
    expect(check("GOV-019", [awsService("db", { immutable: { mode: "governance", days: 7 } })])).toEqual([]);
  });
});

describe("GOV-020: continuous-backup-limits", () => {
  it("non-compliant: continuous window above 35 days", () => {
    expect(pathsOf(check("GOV-020", [awsService("db", { rpo: "15m", retention: { daily: 60 } })]))).toEqual([
      "services[0].retention.daily",
    ]);
  });
  it("compliant", () => {
    expect(check("GOV-020", [awsService("db", { rpo: "15m", retention: { daily: 35 } })])).toEqual([]);
  });
});

describe("GOV-021: aws-names", () => {
  it("non-compliant: selection name over 50 characters", () => {
    const id = "a-long-service-identifier-for-billing-xy";
    const f = check("GOV-021", [awsService(id)], { name: "a-rather-long-estate-name" });
    expect(pathsOf(f)).toEqual([`services[0].id`]);
    expect(f[0].message).toMatch(/is 66 characters; AWS allows 50/);
  });
  it("compliant", () => {
    expect(check("GOV-021", [awsService("db")])).toEqual([]);
  });
});

describe("GOV-022: immutable-days-within-daily", () => {
  it("non-compliant: lock longer than daily retention", () => {
    const f = check("GOV-022", [awsService("db", { immutable: { mode: "compliance", days: 30 } })]);
    expect(pathsOf(f)).toEqual(["services[0].immutable.days"]);
    expect(f[0].message).toMatch(/locked for 30 days but daily points are deleted after 7/);
  });
  it("non-compliant: critical tier default with daily retention overridden to 0", () => {
    expect(pathsOf(check("GOV-022", [criticalDbService("vault", { retention: { daily: 0 } })]))).toEqual([
      "services[0].retention.daily",
    ]);
  });
  it("compliant", () => {
    expect(check("GOV-022", [criticalDbService("vault")])).toEqual([]);
  });
});

describe("GOV-023: immutable-copy-possible", () => {
  it("non-compliant: critical vzdump-only service", () => {
    const svc = vmService("vault", { classification: "critical", offsite: { required: true, reason: "critical" } });
    expect(pathsOf(check("GOV-023", [svc]))).toEqual(["services[0].classification"]);
  });
  it("compliant: app backup to S3; AWS Backup", () => {
    expect(
      check("GOV-023", [criticalDbService("vault"), awsService("db", { immutable: { mode: "governance", days: 7 } })]),
    ).toEqual([]);
  });
});

describe("GOV-024: compliance-retention", () => {
  it("non-compliant: hipaa minimum; gdpr maximum", () => {
    expect(pathsOf(check("GOV-024", [vmService("web", { compliance: ["hipaa"] })]))).toEqual([
      "services[0].compliance[0]",
    ]);
    const f = check("GOV-024", [vmService("web", { compliance: ["gdpr"], retention: { yearly: 5 } })]);
    expect(pathsOf(f)).toEqual(["services[0].retention.yearly"]);
    expect(f[0].message).toMatch(/at most 1095 days/);
  });
  it("compliant", () => {
    expect(check("GOV-024", [vmService("web", { compliance: ["soc2", "gdpr"], retention: { yearly: 1 } })])).toEqual(
      [],
    );
  });
});

describe("GOV-025: no-inline-secrets", () => {
  it.each([
    [
      "a password on a mysql command line",
      { restore: { secrets: "vault:x", validate: ["mysql -uroot -pHunter2 -e 'select 1'"] } },
      "services[0].restore.validate[0]",
    ],
    ["an AWS key in a description", { description: "key AKIAABCDEFGHIJKLMNOP" }, "services[0].description"],
    [
      "a URL with a password",
      {
        app: {
          decision: "required",
          rationale: "x",
          engine: "files",
          host: "h.test",
          paths: ["/srv"],
          tool: "borg",
          repository: "ssh://user:secret@nas/./r",
        },
      },
      "services[0].app.repository",
    ],
    [
      "a webhook URL in the notes",
      {
        restore: {
          secrets: "vault:x",
          validate: ["true"],
          notes: "ping https://hooks.slack.com/services/T000/B000/XXXX",
        },
      },
      "services[0].restore.notes",
    ],
  ])("non-compliant: %s", (_what, patch, path) => {
    expect(pathsOf(check("GOV-025", [vmService("web", patch)]))).toEqual([path]);
  });
  it("compliant: references and ordinary commands", () => {
    expect(
      check("GOV-025", [
        vmService("web", {
          restore: { secrets: "vault:kv/web", validate: ["psql -h db -p 5432 -c 'select 1'", "mkdir -p /tmp/x"] },
        }),
      ]),
    ).toEqual([]);
  });
  it("finds a URL password in linear time: a 5 MiB run of scheme characters takes well under a second", () => {
    // The old regex retried the scheme at every letter of the run: 200 KB took 67 s.
    const run = "a1+.-".repeat(Math.ceil((5 * 1024 * 1024) / 5));
    const t0 = Date.now();
    expect(hasUrlPassword(run)).toBe(false);
    expect(hasUrlPassword(`${run}://u:p@h`)).toBe(true);
    expect(hasUrlPassword(`${"x://".repeat(300000)}`)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
  it.each([
    ["https://user:pw@host/x", true],
    ["see 1https://u:p@h", true],
    ["ssh://user@nas/./r", false],
    ["https://host:8006/api", false],
    ["123://u:p@h", false],
    ["postgres://app:s3cret@db:5432/app", true],
  ])("URL password shape: %s -> %s", (value, hit) => {
    expect(hasUrlPassword(value)).toBe(hit);
  });
});

describe("GOV-026: aws-section-declared", () => {
  it("non-compliant", () => {
    expect(
      pathsOf(
        check("GOV-026", [awsService("db", { offsite: { required: false, reason: "n/a" } })], { aws: undefined }),
      ),
    ).toEqual(["services[0].aws"]);
  });
  it("compliant", () => {
    expect(check("GOV-026", [awsService("db")])).toEqual([]);
  });
});
