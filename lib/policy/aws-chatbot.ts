/**
 * Where AWS Chatbot (Amazon Q Developer in chat applications) can be configured, and what it
 * renders. Facts this library relies on; each is asserted in test/policy/aws-chatbot.test.ts
 * with its source.
 */

/**
 * The Regions that serve the AWS Chatbot API. A channel configuration created through any other
 * Region's endpoint fails at apply (`chatbot.us-east-1.amazonaws.com` does not resolve).
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/chatbot.html
 * @see https://github.com/aws/aws-cli/issues/8658
 */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

/** A Region serving the AWS Chatbot API. */
export type ChatbotRegion = (typeof CHATBOT_API_REGIONS)[number];

/** Where chat channels are configured unless the catalog says otherwise: the Region AWS Chatbot calls home. */
export const DEFAULT_CHATBOT_REGION: ChatbotRegion = "us-east-2";

/** Whether `region` serves the AWS Chatbot API. */
export function isChatbotRegion(region: string): region is ChatbotRegion {
  return (CHATBOT_API_REGIONS as readonly string[]).includes(region);
}

/** One alert as AWS Chatbot's custom-notification schema has it. */
export interface CustomNotification {
  /** Short line shown as the message title (client-markdown allowed). */
  readonly title: string;
  /** The alert itself: what happened and where. */
  readonly description: string;
  /** What the operator does next, one step per entry. @default - none */
  readonly nextSteps?: readonly string[];
  /** Tags shown under the message. @default - none */
  readonly keywords?: readonly string[];
}

/**
 * The custom notification as the JSON text an EventBridge input template produces: AWS
 * Chatbot renders SNS messages that are supported AWS events or this schema (`version` "1.0",
 * `source` "custom", `content.description`); anything else, including a plain string, it drops.
 * Placeholders (`<name>`) may stand inside the strings: EventBridge fills them in.
 *
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export function customNotificationTemplate(n: CustomNotification): string {
  return JSON.stringify({
    version: "1.0",
    source: "custom",
    content: {
      textType: "client-markdown",
      title: n.title,
      description: n.description,
      ...(n.nextSteps?.length ? { nextSteps: [...n.nextSteps] } : {}),
      ...(n.keywords?.length ? { keywords: [...n.keywords] } : {}),
    },
  });
}
