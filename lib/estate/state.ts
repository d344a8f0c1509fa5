import type { StateSettings } from "../catalog/model";
import { S3Backend, type TerraformStack } from "../core/cdk";

/** The state key of a stack: `<keyPrefix><stack name>.tfstate`. */
export function stateKey(settings: StateSettings, stackName: string): string {
  return `${settings.keyPrefix}${stackName}.tfstate`;
}

/**
 * Gives a stack its remote state (`state:` in the catalog): the S3 backend, encrypted, with
 * S3's native lock file instead of a DynamoDB table, one key per stack so that stacks plan
 * and apply in parallel without waiting for each other's lock.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export function applyRemoteState(stack: TerraformStack, settings: StateSettings): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: settings.bucket,
    key: stateKey(settings, stack.node.id),
    region: settings.region,
    encrypt: true,
  });
  // PROVIDER NOTE: use_lockfile (Terraform 1.10+) is newer than cdktf 0.21's S3BackendConfig; an override writes it.
  backend.addOverride("use_lockfile", true);
  return backend;
}
