/**
 * The two classes this library uses from `@cdktf/provider-kubernetes`, loaded on first use.
 *
 * `@cdktf/provider-kubernetes` is an optional peer dependency (about 145 MB of generated
 * bindings): only Velero (`VeleroProtection`, and the Kubernetes stacks of an estate whose
 * catalog has `kubernetes:`) needs it. A top-level import would make every user install it,
 * because `lib/index` reaches these constructs; so nothing outside this module imports it at
 * run time, and the public types name cdktf's base classes instead of its classes.
 */
import type { ManifestConfig } from "@cdktf/provider-kubernetes/lib/manifest";
import type { KubernetesProviderConfig } from "@cdktf/provider-kubernetes/lib/provider";
import type { Construct, TerraformProvider, TerraformResource } from "../core/cdk";
import { Errors } from "../errors";

const PACKAGE = "@cdktf/provider-kubernetes";

function load(module: string, user: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the optional peer must not load with the library
    return require(module);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(PACKAGE)) throw Errors.kubernetesProviderMissing(user);
    throw e;
  }
}

/** A `kubernetes_manifest` resource. */
export function kubernetesManifest(scope: Construct, id: string, config: ManifestConfig): TerraformResource {
  const { Manifest } = load(
    `${PACKAGE}/lib/manifest`,
    scope.node.path,
  ) as typeof import("@cdktf/provider-kubernetes/lib/manifest");
  return new Manifest(scope, id, config);
}

/** The `kubernetes` provider. */
export function kubernetesProvider(scope: Construct, id: string, config: KubernetesProviderConfig): TerraformProvider {
  const { KubernetesProvider } = load(
    `${PACKAGE}/lib/provider`,
    scope.node.path,
  ) as typeof import("@cdktf/provider-kubernetes/lib/provider");
  return new KubernetesProvider(scope, id, config);
}
