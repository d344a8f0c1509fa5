import { Testing } from "../../lib/core/cdk";
import { buildExample } from "../../examples/stack-code";

describe("examples/stack-code.ts: the constructs without a catalog", () => {
  const { proxmox, aws } = buildExample(Testing.app());
  const pve = JSON.parse(Testing.synth(proxmox));
  const awsJson = JSON.parse(Testing.synth(aws));

  it("enrolls each guest in a job of its tier, with string vmids and the tier's retention", () => {
    const jobs = Object.values(pve.resource.proxmox_backup_job) as Array<{
      vmid: string[];
      prune_backups: Record<string, string>;
      repeat_missed: boolean;
      schedule: string;
    }>;
    expect(jobs.map((j) => j.vmid).sort()).toEqual([["140"], ["204"]]);
    const vault = jobs.find((j) => j.vmid[0] === "204")!;
    expect(vault.prune_backups).toMatchObject({
      "keep-daily": "14",
      "keep-weekly": "8",
      "keep-monthly": "12",
      "keep-yearly": "1",
    });
    expect(vault.repeat_missed).toBe(true);
    expect(vault.schedule).toMatch(/^\*-\*-\* \d\d\/4:\d\d:00$/);
  });

  it("locks the bucket and the vault for 14 days in compliance mode", () => {
    const lock = Object.values(awsJson.resource.aws_s3_bucket_object_lock_configuration)[0] as {
      rule: { default_retention: { mode: string; days: number } };
    };
    expect(lock.rule.default_retention).toMatchObject({ mode: "COMPLIANCE", days: 14 });
    const vaultLock = Object.values(awsJson.resource.aws_backup_vault_lock_configuration)[0] as {
      min_retention_days: number;
      changeable_for_days: number;
    };
    expect(vaultLock.min_retention_days).toBe(14);
    expect(vaultLock.changeable_for_days).toBeGreaterThanOrEqual(3);
  });

  it("plans the critical tier into the locked vault, and passes GovernanceChecks in a real app.synth()", () => {
    const plans = Object.values(awsJson.resource.aws_backup_plan) as Array<{
      name: string;
      rule: Array<{ rule_name: string; lifecycle: { delete_after: number } }>;
    }>;
    expect(plans.map((p) => p.name)).toEqual(["example-critical"]);
    expect(Object.fromEntries(plans[0].rule.map((r) => [r.rule_name, r.lifecycle.delete_after]))).toEqual({
      daily: 14,
      weekly: 56,
      monthly: 365,
      yearly: 365,
    });
    const app = Testing.app();
    buildExample(app);
    expect(() => app.synth()).not.toThrow();
  });
});
