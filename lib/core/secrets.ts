/**
 * Shapes of secrets, defined once: GOV-025 refuses catalog text of these shapes, and every
 * finding is passed through {@link redactSecrets} before it is reported, so that a value
 * echoed by a message (a format the value failed, an unknown key, a rule quoting the
 * catalog) never carries the secret to a terminal, a CI log or a compliance report.
 */

/** One shape: a test for catalog text, and how to cut the secret out of a message. */
interface SecretShape {
  /** What the value looks like, for GOV-025's message: `an AWS access key id`. */
  readonly what: string;
  test(value: string): boolean;
  redact(text: string): string;
}

/** What a secret is replaced with in a message. */
export const REDACTED = "<redacted>";

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const USERINFO = /[^/\s:@]+:[^/\s@]+@/y;

/**
 * Offsets of the user info (`user:password@`) of every `scheme://user:password@` in `value`,
 * in linear time. The regex `/[a-z][a-z0-9+.-]*:\/\/.../` retried its scheme at every letter
 * of a long run of scheme characters (a 200 KB description took a minute); here each `://`
 * is looked at once, its scheme read backwards only to the previous `://` at most, the user
 * info forwards only to the next `/`.
 */
function urlPasswords(value: string): Array<[start: number, end: number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const at = value.indexOf("://", from);
    if (at < 0) return out;
    from = at + 3;
    let start = at;
    while (start > 0 && SCHEME_CHAR.test(value[start - 1])) start--;
    // The scheme starts with a letter: the first letter of the run of scheme characters.
    while (start < at && !/[a-z]/i.test(value[start])) start++;
    if (start === at) continue;
    USERINFO.lastIndex = at + 3;
    if (USERINFO.test(value)) out.push([at + 3, USERINFO.lastIndex - 1]);
  }
}

/** `scheme://user:password@` anywhere in the value, in linear time. */
export function hasUrlPassword(value: string): boolean {
  return urlPasswords(value).length > 0;
}

/** A shape found by one regular expression; `keep` is the number of leading groups left in place. */
function byRegex(what: string, re: RegExp, keep = 0): SecretShape {
  const global = new RegExp(re.source, `${re.flags.replace("g", "")}g`);
  return {
    what,
    test: (v) => re.test(v),
    redact: (text) =>
      text.replace(global, (...m: unknown[]) => {
        const kept = (m.slice(1, 1 + keep) as Array<string | undefined>).map((g) => g ?? "").join("");
        return `${kept}${REDACTED}`;
      }),
  };
}

/** Shapes of secrets that must never sit in a catalog (and so never in Terraform, artifacts or a message). */
export const SECRET_SHAPES: readonly SecretShape[] = [
  byRegex("an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/),
  // Everything from the BEGIN line on: the key body follows it (up to the END line, if any).
  byRegex(
    "a private key",
    /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----(?:[^-]|-(?!----END ))*(?:-----END [A-Z ]{0,40}PRIVATE KEY-----)?/,
  ),
  {
    what: "a password in a URL",
    test: hasUrlPassword,
    redact: (text) => {
      let out = "";
      let last = 0;
      for (const [start, end] of urlPasswords(text)) {
        out += `${text.slice(last, start)}${REDACTED}`;
        last = end;
      }
      return out + text.slice(last);
    },
  },
  byRegex(
    "a webhook URL (the URL is the secret)",
    /(hooks\.slack\.com\/services\/|outlook\.office\.com\/webhook|discord(?:app)?\.com\/api\/webhooks|events\.pagerduty\.com\/integration)[^\s`"']*/i,
    1,
  ),
  byRegex(
    "a password on a command line",
    /(^|\s)(?:--password[=\s]\S+|-p[^\s\d/-]\S*|-u\s+[^\s:]+:\S+|PGPASSWORD=\S+|MYSQL_PWD=\S+|RESTIC_PASSWORD=\S+|BORG_PASSPHRASE=\S+)/,
    1,
  ),
  byRegex("a bearer token", /(\bAuthorization:\s*Bearer\s+)\S{8,}/i, 1),
];

/** What `value` looks like when it looks like a secret (`a private key`), else undefined. */
export function secretShapeOf(value: string): string | undefined {
  return SECRET_SHAPES.find((s) => s.test(value))?.what;
}

/** True when `value` holds something of a secret's shape anywhere. */
export function looksLikeSecret(value: string): boolean {
  return secretShapeOf(value) !== undefined;
}

/** `text` with every part of a secret's shape replaced by {@link REDACTED}. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const shape of SECRET_SHAPES) if (shape.test(out)) out = shape.redact(out);
  return out;
}

/** A finding's text with secrets cut out: its message, fix, YAML path and acknowledgement reason. */
export function redactFinding<
  F extends {
    readonly message: string;
    readonly fix?: string;
    readonly path: ReadonlyArray<string | number>;
    readonly acknowledged?: { readonly reason: string };
  },
>(f: F): F {
  const path = f.path.map((seg) => (typeof seg === "string" ? redactSecrets(seg) : seg));
  const changed = path.some((seg, i) => seg !== f.path[i]);
  const message = redactSecrets(f.message);
  const fix = f.fix === undefined ? undefined : redactSecrets(f.fix);
  const reason = f.acknowledged ? redactSecrets(f.acknowledged.reason) : undefined;
  if (!changed && message === f.message && fix === f.fix && reason === f.acknowledged?.reason) return f;
  return {
    ...f,
    message,
    fix,
    path: changed ? path : f.path,
    ...(f.acknowledged && reason !== undefined ? { acknowledged: { ...f.acknowledged, reason } } : {}),
  };
}
