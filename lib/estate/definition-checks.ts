import { at, Errors } from "../errors";
import { AppDecision, Classification, LockMode } from "../core/vocabulary";
import { optionalProp, rejectUnknownProps, requireProp, requireProps, requireWholeDays } from "../private/props";
import type { EstateSettings, ServiceDefinition } from "./definition";

type Scope = { readonly node: { readonly path: string } };

const SERVICE_KEYS = [
  "description",
  "owner",
  "classification",
  "rpo",
  "rto",
  "guest",
  "app",
  "offsite",
  "immutable",
  "aws",
  "kubernetes",
  "data",
  "retention",
  "restore",
  "compliance",
  "acknowledge",
];
const SETTINGS_KEYS = [
  "name",
  "owner",
  "aws",
  "proxmoxHosts",
  "clusters",
  "notifications",
  "contacts",
  "state",
  "proxmoxStacks",
  "pricing",
  "adopted",
];
const NOTIFICATION_KEYS = ["emails", "webhooks", "chatbot", "chatbotRegion", "pagerduty", "heartbeat", "staleMargin"];

/**
 * The run-time checks of a service definition (CON-001..CON-006): what a type check would
 * have caught. What the catalog's rules judge (tiers, RPO feasibility, decisions) is left
 * to them, so that code and YAML get the same rule ids.
 */
export function checkServiceDefinition(scope: Scope, def: ServiceDefinition): void {
  const c = "ProtectedService";
  requireProps(scope, c, def);
  rejectUnknownProps(scope, c, def, SERVICE_KEYS);
  requireProp(scope, c, def, "classification", "string");
  if (!Object.values(Classification).includes(def.classification))
    throw at(
      scope,
      Errors.invalidProp(c, "classification", def.classification, Object.values(Classification).join(", ")),
    );
  requireProp(scope, c, def, "rpo", "duration");
  requireProp(scope, c, def, "rto", "duration");
  if (def.guest !== undefined) {
    requireProp(scope, c, def.guest, "host", "string");
    requireProp(scope, c, def.guest, "vmid", "number");
  }
  if (def.app !== undefined) {
    requireProp(scope, c, def.app, "decision", "string");
    if (!Object.values(AppDecision).includes(def.app.decision))
      throw at(scope, Errors.invalidProp(c, "app.decision", def.app.decision, Object.values(AppDecision).join(", ")));
    requireProp(scope, c, def.app, "rationale", "string");
    optionalProp(scope, c, def.app, "fullEvery", "duration");
  }
  if (def.offsite !== undefined) {
    requireProp(scope, c, def.offsite, "required", "boolean");
    requireProp(scope, c, def.offsite, "reason", "string");
  }
  if (def.immutable !== undefined) {
    requireProp(scope, c, def.immutable, "mode", "string");
    if (!Object.values(LockMode).includes(def.immutable.mode))
      throw at(scope, Errors.invalidProp(c, "immutable.mode", def.immutable.mode, Object.values(LockMode).join(", ")));
    requireProp(scope, c, def.immutable, "retention", "duration");
    optionalProp(scope, c, def.immutable, "maxRetention", "duration");
    requireWholeDays(scope, c, "immutable.retention", def.immutable.retention);
    requireWholeDays(scope, c, "immutable.maxRetention", def.immutable.maxRetention);
  }
  if (def.aws !== undefined) {
    optionalProp(scope, c, def.aws, "resources", "array");
    optionalProp(scope, c, def.aws, "coldStorageAfter", "duration");
    requireWholeDays(scope, c, "aws.coldStorageAfter", def.aws.coldStorageAfter);
  }
  if (def.kubernetes !== undefined) {
    requireProp(scope, c, def.kubernetes, "cluster", "string");
    requireProp(scope, c, def.kubernetes, "namespaces", "array");
    for (const h of def.kubernetes.hooks ?? []) optionalProp(scope, c, h, "timeout", "duration");
  }
  for (const a of def.acknowledge ?? []) {
    requireProp(scope, c, a, "rule", "string");
    requireProp(scope, c, a, "reason", "string");
  }
}

/** The run-time checks of an estate's shared settings (CON-001..CON-006). */
export function checkEstateSettings(scope: Scope, s: EstateSettings): void {
  const c = "BackupEstate";
  requireProps(scope, c, s);
  rejectUnknownProps(scope, c, s, SETTINGS_KEYS);
  requireProp(scope, c, s, "name", "string");
  if (s.aws !== undefined) {
    requireProp(scope, c, s.aws, "region", "string");
    optionalProp(scope, c, s.aws, "accountId", "string");
    if (s.aws.audit) requireWholeDays(scope, c, "aws.audit.retention", s.aws.audit.retention);
  }
  for (const [key, h] of Object.entries(s.proxmoxHosts ?? {})) {
    requireProp(scope, `${c} proxmoxHosts.${key}`, h, "endpoint", "string");
    requireProp(scope, `${c} proxmoxHosts.${key}`, h, "node", "string");
    requireProp(scope, `${c} proxmoxHosts.${key}`, h, "storage", "string");
  }
  for (const [key, k] of Object.entries(s.clusters ?? {}))
    requireProp(scope, `${c} clusters.${key}`, k, "context", "string");
  if (s.notifications !== undefined) {
    rejectUnknownProps(scope, `${c} notifications`, s.notifications, NOTIFICATION_KEYS);
    optionalProp(scope, c, s.notifications, "emails", "array");
    optionalProp(scope, c, s.notifications, "staleMargin", "duration");
  }
  if (s.state !== undefined) {
    requireProp(scope, `${c} state`, s.state, "bucket", "string");
    requireProp(scope, `${c} state`, s.state, "region", "string");
  }
}
