// Brings the cdktf jest matcher types (toHaveResourceWithProperties, ...) into every test that synthesizes.
import type {} from "cdktf/lib/testing/adapters/jest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, type Construct, Testing, TerraformStack } from "../../lib/core/cdk";

/** Synthesized resources of one stack, by type then by logical id. */
export type SynthResources = Record<string, Record<string, Record<string, any>>>;

/** Synthesizes what `build` adds to a stack with a primary (us-east-1) and a us-west-2 provider. */
export function synthAws(build: (scope: Construct, west: AwsProvider) => void): {
  json: string;
  resources: SynthResources;
} {
  const json = Testing.synthScope((scope) => {
    const west = new AwsProvider(scope, "west", { region: "us-west-2", alias: "west" });
    build(scope, west);
  });
  return { json, resources: (JSON.parse(json) as { resource?: SynthResources }).resource ?? {} };
}

/** The resources of one type, in synthesis order. */
export function ofType(resources: SynthResources, type: string): Array<Record<string, any>> {
  return Object.values(resources[type] ?? {});
}

/** A stack in a real App, for tests that need `app.synth()` (validations, errors). */
export function appStack(): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return { app, stack };
}

/** Parses a policy document held in a synthesized attribute. */
export function policyOf(attr: string): { Statement: Array<Record<string, any>> } {
  return JSON.parse(attr);
}
