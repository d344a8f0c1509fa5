import { GRAFANA_DASHBOARD_PATH, renderDashboard } from "../artifacts/grafana";
import {
  Alerts,
  PrometheusPaths,
  drillsOf,
  renderAbsenceTests,
  renderAlertmanagerExample,
  renderAlertRules,
  renderRuleTests,
} from "../artifacts/prometheus";
import {
  heartbeatEnvArtifactPath,
  renderHeartbeatEnvExample,
  renderVzdumpHook,
  vzdumpHookArtifactPath,
} from "../artifacts/vzdump-hook";
import { WebhookKind } from "../catalog/model";
import { BackupMonitoring, ChatChannel } from "../constructs/backup-monitoring";
import { Duration } from "../core/duration";
import { EncryptedVault } from "../constructs/encrypted-vault";
import { partitionOf } from "../core/iam-policy";
import { auditControls } from "../policy/audit";
import { DynamodbTag } from "@cdktf/provider-aws/lib/dynamodb-tag";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { FreshnessTagging, freshnessTags, recoveryPointRules, vaultFreshness } from "../policy/aws-freshness";
import { awsBackupRules, usesAwsBackup } from "../policy/aws-backup";
import { freshnessWindow, MetricSource, metricSources, sourceEngine, watchedServices } from "../policy/freshness";
import type { EffectivePolicy } from "../policy/effective";
import { VeleroAlerts, VeleroPaths } from "../artifacts/velero-monitoring";
import { veleroSchedules } from "../policy/velero";
import { BuildRecord, type EstateContext, type EstatePolicies, type S3Destination } from "./context";
import type { AwsEstateStack } from "./aws-stack";
import type { IBackupVault } from "../constructs/encrypted-vault";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { tfLiteral } from "../core/escape/terraform";
import { ChatTool } from "../core/vocabulary";

/** Vault names the estate's AWS Backup rules write to, split by where they live. */
export function estateVaults(ctx: Pick<EstatePolicies, "catalog" | "policies">): {
  local: string[];
  copyDestinations: string[];
} {
  const primary = ctx.catalog.aws?.region;
  const local = new Set<string>();
  const remote = new Set<string>();
  for (const p of ctx.policies) {
    for (const r of awsBackupRules(p, ctx.catalog)) {
      (r.vault.region === primary ? local : remote).add(r.vault.name);
      if (r.copy) (r.copy.vault.region === primary ? local : remote).add(r.copy.vault.name);
    }
  }
  return { local: [...local].sort(), copyDestinations: [...remote].sort() };
}

/**
 * What watches a service and where its alerts go, in words: the onboarding receipt's
 * evidence for the alert-wiring step. Empty when nothing watches it.
 */
export function alertWiringOf(
  ctx: Pick<EstateContext, "catalog" | "policies" | "policyOf" | "s3DestinationOf">,
  serviceId: string,
): string[] {
  const policy = ctx.policyOf(serviceId);
  const { catalog } = ctx;
  const out: string[] = [];
  if (metricSources(policy, catalog).length) {
    const w = freshnessWindow(policy, catalog.notifications.staleMargin);
    out.push(`Prometheus ${Alerts.stale}/${Alerts.missing} after ${w.threshold} (${PrometheusPaths.rules})`);
    if (drillsOf(policy)) out.push(`Prometheus ${Alerts.drillSlow} above RTO ${policy.rto}`);
    for (const source of heartbeatSources(ctx, policy))
      out.push(
        `CloudWatch alarm ${catalog.name}-${serviceId}-${sourceEngine(policy, source)}-backup-heartbeat (missing data breaching)`,
      );
  }
  if (policy.service.kubernetes && veleroSchedules([policy], catalog).length) {
    out.push(
      `Prometheus ${VeleroAlerts.stale}/${VeleroAlerts.missing} per Velero schedule, ${VeleroAlerts.failed}/${VeleroAlerts.partiallyFailed} (${VeleroPaths.rules})`,
    );
  }
  if (usesAwsBackup(policy) && catalog.aws) {
    out.push("AWS Backup vault notifications, EventBridge job rules and vault alarms");
    const stale = recoveryPointRules(ctx.policies, catalog).filter((r) => r.serviceIds.includes(serviceId));
    if (stale.length)
      out.push(
        `AWS Config ${stale.map((r) => `${catalog.name}-${r.name}-last-recovery-point (detected within ${r.detectionBound})`).join(", ")} (NON_COMPLIANT to the topic) and a no-completed-backups alarm on its vault`,
      );
    const controls = auditControls(ctx.policies, catalog).filter((c) => c.serviceIds.includes(serviceId));
    if (controls.length) out.push(`Audit Manager: ${controls.length} control(s) incl. RPO and RTO`);
  }
  return out;
}

/**
 * Whether a service's backups put the CloudWatch heartbeat, so that an alarm on its absence
 * means something: app-level backups into the estate's S3 bucket, whose IAM identity may
 * put it. Backups into a named repository and vzdump runs have no AWS identity the estate
 * creates; an alarm on their heartbeat would only ever fire. They are watched by Prometheus.
 */
export function sendsHeartbeat(
  ctx: Pick<EstateContext, "catalog" | "s3DestinationOf">,
  policy: EffectivePolicy,
): boolean {
  return (
    !!ctx.catalog.aws &&
    ctx.catalog.notifications.heartbeat &&
    policy.appBackup &&
    ctx.s3DestinationOf(policy.service.id) !== undefined
  );
}

/**
 * The sources of a service that put the CloudWatch heartbeat, each alarmed on its own series:
 * the app-level backup (when its identity may put it), and the vzdump hook where the host's
 * nodes have heartbeat credentials (`proxmox.hosts.<h>.vzdumpHeartbeat`).
 */
export function heartbeatSources(
  ctx: Pick<EstateContext, "catalog" | "s3DestinationOf">,
  policy: EffectivePolicy,
): MetricSource[] {
  const { catalog } = ctx;
  const out: MetricSource[] = [];
  if (sendsHeartbeat(ctx, policy)) out.push(MetricSource.APP);
  const host = policy.service.vm && catalog.proxmox?.hosts[policy.service.vm.host];
  if (
    catalog.aws &&
    catalog.notifications.heartbeat &&
    host?.vzdumpHeartbeat &&
    metricSources(policy, catalog).includes(MetricSource.VZDUMP)
  )
    out.push(MetricSource.VZDUMP);
  return out;
}

/** What the monitoring builder made. */
export interface Monitoring {
  /** The AWS side (alert topic, rules, alarms); absent without an AWS stack. */
  readonly monitoring?: BackupMonitoring;
  /** The SNS topic every alert goes to; subscribe more endpoints to it. Absent without an AWS stack. */
  readonly alertTopic?: SnsTopic;
  /** The Prometheus, Alertmanager, Grafana and vzdump hook artifacts it rendered. */
  readonly record: BuildRecord;
}

/**
 * Monitoring: notification wiring, AWS Backup signals, heartbeats, audit, Prometheus and
 * Grafana artifacts. Watches `vaults` (the AWS builder's, by reference) in `stack`; a service
 * alarms on its heartbeat only where `s3Destinations` gives its identity a place to put it.
 */
export function buildMonitoring(
  ctx: EstatePolicies,
  stack: AwsEstateStack | undefined,
  vaults: readonly IBackupVault[],
  s3Destinations: ReadonlyMap<string, S3Destination>,
): Monitoring {
  const { catalog, policies } = ctx;
  const record = new BuildRecord();
  const reach = { catalog, s3DestinationOf: (id: string) => s3Destinations.get(id) };
  record.addArtifact({ path: PrometheusPaths.rules, content: renderAlertRules(catalog, policies) });
  record.addArtifact({ path: PrometheusPaths.tests, content: renderRuleTests(catalog, policies) });
  record.addArtifact({ path: PrometheusPaths.absenceTests, content: renderAbsenceTests(catalog, policies) });
  record.addArtifact({ path: PrometheusPaths.alertmanager, content: renderAlertmanagerExample(catalog) });
  record.addArtifact({ path: GRAFANA_DASHBOARD_PATH, content: renderDashboard(catalog) });
  const heartbeat = !!catalog.aws && catalog.notifications.heartbeat;
  for (const host of Object.values(catalog.proxmox?.hosts ?? {})) {
    record.addArtifact({
      path: vzdumpHookArtifactPath(host.name),
      content: renderVzdumpHook(catalog, host, policies, heartbeat),
      mode: 0o755,
    });
    if (heartbeat)
      record.addArtifact({ path: heartbeatEnvArtifactPath(host.name), content: renderHeartbeatEnvExample(catalog) });
  }

  if (!stack || !catalog.aws) return { record };
  const watched = estateVaults(ctx);
  const n = catalog.notifications;
  const byName = (name: string) =>
    vaults.find((v) => v.literalName === name) ?? EncryptedVault.fromVaultName(stack, `Watched-${name}`, name);
  const monitoring = new BackupMonitoring(stack, "Monitoring", {
    estate: catalog.name,
    // The catalog's account, or the stack's aws_account_id variable: no data source may call AWS in a plan.
    accountId: stack.accountId,
    provider: stack.primary,
    emails: n.email,
    // A chat tool's incoming webhook cannot confirm an SNS subscription: it gets Alertmanager's alerts only (GOV-102).
    webhooks: n.webhooks.filter((w) => w.kind === undefined || w.kind === WebhookKind.GENERIC).map((w) => w.name),
    chatChannels: n.chatbot.map((c) =>
      c.type === ChatTool.SLACK ? ChatChannel.slack(c) : ChatChannel.teams({ ...c, channelId: tfLiteral(c.channelId) }),
    ),
    // The AWS Chatbot API is served from a few Regions only: the channels are configured there.
    chatbotProvider: n.chatbot.length ? stack.chatbotProvider(n.chatbotRegion) : undefined,
    pagerDuty: n.pagerduty,
    // The vaults by reference: notifications wait for the vaults (and locks) they watch.
    vaults: watched.local.map(byName),
    copyDestinationVaults: watched.copyDestinations.map(byName),
    // One alarm per source that puts the heartbeat: its own series (Source = the engine label).
    heartbeats: watchedServices(policies, catalog).flatMap((w) =>
      heartbeatSources(reach, w.policy).map((source) => ({
        serviceId: w.policy.service.id,
        source: sourceEngine(w.policy, source),
        window: w.window.threshold,
        sizePeriod: w.window.interval,
      })),
    ),
    auditControls: auditControls(policies, catalog).map(({ name, parameters, scope }) => ({
      name,
      parameters,
      // Tags and resource ids are catalog text: literal in Terraform.
      scope: scope && {
        ...scope,
        tag: scope.tag && { key: tfLiteral(scope.tag.key), value: tfLiteral(scope.tag.value) },
        resourceIds: scope.resourceIds?.map(tfLiteral),
      },
    })),
    // Freshness of AWS Backup resources: nothing fails when a resource stops being selected.
    recoveryPointRules: recoveryPointRules(policies, catalog).map((r) => ({
      name: r.name,
      resourceType: r.type,
      maxAge: r.age.unit === "hours" ? Duration.hours(r.age.value) : Duration.days(r.age.value),
      frequency: r.frequency,
      // Tags are catalog text: literal in Terraform.
      resourceTags:
        r.resourceTags &&
        Object.fromEntries(Object.entries(r.resourceTags).map(([k, v]) => [tfLiteral(k), tfLiteral(v)])),
    })),
    vaultFreshness: vaultFreshness(policies, catalog),
    deletionProtection: catalog.aws.deletionProtection,
    partition: partitionOf(catalog.aws.region),
    // A DR restore runs in the offsite Region: its failures must reach the same topic.
    region: stack.region,
    forwardEventsFrom: stack.offsiteRegions.map((r) => stack.providerFor(r)),
  });
  // The freshness rules of ARN-selected resources are scoped by the estate's tag: apply it where a
  // tag-only resource exists (the resource stays the user's; destroying the stack removes only the
  // tag). The rules run in the primary Region, so only its resources are tagged; GOV-223 names the rest.
  for (const [i, t] of freshnessTags(policies, catalog).entries()) {
    const region = t.arn.split(":")[3];
    if (region !== catalog.aws.region || t.tagging === FreshnessTagging.OPERATOR) continue;
    const id = `FreshnessTag-${i}-${t.serviceId}-${t.arn.split(/[:/]/).pop()}`;
    const common = { key: tfLiteral(t.key), value: tfLiteral(t.value), provider: stack.providerFor(region) };
    if (t.tagging === FreshnessTagging.EC2_TAG)
      new Ec2Tag(stack, id, { ...common, resourceId: tfLiteral(t.arn.split("/").pop()!) });
    else new DynamodbTag(stack, id, { ...common, resourceArn: tfLiteral(t.arn) });
  }
  return { monitoring, alertTopic: monitoring.topic, record };
}
