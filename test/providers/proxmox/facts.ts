/**
 * The provider's schema facts (bpg/proxmox, fwprovider/cluster/backup and the storage
 * schema factory), written down independently of the bindings: the conformance tests hold
 * the synthesized JSON against these, so a typo in a binding cannot hide behind itself.
 */
export type FactType =
  "string" | "number" | "bool" | "list(string)" | "set(string)" | "map(string)" | { object: Record<string, FactType> };

export interface Fact {
  readonly type: FactType;
  readonly required?: boolean;
  readonly sensitive?: boolean;
  /** A block (written as a JSON object or list of objects), not an attribute. */
  readonly block?: boolean;
}

export const BACKUP_JOB_FACTS: Record<string, Fact> = {
  id: { type: "string", required: true },
  schedule: { type: "string", required: true },
  storage: { type: "string", required: true },
  enabled: { type: "bool" },
  node: { type: "string" },
  vmid: { type: "list(string)" },
  all: { type: "bool" },
  mode: { type: "string" },
  compress: { type: "string" },
  starttime: { type: "string" },
  maxfiles: { type: "number" },
  mailto: { type: "list(string)" },
  mailnotification: { type: "string" },
  bwlimit: { type: "number" },
  ionice: { type: "number" },
  pigz: { type: "number" },
  zstd: { type: "number" },
  prune_backups: { type: "map(string)" },
  remove: { type: "bool" },
  notes_template: { type: "string" },
  protected: { type: "bool" },
  repeat_missed: { type: "bool" },
  script: { type: "string" },
  stdexcludes: { type: "bool" },
  exclude_path: { type: "list(string)" },
  pool: { type: "string" },
  fleecing: { type: { object: { enabled: "bool", storage: "string" } } },
  performance: { type: { object: { max_workers: "number", pbs_entries_max: "number" } } },
  pbs_change_detection_mode: { type: "string" },
  lockwait: { type: "number" },
  stopwait: { type: "number" },
  tmpdir: { type: "string" },
};

export const BACKUP_JOB_ENUMS: Record<string, readonly string[]> = {
  mode: ["snapshot", "suspend", "stop"],
  compress: ["0", "1", "gzip", "lzo", "zstd"],
  mailnotification: ["always", "failure"],
  pbs_change_detection_mode: ["legacy", "data", "metadata"],
};

const BACKUPS_BLOCK: Fact = {
  block: true,
  type: {
    object: {
      max_protected_backups: "number",
      keep_last: "number",
      keep_hourly: "number",
      keep_daily: "number",
      keep_weekly: "number",
      keep_monthly: "number",
      keep_yearly: "number",
      keep_all: "bool",
    },
  },
};

const STORAGE_COMMON: Record<string, Fact> = {
  id: { type: "string", required: true },
  nodes: { type: "set(string)" },
  content: { type: "set(string)" },
  disable: { type: "bool" },
  backups: BACKUPS_BLOCK,
};

export const STORAGE_FACTS: Record<string, Record<string, Fact>> = {
  proxmox_storage_pbs: {
    ...STORAGE_COMMON,
    server: { type: "string", required: true },
    datastore: { type: "string", required: true },
    username: { type: "string", required: true },
    password: { type: "string", required: true, sensitive: true },
    namespace: { type: "string" },
    fingerprint: { type: "string" },
    encryption_key: { type: "string", sensitive: true },
    generate_encryption_key: { type: "bool" },
  },
  proxmox_storage_nfs: {
    ...STORAGE_COMMON,
    server: { type: "string", required: true },
    export: { type: "string", required: true },
    preallocation: { type: "string" },
    options: { type: "string" },
    snapshot_as_volume_chain: { type: "bool" },
    create_base_path: { type: "bool" },
    create_subdirs: { type: "bool" },
  },
  proxmox_storage_cifs: {
    ...STORAGE_COMMON,
    server: { type: "string", required: true },
    username: { type: "string", required: true },
    password: { type: "string", required: true, sensitive: true },
    share: { type: "string", required: true },
    domain: { type: "string" },
    subdirectory: { type: "string" },
    options: { type: "string" },
    preallocation: { type: "string" },
    snapshot_as_volume_chain: { type: "bool" },
    create_base_path: { type: "bool" },
    create_subdirs: { type: "bool" },
  },
  proxmox_storage_directory: {
    ...STORAGE_COMMON,
    path: { type: "string", required: true },
    preallocation: { type: "string" },
    shared: { type: "bool" },
    create_base_path: { type: "bool" },
    create_subdirs: { type: "bool" },
  },
};

/** Provider-level attributes (all optional) and the ssh list block. */
export const PROVIDER_FACTS: Record<string, Fact> = {
  endpoint: { type: "string" },
  insecure: { type: "bool" },
  min_tls: { type: "string" },
  api_token: { type: "string", sensitive: true },
  auth_ticket: { type: "string", sensitive: true },
  csrf_prevention_token: { type: "string", sensitive: true },
  username: { type: "string" },
  password: { type: "string", sensitive: true },
  otp: { type: "string" },
  tmp_dir: { type: "string" },
  random_vm_ids: { type: "bool" },
  random_vm_id_start: { type: "number" },
  random_vm_id_end: { type: "number" },
};

export const SSH_FACTS: Record<string, FactType> = {
  username: "string",
  password: "string",
  agent: "bool",
  agent_socket: "string",
  agent_forwarding: "bool",
  private_key: "string",
  socks5_server: "string",
  socks5_username: "string",
  socks5_password: "string",
  node_address_source: "string",
};

/** Asserts that a synthesized JSON value has the Terraform type of a fact (tokens count as strings). */
export function conforms(value: unknown, type: FactType): boolean {
  const isRef = (v: unknown) => typeof v === "string" && v.startsWith("${");
  if (typeof type === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    return Object.entries(value as Record<string, unknown>).every(
      ([k, v]) => k in type.object && conforms(v, type.object[k]),
    );
  }
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" || isRef(value);
    case "bool":
      return typeof value === "boolean" || isRef(value);
    case "list(string)":
    case "set(string)":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "map(string)":
      return (
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.values(value as object).every((v) => typeof v === "string")
      );
  }
}
