import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { DEPRECATED_VAULT_EVENTS } from "../../lib/constructs/backup-monitoring";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { ROOT } from "../support/catalogs";

/** The default catalog and every example: what users start from. */
const CATALOGS = [
  join(ROOT, "stacks", "catalog.yaml"),
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(ROOT, "examples", f)),
];

/** Every synthesized stack of a catalog, as JSON text, by stack name. */
function stacksOf(file: string): Record<string, string> {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(file));
  const out: Record<string, string> = {};
  if (estate.awsStack) out.aws = Testing.synth(estate.awsStack);
  if (estate.proxmoxStack) out.proxmox = Testing.synth(estate.proxmoxStack);
  return out;
}

describe.each(CATALOGS.map((f) => [f.slice(ROOT.length + 1), f]))("what %s synthesizes", (_name, file) => {
  const stacks = stacksOf(file);

  it("subscribes no vault event AWS Backup deprecated (they are accepted and never delivered)", () => {
    // Source: AWS Backup API reference, PutBackupVaultNotifications: deprecated events "do not return
    // statuses or notifications"; hashicorp/aws 5.100 still validates them, so only this test catches them.
    for (const text of Object.values(stacks)) {
      const json = JSON.parse(text);
      for (const n of Object.values(json.resource?.aws_backup_vault_notifications ?? {}) as Array<{
        backup_vault_events: string[];
      }>) {
        for (const e of n.backup_vault_events) expect(DEPRECATED_VAULT_EVENTS).not.toContain(e);
      }
      for (const e of DEPRECATED_VAULT_EVENTS) expect(text).not.toContain(`"${e}"`);
    }
  });
});

describe("the offsite copy does not follow deletions", () => {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, "stacks", "catalog.yaml")));
  const aws = JSON.parse(Testing.synth(estate.awsStack!));

  it("replicates no delete marker to any replica, and the replication roles may not replicate deletes", () => {
    // Source: S3 User Guide, "Replicating delete markers between buckets" (V2 rules replicate delete markers only
    // with DeleteMarkerReplication Enabled) and "Setting up permissions" (s3:ReplicateDelete replicates delete markers).
    const rcs = Object.values(aws.resource.aws_s3_bucket_replication_configuration) as Array<{
      rule: Array<{ delete_marker_replication: { status: string } }>;
    }>;
    expect(rcs.length).toBeGreaterThan(0);
    for (const rc of rcs) for (const r of rc.rule) expect(r.delete_marker_replication.status).toBe("Disabled");
    const policies = Object.entries(aws.resource.aws_iam_role_policy as Record<string, { policy: string }>).filter(
      ([k]) => k.startsWith("AppReplica"),
    );
    expect(policies.length).toBe(rcs.length);
    for (const [, p] of policies) expect(p.policy).not.toContain("s3:ReplicateDelete");
  });

  it("tells in the SOP how to bring back objects hidden by delete markers on the primary", () => {
    // Source: S3 User Guide, "Removing delete markers": deleting the delete marker (by its version id) makes the
    // previous version current again; list-object-versions lists markers with IsLatest.
    const sop = estate.artifacts.get("sop/vaultwarden.md")!.content as string;
    expect(sop).toMatch(
      /list-object-versions --bucket homelab-app-compliance-14d-to-us-west-2-123456789012 --prefix vaultwarden\//,
    );
    expect(sop).toContain("DeleteMarkers[?IsLatest]");
    expect(sop).toMatch(/delete-object --bucket \S+ --key KEY --version-id MARKER_VERSION_ID/);
    expect(sop).toMatch(/replica never receives delete markers/);
  });
});

describe("chat alerts take a route that delivers", () => {
  it("subscribes no Slack or Teams incoming webhook to the topic, and routes the default catalog's Slack channel through AWS Chatbot", () => {
    // Source: SNS Developer Guide, "HTTP/HTTPS subscription confirmation JSON format" (no notification before the
    // endpoint confirms); an incoming webhook cannot confirm, so the default catalog uses AWS Chatbot for Slack.
    for (const file of CATALOGS) {
      const report = validateCatalogFile(file);
      expect(report.findings.filter((f) => f.ruleId === "GOV-102")).toEqual([]);
      const estate = Estate.fromReport(Testing.app(), report);
      if (!estate.awsStack) continue;
      const aws = JSON.parse(Testing.synth(estate.awsStack));
      const chat = report
        .catalog!.notifications.webhooks.filter((w) => w.kind === "slack" || w.kind === "teams")
        .map((w) => `\${var.webhook_${w.name.replace(/-/g, "_")}_url}`);
      const endpoints = (
        Object.values(aws.resource.aws_sns_topic_subscription ?? {}) as Array<{ endpoint: string }>
      ).map((x) => x.endpoint);
      for (const e of chat) expect(endpoints).not.toContain(e);
    }
    const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, "stacks", "catalog.yaml")));
    const aws = JSON.parse(Testing.synth(estate.awsStack!));
    expect(Object.values(aws.resource.aws_chatbot_slack_channel_configuration)).toEqual([
      expect.objectContaining({
        slack_channel_id: "C0123ABCDE",
        sns_topic_arns: [expect.stringMatching(/aws_sns_topic\.Monitoring/)],
      }),
    ]);
    // The Slack webhook still serves Alertmanager (Prometheus alerts), which posts Slack's own format.
    expect(
      String(estate.artifacts.list().find((a) => a.path.endsWith("alertmanager.example.yml"))?.content ?? ""),
    ).toMatch(/slack-ops-url/);
  });
});
