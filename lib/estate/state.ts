import { LocalBackend, TerraformBackend, type TerraformStack } from "../core/cdk";

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
