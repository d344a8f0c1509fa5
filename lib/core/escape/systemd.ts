import { Errors } from "../../errors";
import { must } from "../../private/must";

/**
 * The one way values reach systemd unit files (systemd.unit(5), "Quoting" and
 * "Specifiers"; systemd.exec(5), ReadWritePaths=).
 *
 * PROVIDER NOTE: systemd reads a unit setting by splitting it into words (double or single
 * quotes, C escapes), then expands `%` specifiers in each word, then, for path settings,
 * refuses paths that are not absolute and normalized (a `..` or `.` component, `//`). A
 * `%` must therefore be written `%%`, a path with spaces or quotes quoted, and a path with
 * `..` refused here, before systemd ignores the line with only a warning in the journal.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `%` doubled: systemd's specifier escape. */
export function systemdSpecifierEscape(value: string): string {
  return value.replace(/%/g, "%%");
}

/** One word of a unit setting: specifiers escaped; quoted with C escapes unless plain. */
export function systemdWord(value: string): string {
  const s = systemdSpecifierEscape(value);
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  let out = '"';
  for (const ch of s) {
    const code = must(ch.codePointAt(0), "the code point of a character");
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** Whether systemd accepts `path` as a path setting: absolute, normalized, no control characters. */
export function isSystemdPath(path: string): boolean {
  if (!path.startsWith("/") || CONTROL.test(path)) return false;
  if (path === "/") return true;
  if (path.endsWith("/")) return false;
  return !path
    .slice(1)
    .split("/")
    .some((c) => c === "" || c === "." || c === "..");
}

/**
 * One path of a path-list setting (`ReadWritePaths=`, `ExecStart=`'s program), with an
 * optional `-` (ignore a missing path) prefix. Throws APP-050 for a path systemd would
 * ignore.
 */
export function systemdPath(
  path: string,
  options: { readonly optional?: boolean; readonly key?: string } = {},
): string {
  if (!isSystemdPath(path)) throw Errors.systemdPathNotNormalized(options.key ?? "path", path);
  return systemdWord(`${options.optional ? "-" : ""}${path}`);
}

/** Free text of a unit (`Description=`): specifiers escaped, line breaks flattened. */
export function systemdText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return systemdSpecifierEscape(text.replace(/[\u0000-\u001f\u007f]+/g, " ")).trim();
}
