import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type IConstruct, type TerraformProvider, TerraformStack, Token } from "../core/cdk";

/** A region known at synth time: the value unless it is missing or a token. */
export function literalRegion(region: string | undefined): string | undefined {
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}

/**
 * The AWS Region a construct's resources are created in: `region` as given, else the `region`
 * of its provider, else that of the stack's default AWS provider (the one without an alias,
 * declared in the stack itself). May be a token; undefined when none is known.
 */
export function regionOf(
  scope: IConstruct,
  region: string | undefined,
  provider: TerraformProvider | undefined,
): string | undefined {
  if (region !== undefined) return region;
  if (provider !== undefined) return provider instanceof AwsProvider ? provider.region : undefined;
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    return undefined;
  }
  // The stack's own children only: that is where providers are declared, and a walk of the
  // whole tree for every vault would make large stacks quadratic.
  const defaults = stack.node.children.filter(
    (c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined,
  );
  return defaults.length === 1 ? defaults[0].region : undefined;
}

/** {@link regionOf}, when it is known at synth time (not a token): for judgements, which a token cannot take part in. */
export function knownRegion(
  scope: IConstruct,
  region: string | undefined,
  provider: TerraformProvider | undefined,
): string | undefined {
  return literalRegion(regionOf(scope, region, provider));
}
