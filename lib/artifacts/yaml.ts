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
  const v = json(value);
  if (isCollection(v)) block(v, "", out);
  else out.push(scalar(v));
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
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
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
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isCollection(v: Plain): v is Plain[] | { [k: string]: Plain } {
  return v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function block(v: Plain[] | { [k: string]: Plain }, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (!isCollection(item)) out.push(`${indent}- ${scalar(item)}`);
      else {
        // The first line of a nested collection goes on the dash's line, the rest under it.
        const start = out.length;
        block(item, `${indent}  `, out);
        out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
      }
    }
    return;
  }
  for (const [k, item] of Object.entries(v)) {
    const key = scalar(k);
    if (!isCollection(item)) out.push(`${indent}${key}: ${scalar(item)}`);
    else {
      out.push(`${indent}${key}:`);
      // Sequences under a key are indented, as the `yaml` package writes them by default.
      block(item, `${indent}  `, out);
    }
  }
}

/** The value as JSON would see it: toJSON() applied, undefined members dropped. */
function json(value: unknown): Plain {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return json((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(json);
  if (typeof value === "object") {
    const out: { [k: string]: Plain } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== "function" && typeof v !== "symbol") out[k] = json(v);
    }
    return out;
  }
  throw new Error(`toYaml: cannot write a ${typeof value}`);
}
