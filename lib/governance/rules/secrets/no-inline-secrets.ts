import type { Service } from "../../../catalog/model";
import type { CatalogPath } from "../../../core/finding";
import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

/** A test of one string: a regular expression, or a function where a regex would backtrack. */
interface Shape {
  test(value: string): boolean;
}

/** Shapes of secrets that must never sit in a catalog (and so never in Terraform or artifacts). */
const SECRET_SHAPES: ReadonlyArray<[what: string, shape: Shape]> = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a password in a URL", { test: hasUrlPassword }],
  ["a webhook URL (the URL is the secret)", /hooks\.slack\.com\/services\/|outlook\.office\.com\/webhook|discord(app)?\.com\/api\/webhooks|events\.pagerduty\.com\/integration/i],
  ["a password on a command line", /(^|\s)(--password[=\s]\S+|-p[^\s\d/-]\S*|-u\s+[^\s:]+:\S+|PGPASSWORD=\S+|MYSQL_PWD=\S+|RESTIC_PASSWORD=\S+|BORG_PASSPHRASE=\S+)/],
  ["a bearer token", /\bAuthorization:\s*Bearer\s+\S{8,}/i],
];

export const noInlineSecrets: GovernanceRule = {
  id: "GOV-025",
  name: "no-inline-secrets",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "No secret appears in the catalog: passwords, keys, tokens and webhook URLs are referenced, never written.",
  explanation:
    "Everything in the catalog flows into Terraform JSON, the inventory and the SOPs, which are committed and shared. Secrets belong in a secret store, named by `restore.secrets` or by sensitive Terraform variables.",
  check({ catalog }) {
    return catalog.services.flatMap((s) => scan(s));
  },
};

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const USERINFO = /[^/\s:@]+:[^/\s@]+@/y;

/**
 * `scheme://user:password@` anywhere in the value, in linear time. The regex
 * `/[a-z][a-z0-9+.-]*:\/\/.../` retried its scheme at every letter of a long run of scheme
 * characters (a 200 KB description took a minute); here each `://` is looked at once, its
 * scheme read backwards only to the previous `://` at most, the user info forwards only to
 * the next `/`.
 */
export function hasUrlPassword(value: string): boolean {
  let from = 0;
  for (;;) {
    const at = value.indexOf("://", from);
    if (at < 0) return false;
    from = at + 3;
    let start = at;
    while (start > 0 && SCHEME_CHAR.test(value[start - 1])) start--;
    // The scheme starts with a letter: the first letter of the run of scheme characters.
    while (start < at && !/[a-z]/i.test(value[start])) start++;
    if (start === at) continue;
    USERINFO.lastIndex = at + 3;
    if (USERINFO.test(value)) return true;
  }
}

function scan(service: Service): Violation[] {
  const out: Violation[] = [];
  const visit = (value: unknown, path: CatalogPath) => {
    if (typeof value === "string") {
      const hit = SECRET_SHAPES.find(([, re]) => re.test(value));
      if (hit) out.push({ path, message: `this value looks like ${hit[0]}; secrets must not be written in the catalog`, fix: "move the secret to your secret store and reference it (e.g. `restore.secrets: vault:kv/...`, an env file on the host)" });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  // Keys are read one by one (never destructured): a service with a malformed required
  // field lacks that key, and the rest of it is still scanned.
  const skip = new Set(["index", "path", "rpo", "rto", "acknowledge"]);
  for (const key of Object.keys(service)) if (!skip.has(key)) visit((service as unknown as Record<string, unknown>)[key], [...service.path, key]);
  return out;
}
