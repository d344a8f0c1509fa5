import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { customNotificationTemplate } from "../../policy/aws-chatbot";
import type { AlertingScope } from "./scope";

/** One EventBridge rule of {@link BackupEventAlerts}: what it matches and the line it writes. */
export interface BackupEventRule {
  readonly id: string;
  readonly suffix: string;
  readonly detailType: string;
  readonly detail: Record<string, string[]>;
  readonly transformer: { inputPaths: Record<string, string>; inputTemplate: string };
}

/**
 * EventBridge rules on the AWS Backup events that mean a job went wrong (see
 * {@link backupEventRules}), each with a readable message, targeting the alert topic.
 * Events of other Regions reach these rules through {@link EventForwarding}.
 */
export class BackupEventAlerts {
  constructor(scope: AlertingScope) {
    const { construct, provider, estate, topicArn } = scope;
    for (const r of backupEventRules()) {
      const rule = new CloudwatchEventRule(construct, r.id, {
        provider,
        name: `${estate}-${r.suffix}`,
        description: `${r.detailType}: ${Object.values(r.detail)[0].join(", ")} (estate ${estate})`,
        eventPattern: JSON.stringify({ source: ["aws.backup"], "detail-type": [r.detailType], detail: r.detail }),
      });
      new CloudwatchEventTarget(construct, `${r.id}Target`, {
        provider,
        rule: rule.name,
        arn: topicArn,
        inputTransformer: r.transformer,
      });
    }
  }
}

/**
 * The AWS Backup events that mean a backup, copy, restore or restore test went wrong, with a
 * readable message each. States are AWS Backup's own: backup jobs CREATED, PENDING, RUNNING,
 * ABORTED, COMPLETED, FAILED, EXPIRED (and PARTIAL for composite jobs); copy jobs CREATED,
 * RUNNING, COMPLETED, FAILED, PARTIAL; restore jobs (which carry `status`, not `state`)
 * PENDING, RUNNING, COMPLETED, ABORTED, FAILED; a restore test's validation FAILED,
 * SUCCESSFUL, TIMED_OUT or VALIDATING.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CopyJob.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRestoreJob.html
 */
export function backupEventRules(): BackupEventRule[] {
  const where = "<account>/<region> at <time>";
  const common = { account: "$.account", region: "$.region", time: "$.time", message: "$.detail.statusMessage" };
  return [
    {
      id: "BackupJobFailed",
      suffix: "backup-job-failed",
      detailType: "Backup Job State Change",
      detail: { state: ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] },
      transformer: {
        inputPaths: {
          ...common,
          job: "$.detail.backupJobId",
          state: "$.detail.state",
          resource: "$.detail.resourceArn",
          vault: "$.detail.backupVaultName",
        },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: backup job <state>",
          description: `AWS Backup (${where}): backup job <job> of <resource> into vault <vault> is <state>. <message>`,
          nextSteps: [
            "Read the job's status message in the AWS Backup console",
            "Start an on-demand backup once the cause is fixed: the next scheduled run may be a day away",
          ],
          keywords: ["backup", "<state>"],
        }),
      },
    },
    {
      id: "CopyJobFailed",
      suffix: "copy-job-failed",
      detailType: "Copy Job State Change",
      // PARTIAL: some child copies of a composite job failed; the copy is not whole.
      detail: { state: ["FAILED", "PARTIAL"] },
      transformer: {
        inputPaths: {
          ...common,
          job: "$.detail.copyJobId",
          state: "$.detail.state",
          resource: "$.detail.resourceArn",
          destination: "$.detail.destinationBackupVaultArn",
        },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: copy job <state>",
          description: `AWS Backup (${where}): copy job <job> of <resource> to <destination> is <state>. <message>`,
          nextSteps: [
            "Check the destination vault's access policy and its key's policy",
            "Copy the recovery point again once the cause is fixed",
          ],
          keywords: ["backup", "copy", "<state>"],
        }),
      },
    },
    {
      id: "RestoreJobFailed",
      suffix: "restore-job-failed",
      detailType: "Restore Job State Change",
      // PROVIDER NOTE: restore job events carry `status`, not `state`.
      detail: { status: ["FAILED", "ABORTED"] },
      transformer: {
        inputPaths: {
          ...common,
          job: "$.detail.restoreJobId",
          status: "$.detail.status",
          type: "$.detail.resourceType",
        },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: restore job <status>",
          description: `AWS Backup (${where}): restore job <job> (<type>) is <status>. <message>`,
          nextSteps: ["Read the job's status message in the AWS Backup console", "Follow the service's restore SOP"],
          keywords: ["backup", "restore", "<status>"],
        }),
      },
    },
    {
      id: "RestoreValidationFailed",
      suffix: "restore-validation-failed",
      detailType: "Restore Job State Change",
      // A restore test whose restore worked but whose validation did not (or never answered).
      detail: { validationStatus: ["FAILED", "TIMED_OUT"] },
      transformer: {
        inputPaths: {
          ...common,
          job: "$.detail.restoreJobId",
          validation: "$.detail.validationStatus",
          type: "$.detail.resourceType",
          vmessage: "$.detail.validationStatusMessage",
        },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: restore test validation <validation>",
          description: `AWS Backup (${where}): the validation of restore test job <job> (<type>) is <validation>. <vmessage>`,
          nextSteps: [
            "Treat the recovery point as unproven until a restore validates",
            "Check the restore testing plan's validation script",
          ],
          keywords: ["backup", "restore-test", "<validation>"],
        }),
      },
    },
  ];
}
