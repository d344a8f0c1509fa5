import { at, Errors } from "../errors";
import { Duration } from "../core/duration";
import { Token } from "../core/cdk";
import { PROP_SPECS } from "./prop-specs";

/**
 * Run-time checks of construct props: cdktf runs stack code with tsx, which strips types
 * without checking them, and JavaScript callers have none. A missing or misspelt prop must be
 * a coded error naming the construct path, never `undefined` in the synthesized output.
 */

type Scope = { readonly node: { readonly path: string } };

/** What a prop must be. */
export type PropKind = "string" | "number" | "boolean" | "object" | "array" | "duration" | "function" | "any";

function is(kind: PropKind, v: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof v === "string" && (v.length > 0 || Token.isUnresolved(v));
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return typeof v === "object" && v !== null;
    case "array":
      return Array.isArray(v);
    case "duration":
      return v instanceof Duration;
    case "function":
      return typeof v === "function";
    case "any":
      return v !== undefined && v !== null;
  }
}

const DESCRIBE: Record<PropKind, string> = {
  string: "a non-empty string",
  number: "a number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  duration: "a Duration (Duration.hours(4), Duration.days(1))",
  function: "a function",
  any: "a value",
};

/** Throws CON-001 when `props` lacks `name`, CON-002 when it is not of `kind`. */
export function requireProp(
  scope: Scope,
  construct: string,
  props: object | undefined,
  name: string,
  kind: PropKind,
): void {
  const v = (props as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) throw at(scope, Errors.missingProp(construct, name, DESCRIBE[kind]));
  if (!is(kind, v)) throw at(scope, Errors.invalidProp(construct, name, describe(v), DESCRIBE[kind]));
}

/** Throws CON-002 when `props[name]` is given but not of `kind`. */
export function optionalProp(
  scope: Scope,
  construct: string,
  props: object | undefined,
  name: string,
  kind: PropKind,
): void {
  const v = (props as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return;
  if (!is(kind, v)) throw at(scope, Errors.invalidProp(construct, name, describe(v), DESCRIBE[kind]));
}

/** Throws CON-001 when the props object itself is missing. */
export function requireProps(scope: Scope, construct: string, props: unknown): asserts props is object {
  if (typeof props !== "object" || props === null)
    throw at(scope, Errors.missingProp(construct, "props", "an object of props"));
}

/**
 * Throws CON-003 for a key `props` has that `known` does not list, suggesting the closest
 * known one (`email` → `emails`).
 */
export function rejectUnknownProps(scope: Scope, construct: string, props: object, known: readonly string[]): void {
  for (const key of Object.keys(props)) {
    if (known.includes(key)) continue;
    throw at(scope, Errors.unknownProp(construct, key, closest(key, known) ?? ""));
  }
}

/** Throws CON-006 unless `d` is a whole number of days. */
export function requireWholeDays(scope: Scope, construct: string, name: string, d: Duration | undefined): void {
  if (d === undefined) return;
  if (d.toMinutes() % 1440 !== 0) throw at(scope, Errors.notWholeDays(construct, name, d.toString()));
}

function describe(v: unknown): unknown {
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "a list" : (v.constructor?.name ?? "an object");
  return v;
}

/** The known key nearest to `key` (edit distance at most 2, or one a prefix of the other). */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = k.startsWith(key) || key.startsWith(k) ? 1 : distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * The run-time check of a construct's props against its entry in PROP_SPECS: the props object,
 * every required prop and its kind (CON-001, CON-002), no unknown prop (CON-003).
 */
export function checkConstructProps(scope: Scope, construct: string, props: unknown): void {
  const spec = PROP_SPECS[construct];
  requireProps(scope, construct, props);
  if (!spec) return;
  for (const [name, kind] of Object.entries(spec.required)) requireProp(scope, construct, props, name, kind);
  rejectUnknownProps(scope, construct, props, spec.known);
  checkFormats(scope, construct, props as Record<string, unknown>);
}

/**
 * Formats of props whatever construct has them: a literal that cannot be right is refused at
 * construction (CON-002), not by AWS at apply. Tokens (known only at apply) pass.
 */
const FORMATS: Readonly<Record<string, { readonly test: RegExp; readonly what: string }>> = {
  accountId: { test: /^\d{12}$/, what: "a 12-digit AWS account id" },
  region: { test: /^[a-z]{2}(-[a-z]+)+-\d+$/, what: "an AWS Region code such as us-east-1" },
  destinationRegion: { test: /^[a-z]{2}(-[a-z]+)+-\d+$/, what: "an AWS Region code such as us-west-2" },
  kmsKeyArn: {
    test: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/,
    what: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
  },
};

function checkFormats(scope: Scope, construct: string, props: Record<string, unknown>): void {
  for (const [name, f] of Object.entries(FORMATS)) {
    const v = props[name];
    if (v === undefined) continue;
    if (typeof v !== "string") throw at(scope, Errors.invalidProp(construct, name, describe(v), f.what));
    if (!Token.isUnresolved(v) && !f.test.test(v)) throw at(scope, Errors.invalidProp(construct, name, v, f.what));
  }
}
