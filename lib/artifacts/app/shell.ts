/**
 * Helpers for writing bash from TypeScript.
 *
 * Scripts are written with the `sh` tag: a raw template (backslashes stay as written, so
 * `printf '%s\n'` means what it says) in which `${...}` interpolates TypeScript values and
 * bash's own parameter expansion is written `$\{NAME}`. Backticks, which bash never needs
 * here, are written `\``.
 */
export function sh(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings.raw[0];
  values.forEach((v, i) => {
    out += String(v) + strings.raw[i + 1];
  });
  return out.replace(/\$\\\{/g, "${").replace(/\\`/g, "`");
}

/** One word for bash, single-quoted unless it is plainly safe. */
export function shq(value: string | number): string {
  const s = String(value);
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A bash array literal: `(a 'b c')`. */
export function shArray(values: readonly string[]): string {
  return `(${values.map(shq).join(" ")})`;
}

/** Joins script sections with one blank line and ends with a newline. */
export function script(...sections: Array<string | undefined | false>): string {
  return (
    sections
      .filter((s): s is string => !!s)
      .map((s) => s.replace(/^\n+|\n+$/g, ""))
      .join("\n\n") + "\n"
  );
}
