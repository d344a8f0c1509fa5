/**
 * Generated estates for the benchmark and the scale tests: `n` services of mixed tiers,
 * engines, tools, Proxmox hosts and AWS resources. One host carries a large share of
 * identical rebuildable guests, so some vzdump jobs hold hundreds of guests (the shape that
 * exposed work quadratic in a job's size).
 */
import { stringify } from "yaml";

/** Options of {@link generatedCatalog}. */
export interface GeneratedCatalogOptions {
  /** @default "bench" */
  readonly name?: string;
  /** Extra top-level sections (state, stacks). @default - none */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * How app-level services sit on app hosts. `shared`: four services per app host, 40% of
   * the services app-level. `per-host`: the common Proxmox shape, each app-level service on
   * its own guest, and half of the services app-level (the other tiers' vzdump-only guests
   * become app-level too): 500 app hosts at 1,000 services.
   * @default "shared"
   */
  readonly shape?: CatalogShape;
}

/** The two estate shapes of the benchmark (see {@link GeneratedCatalogOptions.shape}). */
export type CatalogShape = "shared" | "per-host";

const ENGINES = [
  { engine: "postgresql", database: "app" },
  { engine: "mysql", database: "app" },
  { engine: "mongodb", database: "app" },
  { engine: "files", paths: ["/srv/data"], tool: "restic" },
  { engine: "postgresql", database: "app", tool: "borg" },
  { engine: "files", paths: ["/srv/data", "/etc/app"], tool: "borg" },
];
const TIERS = [
  { classification: "critical", rpo: "4h", rto: "2h" },
  { classification: "important", rpo: "1d", rto: "8h" },
  { classification: "important", rpo: "12h", rto: "4h" },
  { classification: "rebuildable", rpo: "7d", rto: "3d" },
];

/** The catalog as a plain object (stringify it, or patch it first). */
export function generatedCatalogObject(n: number, options: GeneratedCatalogOptions = {}): Record<string, unknown> {
  const hostCount = Math.max(4, Math.ceil(n / 100));
  const hostNames = Array.from({ length: hostCount }, (_, i) => `pve-${String(i).padStart(2, "0")}`);
  const hosts = Object.fromEntries(
    hostNames.map((h) => [
      h,
      { endpoint: `https://${h}.bench:8006`, node: h, storage: "pbs", vzdumpHook: "vzdump.conf" },
    ]),
  );
  const vmids = new Map<string, number>();
  const vm = (host: string) => {
    const next = (vmids.get(host) ?? 100) + 1;
    vmids.set(host, next);
    return { host, vmid: next };
  };
  const services = Array.from({ length: n }, (_, i) => {
    const id = `svc-${String(i).padStart(4, "0")}`;
    const restore = { secrets: `vault:kv/${id}`, validate: ["true"] };
    const kind = i % 10;
    // 30%: rebuildable guests, all on the first host with one policy: one job of n*0.3 guests.
    if (kind < 3)
      return {
        id,
        ...TIERS[3],
        vm: vm(hostNames[0]),
        app: { decision: "vzdump-only", rationale: "the image is enough" },
        offsite: { required: false, reason: "rebuildable" },
        restore,
      };
    // 20%: AWS-native resources of several types, some selected by tags.
    if (kind < 5) {
      const t = TIERS[i % 3];
      const arns = [
        `arn:aws:rds:us-east-1:123456789012:db:${id}`,
        `arn:aws:dynamodb:us-east-1:123456789012:table/${id}`,
        `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-${String(i).padStart(8, "0")}`,
      ];
      const aws =
        i % 20 === 4
          ? { resources: [arns[i % 3]], tags: { app: id }, tagResourceTypes: ["rds"] }
          : { resources: [arns[i % 3]] };
      return {
        id,
        ...t,
        app: { decision: "platform-only", rationale: "AWS Backup protects it" },
        aws,
        offsite: { required: true, reason: "survive a regional outage" },
        restore,
      };
    }
    // 10%: vzdump-only guests of other tiers, spread over the hosts (app-level in the per-host shape).
    const host = hostNames[1 + (i % (hostCount - 1))];
    const perHost = options.shape === "per-host";
    if (kind === 5 && !perHost)
      return {
        id,
        ...TIERS[1 + (i % 2)],
        vm: vm(host),
        app: { decision: "vzdump-only", rationale: "the image is enough" },
        offsite: { required: false, reason: "kept locally" },
        restore,
      };
    // 40% (50% per-host): app-level backups of every engine and tool, four services per app host (one per-host).
    const engine = ENGINES[i % ENGINES.length];
    // borg cannot write to S3: it gets a named repository, so it cannot be the critical tier's locked copy either.
    const borg = engine.tool === "borg";
    const t = borg ? TIERS[1 + (i % 2)] : TIERS[i % 3];
    const host0 = perHost
      ? `app-${String(i).padStart(5, "0")}.bench`
      : `app-${String(Math.floor(i / 4)).padStart(4, "0")}.bench`;
    const app = {
      decision: "required",
      rationale: "consistency",
      host: host0,
      ...engine,
      ...(borg ? { repository: `ssh://backup@nas.bench/./borg/${id}` } : {}),
    };
    if (borg)
      return {
        id,
        ...t,
        vm: vm(host),
        app,
        offsite: { required: false, reason: "the NAS replicates its borg share itself" },
        restore,
      };
    return { id, ...t, vm: vm(host), app, offsite: { required: true, reason: "irreplaceable" }, restore };
  });
  return {
    version: 1,
    name: options.name ?? "bench",
    owner: "@bench",
    aws: { region: "us-east-1", offsiteRegion: "us-west-2", accountId: "123456789012" },
    proxmox: { hosts },
    notifications: { email: ["ops@bench.dev"] },
    ...options.extra,
    services,
  };
}

/** The catalog as YAML text. */
export function generatedCatalog(n: number, options: GeneratedCatalogOptions = {}): string {
  // No anchors for the objects the generator reuses: a real catalog repeats them as text.
  return stringify(generatedCatalogObject(n, options), { aliasDuplicateObjects: false });
}
