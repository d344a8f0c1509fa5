/**
 * Mutations of the project's own catalogs for the property-based suite: structural edits
 * (drop, retype, swap keys; duplicate services; rename references) and hostile values
 * (unicode, huge strings, shell and Terraform metacharacters), plus text-level damage
 * (truncation, a duplicated line).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";

const ROOT = join(__dirname, "..", "..");

/** The seeds: the built-in catalog and every example, as parsed objects. */
export const SEEDS: ReadonlyArray<{ name: string; value: Record<string, unknown> }> = [
  { name: "default", file: join(ROOT, "stacks", "catalog.yaml") },
  // Every section and optional block the examples leave out: state, stacks, chatbot, storages, auth, ...
  { name: "every-section.yaml", file: join(ROOT, "test", "fixtures", "every-section.yaml") },
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: f, file: join(ROOT, "examples", f) })),
].map(({ name, file }) => ({ name, value: parse(readFileSync(file, "utf8")) as Record<string, unknown> }));

type Path = Array<string | number>;

/** Every path of a value (containers and leaves), root excluded. */
export function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out)));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) (out.push([...prefix, k]), paths(x, [...prefix, k], out));
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[seg] as Record<string | number, unknown>;
  }
  return cur && typeof cur === "object" ? cur : undefined;
}

/** Shell payloads: each would create the canary file if a script ever ran it. */
export const shellPayloads = (canary: string) => [
  `$(touch\${IFS}${canary})`,
  `\`touch\${IFS}${canary}\``,
  `;touch\${IFS}${canary};`,
  `"$(touch\${IFS}${canary})"`,
  `'$(touch\${IFS}${canary})'`,
  `a"b`,
  `a'b`,
  `\\`,
  `$HOME`,
  `*`,
  `%h%n`,
  `../..`,
];
export const TF_PAYLOADS = ['${upper("x")}', "%{if(true)}T%{endif}", "$${x}", "${", "%{"];
const UNICODE = ["ünïcödé", "日本語", "🦄", "\u202e\u0301", "a\u0000b", "line\nbreak", "tab\there", "\ufeffbom"];

export type Mutation =
  | { op: "drop"; at: number }
  | { op: "retype"; at: number; to: number }
  | { op: "swap"; at: number; with: number }
  | { op: "duplicateService"; at: number; renameId: boolean }
  | { op: "replaceString"; at: number; with: number }
  | { op: "hostile"; at: number; kind: "shell" | "tf" | "unicode" | "huge"; pick: number; append: boolean }
  | { op: "renameKey"; at: number; pick: number };

/** Keys a mapping should not have: misspelt, unicode, with a newline that could forge a finding line. */
const BAD_KEYS = [
  "descripton",
  "Classification",
  "ünïcödé",
  "bad\nfuzz.yaml:1:1  GOV-999  forged",
  "",
  "a b",
  "rpo ",
  "\t",
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("retype" as const), at: fc.nat(), to: fc.nat(6) }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("duplicateService" as const), at: fc.nat(), renameId: fc.boolean() }),
  fc.record({ op: fc.constant("replaceString" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    op: fc.constant("hostile" as const),
    at: fc.nat(),
    kind: fc.constantFrom("shell" as const, "tf" as const, "unicode" as const, "huge" as const),
    pick: fc.nat(),
    append: fc.boolean(),
  }),
  fc.record({ op: fc.constant("renameKey" as const), at: fc.nat(), pick: fc.nat() }),
);

const RETYPES: unknown[] = [0, -1, 1e308, "text", true, null, [], {}, 9007199254740993];

/** Applies mutations to a copy of `seed`. */
export function mutate(
  seed: Record<string, unknown>,
  mutations: readonly Mutation[],
  canary: string,
): Record<string, unknown> {
  const c = structuredClone(seed);
  for (const m of mutations) {
    const all = paths(c);
    if (all.length === 0) break;
    const path = all[m.at % all.length];
    const parent = parentOf(c, path);
    const key = path[path.length - 1];
    if (!parent) continue;
    switch (m.op) {
      case "drop":
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        break;
      case "retype":
        parent[key] = structuredClone(RETYPES[m.to % RETYPES.length]);
        break;
      case "swap": {
        const siblings = Object.keys(parent);
        const other = siblings[m.with % siblings.length];
        [parent[key], parent[other]] = [parent[other], parent[key]];
        break;
      }
      case "duplicateService": {
        const services = c.services;
        if (!Array.isArray(services) || services.length === 0) break;
        const copy = structuredClone(services[m.at % services.length]) as Record<string, unknown>;
        if (m.renameId && copy && typeof copy === "object" && typeof copy.id === "string")
          copy.id = `${copy.id}-copy`.slice(0, 41);
        services.push(copy);
        break;
      }
      case "replaceString": {
        const strings = all.filter((p) => typeof parentOf(c, p)?.[p[p.length - 1]] === "string");
        if (strings.length === 0 || typeof parent[key] !== "string") break;
        const from = strings[m.with % strings.length];
        parent[key] = parentOf(c, from)![from[from.length - 1]];
        break;
      }
      case "renameKey": {
        if (Array.isArray(parent)) break;
        const value = parent[key];
        delete parent[key];
        parent[BAD_KEYS[m.pick % BAD_KEYS.length]] = value;
        break;
      }
      case "hostile": {
        if (typeof parent[key] !== "string") break;
        const pool =
          m.kind === "shell"
            ? shellPayloads(canary)
            : m.kind === "tf"
              ? TF_PAYLOADS
              : m.kind === "unicode"
                ? UNICODE
                : ["x".repeat(100_000), "a1+.-".repeat(40_000)];
        const p = pool[m.pick % pool.length];
        parent[key] = m.append ? `${parent[key] as string}${p}` : p;
        break;
      }
    }
  }
  return c;
}

/**
 * Text-level damage: truncation at a fraction of the text, a line said twice, a YAML tag
 * before a value, a key that is not text (`~:`) beside a line, a lone surrogate.
 */
export type TextDamage =
  | { kind: "none" }
  | { kind: "truncate"; at: number }
  | { kind: "duplicateLine"; at: number }
  | { kind: "tag"; at: number; tag: number }
  | { kind: "nullKey"; at: number }
  | { kind: "surrogate"; at: number; escaped: boolean };
const TAGS = ["!!int", "!!str", "!!float", "!!binary", "!secret", "!<tag:x>"];
export const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: "none" as const }) },
  fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant("duplicateLine" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("tag" as const), at: fc.nat(), tag: fc.nat() }),
  fc.record({ kind: fc.constant("nullKey" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("surrogate" as const), at: fc.nat(), escaped: fc.boolean() }),
);

export function render(catalog: Record<string, unknown>, damage: TextDamage): string {
  const text = stringify(catalog, { lineWidth: 0 });
  if (damage.kind === "truncate") return text.slice(0, Math.floor(text.length * damage.at));
  const lines = text.split("\n");
  const i = (damage.kind === "none" ? 0 : damage.at) % lines.length;
  switch (damage.kind) {
    case "duplicateLine":
      lines.splice(i, 0, lines[i]);
      return lines.join("\n");
    case "tag":
      lines[i] = lines[i].replace(/: (?=\S)/, `: ${TAGS[damage.tag % TAGS.length]} `);
      return lines.join("\n");
    case "nullKey":
      lines.splice(i, 0, `${/^[ -]*/.exec(lines[i])![0].replace(/-/g, " ")}~: 1`);
      return lines.join("\n");
    case "surrogate":
      // In a double-quoted value as an escape, or as a raw lone surrogate anywhere.
      lines[i] = damage.escaped ? lines[i].replace(/: \S.*$/, ': "x\\ud800"') : `${lines[i]}\ud800`;
      return lines.join("\n");
    default:
      return text;
  }
}

/** A secret of one shape, and the part of it that must never be printed. */
export interface PlantedSecret {
  readonly text: string;
  readonly core: string;
}

/** Secrets of every shape GOV-025 knows, each with a fresh core. */
export const secretArb: fc.Arbitrary<PlantedSecret> = fc
  .tuple(fc.nat(5), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{11,20}$/), fc.stringMatching(/^[A-Z0-9]{16}$/))
  .map(([kind, core, key]) => {
    switch (kind) {
      case 0:
        return { text: `AKIA${key}`, core: key };
      case 1:
        return { text: `-----BEGIN RSA PRIVATE KEY-----\nMIIE${core}\n-----END RSA PRIVATE KEY-----`, core };
      case 2:
        return { text: `https://deploy:${core}@git.example.com/repo`, core };
      case 3:
        return { text: `https://hooks.slack.com/services/T0AAAA/B0BBBB/${core}`, core };
      case 4:
        return { text: `mysql -uroot -p${core} -e 'select 1'`, core };
      default:
        return { text: `Authorization: Bearer ${core}`, core };
    }
  });

/** Where a secret goes: instead of a string value, inside one, or as a mapping's key. */
export type Plant = { how: "replace" | "embed" | "key"; at: number };
export const plantArb: fc.Arbitrary<Plant> = fc.record({
  how: fc.constantFrom("replace" as const, "embed" as const, "key" as const),
  at: fc.nat(),
});

/** Puts `secret` into a copy of `seed` at one string value or key; returns the copy and the path used. */
export function plantSecret(
  seed: Record<string, unknown>,
  secret: PlantedSecret,
  plant: Plant,
): { catalog: Record<string, unknown>; path: Path } {
  const c = structuredClone(seed);
  const all = paths(c);
  const candidates =
    plant.how === "key"
      ? all.filter((p) => typeof p[p.length - 1] === "string")
      : all.filter((p) => typeof parentOf(c, p)?.[p[p.length - 1]] === "string");
  const path = candidates[plant.at % candidates.length];
  const parent = parentOf(c, path)!;
  const key = path[path.length - 1];
  if (plant.how === "key") {
    const value = parent[key];
    delete parent[key];
    parent[secret.text] = value;
  } else {
    parent[key] = plant.how === "replace" ? secret.text : `${parent[key] as string} ${secret.text} end`;
  }
  return { catalog: c, path };
}
