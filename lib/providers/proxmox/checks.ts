/**
 * Client-side checks for what the provider or Proxmox would reject at plan or apply time.
 * Every check skips unresolved tokens: a reference is judged by Terraform, not here.
 */
import { Token } from "../../core/cdk";
import { Errors } from "../../errors";

/** PVE's `pve-configid` format: a letter, then letters, digits, `-`, `_`. */
export const PVE_CONFIG_ID = /^[a-z][a-z0-9_-]+$/i;

/** Keys Proxmox accepts in a prune-backups specification, in its own spelling. */
export const PRUNE_KEYS = [
  "keep-all",
  "keep-last",
  "keep-hourly",
  "keep-daily",
  "keep-weekly",
  "keep-monthly",
  "keep-yearly",
] as const;

export function isToken(value: unknown): boolean {
  return value !== undefined && Token.isUnresolved(value);
}

export function checkOneOf(attribute: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || isToken(value)) return;
  if (!allowed.includes(value)) throw Errors.pveNotAllowed(attribute, value, allowed.join(", "));
}

export function checkRange(
  attribute: string,
  value: number | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw Errors.pveOutOfRange(attribute, value, max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min}..${max}`);
  }
}

export function checkNotEmpty(attribute: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (value.trim() === "") throw Errors.pveEmptyValue(attribute);
}

/** A `pve-configid`, optionally at most `max` characters (0: no limit known). */
export function checkConfigId(attribute: string, value: string | undefined, max = 0): void {
  if (value === undefined || isToken(value)) return;
  if (!PVE_CONFIG_ID.test(value) || (max > 0 && value.length > max)) throw Errors.pveInvalidId(attribute, value, max);
}

/** Secrets must come from a sensitive variable (or another reference), never a literal in the JSON. */
export function checkSecret(attribute: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  throw Errors.pveLiteralSecret(attribute);
}

/** At most one of the given attributes may be set (each pair is reported by name). */
export function checkConflicts(
  resource: string,
  set: Readonly<Record<string, unknown>>,
  pairs: ReadonlyArray<readonly [string, string]>,
): void {
  for (const [a, b] of pairs) {
    if (set[a] !== undefined && set[b] !== undefined) throw Errors.pveSelectionConflict(resource, a, b);
  }
}

/** A `prune_backups` map: known hyphenated keys, whole-number values, keep-all alone. */
export function checkPruneBackups(attribute: string, prune: Readonly<Record<string, string>> | undefined): void {
  if (prune === undefined || isToken(prune)) return;
  const keys = Object.keys(prune);
  for (const k of keys) {
    if (!(PRUNE_KEYS as readonly string[]).includes(k)) throw Errors.pvePruneKey(k);
    const v = prune[k];
    if (isToken(v)) continue;
    if (!/^(0|[1-9][0-9]*)$/.test(v))
      throw Errors.pveOutOfRange(`${attribute}["${k}"]`, v, 'a whole number written as a string, e.g. "7"');
    if (k === "keep-all" && v !== "0" && v !== "1")
      throw Errors.pveNotAllowed(`${attribute}["keep-all"]`, v, '"0" or "1"');
  }
  const keepAll = prune["keep-all"] === "1";
  const others = keys.filter((k) => k !== "keep-all" && prune[k] !== "0");
  if (keepAll && others.length) throw Errors.pveKeepAllExclusive(attribute, others.join(", "));
}
