import Ajv from "ajv";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupMonitoring, backupEventRules, ChatChannel } from "../../lib/constructs/backup-monitoring";
import { Testing, TerraformStack } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { AwsResourceType } from "../../lib/policy/aws-backup";
import { CHATBOT_API_REGIONS, DEFAULT_CHATBOT_REGION, isChatbotRegion } from "../../lib/policy/aws-chatbot";

/**
 * AWS Chatbot's custom-notification schema, as its admin guide documents it ("Custom notifications
 * in Amazon Q Developer in chat applications", https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html):
 * `version` "1.0", `source` "custom", `content.description` required; `id`, `content.textType`
 * (client-markdown), `content.title`, `content.nextSteps[]`, `content.keywords[]`, `metadata` optional.
 * Chatbot drops an SNS message that is neither this nor a supported AWS event.
 */
const CUSTOM_NOTIFICATION_SCHEMA = {
  type: "object",
  required: ["version", "source", "content"],
  additionalProperties: false,
  properties: {
    version: { const: "1.0" },
    source: { const: "custom" },
    id: { type: "string" },
    content: {
      type: "object",
      required: ["description"],
      additionalProperties: false,
      properties: {
        textType: { const: "client-markdown" },
        title: { type: "string", minLength: 1 },
        description: { type: "string", minLength: 1 },
        nextSteps: { type: "array", items: { type: "string" } },
        keywords: { type: "array", items: { type: "string" } },
      },
    },
    metadata: { type: "object" },
  },
};
const validate = new Ajv({ strict: true }).compile(CUSTOM_NOTIFICATION_SCHEMA);

/**
 * What EventBridge sends for a template: each `<name>` replaced by the value its input path selects.
 * Values stand inside JSON strings in these templates; EventBridge inserts them as JSON string content
 * (EventBridge user guide, "Amazon EventBridge input transformation": "The InputTemplate can also be valid
 * JSON with variables in quotes"), which is what JSON.stringify(...).slice(1, -1) gives.
 */
function render(template: string, paths: Record<string, string>, event: Record<string, unknown>): string {
  const select = (path: string) =>
    path
      .replace(/^\$\./, "")
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], event);
  return template.replace(/<([A-Za-z0-9_.-]+)>/g, (_, name: string) =>
    JSON.stringify(String(select(paths[name]) ?? "")).slice(1, -1),
  );
}

const EVENT = {
  account: "123456789012",
  region: "us-east-1",
  time: "2026-12-07T03:00:00Z",
  detail: {
    backupJobId: "job-1",
    copyJobId: "copy-1",
    restoreJobId: "restore-1",
    state: "FAILED",
    status: "FAILED",
    validationStatus: "FAILED",
    validationStatusMessage: 'script exited 1: "SELECT 1" failed',
    statusMessage: 'Access denied: "kms:Decrypt" on key',
    resourceArn: "arn:aws:rds:us-east-1:123456789012:db:ledger",
    resourceType: "RDS",
    backupVaultName: "homelab-primary",
    destinationBackupVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:homelab-offsite",
    configRuleName: "homelab-rds-last-recovery-point",
    resourceId: "ledger",
    eventName: "ScheduleKeyDeletion",
    userIdentity: { arn: "arn:aws:sts::123456789012:assumed-role/admin/mallory" },
    requestParameters: {
      keyId: "arn:aws:kms:us-east-1:123456789012:key/abcd",
      backupVaultName: "lab-primary",
      bucketName: "lab-app-standard",
    },
  },
};

function synth(provider: { region: string }, chatbot?: { region: string }) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", provider);
  const chatbotProvider = chatbot ? new AwsProvider(stack, "chatbot", { ...chatbot, alias: "chatbot" }) : undefined;
  new BackupMonitoring(stack, "Monitoring", {
    estate: "lab",
    accountId: "123456789012",
    chatChannels: [ChatChannel.slack({ name: "ops", workspaceId: "T07EA123LEP", channelId: "C07EZ1ABC23" })],
    chatbotProvider,
    recoveryPointRules: [
      {
        name: "ledger",
        resourceType: AwsResourceType.RDS,
        maxAge: Duration.hours(28),
        resourceTags: { app: "ledger" },
      },
    ],
  });
  return JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
}

describe("AWS Chatbot Regions", () => {
  it("are the four Regions that serve the Chatbot API, us-east-2 by default", () => {
    // Source: AWS General Reference, "Amazon Q Developer in chat applications endpoints and quotas"
    // (https://docs.aws.amazon.com/general/latest/gr/chatbot.html): chatbot.us-east-2, us-west-2, eu-west-1,
    // ap-southeast-1 only; aws/aws-cli#8658 (chatbot.us-east-1.amazonaws.com does not resolve); the Chatbot
    // API reference: "The AWS Chatbot console can only be used in US East (Ohio)".
    expect([...CHATBOT_API_REGIONS].sort()).toEqual(["ap-southeast-1", "eu-west-1", "us-east-2", "us-west-2"]);
    expect(DEFAULT_CHATBOT_REGION).toBe("us-east-2");
    expect(isChatbotRegion("us-east-1")).toBe(false);
    expect(isChatbotRegion("eu-central-1")).toBe(false);
  });

  it("refuses chat channels created with a provider outside them (MON-030), and builds them with a Chatbot Region's provider", () => {
    expect(() => synth({ region: "us-east-1" })).toThrow(/MON-030.*us-east-1.*not served/);
    expect(() => synth({ region: "eu-central-1" }, { region: "eu-central-1" })).toThrow(/MON-030/);
    const json = synth({ region: "us-east-1" }, { region: "us-east-2" });
    const channels = Object.values(json.resource.aws_chatbot_slack_channel_configuration);
    expect(channels.map((c) => c.provider)).toEqual(["aws.chatbot"]);
    // The channel still delivers the primary Region's topic (a Chatbot channel takes topics of any Region).
    expect(channels[0].sns_topic_arns).toEqual([expect.stringMatching(/aws_sns_topic\./)]);
    // A primary provider in a Chatbot Region needs no alias.
    expect(() => synth({ region: "eu-west-1" })).not.toThrow();
  });
});

describe("every EventBridge alert in AWS Chatbot's custom-notification schema", () => {
  it("the schema itself rejects what the rules sent before: a plain string, and an object without content.description", () => {
    expect(validate(JSON.parse('"AWS Backup: backup job job-1 is FAILED"'))).toBe(false);
    expect(validate({ version: "1.0", source: "custom", content: { title: "x" } })).toBe(false);
    expect(validate({ version: "1.0", source: "custom", content: { description: "x" } })).toBe(true);
  });

  it("backup, copy, restore and restore-validation failures render to valid custom notifications (quotes in status messages too)", () => {
    const rules = backupEventRules();
    expect(rules.map((r) => r.id)).toEqual([
      "BackupJobFailed",
      "CopyJobFailed",
      "RestoreJobFailed",
      "RestoreValidationFailed",
    ]);
    for (const r of rules) {
      const message = JSON.parse(render(r.transformer.inputTemplate, r.transformer.inputPaths, EVENT));
      expect({ rule: r.id, valid: validate(message), errors: validate.errors }).toEqual({
        rule: r.id,
        valid: true,
        errors: null,
      });
      expect(message.content.description).toContain("123456789012/us-east-1");
      expect(message.content.description).toMatch(/FAILED/);
    }
  });

  it("every event target of the synthesized stack (job failures and the Config staleness rule) sends a valid custom notification", () => {
    const json = synth({ region: "us-east-1" }, { region: "us-east-2" });
    const targets = Object.values(json.resource.aws_cloudwatch_event_target);
    // Four job-failure rules, the Config staleness rule and the three key and lock guard rules.
    expect(targets.length).toBe(8);
    for (const t of targets) {
      const message = JSON.parse(render(t.input_transformer.input_template, t.input_transformer.input_paths, EVENT));
      expect({ target: t.rule, valid: validate(message), errors: validate.errors }).toEqual({
        target: t.rule,
        valid: true,
        errors: null,
      });
    }
    const stale = targets.find((t) => String(t.rule).includes("RecoveryPointStale"))!;
    expect(
      JSON.parse(render(stale.input_transformer.input_template, stale.input_transformer.input_paths, EVENT)).content
        .description,
    ).toMatch(/RDS ledger has no recovery point/);
  });
});
