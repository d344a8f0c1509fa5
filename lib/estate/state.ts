import type { StateSettings } from "../catalog/model";
import { LocalBackend, S3Backend, TerraformBackend, type TerraformStack } from "../core/cdk";

/**
 * Where a stack without a configured backend keeps its local state: beside the output
 * folder, as a path relative to the stack's working directory (`<out>/stacks/<stack>/`).
 *
 * cdktf's default local backend writes the absolute path of the synthesizing process's
 * working directory into cdk.tf.json, so two synths of one catalog from two folders
 * differed. `../../..` leaves `<out>` (which each synth replaces whole) and lands where
 * cdktf's default puts it for the usual `cdktf.out` in the project folder.
 */
export const LOCAL_STATE_DIR = "../../..";

/** Gives `stack` a relative local backend, unless a backend was configured already. */
export function keepLocalStateBesideOutput(stack: TerraformStack): void {
  if (stack.node.findAll().some((c) => TerraformBackend.isBackend(c))) return;
  new LocalBackend(stack, { path: `${LOCAL_STATE_DIR}/terraform.${stack.node.id}.tfstate` });
}

/**
 * The Terraform that knows the S3 backend's `use_lockfile` (added in 1.10).
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export const USE_LOCKFILE_MIN_TERRAFORM = ">= 1.10.0";

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
  // Older Terraform rejects use_lockfile as an unknown argument; required_version says why before it does.
  stack.addOverride("terraform.required_version", USE_LOCKFILE_MIN_TERRAFORM);
  return backend;
}
