/**
 * The one module through which this library reaches CDK for Terraform.
 *
 * cdktf 0.21.0 is the last upstream release (deprecated December 2025); the community
 * fork CDK Terrain (`cdktn`) keeps the same API. Every other file imports cdktf symbols
 * from here, so switching to the fork is a change to this file only.
 */
export {
  Annotations,
  App,
  dependable,
  Aspects,
  DefaultTokenResolver,
  Fn,
  ImportableResource,
  Lazy,
  LocalBackend,
  TerraformBackend,
  S3Backend,
  TerraformElement,
  TerraformIterator,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  StringConcat,
  Token,
  Tokenization,
  // Runtime mappers used by hand-written provider bindings (lib/providers/), as in generated ones.
  booleanToHclTerraform,
  booleanToTerraform,
  hashMapper,
  hashMapperHcl,
  listMapper,
  listMapperHcl,
  numberToHclTerraform,
  numberToTerraform,
  stringToHclTerraform,
  stringToTerraform,
} from "cdktf";
export type {
  AppConfig,
  IResolvable,
  IAspect,
  ITerraformDependable,
  TerraformMetaArguments,
  TerraformProviderGeneratorMetadata,
  TerraformResourceConfig,
  TerraformResourceLifecycle,
} from "cdktf";
export { Construct } from "constructs";
export type { IConstruct } from "constructs";

/**
 * Runs `build` with cdktf's token creation stacks left empty.
 *
 * PERF NOTE: cdktf records a full stack trace (Error.stackTraceLimit raised to the maximum) for
 * every token it creates, each attribute reference included, and formats it at once. For an
 * estate of 1,000 services that was two thirds of the time spent building constructs. The
 * traces only ever appear in the message of a token that fails to resolve. cdktf captures them
 * on a plain object, never on an Error, so this formats nothing for plain objects and leaves
 * the stack of every real Error (ours, cdktf's, Node's) exactly as it was.
 */
export function withoutTokenStackTraces<T>(build: () => T): T {
  // @types/node declares the hook as an always-present method; it is absent until someone sets it.
  type PrepareStackTrace = (err: Error, frames: NodeJS.CallSite[]) => unknown;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back, and called with the error and frames alone (it reads no `this`)
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  Error.prepareStackTrace = (target, frames) => {
    if (!(target instanceof Error)) return "";
    if (previous) return previous(target, frames);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- V8's CallSite has a toString (the frame as a stack trace prints it); @types/node leaves it out
    return `${Error.prototype.toString.call(target)}${frames.map((f) => `\n    at ${f.toString()}`).join("")}`;
  };
  try {
    return build();
  } finally {
    // Put back as found, unset included.
    Error.prepareStackTrace = previous as PrepareStackTrace;
  }
}
