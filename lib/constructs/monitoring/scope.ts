import type { Construct, TerraformProvider } from "../../core/cdk";

/**
 * What the focused monitoring parts share: the construct they add their resources to and the
 * estate's identity. The shape of cdk-monitoring-constructs' MonitoringScope: the facade
 * ({@link BackupMonitoring}) is the one construct, and each part (the topic, vault monitoring,
 * event rules, freshness, heartbeats, chat, audit) adds its resources to it instead of nesting
 * a construct of its own. That keeps every resource's construct path, and so its Terraform
 * address and the `//` metadata of cdk.tf.json, what it was when all of it was one class:
 * deployed keys and buckets have `prevent_destroy` and must never be replaced.
 */
export interface MonitoringScope {
  /** The construct the part's resources are children of (their ids are unique within it). */
  readonly construct: Construct;
  /** The estate name: prefixes every resource name. */
  readonly estate: string;
  /** The AWS account id (or a token for it), for policies and ARNs. */
  readonly accountId: string;
  /**
   * The AWS partition of every ARN the part writes.
   * @default "aws"
   */
  readonly partition?: string;
  /**
   * The provider (Region) to create the part's resources with.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/** A {@link MonitoringScope} whose alert topic exists: the parts that publish to it. */
export interface AlertingScope extends MonitoringScope {
  /** The ARN of the topic every alarm, rule and notification publishes to. */
  readonly topicArn: string;
}

/** The partition of a scope, `aws` unless told. */
export function partitionOf(scope: MonitoringScope): string {
  return scope.partition ?? "aws";
}

/**
 * `<estate>-<name>`, unless the name already starts with the estate: a vault named after the
 * estate (`shop-standard`) is not prefixed twice.
 */
export function estateName(estate: string, name: string): string {
  return `${name.startsWith(`${estate}-`) ? "" : `${estate}-`}${name}`;
}
