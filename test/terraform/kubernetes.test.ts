import { loadRuns, resources } from "./offline";

/** The Kubernetes example's AWS stack as the real hashicorp/aws provider plans it, offline. */
describe("offline terraform: the Kubernetes example's AWS side", () => {
  const runs = loadRuns("kubernetes");

  it("plans only the AWS stack (cluster stacks need a reachable cluster) and it validates", () => {
    expect(runs.map((r) => r.stack)).toEqual(["kubeshop-aws"]);
    expect(runs[0].validate).toMatchObject({ valid: true, error_count: 0 });
  });

  it("plans one Velero IAM user per cluster, each with its own inline policy (contents: test/estate/kubernetes.test.ts)", () => {
    const users = resources(runs[0], "aws_iam_user").filter((u) => String(u.values.name).includes("-velero-"));
    expect(users.map((u) => u.values.name).sort()).toEqual(["kubeshop-velero-prod", "kubeshop-velero-tools"]);
    // The policy names the KMS key's ARN, known only after apply: the plan shows which user it belongs to.
    const config = runs[0].plan.configuration.root_module.resources ?? [];
    for (const cluster of ["prod", "tools"]) {
      const policy = config.find((r) => r.type === "aws_iam_user_policy" && r.address.includes(`Velero-${cluster}_`))!;
      expect(JSON.stringify(policy.expressions.user)).toContain(`aws_iam_user.Velero-${cluster}_`);
      expect(JSON.stringify(policy.expressions.policy)).toContain("aws_kms_key.Key-us-east-1_");
    }
  });

  it("plans the prod cluster's bucket with Object Lock in compliance mode and its replica", () => {
    const buckets = resources(runs[0], "aws_s3_bucket").map((b) => String(b.values.bucket));
    expect(buckets).toEqual(
      expect.arrayContaining([
        "kubeshop-velero-standard-456789012345",
        "kubeshop-velero-compliance-14d-to-us-west-2-456789012345",
      ]),
    );
    const locks = resources(runs[0], "aws_s3_bucket_object_lock_configuration").filter((l) =>
      String(l.values.bucket).includes("velero"),
    );
    expect(
      locks.map(
        (l) =>
          (l.values.rule as Array<{ default_retention: Array<{ mode: string; days: number }> }>)[0]
            .default_retention[0],
      ),
    ).toEqual([
      { mode: "COMPLIANCE", days: 14, years: null },
      { mode: "COMPLIANCE", days: 14, years: null },
    ]);
  });
});
