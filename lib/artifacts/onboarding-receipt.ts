import type { Service } from "../catalog/model";
import { type Finding, formatPath, isBlocking } from "../core/finding";
import { AppDecision } from "../core/vocabulary";
import { type EstateContext, TargetKind } from "../estate/context";
import { alertWiringOf } from "../estate/monitoring";
import { BASELINE_RULES } from "../governance/packs/baseline";
import { ChecklistStep } from "../governance/rule";
import type { ValidationReport } from "../governance/validate";
import { type FreshnessRow, FreshnessState } from "../policy/freshness";

/** Where receipts are written, under `artifacts/` (kept when artifacts are re-rendered). */
export const RECEIPTS_DIR = "receipts";

/** Outcome of one onboarding step. */
export enum StepStatus {
  PASSED = "passed",
  FAILED = "failed",
  /** Waiting for something that only happens later: the first backup, a metrics source. */
  PENDING = "pending",
}

/** One step of the onboarding checklist, with the evidence behind its status. */
export interface ReceiptStep {
  readonly step: ChecklistStep;
  readonly status: StepStatus;
  readonly evidence: readonly string[];
}

/** The onboarding receipt of one service. */
export interface OnboardingReceipt {
  readonly service: string;
  readonly estate: string;
  readonly catalog: string;
  /** ISO time the receipt was made. */
  readonly generatedAt: string;
  /** True only when every step passed. */
  readonly complete: boolean;
  readonly steps: readonly ReceiptStep[];
}

/** The checklist's steps, in the order a service is onboarded. */
export const ONBOARDING_STEPS: readonly ChecklistStep[] = [
  ChecklistStep.INTAKE,
  ChecklistStep.ENROLLMENT,
  ChecklistStep.APP_LEVEL,
  ChecklistStep.REGISTRATION,
  ChecklistStep.RESTORE_SOP,
  ChecklistStep.OFFSITE,
  ChecklistStep.ALERTS,
  ChecklistStep.VERIFICATION,
];

/** What the receipt is made from. */
export interface ReceiptInput {
  readonly report: ValidationReport;
  readonly serviceId: string;
  /** The built estate; undefined when the catalog has errors (nothing was built). */
  readonly ctx?: EstateContext;
  /** The service's freshness, when a metrics source was given. */
  readonly freshness?: FreshnessRow;
  readonly now: Date;
}

const STEP_OF_RULE = new Map(BASELINE_RULES.map((r) => [r.id, r.step]));

/** Blocking findings that concern the service at this step (its own, and estate-wide ones of the step). */
function findingsAt(
  report: ValidationReport,
  service: Service | undefined,
  step: ChecklistStep,
  index: number | undefined,
): Finding[] {
  return report.findings.filter((f) => {
    if (!isBlocking(f)) return false;
    const ruleStep = STEP_OF_RULE.get(f.ruleId);
    const ofService = index !== undefined && f.path[0] === "services" && f.path[1] === index;
    // Schema findings (CAT-, no step) about the service are intake problems: its entry is not usable.
    if (ruleStep === undefined) return step === ChecklistStep.INTAKE && ofService;
    if (ruleStep !== step) return false;
    return ofService || (f.path[0] !== "services" && !!service);
  });
}

function describe(f: Finding): string {
  return `${f.ruleId} ${f.message} (at ${formatPath(f.path)})`;
}

function step(step: ChecklistStep, ok: boolean, evidence: string[], findings: Finding[] = []): ReceiptStep {
  return {
    step,
    status: ok && findings.length === 0 ? StepStatus.PASSED : StepStatus.FAILED,
    evidence: [...findings.map(describe), ...evidence],
  };
}

const NOT_BUILT = "the estate was not built: the catalog has errors (run `backup-gov validate`)";

/**
 * Walks the onboarding checklist for one service and records, per step, whether it passed,
 * failed or is pending, with the evidence: governance findings, what the estate builders
 * registered (targets, jobs, artifacts), the alert wiring, and the service's freshness.
 */
export function onboardingReceipt(input: ReceiptInput): OnboardingReceipt {
  const { report, serviceId, ctx, freshness } = input;
  const catalog = report.catalog;
  const service = catalog?.services.find((s) => s.id === serviceId);
  const rawIndex = service?.index;
  const at = (s: ChecklistStep) => findingsAt(report, service, s, rawIndex);
  const steps: ReceiptStep[] = [];

  if (!service) {
    steps.push({
      step: ChecklistStep.INTAKE,
      status: StepStatus.FAILED,
      evidence: [
        `${serviceId} is declared but its entry does not pass the catalog schema`,
        ...at(ChecklistStep.INTAKE).map(describe),
      ],
    });
    for (const s of ONBOARDING_STEPS.slice(1))
      steps.push({ step: s, status: StepStatus.PENDING, evidence: ["waits for intake"] });
    return finish(input, steps);
  }

  steps.push(
    step(
      ChecklistStep.INTAKE,
      !!service.owner,
      [`owner ${service.owner ?? "(none)"}, ${service.classification}, RPO ${service.rpo}, RTO ${service.rto}`],
      at(ChecklistStep.INTAKE),
    ),
  );

  const jobsOf = (kind: TargetKind) =>
    (ctx?.jobs ?? []).filter((j) => j.kind === kind && j.serviceIds.includes(serviceId));
  const targetsOf = (kind: TargetKind) => (ctx?.targetsOf(serviceId) ?? []).filter((t) => t.kind === kind);
  const built = (s: ChecklistStep, evaluate: () => ReceiptStep): ReceiptStep =>
    ctx ? evaluate() : { step: s, status: StepStatus.FAILED, evidence: [...at(s).map(describe), NOT_BUILT] };

  steps.push(
    built(ChecklistStep.ENROLLMENT, () => {
      const evidence: string[] = [];
      let ok = true;
      if (service.vm) {
        const jobs = jobsOf(TargetKind.VZDUMP);
        ok &&= jobs.length > 0;
        evidence.push(
          ...(jobs.length
            ? jobs.map((j) => `vzdump job ${j.id} (${j.group}): ${j.schedule.describe()}`)
            : [`no vzdump job covers guest ${service.vm.vmid} on ${service.vm.host}`]),
        );
      }
      if (service.aws) {
        const jobs = [...jobsOf(TargetKind.AWS_BACKUP), ...targetsOf(TargetKind.AWS_BACKUP)];
        ok &&= jobs.length > 0;
        evidence.push(
          jobs.length
            ? `AWS Backup: ${[...new Set(jobs.map((j) => j.id))].join(", ")}`
            : "no AWS Backup plan selects the service's resources",
        );
      }
      if (service.kubernetes) {
        const jobs = jobsOf(TargetKind.VELERO);
        ok &&= jobs.length > 0;
        evidence.push(
          jobs.length
            ? `Velero schedules in ${service.kubernetes.cluster}: ${jobs.map((j) => j.id).join(", ")}`
            : `no Velero schedule covers namespaces ${service.kubernetes.namespaces.join(", ")}`,
        );
      }
      if (!service.vm && !service.aws && !service.kubernetes)
        evidence.push("nothing to enroll: no Proxmox guest, no AWS resources and no Kubernetes workloads");
      return step(ChecklistStep.ENROLLMENT, ok, evidence, at(ChecklistStep.ENROLLMENT));
    }),
  );

  steps.push(
    built(ChecklistStep.APP_LEVEL, () => {
      const app = service.app;
      if (!app)
        return step(ChecklistStep.APP_LEVEL, false, ["no `app` decision recorded"], at(ChecklistStep.APP_LEVEL));
      const evidence = [`decision ${app.decision}: ${app.rationale}`];
      if (app.decision !== AppDecision.REQUIRED)
        return step(ChecklistStep.APP_LEVEL, true, evidence, at(ChecklistStep.APP_LEVEL));
      const jobs = jobsOf(TargetKind.APP);
      evidence.push(
        ...(jobs.length
          ? jobs.map((j) => `${app.engine} job ${j.id} on ${j.group}: ${j.schedule.describe()}`)
          : [`no app-level ${app.engine ?? ""} backup job is registered for ${app.host ?? "its host"}`]),
      );
      return step(ChecklistStep.APP_LEVEL, jobs.length > 0, evidence, at(ChecklistStep.APP_LEVEL));
    }),
  );

  steps.push(
    built(ChecklistStep.REGISTRATION, () => {
      const targets = ctx!.targetsOf(serviceId);
      const jobs = ctx!.jobs.filter((j) => j.serviceIds.includes(serviceId));
      const evidence = [
        targets.length
          ? `inventory: ${targets.map((t) => `${t.kind} ${t.location}`).join("; ")}`
          : "inventory: no backup target registered",
        jobs.length ? `calendar: ${jobs.map((j) => j.id).join(", ")}` : "calendar: no scheduled job",
      ];
      return step(
        ChecklistStep.REGISTRATION,
        targets.length > 0 && jobs.length > 0,
        evidence,
        at(ChecklistStep.REGISTRATION),
      );
    }),
  );

  steps.push(
    built(ChecklistStep.RESTORE_SOP, () => {
      const path = `sop/${serviceId}.md`;
      const sop = ctx!.artifacts.get(path);
      const restoreSteps = ctx!.targetsOf(serviceId).reduce((n, t) => n + t.restoreSteps.length, 0);
      const evidence = [sop ? `artifacts/${path}` : `no ${path} was rendered`, `${restoreSteps} restore step(s)`];
      if (service.restore.secrets) evidence.push(`secrets: ${service.restore.secrets}`);
      return step(ChecklistStep.RESTORE_SOP, !!sop && restoreSteps > 0, evidence, at(ChecklistStep.RESTORE_SOP));
    }),
  );

  steps.push(
    built(ChecklistStep.OFFSITE, () => {
      const policy = ctx!.policyOf(serviceId);
      if (!policy.offsite.required)
        return step(
          ChecklistStep.OFFSITE,
          !!service.offsite?.reason,
          [`not required: ${service.offsite?.reason ?? "(no reason recorded)"}`],
          at(ChecklistStep.OFFSITE),
        );
      const copies = targetsOf(TargetKind.OFFSITE);
      const evidence = copies.length
        ? copies.map((t) => `offsite copy: ${t.location}`)
        : [`offsite required (${policy.offsite.region ?? "no region"}) but no offsite copy is registered`];
      return step(ChecklistStep.OFFSITE, copies.length > 0, evidence, at(ChecklistStep.OFFSITE));
    }),
  );

  steps.push(
    built(ChecklistStep.ALERTS, () => {
      const n = catalog!.notifications;
      const channels = [
        ...n.email.map((e) => `email ${e}`),
        ...n.webhooks.map((w) => `webhook ${w.name}`),
        ...(n.pagerduty ? ["PagerDuty"] : []),
      ];
      const wiring = alertWiringOf(ctx!, serviceId);
      const evidence = [
        `channels: ${channels.join(", ") || "none"}`,
        ...(wiring.length ? wiring : ["nothing watches this service's backups"]),
      ];
      return step(ChecklistStep.ALERTS, channels.length > 0 && wiring.length > 0, evidence, at(ChecklistStep.ALERTS));
    }),
  );

  steps.push(verification(freshness, at(ChecklistStep.VERIFICATION)));
  return finish(input, steps);
}

function verification(freshness: FreshnessRow | undefined, findings: Finding[]): ReceiptStep {
  const s = ChecklistStep.VERIFICATION;
  const pending = (evidence: string) => ({
    step: s,
    status: findings.length ? StepStatus.FAILED : StepStatus.PENDING,
    evidence: [...findings.map(describe), evidence],
  });
  if (!freshness) return pending("no metrics source given (--metrics-dir or --prometheus): freshness not checked");
  const ageText =
    freshness.ageSeconds !== undefined ? `last success ${Math.round(freshness.ageSeconds / 60)} min ago` : "";
  switch (freshness.state) {
    case FreshnessState.OK:
      return step(
        s,
        !freshness.lastRunFailed,
        [
          `${ageText}, within ${freshness.window!.threshold} (RPO ${freshness.rpo} + margin)${freshness.lastRunFailed ? "; but the last run failed" : ""}`,
        ],
        findings,
      );
    case FreshnessState.STALE:
      return step(
        s,
        false,
        [`${ageText}: older than ${freshness.window!.threshold} (RPO ${freshness.rpo} + margin)`],
        findings,
      );
    case FreshnessState.MISSING:
      return pending("no successful backup reported yet: run the first backup and check again");
    case FreshnessState.FUTURE:
      return step(
        s,
        false,
        [
          `the last success lies ${Math.round((freshness.aheadSeconds ?? 0) / 60)} min in the future: fix the clock of the backup host (or of this machine) and check again`,
        ],
        findings,
      );
    case FreshnessState.INVALID:
      return step(
        s,
        false,
        [`the last success time ${freshness.invalidValue} is no Unix time: the metrics writer is broken`],
        findings,
      );
    default:
      return pending(
        "AWS-only service: check BACKUP_LAST_RECOVERY_POINT_CREATED in the audit framework's compliance report",
      );
  }
}

function finish(input: ReceiptInput, steps: ReceiptStep[]): OnboardingReceipt {
  return {
    service: input.serviceId,
    estate: input.report.catalog?.name ?? "",
    catalog: input.report.file,
    generatedAt: input.now.toISOString(),
    complete: steps.every((s) => s.status === StepStatus.PASSED),
    steps,
  };
}

/** The receipt as the terminal shows it. */
export function renderReceiptText(r: OnboardingReceipt): string {
  const lines = [`onboarding ${r.service} (estate ${r.estate}, ${r.catalog})`];
  for (const s of r.steps) {
    lines.push(`  [${s.status.padEnd(7)}] ${s.step}`);
    for (const e of s.evidence) lines.push(`             ${e}`);
  }
  const open = r.steps.filter((s) => s.status !== StepStatus.PASSED).length;
  lines.push(r.complete ? "every step passed" : `${open} of ${r.steps.length} step(s) not passed`);
  return lines.join("\n") + "\n";
}
