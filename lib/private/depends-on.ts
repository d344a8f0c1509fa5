import { dependable, type ITerraformDependable, type TerraformResource } from "../core/cdk";

const added = new WeakMap<TerraformResource, Set<string>>();

/**
 * Adds `dependency` to a resource's `depends_on`, once. For resources that name another only
 * by a synth-time literal (a vault ARN built from its parts), which Terraform cannot see as a
 * reference.
 */
export function dependOnce(resource: TerraformResource, dependency: ITerraformDependable): void {
  const seen = added.get(resource) ?? new Set<string>();
  added.set(resource, seen);
  if (seen.has(dependency.fqn)) return;
  seen.add(dependency.fqn);
  resource.dependsOn = [...(resource.dependsOn ?? []), dependable(dependency)];
}
