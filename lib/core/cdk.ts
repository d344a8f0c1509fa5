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
  Fn,
  ImportableResource,
  Lazy,
  LocalBackend,
  S3Backend,
  TerraformElement,
  TerraformIterator,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
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
