import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { ChatbotTeamsChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-teams-channel-configuration";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { TerraformProvider } from "../../core/cdk";
import { ChatTool } from "../../core/vocabulary";
import { at, Errors } from "../../errors";
import { CHATBOT_API_REGIONS, isChatbotRegion } from "../../policy/aws-chatbot";
import { knownRegion } from "../aws-region";
import { type AlertingScope, partitionOf } from "./scope";

// The catalog's term: one enum for the catalog's chatbot channels, its webhooks and these.
export { ChatTool };

/**
 * A chat channel that receives the alert topic through AWS Chatbot: the route that delivers
 * to Slack and Microsoft Teams. (An incoming webhook of either cannot confirm an SNS HTTPS
 * subscription, and SNS sends nothing to an unconfirmed one.) The workspace or team must have
 * been authorized in the AWS Chatbot console once, by hand; the ids come from there.
 *
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/what-is.html
 */
export class ChatChannel {
  /** A Slack channel of an authorized workspace. */
  public static slack(props: {
    readonly name: string;
    readonly workspaceId: string;
    readonly channelId: string;
  }): ChatChannel {
    return new ChatChannel(ChatTool.SLACK, props.name, { workspaceId: props.workspaceId, channelId: props.channelId });
  }

  /** A Microsoft Teams channel of an authorized team. */
  public static teams(props: {
    readonly name: string;
    readonly tenantId: string;
    readonly teamId: string;
    readonly channelId: string;
  }): ChatChannel {
    return new ChatChannel(ChatTool.TEAMS, props.name, {
      tenantId: props.tenantId,
      teamId: props.teamId,
      channelId: props.channelId,
    });
  }

  private constructor(
    public readonly tool: ChatTool,
    public readonly name: string,
    public readonly ids: Readonly<Record<string, string>>,
  ) {}
}

/** Props of {@link ChatChannels}. */
export interface ChatChannelsProps {
  /** The channels that receive every alert of the topic. */
  readonly channels: readonly ChatChannel[];
  /**
   * The provider the channels (and their role) are created with: one of a Region that serves
   * the AWS Chatbot API (us-east-2, us-west-2, eu-west-1, ap-southeast-1; see
   * `CHATBOT_API_REGIONS`). A channel configuration created anywhere else fails at apply. The
   * channels deliver the topic of the scope's Region all the same.
   * @default - the scope's provider, which must then be in a Chatbot API Region (MON-030)
   */
  readonly provider?: TerraformProvider;
}

/**
 * Chat channels on the alert topic through AWS Chatbot, with a role that may do nothing and a
 * read-only guardrail (AWS Chatbot applies AdministratorAccess as the guardrail when none is
 * given).
 */
export class ChatChannels {
  constructor(scope: AlertingScope, props: ChatChannelsProps) {
    const { construct, estate } = scope;
    const provider = props.provider ?? scope.provider;
    // The AWS Chatbot API is served from four Regions only: a channel configured through any other fails at apply.
    const region = knownRegion(construct, undefined, provider);
    if (region !== undefined && !isChatbotRegion(region))
      throw at(construct, Errors.chatbotRegion(construct.node.path, region, CHATBOT_API_REGIONS.join(", ")));
    const trust = new DataAwsIamPolicyDocument(construct, "ChatbotTrust", {
      provider,
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }] },
      ],
    });
    // Delivering notifications needs no permission; the role (and the guardrail) allow nothing but reads.
    const role = new IamRole(construct, "ChatbotRole", {
      provider,
      name: `${estate}-backup-chatbot`.slice(0, 64),
      description: `AWS Chatbot role of the backup alert channels of estate ${estate} (no permissions: notifications only)`,
      assumeRolePolicy: trust.json,
    });
    const common = {
      provider,
      iamRoleArn: role.arn,
      snsTopicArns: [scope.topicArn],
      // PROVIDER NOTE: without guardrails AWS Chatbot applies AdministratorAccess to channel members' actions.
      guardrailPolicyArns: [`arn:${partitionOf(scope)}:iam::aws:policy/CloudWatchReadOnlyAccess`],
      loggingLevel: "ERROR",
    };
    for (const c of props.channels) {
      const configurationName = `${estate}-backup-${c.name}`.slice(0, 128);
      if (c.tool === ChatTool.SLACK) {
        new ChatbotSlackChannelConfiguration(construct, `Chat-${c.name}`, {
          ...common,
          configurationName,
          slackTeamId: c.ids.workspaceId,
          slackChannelId: c.ids.channelId,
        });
      } else {
        new ChatbotTeamsChannelConfiguration(construct, `Chat-${c.name}`, {
          ...common,
          configurationName,
          tenantId: c.ids.tenantId,
          teamId: c.ids.teamId,
          channelId: c.ids.channelId,
        });
      }
    }
  }
}
