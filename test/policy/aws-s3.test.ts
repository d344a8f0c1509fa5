import { effectivePolicies } from "../../lib/policy/effective";
import { appBucketPrefix, appBucketSpecs, UNLOCKED_NONCURRENT_DAYS } from "../../lib/policy/aws-s3";
import { LockMode } from "../../lib/core/vocabulary";
import { awsCatalog, s3Service } from "../support/aws-fixtures";

describe("appBucketSpecs", () => {
  it("groups services by Object Lock and offsite destination, not one bucket per service", () => {
    const catalog = awsCatalog([
      s3Service("files-a"),
      s3Service("files-b"),
      s3Service("locked-a", { immutable: { mode: "governance", days: 7 } }),
      s3Service("locked-b", { immutable: { mode: "governance", days: 7 } }),
      s3Service("away", { offsite: { required: true, reason: "must survive" } }),
      s3Service("vault", {
        classification: "critical",
        offsite: { required: true, reason: "critical" },
        immutable: { mode: "compliance", days: 7 },
      }),
      s3Service("nas", {
        app: {
          decision: "required",
          rationale: "to the NAS",
          engine: "files",
          host: "nas.internal",
          paths: ["/srv"],
          repository: "ssh://nas/./x",
        },
      }),
    ]);
    const specs = appBucketSpecs(effectivePolicies(catalog), catalog);
    expect(specs.map((s) => [s.name, s.serviceIds])).toEqual([
      ["test-app-compliance-7d-to-us-west-2-123456789012", ["vault"]],
      ["test-app-governance-7d-123456789012", ["locked-a", "locked-b"]],
      ["test-app-standard-123456789012", ["files-a", "files-b"]],
      ["test-app-standard-to-us-west-2-123456789012", ["away"]],
    ]);
    const [critical, governance, standard, away] = specs;
    expect(critical.lock).toEqual({ mode: LockMode.COMPLIANCE, days: 7 });
    expect(critical.noncurrentDays).toBe(7);
    expect(critical.replica).toEqual({
      name: "test-app-compliance-7d-to-us-west-2-replica-123456789012",
      region: "us-west-2",
      replicationTimeControl: true,
    });
    expect(governance.replica).toBeUndefined();
    expect(standard.lock).toBeUndefined();
    expect(standard.noncurrentDays).toBe(UNLOCKED_NONCURRENT_DAYS);
    expect(away.replica?.replicationTimeControl).toBe(false);
  });

  it("prefixes each service's objects with its id", () => {
    expect(appBucketPrefix("photos")).toBe("photos/");
  });
});
