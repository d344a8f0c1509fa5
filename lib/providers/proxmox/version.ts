import type { IConstruct, TerraformMetaArguments, TerraformResourceConfig } from "../../core/cdk";

/** Registry address of the provider these bindings describe. */
export const PROXMOX_PROVIDER_SOURCE = "bpg/proxmox";

/**
 * Provider releases that introduced what these bindings can emit. The stack's version
 * constraint is the newest of those its resources and attributes actually use.
 */
export const ProxmoxProviderVersions = {
  /** `proxmox_backup_job` first shipped here (PR #2711). */
  BACKUP_JOB: "0.99.0",
  /** The short `proxmox_storage_*` names (#2727); the long names are deprecated. */
  STORAGE_SHORT_NAMES: "0.100.0",
  /** `ssh.node_address_source` (#2792). */
  SSH_NODE_ADDRESS_SOURCE: "0.102.0",
  /** CIFS `options`, `create_base_path`, `create_subdirs` (#2947, #2949). */
  CIFS_OPTIONS: "0.110.0",
  /** `proxmox_backup_job.exclude` (#2983), known from release notes only. */
  BACKUP_JOB_EXCLUDE: "0.112.0",
  /**
   * First release outside the constraint. v1.0 is announced as breaking: the SDKv2 VM and
   * container resources are rewritten and the long `proxmox_virtual_environment_*` names go.
   */
  NEXT_BREAKING: "1.0.0",
} as const;

/** Something in a Proxmox stack that needs at least a given provider release. */
export interface IProxmoxVersioned {
  /** The oldest provider release that accepts this element as configured (`x.y.z`). */
  readonly minimumProviderVersion: string;
}

/** Type guard for {@link IProxmoxVersioned}. */
export function isProxmoxVersioned(x: unknown): x is IProxmoxVersioned {
  return typeof x === "object" && x !== null && typeof (x as IProxmoxVersioned).minimumProviderVersion === "string";
}

/** Compares two `x.y.z` versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest of some versions (at least `floor`). */
export function newestVersion(floor: string, versions: Iterable<string>): string {
  let best = floor;
  for (const v of versions) if (compareVersions(v, best) > 0) best = v;
  return best;
}

/**
 * The version constraint for the Proxmox elements under `root` (normally a stack): at least
 * the newest release any of them needs, below the next breaking major.
 */
export function proxmoxVersionConstraint(root: IConstruct): string {
  const needed = root.node.findAll().flatMap((e: unknown) => (isProxmoxVersioned(e) ? [e.minimumProviderVersion] : []));
  return `>= ${newestVersion(ProxmoxProviderVersions.BACKUP_JOB, needed)}, < ${ProxmoxProviderVersions.NEXT_BREAKING}`;
}

/** The base config of a bpg/proxmox resource: its type, generator metadata and meta-arguments. */
export function proxmoxResourceConfig(
  type: string,
  minimumVersion: string,
  meta: TerraformMetaArguments,
): TerraformResourceConfig {
  return {
    terraformResourceType: type,
    terraformGeneratorMetadata: { providerName: "proxmox", providerVersionConstraint: `>= ${minimumVersion}` },
    provider: meta.provider,
    dependsOn: meta.dependsOn,
    count: meta.count,
    lifecycle: meta.lifecycle,
    provisioners: meta.provisioners,
    connection: meta.connection,
    forEach: meta.forEach,
  };
}
