/**
 * One vocabulary: every closed set of words in the catalog is an enum of lib/core/vocabulary.ts,
 * and the schema (hence the JSON Schema users' editors validate with) is built from it. A value
 * added to an enum is accepted by the catalog, and the loader hands the enum member itself to
 * the model: no second list, no cast, no translation between the two.
 */
import { catalogJsonSchema, jsonSchemaAt } from "../../lib/catalog/json-schema";
import { loadCatalogText } from "../../lib/catalog/load";
import {
  AppDecision,
  AppEngine,
  BackupTool,
  ChatTool,
  Classification,
  ClusterSnapshots,
  ComplianceRegime,
  GuestKind,
  HookOnError,
  LockMode,
  MysqlFlavour,
  ProxmoxAuth,
  ProxmoxStackSplit,
  StateBackend,
  StorageKind,
  VolumeBackupMode,
  VzdumpHookMode,
  VzdumpMode,
  WebhookKind,
} from "../../lib/core/vocabulary";
import { ChatTool as MonitoringChatTool } from "../../lib/constructs/backup-monitoring";

type JsonSchema = Record<string, unknown>;

/** The values a JSON Schema node admits: an `enum`, a `const`, or the members of a union. */
function admitted(node: JsonSchema | undefined): unknown[] {
  if (!node) return [];
  if (Array.isArray(node.enum)) return node.enum;
  if ("const" in node) return [node.const];
  const members = [
    ...((node.anyOf as JsonSchema[] | undefined) ?? []),
    ...((node.oneOf as JsonSchema[] | undefined) ?? []),
  ];
  return members.flatMap(admitted);
}

/** Each enum-backed key of the catalog, at a YAML path, and the enum it is built from. */
const FIELDS: Array<[string, ReadonlyArray<string | number>, Record<string, string>]> = [
  ["classification", ["services", 0, "classification"], Classification],
  ["app.decision", ["services", 0, "app", "decision"], AppDecision],
  ["app.engine", ["services", 0, "app", "engine"], AppEngine],
  ["app.tool", ["services", 0, "app", "tool"], BackupTool],
  ["app.flavour", ["services", 0, "app", "flavour"], MysqlFlavour],
  ["vm.kind", ["services", 0, "vm", "kind"], GuestKind],
  ["vm.mode", ["services", 0, "vm", "mode"], VzdumpMode],
  ["immutable.mode", ["services", 0, "immutable", "mode"], LockMode],
  ["compliance", ["services", 0, "compliance", 0], ComplianceRegime],
  ["kubernetes.volumes", ["services", 0, "kubernetes", "volumes"], VolumeBackupMode],
  ["hooks.onError", ["services", 0, "kubernetes", "hooks", 0, "onError"], HookOnError],
  ["clusters.snapshots", ["kubernetes", "clusters", "c", "snapshots"], ClusterSnapshots],
  ["webhooks.kind", ["notifications", "webhooks", 0, "kind"], WebhookKind],
  ["chatbot.type", ["notifications", "chatbot", 0, "type"], ChatTool],
  ["state.backend", ["state", "backend"], StateBackend],
  ["stacks.proxmox", ["stacks", "proxmox"], ProxmoxStackSplit],
  ["hosts.auth", ["proxmox", "hosts", "h", "auth"], ProxmoxAuth],
  ["storages.type", ["proxmox", "hosts", "h", "storages", 0, "type"], StorageKind],
];

/** The JSON Schema node at a path, with union members (storages, chatbot channels) merged by key. */
function nodeAt(path: ReadonlyArray<string | number>): JsonSchema | undefined {
  const parent = jsonSchemaAt(path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof key === "number") return jsonSchemaAt(path);
  const members = [
    parent,
    ...((parent?.oneOf as JsonSchema[] | undefined) ?? []),
    ...((parent?.anyOf as JsonSchema[] | undefined) ?? []),
  ];
  const found = members
    .map((m) => (m?.properties as Record<string, JsonSchema> | undefined)?.[key])
    .filter((x): x is JsonSchema => x !== undefined);
  return found.length > 1 ? { anyOf: found } : found[0];
}

describe("one vocabulary: the catalog schema is built from the enums", () => {
  it.each(FIELDS)("%s admits exactly the values of its enum", (_name, path, vocabulary) => {
    expect(catalogJsonSchema()).toBeDefined();
    expect(admitted(nodeAt(path)).map(String).sort()).toEqual(Object.values(vocabulary).sort());
  });

  // The words users' catalogs are written in: an enum value renamed would break every one of them.
  it.each([
    ["app.decision", ["required", "vzdump-only", "platform-only"]],
    ["app.flavour", ["mariadb", "mysql8"]],
    ["hooks.onError", ["fail", "continue"]],
    ["webhooks.kind", ["generic", "slack", "teams"]],
    ["chatbot.type", ["slack", "teams"]],
    ["hosts.auth", ["token", "root-password"]],
    ["storages.type", ["pbs", "nfs", "cifs", "dir"]],
    ["stacks.proxmox", ["single", "per-host"]],
  ])("%s keeps the catalog's words", (name, words) => {
    const field = FIELDS.find(([n]) => n === name);
    expect(Object.values(field?.[2] ?? {}).sort()).toEqual([...words].sort());
  });

  it("vzdumpHook admits true, false and the value of VzdumpHookMode.NODE_CONFIG", () => {
    expect(admitted(nodeAt(["proxmox", "hosts", "h", "vzdumpHook"]))).toContain(VzdumpHookMode.NODE_CONFIG);
  });

  it("spells chat tools once: chatbot channels, webhook kinds and the monitoring constructs share ChatTool", () => {
    expect(MonitoringChatTool).toBe(ChatTool);
    expect(Object.values(ChatTool).every((t) => (Object.values(WebhookKind) as string[]).includes(t))).toBe(true);
  });

  it("hands the enum members themselves to the model", () => {
    const text = [
      "version: 1",
      "name: vocab",
      "kubernetes:",
      "  clusters:",
      "    prod: { context: prod, snapshots: csi }",
      "notifications:",
      "  webhooks: [{ name: relay, kind: generic }]",
      "stacks: { proxmox: per-host }",
      "services:",
      "  - id: shop",
      "    description: shop",
      "    owner: ops",
      "    classification: important",
      "    rpo: 1d",
      "    rto: 4h",
      "    offsite: { required: false, reason: test }",
      "    app: { decision: platform-only, rationale: velero }",
      "    kubernetes:",
      "      cluster: prod",
      "      namespaces: [shop]",
      "      volumes: snapshot",
      "      hooks: [{ container: db, pre: [/bin/true], onError: continue }]",
    ].join("\n");
    const { catalog, findings } = loadCatalogText(text, "vocab.yaml");
    expect(findings).toEqual([]);
    const service = catalog!.services[0];
    expect(service.classification).toBe(Classification.IMPORTANT);
    expect(service.app?.decision).toBe(AppDecision.PLATFORM_ONLY);
    expect(service.kubernetes?.volumes).toBe(VolumeBackupMode.SNAPSHOT);
    expect(service.kubernetes?.hooks[0].onError).toBe(HookOnError.CONTINUE);
    expect(catalog!.kubernetes?.clusters.prod.snapshots).toBe(ClusterSnapshots.CSI);
    expect(catalog!.notifications.webhooks[0].kind).toBe(WebhookKind.GENERIC);
    expect(catalog!.stacks.proxmox).toBe(ProxmoxStackSplit.PER_HOST);

    // Velero's CRD spells it `Continue`: VeleroProtection translates, checked against the CRD in
    // test/constructs/velero-protection.test.ts.
  });
});
