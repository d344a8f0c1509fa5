/**
 * Catalog text as a literal in Terraform JSON.
 *
 * Terraform reads every string of a `.tf.json` file (and the property names of objects
 * used as expressions, such as tag maps) as a template: `${...}` interpolates and `%{...}`
 * runs a directive, so a tag value `${file("/etc/passwd")}` would be evaluated at plan
 * time. Every catalog string that reaches cdk.tf.json passes through {@link tfLiteral};
 * the estate builders (lib/estate/) apply it where catalog values meet constructs, so the
 * catalog model and the artifacts keep the text as written.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 *   "`$${` … literal `${`"; "`%%{` … literal `%{`"
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 *   (JSON strings and object property names are string templates)
 */
export function tfLiteral(value: string): string {
  // `$${` is itself the escape of `${`: doubling the `$` of every `${` also keeps an
  // already-written `$${` literal (it becomes `$$${`, read as `$` + literal `${`).
  return value.replace(/([$%])\{/g, "$1$1{");
}

/** {@link tfLiteral} for an optional value. */
export function tfLiteralOpt(value: string | undefined): string | undefined {
  return value === undefined ? undefined : tfLiteral(value);
}

/** {@link tfLiteral} applied to the keys and the values of a string map (tags). */
export function tfLiteralMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [tfLiteral(k), tfLiteral(v)]));
}
