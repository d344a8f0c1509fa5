import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type Pair, visit } from "yaml";
import type { z } from "zod";
import { Duration, DURATION_PATTERN } from "../core/duration";
import { type CatalogPath, type Finding, oneLine, Severity, sortFindings } from "../core/finding";
import {
  ClusterSnapshots,
  HookOnError,
  LockMode,
  ProxmoxAuth,
  ProxmoxStackSplit,
  StorageKind,
  VolumeBackupMode,
  VzdumpHookMode,
} from "../core/vocabulary";
import {
  type Catalog,
  type CatalogSection,
  type KubernetesCluster,
  partialService,
  serviceApp,
  serviceVm,
  type ProxmoxHost,
  type ProxmoxStorage,
  type Service,
} from "./model";
import { catalogSections } from "./schema/catalog";
import { Patterns } from "./schema/common";
import { serviceSchema } from "./schema/service";
import { jsonSchemaAt, knownKeysAt } from "./json-schema";
import { CatalogSource } from "./source";
import { didYouMean } from "./suggest";
import { readCapped } from "../private/read-capped";
import { looksLikeSecret, redactFinding } from "../core/secrets";
import { DEFAULT_CHATBOT_REGION } from "../policy/aws-chatbot";

/** Catalogs larger than this are refused before parsing (a real estate is far smaller). */
export const MAX_CATALOG_BYTES = 5 * 1024 * 1024;
/** Aliases allowed in one catalog: enough for shared excludes, too few for an alias bomb. */
export const MAX_ALIASES = 200;

/** Rule ids of the loader's own findings (documented in docs/rules.md). */
export const LoaderRules = {
  SYNTAX: "CAT-001",
  DUPLICATE_KEY: "CAT-002",
  UNKNOWN_KEY: "CAT-003",
  MISSING_KEY: "CAT-004",
  WRONG_TYPE: "CAT-005",
  NOT_ALLOWED: "CAT-006",
  MALFORMED: "CAT-007",
  OUT_OF_RANGE: "CAT-008",
  EMPTY: "CAT-009",
  ENCODING: "CAT-010",
  TOO_LARGE: "CAT-011",
  ALIASES: "CAT-012",
  ROOT_NOT_MAPPING: "CAT-013",
  NESTING: "CAT-030",
  KEY_NOT_TEXT: "CAT-040",
  YAML_TAG: "CAT-041",
} as const;

/** Deepest nesting of mappings and lists the loader follows (a real catalog needs under 10). */
export const MAX_NESTING = 64;

export interface LoadResult {
  /** The typed catalog; absent when the file could not be parsed at all. */
  readonly catalog?: Catalog;
  /** Schema findings (CAT-xxx), sorted. Governance rules are run separately. */
  readonly findings: readonly Finding[];
  /** Positions for later findings; absent when the file could not be parsed at all. */
  readonly source?: CatalogSource;
}

// zod reports a failed pattern as its literal `/source/flags`.
const FORMAT_TEXT = new Map<string, string>(
  (
    [
      [DURATION_PATTERN, "a duration such as 15m, 4h or 1d"],
      [Patterns.estateName, "lowercase letters, digits and '-', starting with a letter, 2-31 characters"],
      [Patterns.serviceId, "lowercase letters, digits and '-', starting with a letter, 2-41 characters"],
      [Patterns.hostKey, "lowercase letters, digits and '-', starting with a letter"],
      [Patterns.hostname, "a host name such as db1.example.internal"],
      [Patterns.awsRegion, "an AWS region such as us-east-1"],
      [Patterns.accountId, 'a 12-digit AWS account id in quotes, e.g. "123456789012"'],
      [Patterns.arn, "an ARN such as arn:aws:rds:us-east-1:123456789012:db:name"],
      [
        Patterns.httpsUrl,
        "an https:// URL without credentials or /api2/json, with a port from 1 to 65535, e.g. https://pve.example.internal:8006",
      ],
      [
        Patterns.pveStorageId,
        "a Proxmox storage id: a letter, then letters, digits, '-', '_' or '.', at least 2 characters, not ending in '-', '_' or '.'",
      ],
      [Patterns.absolutePath, "an absolute path starting with /"],
      [Patterns.secretRef, "a secret reference <store>:<path>, e.g. vault:kv/backup/app (never the secret)"],
      [Patterns.ruleId, "a rule id such as GOV-014"],
      [Patterns.channelName, "lowercase letters, digits and '-'"],
      [Patterns.bandwidth, "a rate such as 512KiB/s or 20MiB/s"],
      [Patterns.size, "a size such as 512MiB or 10GiB"],
      [
        Patterns.repository,
        "an absolute path (/mnt/nas/...) or an ssh://[user@]host[:port]/path URL whose user and host do not start with -",
      ],
      [Patterns.database, "a database name (letters, digits, '_', '$', '-')"],
      [Patterns.replicaSet, "a replica set name (letters, digits, '_', '-')"],
      [Patterns.pbsName, "a PBS datastore name (3-32 letters, digits, '.', '_', '-')"],
      [Patterns.pbsNamespace, "a PBS namespace such as pve or pve/homelab"],
      [Patterns.pbsUser, "a PBS user or token id such as backup@pbs or backup@pbs!pve"],
      [
        Patterns.pbsFingerprint,
        "a SHA-256 fingerprint: 32 hex bytes separated by ':' (proxmox-backup-manager cert info)",
      ],
      [Patterns.uplink, "a rate such as 100Mbit/s, 1Gbit/s or 20MiB/s"],
      [Patterns.backupWindow, "a window HH:MM-HH:MM such as 01:00-06:00"],
      [Patterns.percent, "a percentage such as 2% or 0.5%"],
      [Patterns.k8sName, "a Kubernetes name (lowercase letters, digits and '-', at most 63 characters)"],
      [Patterns.kubeContext, "a kubeconfig context name (letters, digits, '.', '_', '@', ':', '/', '+', '-')"],
      [Patterns.k8sLabelKey, "a Kubernetes label key such as app or app.kubernetes.io/name"],
      [Patterns.k8sLabelValue, "a Kubernetes label value (letters, digits, '-', '_', '.', at most 63 characters)"],
      [Patterns.k8sResource, "a resource name such as events or events.events.k8s.io"],
    ] as const
  ).map(([re, text]) => [String(re), text]),
);

// What the loader found for each catalog it built, so that a catalog handed around without its
// report (`new Estate(app, loadCatalogFile(f).catalog!)`) can still be refused for its schema errors.
const LOADED = new WeakMap<Catalog, LoadResult>();

/** The load result a catalog came from, when the loader built it. */
export function loadResultOf(catalog: Catalog): LoadResult | undefined {
  return LOADED.get(catalog);
}

/** Reads and loads a catalog file. Throws UsageError (IO-xxx) only when the file cannot be read. */
export function loadCatalogFile(file: string): LoadResult {
  const bytes = readCapped(file, MAX_CATALOG_BYTES);
  if (bytes.length > MAX_CATALOG_BYTES) return { findings: [tooLarge(file, bytes.length, true)] };
  return loadCatalogText(bytes, file);
}

/** Loads a catalog from text or bytes. Never throws for bad content: everything is a finding. */
export function loadCatalogText(input: string | Uint8Array, file = "catalog.yaml"): LoadResult {
  const at = (line: number, column: number) => ({ file, line, column });
  if (typeof input !== "string" && input.byteLength > MAX_CATALOG_BYTES)
    return { findings: [tooLarge(file, input.byteLength)] };
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    const bad = firstInvalidUtf8(input);
    if (bad !== undefined) {
      const prefix = Buffer.from(input.subarray(0, bad)).toString("utf8");
      const line = prefix.split("\n").length;
      const column = prefix.length - prefix.lastIndexOf("\n");
      return {
        findings: [
          finding(
            LoaderRules.ENCODING,
            `the file is not valid UTF-8: byte 0x${input[bad].toString(16).padStart(2, "0")} at offset ${bad} cannot start or continue a character`,
            [],
            at(line, column),
            "save the catalog as UTF-8",
          ),
        ],
      };
    }
    text = Buffer.from(input).toString("utf8");
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    // Valid UTF-8 but NUL bytes: UTF-16 without a byte-order mark (every other byte is 0).
    const prefix = text.slice(0, nul);
    const utf16 =
      /^(?:[^\u0000]\u0000|\u0000[^\u0000])/.test(text.slice(0, 2)) || text.slice(0, 64).split("\u0000").length > 16;
    return {
      findings: [
        finding(
          LoaderRules.ENCODING,
          utf16
            ? "the file looks like UTF-16 (NUL bytes between the characters), not UTF-8"
            : `the file has a NUL byte at offset ${nul}; a catalog is UTF-8 text`,
          [],
          utf16 ? at(1, 1) : at(prefix.split("\n").length, prefix.length - prefix.lastIndexOf("\n")),
          'save the catalog as UTF-8 (in most editors: "Save with encoding")',
        ),
      ],
    };
  }
  // Old Mac line endings (CR alone): YAML would read one long line and every position would be line 1.
  if (/\r(?!\n)/.test(text)) text = text.replace(/\r(?!\n)/g, "\n");
  if (text.length > MAX_CATALOG_BYTES) return { findings: [tooLarge(file, text.length)] };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Text handed over as a string can hold what no UTF-8 file can: a lone UTF-16 surrogate.
  const lone = loneSurrogate(text);
  if (lone >= 0) {
    const prefix = text.slice(0, lone);
    return {
      findings: [
        finding(
          LoaderRules.ENCODING,
          `the text has a lone UTF-16 surrogate (\\u${text.charCodeAt(lone).toString(16)}) at offset ${lone}; it cannot be written as UTF-8`,
          [],
          at(prefix.split("\n").length, lone - prefix.lastIndexOf("\n")),
          "save the catalog as UTF-8 text",
        ),
      ],
    };
  }

  const lines = new LineCounter();
  // uniqueKeys is checked below, in one pass: the parser's own check compares each key with
  // every earlier key of its mapping (32,000 keys took half a minute), and placed a duplicate
  // that follows an empty value on the line before.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true, prettyErrors: false });
  const source = new CatalogSource(file, doc, lines);
  const findings: Finding[] = [];
  let fatal = false;
  const overflow = doc.errors.find((e) => /Maximum call stack size exceeded/.test(e.message));
  if (overflow) {
    return { findings: [nestingTooDeep(source.positionAt(overflow.pos[0]))], source };
  }
  const deep = deepestNode(doc.contents);
  if (deep)
    return { findings: [nestingTooDeep(deep.range ? source.positionAt(deep.range[0]) : source.start())], source };
  for (const err of doc.errors) {
    const pos = source.positionAt(err.pos[0]);
    const firstLine = err.message.split("\n")[0];
    fatal = true;
    findings.push(
      finding(LoaderRules.SYNTAX, `YAML syntax error: ${firstLine}`, [], pos, "fix the YAML syntax at this position"),
    );
  }
  if (fatal) return { findings: sortFindings(findings), source };
  const inspected = inspectNodes(doc.contents, text, source);
  findings.push(...inspected.findings);
  if (inspected.fatal) return { findings: sortFindings(findings), source };

  if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) {
    findings.push(
      finding(
        LoaderRules.EMPTY,
        "the catalog is empty",
        [],
        source.start(),
        "start from the example in docs/catalog.md (version, name, services)",
      ),
    );
    return { findings: sortFindings(findings), source };
  }

  let aliases = 0;
  let firstAlias: number | undefined;
  visit(doc, {
    Alias(_, node) {
      aliases++;
      if (firstAlias === undefined && node.range) firstAlias = node.range[0];
    },
    Pair(_, pair) {
      // A `__proto__` key would silently vanish when the mapping becomes an object (a lost tag).
      if (isScalar(pair.key) && pair.key.value === "__proto__" && pair.key.range) {
        findings.push(
          finding(
            LoaderRules.MALFORMED,
            "`__proto__` cannot be used as a key",
            [],
            source.positionAt(pair.key.range[0]),
            "rename the key",
          ),
        );
      }
    },
  });
  if (findings.some((f) => f.ruleId === LoaderRules.MALFORMED)) return { findings: sortFindings(findings), source };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const unresolved = /^Unresolved alias[^:]*: (.+)$/.exec((e as Error).message.split("\n")[0]);
    if (unresolved) {
      let at: number | undefined;
      visit(doc, {
        Alias: (_, n) => {
          if (at === undefined && n.source === unresolved[1] && n.range) at = n.range[0];
        },
      });
      findings.push(
        finding(
          LoaderRules.SYNTAX,
          `alias \`*${unresolved[1]}\` refers to no anchor defined before it`,
          [],
          at !== undefined ? source.positionAt(at) : source.start(),
          `define \`&${unresolved[1]}\` earlier in the file, or correct the alias name`,
        ),
      );
      return { findings: sortFindings(findings), source };
    }
    const pos = firstAlias !== undefined ? source.positionAt(firstAlias) : source.start();
    findings.push(
      finding(
        LoaderRules.ALIASES,
        `YAML aliases expand too far (${aliases} aliases in the file; ${(e as Error).message.split("\n")[0]})`,
        [],
        pos,
        `use fewer anchors/aliases; at most ${MAX_ALIASES} expansions are allowed`,
      ),
    );
    return { findings: sortFindings(findings), source };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    findings.push(
      finding(
        LoaderRules.ROOT_NOT_MAPPING,
        `the catalog must be a mapping of keys (version, name, services, ...), not ${describeValue(raw)}`,
        [],
        source.start(),
        "start from the example in docs/catalog.md",
      ),
    );
    return { findings: sortFindings(findings), source };
  }

  const model = buildModel(raw as Record<string, unknown>, file, source, findings);
  const result = { catalog: model, findings: sortFindings(findings), source };
  LOADED.set(model, result);
  return result;
}

/** The sections of the catalog besides `services`, as the schema outputs them. */
type Sections = {
  readonly [K in Exclude<CatalogSection, "services">]: z.output<(typeof catalogSections)[K]> | undefined;
};

/**
 * Every section besides `services`, each parsed with its own schema: one broken section
 * does not hide the findings of the others. A section that fails is repaired where it can be
 * (its findings stay), and is left out where it cannot.
 */
function parseSections(
  raw: Record<string, unknown>,
  source: CatalogSource,
  findings: Finding[],
  invalid: Set<CatalogSection>,
  unknown: Set<CatalogSection>,
  repaired: CatalogPath[],
): Sections {
  const section = <T>(key: Exclude<CatalogSection, "services">, schema: z.ZodType<T>): T | undefined => {
    const r = schema.safeParse(raw[key]);
    if (r.success) return r.data;
    invalid.add(key);
    findings.push(...issuesToFindings(r.error.issues, [key], raw, source));
    const fixed = repair(raw[key], r.error.issues, [key], repaired);
    const again = fixed === undefined ? undefined : schema.safeParse(fixed);
    if (again?.success) return again.data;
    // Present but beyond repair: the rules treat the section as unknown, not as absent.
    if (raw[key] !== undefined && raw[key] !== null) unknown.add(key);
    return undefined;
  };
  const s = catalogSections;
  // In the schema's order, which is the order of the findings before they are sorted.
  return {
    version: section("version", s.version),
    name: section("name", s.name),
    owner: section("owner", s.owner),
    aws: section("aws", s.aws),
    proxmox: section("proxmox", s.proxmox),
    kubernetes: section("kubernetes", s.kubernetes),
    pricing: section("pricing", s.pricing),
    notifications: section("notifications", s.notifications),
    contacts: section("contacts", s.contacts),
    state: section("state", s.state),
    stacks: section("stacks", s.stacks),
    adopted: section("adopted", s.adopted),
  };
}

function buildModel(raw: Record<string, unknown>, file: string, source: CatalogSource, findings: Finding[]): Catalog {
  const invalid = new Set<CatalogSection>();
  const unknownSections = new Set<CatalogSection>();
  const repaired: CatalogPath[] = [];
  const sectionKeys = Object.keys(catalogSections);
  for (const key of Object.keys(raw)) {
    if (!sectionKeys.includes(key)) findings.push(unknownKey([], key, source));
  }
  const parsed = parseSections(raw, source, findings, invalid, unknownSections, repaired);

  const services: Service[] = [];
  const partialServices: Service[] = [];
  const ruleViews = new Map<Service, Service>();
  const declaredIds = new Set<string>();
  const rawServices = raw.services;
  if (rawServices === undefined) {
    invalid.add("services");
    findings.push(
      finding(
        LoaderRules.MISSING_KEY,
        "missing required key `services`",
        [],
        source.start(),
        "add `services:` with at least one service",
      ),
    );
  } else if (!Array.isArray(rawServices)) {
    invalid.add("services");
    findings.push(
      finding(
        LoaderRules.WRONG_TYPE,
        `\`services\` must be a list, got ${describeValue(rawServices)}`,
        ["services"],
        source.valuePosition(["services"]),
        "write services as a YAML list (`- id: ...`)",
      ),
    );
  } else {
    rawServices.forEach((entry, index) => {
      const id = entry && typeof entry === "object" ? (entry as Record<string, unknown>).id : undefined;
      if (typeof id === "string") declaredIds.add(id);
      const r = serviceSchema.safeParse(entry);
      if (r.success) {
        services.push(toService(r.data, index, parsed.owner));
        return;
      }
      invalid.add("services");
      findings.push(...issuesToFindings(r.error.issues, ["services", index], raw, source));
      const dropped = new Set<string>();
      const fixed = repair(entry, r.error.issues, ["services", index], repaired, dropped);
      if (fixed !== undefined && [...dropped].every((k) => !SERVICE_REQUIRED.includes(k))) {
        const again = serviceSchema.safeParse(fixed);
        if (again.success) {
          const service = toService(again.data, index, parsed.owner);
          services.push(service);
          // The rules see a dropped key as unknown, not as absent (no "has no vm" after a bad vmid).
          if (dropped.size) ruleViews.set(service, partialService(service, dropped));
        }
        return;
      }
      // A required key is malformed: the rules still judge the rest of the service.
      const missing = dropped;
      const rest = fixed;
      if (rest === undefined) return;
      const again = serviceSchema
        .partial(
          Object.fromEntries([...missing].map((k) => [k, true])) as { [k in keyof typeof serviceSchema.shape]?: true },
        )
        .safeParse(rest);
      if (again.success)
        partialServices.push(
          partialService(toService(again.data as z.output<typeof serviceSchema>, index, parsed.owner), missing),
        );
    });
  }

  const { aws, proxmox, notifications, state, stacks, kubernetes } = parsed;
  const hosts: Record<string, ProxmoxHost> = {};
  for (const [name, h] of Object.entries(proxmox?.hosts ?? {})) {
    hosts[name] = {
      name,
      endpoint: h.endpoint,
      node: h.node,
      storage: h.storage,
      insecure: h.insecure ?? false,
      vzdumpHook:
        h.vzdumpHook === VzdumpHookMode.NODE_CONFIG
          ? VzdumpHookMode.NODE_CONFIG
          : h.vzdumpHook
            ? VzdumpHookMode.JOB
            : VzdumpHookMode.NONE,
      auth: h.auth ?? ProxmoxAuth.TOKEN,
      vzdumpHeartbeat: h.vzdumpHeartbeat ?? false,
      storages: (h.storages ?? []).map(toStorage),
      uplink: h.uplink,
      backupWindow: h.backupWindow,
    };
  }
  const clusters: Record<string, KubernetesCluster> = {};
  for (const [name, k] of Object.entries(kubernetes?.clusters ?? {})) {
    clusters[name] = {
      name,
      context: k.context,
      veleroNamespace: k.veleroNamespace ?? "velero",
      snapshots: k.snapshots ?? ClusterSnapshots.NONE,
      uplink: k.uplink,
      backupWindow: k.backupWindow,
      prometheusOperator: k.prometheusOperator ?? false,
    };
  }
  return {
    file,
    version: 1,
    name: typeof parsed.name === "string" ? parsed.name : "invalid-name",
    owner: parsed.owner,
    aws: aws && {
      region: aws.region,
      offsiteRegion: aws.offsiteRegion,
      accountId: aws.accountId,
      deletionProtection: aws.deletionProtection ?? true,
      tags: aws.tags ?? {},
      breakGlassPrincipal: aws.breakGlassPrincipal,
      rolesAnywhere: aws.rolesAnywhere && { trustAnchorArn: aws.rolesAnywhere.trustAnchorArn },
      audit: {
        enabled: aws.audit?.enabled ?? true,
        // A throw-away estate must be deletable: its log bucket defaults to governance mode.
        lockMode: aws.audit?.lockMode ?? ((aws.deletionProtection ?? true) ? LockMode.COMPLIANCE : LockMode.GOVERNANCE),
        retentionDays: aws.audit?.retentionDays ?? 365,
      },
      prerequisites: {
        configRecorder: aws.prerequisites?.configRecorder ?? false,
        backupOptIn: aws.prerequisites?.backupOptIn,
      },
    },
    proxmox: proxmox && { hosts },
    kubernetes: kubernetes && { clusters },
    pricing: Object.fromEntries(
      Object.entries(parsed.pricing ?? {}).filter((e): e is [string, number] => e[1] !== undefined),
    ),
    notifications: {
      email: notifications?.email ?? [],
      webhooks: (notifications?.webhooks ?? []).map((w) => ({ name: w.name, kind: w.kind })),
      chatbot: notifications?.chatbot ?? [],
      chatbotRegion: notifications?.chatbotRegion ?? DEFAULT_CHATBOT_REGION,
      pagerduty: notifications?.pagerduty ?? false,
      heartbeat: notifications?.heartbeat ?? !!aws,
      staleMargin:
        notifications?.staleMargin !== undefined
          ? Duration.parse(notifications.staleMargin, "notifications.staleMargin")
          : undefined,
    },
    contacts: parsed.contacts ?? [],
    state: state && {
      backend: state.backend,
      bucket: state.bucket,
      region: state.region,
      keyPrefix: state.keyPrefix ?? "",
    },
    stacks: { proxmox: stacks?.proxmox ?? ProxmoxStackSplit.SINGLE },
    adopted: parsed.adopted,
    services,
    declaredServiceIds: declaredIds,
    invalidSections: invalid,
    repairedPaths: repaired,
    partialServices,
    ruleViews,
    unknownSections,
  };
}

function toService(s: z.output<typeof serviceSchema>, index: number, defaultOwner: string | undefined): Service {
  return {
    index,
    path: ["services", index],
    id: s.id,
    description: s.description,
    owner: s.owner ?? defaultOwner,
    classification: s.classification,
    // Undefined only in a partial service, which never lets a rule read them.
    rpo: s.rpo === undefined ? (undefined as unknown as Duration) : Duration.parse(s.rpo, "rpo"),
    rto: s.rto === undefined ? (undefined as unknown as Duration) : Duration.parse(s.rto, "rto"),
    vm: s.vm && serviceVm(s.vm),
    app:
      s.app &&
      serviceApp({
        ...s.app,
        fullEvery: s.app.fullEvery === undefined ? undefined : Duration.parse(s.app.fullEvery, "fullEvery"),
      }),
    offsite: s.offsite,
    immutable: s.immutable && { mode: s.immutable.mode, days: s.immutable.days, maxDays: s.immutable.maxDays },
    aws: s.aws && {
      resources: s.aws.resources ?? [],
      tags: s.aws.tags ?? {},
      tagResourceTypes: s.aws.tagResourceTypes ?? [],
      coldStorageAfterDays: s.aws.coldStorageAfterDays,
    },
    kubernetes: s.kubernetes && {
      cluster: s.kubernetes.cluster,
      namespaces: s.kubernetes.namespaces,
      labelSelector: s.kubernetes.labelSelector ?? {},
      excludeResources: s.kubernetes.excludeResources ?? [],
      volumes: s.kubernetes.volumes ?? VolumeBackupMode.FS,
      hooks: (s.kubernetes.hooks ?? []).map((h, i) => ({
        index: i,
        container: h.container,
        selector: h.selector ?? {},
        pre: h.pre ?? [],
        post: h.post ?? [],
        timeout: Duration.parse(h.timeout ?? "5m", "timeout"),
        onError: h.onError ?? HookOnError.FAIL,
      })),
    },
    data: s.data && {
      size: s.data.size,
      sizeBytes: sizeInBytes(s.data.size),
      dailyChangePercent: s.data.dailyChange === undefined ? 5 : Number(s.data.dailyChange.slice(0, -1)),
    },
    retention: s.retention ?? {},
    restore: {
      secrets: s.restore?.secrets,
      validate: s.restore?.validate ?? [],
      dependsOn: s.restore?.dependsOn ?? [],
      notes: s.restore?.notes,
    },
    compliance: s.compliance ?? [],
    acknowledge: (s.acknowledge ?? []).map((a, i) => ({ rule: a.rule, reason: a.reason, index: i })),
  };
}

/** Bytes of a schema-valid size (`200GiB`); a float, since 9999999TiB is past 2^53. */
function sizeInBytes(text: string): number {
  const m = /^([0-9]+)(KiB|MiB|GiB|TiB)$/.exec(text)!;
  return Number(m[1]) * 1024 ** (["KiB", "MiB", "GiB", "TiB"].indexOf(m[2]) + 1);
}

type StorageData = NonNullable<z.output<typeof catalogSections.proxmox>>["hosts"][string]["storages"] & object;

function toStorage(st: StorageData[number], index: number): ProxmoxStorage {
  const base = { id: st.id, index, nodes: st.nodes ?? [], description: st.description, retention: st.retention };
  switch (st.type) {
    case StorageKind.PBS:
      return {
        ...base,
        kind: StorageKind.PBS,
        server: st.server,
        datastore: st.datastore,
        namespace: st.namespace,
        username: st.username,
        passwordSecret: st.passwordSecret,
        fingerprint: st.fingerprint,
        encryption: st.encryption && { generate: st.encryption.generate ?? false, keySecret: st.encryption.keySecret },
      };
    case StorageKind.NFS:
      return { ...base, kind: StorageKind.NFS, server: st.server, export: st.export, options: st.options };
    case StorageKind.CIFS:
      return {
        ...base,
        kind: StorageKind.CIFS,
        server: st.server,
        share: st.share,
        username: st.username,
        domain: st.domain,
        subdirectory: st.subdirectory,
        passwordSecret: st.passwordSecret,
      };
    case StorageKind.DIR:
      return { ...base, kind: StorageKind.DIR, path: st.path, shared: st.shared ?? false };
  }
}

type Issue = z.core.$ZodIssue;

/**
 * Best-effort repair so that one schema error does not hide a section's or a service's
 * other findings: unknown keys and invalid *optional* keys are dropped (their paths are
 * recorded, and the engine drops governance findings about them, which would only be
 * consequences of the drop). Returns undefined when a required key is at fault.
 */
function repair(
  entry: unknown,
  issues: readonly Issue[],
  prefix: CatalogPath,
  repaired: CatalogPath[],
  missing?: Set<string>,
): unknown {
  const copy = structuredClone(entry);
  const dropped: CatalogPath[] = [];
  for (const issue of issues) {
    const rel = issue.path as (string | number)[];
    if (issue.code === "unrecognized_keys") {
      const parent = getIn(copy, rel) as Record<string, unknown> | undefined;
      if (parent && typeof parent === "object") for (const k of issue.keys) delete parent[k];
      dropped.push(...issue.keys.map((k) => [...prefix, ...rel, k]));
      continue;
    }
    // The nearest enclosing key that the schema does not require can be dropped.
    let cut = -1;
    for (let i = rel.length - 1; i >= 0; i--) {
      if (typeof rel[i] !== "string") continue;
      const parentSchema = jsonSchemaAt([...prefix, ...rel.slice(0, i)]);
      const required = (parentSchema?.required as string[] | undefined) ?? [];
      if (!required.includes(rel[i] as string)) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      // With `missing`, a required top-level key is dropped too and named there (a partial service).
      if (!missing || rel.length === 0 || typeof rel[0] !== "string") return undefined;
      missing.add(rel[0]);
      delete (copy as Record<string, unknown>)[rel[0]];
      dropped.push([...prefix, rel[0]]);
      continue;
    }
    // In a partial service, a dropped top-level key reads as unknown (not as absent): a rule
    // that needs it is skipped instead of judging the service as if it had none.
    if (missing && cut === 0) missing.add(rel[0] as string);
    const parent = getIn(copy, rel.slice(0, cut)) as Record<string, unknown> | undefined;
    if (parent && typeof parent === "object") delete parent[rel[cut] as string];
    dropped.push([...prefix, ...rel.slice(0, cut + 1)]);
  }
  repaired.push(...dropped);
  return copy;
}

function issuesToFindings(
  issues: readonly Issue[],
  prefix: CatalogPath,
  root: unknown,
  source: CatalogSource,
): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    out.push(...issueToFindings(issue, path, root, source, issues));
  }
  return out;
}

function issueToFindings(
  issue: Issue,
  path: CatalogPath,
  root: unknown,
  source: CatalogSource,
  siblings: readonly Issue[] = [],
): Finding[] {
  // A list item is named with its index: `services[1]`, not `services`.
  const last = path[path.length - 1];
  const key = typeof last === "number" ? `${lastKey(path)}[${last}]` : lastKey(path);
  const raw = getIn(root, path);
  // A value given where a secret reference belongs may be the secret: never echo it.
  const value =
    typeof raw === "string" && (SECRET_KEY.test(lastKey(path)) || looksLikeSecret(raw)) ? SECRET_HIDDEN : raw;
  if (
    (issue.code === "too_big" || issue.code === "too_small") &&
    (issue.origin === "int" || issue.origin === "number")
  ) {
    const limit = Number(
      issue.code === "too_small" ? (issue as { minimum: number }).minimum : (issue as { maximum: number }).maximum,
    );
    // z.int()'s own safe-integer bound, next to the documented one: report the documented one.
    if (
      Math.abs(limit) === Number.MAX_SAFE_INTEGER &&
      siblings.some((o) => o !== issue && o.code === issue.code && String(o.path) === String(issue.path))
    )
      return [];
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => unknownKey(path, k, source));
    case "invalid_type": {
      if (value === undefined) {
        return [
          finding(
            LoaderRules.MISSING_KEY,
            `missing required key \`${key}\``,
            path,
            source.valuePosition(path),
            `add \`${key}:\` here (see docs/catalog.md)`,
          ),
        ];
      }
      if (value === null) {
        return [
          finding(
            LoaderRules.MISSING_KEY,
            `\`${key}\` has no value`,
            path,
            source.valuePosition(path),
            `give \`${key}\` a value (${issue.expected})`,
          ),
        ];
      }
      return [
        finding(
          LoaderRules.WRONG_TYPE,
          `\`${key}\` must be ${article(issue.expected)}, got ${describeValue(value)}`,
          path,
          source.valuePosition(path),
          `write \`${key}\` as ${article(issue.expected)}`,
        ),
      ];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      const hint = typeof value === "string" ? didYouMean(value, allowed) : undefined;
      const fix = hint ? `did you mean "${hint}"?` : `use one of: ${allowed.join(", ")}`;
      const must = allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of ${allowed.join(", ")}`;
      return [
        finding(
          LoaderRules.NOT_ALLOWED,
          `\`${key}\` ${must}; got ${describeValue(value)}`,
          path,
          source.valuePosition(path),
          fix,
        ),
      ];
    }
    case "invalid_format": {
      const pattern = (issue as { pattern?: string }).pattern;
      const expected =
        (pattern && FORMAT_TEXT.get(pattern)) ?? (issue.format === "email" ? "an email address" : issue.format);
      return [
        finding(
          LoaderRules.MALFORMED,
          `\`${key}\` must be ${expected}; got ${describeValue(value)}`,
          path,
          source.valuePosition(path),
          `write \`${key}\` as ${expected}`,
        ),
      ];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = small
        ? (issue as { minimum: number | bigint }).minimum
        : (issue as { maximum: number | bigint }).maximum;
      let what: string;
      if (issue.origin === "array")
        what = small ? `must list at least ${limit} item(s)` : `must list at most ${limit} item(s)`;
      else if (issue.origin === "string")
        what = small
          ? Number(limit) === 1
            ? "must not be empty"
            : `must be at least ${limit} characters`
          : `must be at most ${limit} characters`;
      else what = small ? `must be at least ${limit}` : `must be at most ${limit}`;
      return [
        finding(
          LoaderRules.OUT_OF_RANGE,
          `\`${key}\` ${what}; got ${describeValue(value)}`,
          path,
          source.valuePosition(path),
          `change \`${key}\`: it ${what}`,
        ),
      ];
    }
    case "invalid_union": {
      const disc = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (disc !== undefined && options.length) {
        if (value === undefined || value === null) {
          return [
            finding(
              LoaderRules.MISSING_KEY,
              `missing required key \`${disc}\``,
              path,
              source.valuePosition(path),
              `add \`${disc}:\` with one of: ${options.join(", ")}`,
            ),
          ];
        }
        const hint = typeof value === "string" ? didYouMean(value, options) : undefined;
        return [
          finding(
            LoaderRules.NOT_ALLOWED,
            `\`${disc}\` must be one of ${options.join(", ")}; got ${describeValue(value)}`,
            path,
            source.valuePosition(path),
            hint ? `did you mean "${hint}"?` : `use one of: ${options.join(", ")}`,
          ),
        ];
      }
      return [
        finding(
          LoaderRules.MALFORMED,
          `\`${key}\`: ${issue.message}`,
          path,
          source.valuePosition(path),
          "see docs/catalog.md for the allowed shapes",
        ),
      ];
    }
    case "invalid_key": {
      const sub = issue.issues[0];
      const pattern = sub && "pattern" in sub ? String((sub as { pattern?: string }).pattern) : undefined;
      const expected = (pattern && FORMAT_TEXT.get(pattern)) ?? "a valid key";
      return [
        finding(
          LoaderRules.MALFORMED,
          `key \`${key}\` must be ${expected}`,
          path,
          source.keyPosition(path),
          `rename \`${key}\``,
        ),
      ];
    }
    case "custom":
      // A refine whose message reads on from the key ("is too large: ..."): a range, with the value.
      if (issue.message.startsWith("is ")) {
        return [
          finding(
            LoaderRules.OUT_OF_RANGE,
            `\`${key}\` ${issue.message}; got ${describeValue(value)}`,
            path,
            source.valuePosition(path),
            `change \`${key}\`: it ${issue.message.replace(/^is /, "must not be ")}`,
          ),
        ];
      }
      return [
        finding(
          LoaderRules.MALFORMED,
          `\`${key}\`: ${issue.message}`,
          path,
          source.valuePosition(path),
          "see docs/catalog.md for the allowed values",
        ),
      ];
    default:
      return [
        finding(
          LoaderRules.MALFORMED,
          `\`${key}\`: ${issue.message}`,
          path,
          source.valuePosition(path),
          "see docs/catalog.md for the allowed values",
        ),
      ];
  }
}

function unknownKey(parent: CatalogPath, key: string, source: CatalogSource): Finding {
  const known = knownKeysAt(parent);
  const hint = didYouMean(key, known);
  const path = [...parent, key];
  const fix = hint
    ? `did you mean \`${hint}\`?`
    : known.length
      ? `allowed keys here: ${known.join(", ")}`
      : "remove it";
  return finding(LoaderRules.UNKNOWN_KEY, `unknown key \`${key}\``, path, source.keyPosition(path), fix);
}

function finding(
  ruleId: string,
  message: string,
  path: CatalogPath,
  position: Finding["position"],
  fix?: string,
): Finding {
  // Keys are catalog text: a newline in one must not end the finding's line.
  // Values and keys are catalog text too: one that looks like a secret is cut out (GOV-025 names it).
  return redactFinding({
    ruleId,
    severity: Severity.ERROR,
    message: oneLine(message),
    path,
    position,
    fix: fix === undefined ? undefined : oneLine(fix),
  });
}

function nestingTooDeep(position: Finding["position"]): Finding {
  return finding(
    LoaderRules.NESTING,
    `mappings and lists are nested more than ${MAX_NESTING} levels deep`,
    [],
    position,
    "a catalog nests a few levels; check for runaway brackets or indentation here",
  );
}

/** The first node nested deeper than MAX_NESTING, walked without recursion. */
function deepestNode(root: unknown): Node | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING) return node as Node;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) stack.push([item.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/** A lone UTF-16 surrogate: the offset of the first, or -1. */
function loneSurrogate(text: string): number {
  const m = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(text);
  return m ? m.index : -1;
}

/**
 * One pass over the parsed document, in linear time and without recursion:
 * - a key that appears twice in a mapping (CAT-002), at the second copy's key; the earlier
 *   copies leave the document, so that the value that counts (the last, as toJS keeps it)
 *   and the positions come from the same copy;
 * - a key that is not text (`~:`, `null:`, `? [a]`): CAT-040 at the key (toJS would turn
 *   it into the key "" or "[a]", which no finding could place);
 * - an explicit YAML tag (`!!int 1d`, `!secret x`): CAT-041. The parser ignores a tag it
 *   cannot apply and keeps the text, so `rpo: !!int 1d` read as `rpo: 1d`; a catalog needs
 *   no tags, and one that is not honoured must not pass silently;
 * - a scalar whose escapes make a lone surrogate (`"\\ud800"`): CAT-010.
 * Keys and tags are fatal (the document cannot be read as written); duplicates are not.
 */
function inspectNodes(root: unknown, text: string, source: CatalogSource): { findings: Finding[]; fatal: boolean } {
  const findings: Finding[] = [];
  let fatal = false;
  const stack: Array<[node: unknown, path: CatalogPath]> = [[root, []]];
  const tagged = (node: Node, path: CatalogPath) => {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || !node.range) return;
    fatal = true;
    const start = node.range[0];
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    let bang = text.lastIndexOf("!", start - 1);
    while (bang > lineStart && text[bang - 1] === "!") bang--;
    const shown = tag.replace(/^tag:yaml\.org,2002:/, "!!");
    findings.push(
      finding(
        LoaderRules.YAML_TAG,
        `the YAML tag \`${shown}\` is not read: a catalog takes plain values (the parser would ignore a tag it cannot apply and keep the text)`,
        path,
        source.positionAt(bang >= lineStart ? bang : start),
        `remove \`${shown}\`; write the value plainly (quote it to make it text)`,
      ),
    );
  };
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (isAlias(node) || node === null || node === undefined) continue;
    tagged(node as Node, path);
    if (isScalar(node)) {
      if (typeof node.value === "string" && loneSurrogate(node.value) >= 0 && node.range) {
        fatal = true;
        findings.push(
          finding(
            LoaderRules.ENCODING,
            "the value has a lone UTF-16 surrogate (an escape such as \\ud800 without its pair); it cannot be written as UTF-8",
            path,
            source.positionAt(node.range[0]),
            "remove the escape, or write the character itself",
          ),
        );
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (isMap(node)) {
      const seen = new Map<unknown, Pair>();
      let duplicates = false;
      for (const pair of node.items as Pair[]) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || key.value === null || key.value === "") {
          fatal = true;
          const shown =
            key === null
              ? "an empty key"
              : isScalar(key)
                ? `\`${key.source || '""'}\` (${key.value === null ? "null" : "empty"})`
                : isMap(key)
                  ? "a mapping"
                  : isSeq(key)
                    ? "a list"
                    : "an alias";
          const where = key?.range
            ? key.range[0]
            : pair.value && (pair.value as Node).range
              ? (pair.value as Node).range![0]
              : undefined;
          findings.push(
            finding(
              LoaderRules.KEY_NOT_TEXT,
              `a key must be text; this one is ${shown}`,
              path,
              where === undefined ? source.start() : source.positionAt(where),
              "give the entry a name as its key, or remove it",
            ),
          );
          continue;
        }
        tagged(key, [...path, String(key.value)]);
        const merge = key.value === "<<";
        const earlier = merge ? undefined : seen.get(key.value);
        if (earlier) {
          duplicates = true;
          findings.push(
            finding(
              LoaderRules.DUPLICATE_KEY,
              `duplicate key \`${String(key.value)}\`: it already appears earlier in the same mapping (line ${source.positionAt((earlier.key as Node).range![0]).line})`,
              [...path, String(key.value)],
              source.positionAt(key.range![0]),
              "keep one of the two entries; otherwise only the last one is kept, silently",
            ),
          );
        }
        if (!merge) seen.set(key.value, pair);
        stack.push([pair.value, [...path, String(key.value)]]);
      }
      if (duplicates)
        node.items = (node.items as Pair[]).filter(
          (pair) => !isScalar(pair.key) || pair.key.value === "<<" || seen.get(pair.key.value) === pair,
        );
    }
  }
  return { findings, fatal };
}

/** Keys every service must have (the schema's required keys). */
const SERVICE_REQUIRED: readonly string[] = (jsonSchemaAt(["services", 0])?.required as string[] | undefined) ?? [];

/** Keys whose values may be secrets: a finding about one never shows the value. */
const SECRET_KEY = /secret|password|passphrase|token|credential|private/i;

function tooLarge(file: string, size: number, atLeast = false): Finding {
  const what = atLeast ? `more than ${MAX_CATALOG_BYTES / 1048576} MiB` : `${(size / 1048576).toFixed(1)} MiB`;
  return finding(
    LoaderRules.TOO_LARGE,
    `the catalog is ${what}; at most ${MAX_CATALOG_BYTES / 1048576} MiB is read`,
    [],
    { file, line: 1, column: 1 },
    "split the estate into several catalogs, or check that the right file was given",
  );
}

function lastKey(path: CatalogPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return path[i] as string;
  return "(root)";
}

function getIn(root: unknown, path: CatalogPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function article(expected: string): string {
  const word =
    expected === "int"
      ? "whole number"
      : expected === "record" || expected === "object"
        ? "mapping"
        : expected === "array"
          ? "list"
          : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

const SECRET_HIDDEN = Symbol("hidden");

function describeValue(v: unknown): string {
  if (v === SECRET_HIDDEN) return "a value that is not shown (it may be a secret)";
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "number" && !Number.isFinite(v))
    return Number.isNaN(v) ? ".nan (not a number)" : v > 0 ? ".inf (infinity)" : "-.inf (minus infinity)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Offset of the first byte that breaks UTF-8, or undefined when the bytes are valid. */
function firstInvalidUtf8(b: Uint8Array): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    // The second byte's range is narrower after E0, ED, F0 and F4 (RFC 3629, section 4): no
    // overlong forms, no encoded surrogates (ED A0..BF), nothing above U+10FFFF.
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return i;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
    else if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
    if (n > 0 && (i + 1 >= b.length || b[i + 1] < lo || b[i + 1] > hi)) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return undefined;
}
