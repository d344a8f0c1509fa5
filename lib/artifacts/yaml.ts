/**
 * A YAML emitter for plain data (objects, arrays, strings, numbers, booleans, null), in block
 * style, for the large generated documents (inventory.yaml, the Prometheus rules and their
 * promtool tests).
 *
 * Why not the `yaml` package's `stringify`: it builds a node tree and analyses every scalar,
 * and for a 1,000-service estate that was a quarter of the artifact time. Here a string is
 * written plain only when it is unambiguous to both YAML 1.2 and YAML 1.1 readers (go-yaml in
 * Prometheus reads `yes`, `on` or `0x1f` as something else), and double-quoted otherwise;
 * the quoting is JSON's, whose escapes are a subset of YAML's double-quoted ones.
 *
 * Semantics follow JSON.stringify: `toJSON()` is honoured, object keys whose value is
 * `undefined` are left out, `undefined` in an array becomes `null`.
 */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  const v = normalize(value);
  if (isCollection(v)) block(v, "", "", out);
  else out.push(scalar(v as Plain));
  return out.join("\n") + "\n";
}

type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/** Words YAML 1.1 or 1.2 readers take for booleans or null when unquoted. */
const RESERVED = new Set(["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]);
/**
 * A plain scalar starts with a letter, `_` or `/` (never an indicator), holds printable
 * characters only, and has no `: `, ` #`, trailing colon or trailing space. Flow indicators
 * inside are fine: these documents are block style throughout.
 */
const PLAIN = /^[A-Za-z_/][\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** Durations and sizes such as `4h`, `30m`, `20GiB`: a digit string then letters only. */
const UNIT = /^[1-9][0-9]*[A-Za-z]+$/;

/** A scalar as YAML text. */
export function scalar(v: Plain): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number")
    return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  if (typeof v === "string") return plainOk(v) ? v : quoted(v);
  // Empty collections are written inline.
  return Array.isArray(v) ? "[]" : "{}";
}

function plainOk(s: string): boolean {
  if (UNIT.test(s)) return true;
  if (!PLAIN.test(s) || RESERVED.has(s.toLowerCase())) return false;
  return !s.endsWith(" ") && !s.endsWith(":") && !s.includes(": ") && !s.includes(" #");
}

/** JSON's quoting, plus escapes for what YAML does not allow raw (C1 controls, DEL, line and paragraph separators, BOM). */
function quoted(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A non-empty array, or an object with at least one member JSON would keep. */
function isCollection(v: unknown): v is unknown[] | Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.length > 0;
  for (const k in v) if (kept((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** Whether JSON keeps an object member with this value. */
function kept(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}

/** toJSON() applied, as JSON.stringify does; collections are walked by {@link block} as they are. */
function normalize(value: unknown): unknown {
  let v = value;
  while (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function")
    v = (v as { toJSON: () => unknown }).toJSON();
  if (v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v === null || typeof v === "object" || typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    return v;
  throw new Error(`toYaml: cannot write a ${typeof v}`);
}

/**
 * Writes a collection in one pass. `lead` starts its first line instead of `indent`: a
 * collection inside a sequence begins on the dash's line (`- key: value`).
 */
function block(v: unknown[] | Record<string, unknown>, indent: string, lead: string, out: string[]): void {
  let first = lead;
  if (Array.isArray(v)) {
    for (const raw of v) {
      const item = normalize(raw);
      if (isCollection(item)) block(item, `${indent}  `, `${first}- `, out);
      else out.push(`${first}- ${scalar(item as Plain)}`);
      first = indent;
    }
    return;
  }
  for (const k in v) {
    const raw = v[k];
    if (!kept(raw)) continue;
    const item = normalize(raw);
    const key = scalar(k);
    if (isCollection(item)) {
      out.push(`${first}${key}:`);
      // Sequences under a key are indented, as the `yaml` package writes them by default.
      block(item, `${indent}  `, `${indent}  `, out);
    } else out.push(`${first}${key}: ${scalar(item as Plain)}`);
    first = indent;
  }
}
