import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { onboardingReceipt, StepStatus } from "../../lib/artifacts/onboarding-receipt";
import { receiptPath } from "../../lib/cli/commands/onboard";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { EstateContext, EstatePolicies, TargetKind } from "../../lib/estate/context";
import { buildMonitoring } from "../../lib/estate/monitoring";
import { renderDocuments } from "../../lib/artifacts/documents";
import { ChecklistStep } from "../../lib/governance/rule";
import { validateCatalogFile } from "../../lib/governance/validate";
import { FreshnessState, freshnessWindow } from "../../lib/policy/freshness";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG, miniCatalog, PROXMOX } from "../support/catalogs";
import { writeTextfile } from "../support/textfiles";
import { scratch } from "../support/tools";

const NOW = 1_800_000_000;

/** The context the estate builders leave for vaultwarden: jobs, targets, an offsite copy, its SOP. */
function builtContext(opts: { offsite?: boolean } = {}) {
  const report = validateCatalogFile(DEFAULT_CATALOG);
  // What the AWS builder returns for an app-level backup into the estate's bucket (its identity may put the heartbeat).
  const s3Destinations = new Map([
    [
      "vaultwarden",
      {
        bucketName: "homelab-app",
        bucketArn: "arn:aws:s3:::homelab-app",
        prefix: "vaultwarden/",
        region: "us-east-1",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/x",
      },
    ],
  ]);
  const monitoring = buildMonitoring(new EstatePolicies(report.catalog!), undefined, [], s3Destinations);
  const ctx = new EstateContext(report.catalog!, { records: [monitoring.record], s3Destinations });
  ctx.addJob({
    id: "backup-gov-pve-4h",
    kind: TargetKind.VZDUMP,
    group: "pve",
    schedule: Schedule.at(Cadence.hourly(4), 15),
    serviceIds: ["vaultwarden"],
    description: "vzdump",
  });
  ctx.addJob({
    id: "vaultwarden-backup.timer",
    kind: TargetKind.APP,
    group: "vaultwarden.internal",
    schedule: Schedule.at(Cadence.hourly(4), 45),
    serviceIds: ["vaultwarden"],
    description: "pg_dump",
  });
  ctx.addTarget({
    serviceId: "vaultwarden",
    kind: TargetKind.VZDUMP,
    id: "backup-gov-pve-4h",
    location: "storage pbs-main on pve",
    restoreSteps: ["qmrestore ..."],
  });
  ctx.addTarget({
    serviceId: "vaultwarden",
    kind: TargetKind.APP,
    id: "s3",
    location: "s3://homelab-app/vaultwarden/ (us-east-1)",
    restoreSteps: ["restore.sh"],
  });
  if (opts.offsite !== false)
    ctx.addTarget({
      serviceId: "vaultwarden",
      kind: TargetKind.OFFSITE,
      id: "replica",
      location: "s3://homelab-app-replica/vaultwarden/ (us-west-2)",
      restoreSteps: ["restore.sh --offsite"],
    });
  renderDocuments(ctx, report);
  return { report, ctx };
}

function freshRow(ctx: EstateContext, ageSeconds: number) {
  const p = ctx.policyOf("vaultwarden");
  const window = freshnessWindow(p);
  const state = ageSeconds > window.threshold.toMinutes() * 60 ? FreshnessState.STALE : FreshnessState.OK;
  return {
    serviceId: "vaultwarden",
    state,
    rpo: p.rpo,
    window,
    lastSuccess: NOW - ageSeconds,
    ageSeconds,
    lastRunFailed: false,
  };
}

describe("onboardingReceipt", () => {
  it("passes every step for a service that every builder registered, that alerts reach and whose backup is fresh", () => {
    const { report, ctx } = builtContext();
    const r = onboardingReceipt({
      report,
      serviceId: "vaultwarden",
      ctx,
      freshness: freshRow(ctx, 600),
      now: new Date(NOW * 1000),
    });
    expect(r.steps.map((s) => [s.step, s.status])).toEqual([
      [ChecklistStep.INTAKE, StepStatus.PASSED],
      [ChecklistStep.ENROLLMENT, StepStatus.PASSED],
      [ChecklistStep.APP_LEVEL, StepStatus.PASSED],
      [ChecklistStep.REGISTRATION, StepStatus.PASSED],
      [ChecklistStep.RESTORE_SOP, StepStatus.PASSED],
      [ChecklistStep.OFFSITE, StepStatus.PASSED],
      [ChecklistStep.ALERTS, StepStatus.PASSED],
      [ChecklistStep.VERIFICATION, StepStatus.PASSED],
    ]);
    expect(r.complete).toBe(true);
    const evidence = (s: ChecklistStep) => r.steps.find((x) => x.step === s)!.evidence.join(" | ");
    expect(evidence(ChecklistStep.ENROLLMENT)).toMatch(
      /vzdump job backup-gov-pve-4h \(pve\): every 4 hours from 00:15/,
    );
    expect(evidence(ChecklistStep.ALERTS)).toMatch(/Prometheus BackupStale\/BackupMetricsMissing after 5h/);
    expect(evidence(ChecklistStep.ALERTS)).toMatch(/CloudWatch alarm homelab-vaultwarden-postgresql-backup-heartbeat/);
    expect(evidence(ChecklistStep.VERIFICATION)).toMatch(/last success 10 min ago, within 5h/);
  });

  it("fails the offsite step when offsite is required but no copy is registered", () => {
    const { report, ctx } = builtContext({ offsite: false });
    const r = onboardingReceipt({
      report,
      serviceId: "vaultwarden",
      ctx,
      freshness: freshRow(ctx, 600),
      now: new Date(NOW * 1000),
    });
    expect(r.steps.find((s) => s.step === ChecklistStep.OFFSITE)).toMatchObject({
      status: StepStatus.FAILED,
      evidence: ["offsite required (us-west-2) but no offsite copy is registered"],
    });
    expect(r.complete).toBe(false);
  });

  it("fails verification on a stale backup, and leaves it pending before the first one", () => {
    const { report, ctx } = builtContext();
    const stale = onboardingReceipt({
      report,
      serviceId: "vaultwarden",
      ctx,
      freshness: freshRow(ctx, 6 * 3600),
      now: new Date(),
    });
    expect(stale.steps.at(-1)!.status).toBe(StepStatus.FAILED);
    const none = onboardingReceipt({ report, serviceId: "vaultwarden", ctx, now: new Date() });
    expect(none.steps.at(-1)).toMatchObject({
      status: StepStatus.PENDING,
      evidence: [expect.stringMatching(/no metrics source given/)],
    });
  });
});

describe("backup-gov onboard", () => {
  it("exits 1, prints each step and writes the receipt for a service whose backup is stale", async () => {
    const out = scratch("onboard");
    const metrics = join(out, "metrics");
    writeTextfile(metrics, {
      service: "vaultwarden",
      engine: "postgresql",
      target: "s3",
      kind: "backup",
      lastRun: NOW,
      lastSuccess: NOW - 6 * 3600,
      ok: true,
    });
    // A fresh vzdump of the guest does not make up for the stale app-consistent backup.
    writeTextfile(metrics, {
      service: "vaultwarden",
      engine: "vzdump",
      target: "pve/pbs-main",
      kind: "vzdump",
      lastRun: NOW,
      lastSuccess: NOW - 600,
      ok: true,
    });
    const r = await cli(
      "onboard",
      "vaultwarden",
      DEFAULT_CATALOG,
      "--out",
      out,
      "--metrics-dir",
      metrics,
      "--now",
      String(NOW),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[passed \] intake\n\s+owner @ronny, critical, RPO 4h, RTO 2h/);
    expect(r.out).toMatch(/\[failed \] verification\n\s+last success 360 min ago: older than 5h/);
    const receipt = JSON.parse(readFileSync(receiptPath(out, "vaultwarden"), "utf8"));
    expect(receipt).toMatchObject({
      service: "vaultwarden",
      estate: "homelab",
      complete: false,
      generatedAt: new Date(NOW * 1000).toISOString(),
    });
    expect(receipt.steps).toHaveLength(8);
    expect(receipt.steps.find((s: { step: string }) => s.step === "alert wiring").status).toBe("passed");
  });

  it("creates the output folder when it does not exist yet", async () => {
    const out = join(scratch("onboard-new"), "deep", "out");
    const r = await cli("onboard", "jellyfin", DEFAULT_CATALOG, "--out", out);
    expect(r.err).not.toMatch(/internal error/);
    expect(existsSync(receiptPath(out, "jellyfin"))).toBe(true);
  });

  it("records why nothing could be checked when the catalog has errors", async () => {
    const out = scratch("onboard-bad");
    const file = join(out, "catalog.yaml");
    writeFileSync(file, miniCatalog({ top: `${PROXMOX}notifications:\n  webhooks: [{ name: a }, { name: a }]\n` }));
    const r = await cli("onboard", "wiki", file, "--out", out);
    expect(r.code).toBe(1);
    const receipt = JSON.parse(readFileSync(receiptPath(out, "wiki"), "utf8"));
    const alerts = receipt.steps.find((s: { step: string }) => s.step === "alert wiring");
    expect(alerts.status).toBe("failed");
    expect(alerts.evidence.join(" ")).toMatch(/GOV-060 webhook name `a` is already used/);
    expect(receipt.steps.find((s: { step: string }) => s.step === "registration").evidence).toContain(
      "the estate was not built: the catalog has errors (run `backup-gov validate`)",
    );
  });

  it("is a usage error (exit 2) for a service the catalog does not have, and writes nothing", async () => {
    const out = scratch("onboard-unknown");
    const r = await cli("onboard", "nope", DEFAULT_CATALOG, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MON-006: no service nope in the catalog/);
    expect(existsSync(receiptPath(out, "nope"))).toBe(false);
  });
});
