import type { StateSettings } from "../catalog/model";
import { partitionOf, PolicyEffect, type PolicyStatement, renderPolicy } from "../core/iam-policy";

/** Where the state access policy goes, under `artifacts/`. */
export const STATE_POLICY_PATH = "pipelines/state-access-policy.json";

/** The bucket's ARN in the partition of its region (aws, aws-cn, aws-us-gov). */
function bucketArn(state: StateSettings): string {
  return `arn:${partitionOf(state.region)}:s3:::${state.bucket}`;
}

/**
 * What a pipeline's role may do on the state bucket, for every stack of the estate: list the
 * key prefix, read and write `*.tfstate` under it, and create and delete the lock objects
 * (`*.tfstate.tflock`) that `use_lockfile` puts next to them. Nothing else: no bucket
 * configuration, no deletion of state.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/s3 (section "Permissions Required")
 */
export function stateAccessStatements(state: StateSettings): PolicyStatement[] {
  const prefix = state.keyPrefix;
  const objects = `${bucketArn(state)}/${prefix}*`;
  return [
    {
      sid: "ListStatePrefix",
      effect: PolicyEffect.ALLOW,
      actions: ["s3:ListBucket"],
      resources: [bucketArn(state)],
      ...(prefix ? { conditions: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
    },
    {
      sid: "ReadWriteState",
      effect: PolicyEffect.ALLOW,
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: [`${objects}.tfstate`],
    },
    {
      sid: "StateLockFile",
      effect: PolicyEffect.ALLOW,
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${objects}.tfstate.tflock`],
    },
  ];
}

/** The identity policy of {@link stateAccessStatements}, as JSON for `aws iam create-policy`. */
export function renderStateAccessPolicy(state: StateSettings): string {
  return JSON.stringify(JSON.parse(renderPolicy(stateAccessStatements(state))), null, 2) + "\n";
}
