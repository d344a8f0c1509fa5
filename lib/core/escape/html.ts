/**
 * Text as HTML: the one function through which catalog and metrics strings reach the coverage
 * report (lib/report/). It escapes the five characters that can end a text node or a quoted
 * attribute value (`&`, `<`, `>`, `"`, `'`), so its result is safe both as element content and
 * inside a double- or single-quoted attribute. It is not for `<script>` or `<style>` content,
 * unquoted attributes or URLs: the report puts no catalog value there.
 *
 * @see https://html.spec.whatwg.org/multipage/syntax.html#escapingString
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html
 *   (output encoding for HTML contexts: `& < > " '`)
 */
export function html(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
