import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type IConstruct, type TerraformProvider, TerraformStack, Token } from "../core/cdk";

/**
 * The AWS Region a construct's resources are created in, when it is known at synth time:
 * `region` as given, else the literal `region` of its provider, else that of the stack's
 * default AWS provider (the one without an alias, declared in the stack itself). Undefined when any of those is a token
 * or missing: callers then cannot judge, and do not.
 */
export function knownRegion(scope: IConstruct, region: string | undefined, provider: TerraformProvider | undefined): string | undefined {
  const literal = (r: string | undefined) => (r !== undefined && !Token.isUnresolved(r) ? r : undefined);
  if (region !== undefined) return literal(region);
  if (provider !== undefined) return provider instanceof AwsProvider ? literal(provider.region) : undefined;
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    return undefined;
  }
  // The stack's own children only: that is where providers are declared, and a walk of the
  // whole tree for every vault would make large stacks quadratic.
  const defaults = stack.node.children.filter((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
  return defaults.length === 1 ? literal(defaults[0].region) : undefined;
}
