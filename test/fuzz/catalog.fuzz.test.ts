/**
 * Property-based fuzzing of the loader, the rules and synth on mutations of the project's
 * own catalogs (test/fuzz/mutations.ts). About 2,000 cases run in `npm test`;
 * `npm run fuzz` runs ten times as many (FUZZ_SCALE=10). A failure prints fast-check's seed
 * and the shrunk counterexample: re-run it with FUZZ_SEED=<seed>. `npm test` runs a fixed seed (test/fuzz/seed.ts).
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { formatFinding } from "../../lib/core/finding";
import { BackupGovError } from "../../lib/errors";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { Patterns } from "../../lib/catalog/schema/common";
import { validateCatalogText } from "../../lib/governance/validate";
import { findingToJson } from "../../lib/core/finding";
import {
  type Mutation,
  mutate,
  mutationArb,
  paths,
  plantArb,
  plantSecret,
  render,
  secretArb,
  SEEDS,
  textDamageArb,
} from "./mutations";
import { FUZZ_SCALE, fuzzSeed } from "./seed";

const SCALE = FUZZ_SCALE;
const SEED = fuzzSeed();
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED, endOnFailure: true });
jest.setTimeout(600_000 * Math.max(1, SCALE));

const TMP = join(__dirname, "..", "..", ".tmp", "fuzz");
mkdirSync(TMP, { recursive: true });
const seedArb = fc.nat(SEEDS.length - 1).map((i) => SEEDS[i]);

/** Every file under `dir`, relative. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? files(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`],
  );
}

describe("fuzz: the loader and the rules on mutated catalogs", () => {
  it("throw nothing, and every finding has a rule id, a line:col inside the file and a one-line message", () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        textDamageArb,
        (seed, mutations, damage) => {
          const text = render(mutate(seed.value, mutations, "/nonexistent/canary"), damage);
          const report = validateCatalogText(text, "fuzz.yaml");
          const lines = text.split(/\r\n|\r|\n/).length;
          for (const f of report.findings) {
            expect(f.ruleId).toMatch(/^[A-Z]{3,5}-\d{3}$/);
            // GOV-000: a rule threw. Every bad input is a finding of its own rule.
            expect(f.ruleId).not.toBe("GOV-000");
            expect(f.position.line).toBeGreaterThanOrEqual(1);
            expect(f.position.line).toBeLessThanOrEqual(lines + 1);
            expect(f.position.column).toBeGreaterThanOrEqual(1);
            expect(f.message).not.toMatch(/[\n\r]/);
            // A key with a newline must never make a finding of its own.
            expect(f.ruleId).not.toBe("GOV-999");
            expect(formatFinding(f)).not.toMatch(/[\n\r]/);
          }
          if (!report.ok) expect(report.findings.some((f) => f.severity === "error")).toBe(true);
          // A tag, a key that is not text, a lone surrogate: never read as if it were not there.
          if (
            (damage.kind === "tag" || damage.kind === "nullKey" || damage.kind === "surrogate") &&
            text !== render(mutate(seed.value, mutations, "/nonexistent/canary"), { kind: "none" })
          ) {
            expect(report.ok).toBe(false);
          }
        },
      ),
      runs(1750),
    );
  });
});

describe("fuzz: no catalog string that looks like a secret reaches a message or an output file", () => {
  // Seeds that validate clean: the planted secret alone must make validate refuse.
  const clean = SEEDS.filter((s) => validateCatalogText(stringify(s.value, { lineWidth: 0 }), "seed.yaml").ok);
  it("every seed but none is clean (the property needs clean seeds)", () => {
    expect(clean.map((s) => s.name)).toEqual(SEEDS.map((s) => s.name));
  });
  it("a secret in any value or key, of any section: validate refuses, synth writes nothing, and no finding repeats it", () => {
    let planted = 0;
    fc.assert(
      fc.property(fc.nat(clean.length - 1), secretArb, plantArb, (seedIndex, secret, plant) => {
        const { catalog, path } = plantSecret(clean[seedIndex].value, secret, plant);
        const text = stringify(catalog, { lineWidth: 0 });
        const report = validateCatalogText(text, "fuzz.yaml");
        const said = report.findings.map((f) => `${formatFinding(f)} ${JSON.stringify(findingToJson(f))}`).join("\n");
        const where = `${plant.how} at ${path.join(".")}`;
        expect({ where, ok: report.ok }).toEqual({ where, ok: false });
        expect({ where, leaked: said.includes(secret.core) }).toEqual({ where, leaked: false });
        const dir = mkdtempSync(join(TMP, "secret-"));
        try {
          writeFileSync(join(dir, "c.yaml"), text);
          let result: ReturnType<typeof synthesizeCatalog> | undefined;
          try {
            result = synthesizeCatalog(join(dir, "c.yaml"), join(dir, "out"));
          } catch (e) {
            expect((e as Error).message).not.toContain(secret.core);
          }
          expect(result?.stacks ?? []).toEqual([]);
          expect(existsSync(join(dir, "out"))).toBe(false);
          planted++;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      runs(300),
    );
    expect(planted).toBeGreaterThan(0);
  });
});

/** Mutations that keep a catalog plausible, so that many cases validate and reach synth. */
const gentleArb: fc.Arbitrary<Mutation> = mutationArb.filter((m) =>
  m.op === "duplicateService"
    ? m.renameId
    : m.op === "hostile"
      ? m.append && m.kind !== "huge"
      : m.op === "replaceString" || m.op === "swap",
);

/** Synthesizes catalog text that validate accepted, into `dir/out`; a throw fails the property with what was accepted. */
function synthesizeAccepted(dir: string, text: string, accepted: string) {
  writeFileSync(join(dir, "c.yaml"), text);
  try {
    return synthesizeCatalog(join(dir, "c.yaml"), join(dir, "out"));
  } catch (e) {
    throw new Error(
      `validate accepted ${accepted}, synth threw ${e instanceof BackupGovError ? e.message : (e as Error).stack}`,
    );
  }
}

describe("fuzz: whatever validate accepts, synth builds", () => {
  it("synth succeeds, and the inventory lists every service of the catalog", () => {
    let synthesized = 0;
    fc.assert(
      fc.property(seedArb, fc.array(gentleArb, { minLength: 1, maxLength: 2 }), (seed, mutations) => {
        const catalog = mutate(seed.value, mutations, "/nonexistent/canary");
        const text = stringify(catalog, { lineWidth: 0 });
        if (!validateCatalogText(text, "fuzz.yaml").ok) return;
        const dir = mkdtempSync(join(TMP, "synth-"));
        try {
          const result = synthesizeAccepted(dir, text, "the catalog");
          expect(result.report.ok).toBe(true);
          synthesized++;
          const inventory = parse(readFileSync(join(dir, "out", "artifacts", "inventory.yaml"), "utf8")) as {
            services: Array<{ id: string }>;
          };
          expect(inventory.services.map((s) => s.id).sort()).toEqual(
            (catalog.services as Array<{ id: string }>).map((s) => s.id).sort(),
          );
          // Terraform payloads the mutations put into catalog text reach cdk.tf.json escaped only.
          for (const stack of result.stacks) {
            const json = readFileSync(join(dir, "out", "stacks", stack, "cdk.tf.json"), "utf8");
            expect(json).not.toMatch(/(^|[^$])\$\{upper\(\\"x\\"\)\}/);
            expect(json).not.toMatch(/(^|[^%])%\{if\(true\)\}/);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      runs(200),
    );
    // The property is about accepted catalogs: enough of them must have been built.
    expect(synthesized).toBeGreaterThan(Math.round(20 * SCALE));
  });
});

/** A host name the schema's hostname pattern accepts: 1-4 labels of 1-63 characters. */
const hostnameArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/), { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join("."))
  .filter((h) => h.length <= 253);
const endpointArb = fc
  .tuple(hostnameArb, fc.option(fc.integer({ min: 1, max: 65535 })), fc.option(fc.stringMatching(/^\/\S{0,40}$/)))
  .map(([h, port, path]) => `https://${h}${port === null ? "" : `:${port}`}${path ?? ""}`);

/** Catalog values the constructs check too, drawn from the schema's own patterns. */
const FIELDS: ReadonlyArray<{
  what: string;
  set: (c: Record<string, any>, v: string) => void;
  value: fc.Arbitrary<string>;
}> = [
  {
    what: "proxmox storage",
    set: (c, v) => (c.proxmox.hosts.pve.storage = v),
    value: fc.stringMatching(Patterns.pveStorageId),
  },
  {
    what: "proxmox endpoint",
    set: (c, v) => (c.proxmox.hosts.pve.endpoint = v),
    value: endpointArb.filter((u) => Patterns.httpsUrl.test(u)),
  },
  { what: "proxmox node", set: (c, v) => (c.proxmox.hosts.pve.node = v), value: hostnameArb },
  { what: "app.host", set: (c, v) => (c.services.find((s: any) => s.app?.host).app.host = v), value: hostnameArb },
  {
    what: "app.bandwidthLimit",
    set: (c, v) => (c.services.find((s: any) => s.app?.host).app.bandwidthLimit = v),
    value: fc.stringMatching(Patterns.bandwidth),
  },
  {
    what: "app.database",
    set: (c, v) => (c.services.find((s: any) => s.app?.database).app.database = v),
    value: fc.stringMatching(Patterns.database),
  },
  {
    what: "app.paths",
    set: (c, v) => (c.services.find((s: any) => s.app?.paths).app.paths = [v]),
    value: fc.stringMatching(Patterns.absolutePath),
  },
];

describe("fuzz: values drawn from the schema's patterns synthesize (schema and constructs agree)", () => {
  const seed = SEEDS.find((s) => s.name === "default")!;
  it.each(FIELDS.map((f) => [f.what, f] as const))("%s", (_what, field) => {
    let built = 0;
    fc.assert(
      fc.property(field.value, (value) => {
        const catalog = structuredClone(seed.value) as Record<string, any>;
        field.set(catalog, value);
        const text = stringify(catalog, { lineWidth: 0 });
        if (!validateCatalogText(text, "fuzz.yaml").ok) return;
        const dir = mkdtempSync(join(TMP, "field-"));
        try {
          const result = synthesizeAccepted(dir, text, JSON.stringify(value));
          expect(result.stacks.length).toBeGreaterThan(0);
          built++;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      runs(6),
    );
    expect(built).toBeGreaterThan(0);
  });
});

/**
 * Runs every generated script up to where it needs what this sandbox lacks (the repository
 * password): far enough for an unquoted catalog value to run. Scripts get a repository on a
 * local path, so nothing reaches the network.
 */
function runScripts(
  outDir: string,
  sandbox: string,
): Array<{ script: string; syntax: number | null; status: number | null; stderr: string }> {
  const hosts = join(outDir, "artifacts", "hosts");
  if (!existsSync(hosts)) return [];
  // A local repository path that does not exist and dummy credentials: nothing leaves the machine.
  writeFileSync(join(sandbox, "env"), "BACKUP_GOV_REPOSITORY=/nonexistent/repo\n");
  writeFileSync(
    join(sandbox, "aws-credentials"),
    "[default]\naws_access_key_id = none\naws_secret_access_key = none\n",
  );
  mkdirSync(join(sandbox, "textfiles"), { recursive: true });
  const out: Array<{ script: string; syntax: number | null; status: number | null; stderr: string }> = [];
  // The services' entry points; the runtime (hosts/_runtime/) is the library they load, not a script to run alone.
  for (const f of files(hosts).filter(
    (p) => p.endsWith(".sh") && !p.endsWith("install.sh") && !p.split("/").includes("_runtime"),
  )) {
    const script = join(hosts, f);
    const syntax = spawnSync("bash", ["-n", script], { encoding: "utf8" });
    if (syntax.status !== 0) {
      out.push({ script: f, syntax: syntax.status, status: null, stderr: syntax.stderr });
      continue;
    }
    // wal-archive.sh is PostgreSQL's archive_command: it takes the segment's path and name.
    const args = f.endsWith("wal-archive.sh")
      ? [join(sandbox, "000000010000000000000001"), "000000010000000000000001"]
      : [];
    if (args.length) writeFileSync(args[0], "wal");
    const run = spawnSync("bash", [script, ...args], {
      encoding: "utf8",
      timeout: 20_000,
      cwd: sandbox,
      env: {
        PATH: process.env.PATH,
        HOME: sandbox,
        BACKUP_GOV_ENV: join(sandbox, "env"),
        BACKUP_GOV_RUNTIME_DIR: join(hosts, "_runtime"),
        BACKUP_GOV_STATE_DIR: join(sandbox, "state"),
        BACKUP_GOV_CACHE_DIR: join(sandbox, "cache"),
        BACKUP_GOV_WORK_DIR: join(sandbox, "work"),
        BACKUP_GOV_PASSWORD_FILE: join(sandbox, "no-password"),
        BACKUP_GOV_TEXTFILE_DIR: join(sandbox, "textfiles"),
        AWS_SHARED_CREDENTIALS_FILE: join(sandbox, "aws-credentials"),
      },
    });
    out.push({ script: f, syntax: 0, status: run.status, stderr: run.stderr });
  }
  return out;
}

describe("fuzz: no generated script runs a payload", () => {
  const small = SEEDS.filter((s) => s.name === "small-office.yaml");
  it("the sandbox runs every script far enough to meet the catalog's values (the repository password's message)", () => {
    const sandbox = mkdtempSync(join(TMP, "canary-"));
    try {
      writeFileSync(join(sandbox, "c.yaml"), stringify(small[0].value));
      synthesizeCatalog(join(sandbox, "c.yaml"), join(sandbox, "out"));
      const ran = runScripts(join(sandbox, "out"), sandbox);
      const main = ran.filter((r) => /\/(backup|restore|verify)\.sh$/.test(r.script));
      expect(main.length).toBe(6);
      for (const r of main)
        expect({
          script: r.script,
          stderr: r.stderr.slice(-300),
          status: r.status,
          said: /repository password; fetch it from vault:kv\//.test(r.stderr),
        }).toEqual({ script: r.script, stderr: expect.anything(), status: 3, said: true });
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
  const shellArb: fc.Arbitrary<Mutation> = fc.record({
    op: fc.constant("hostile" as const),
    at: fc.nat(),
    kind: fc.constant("shell" as const),
    pick: fc.nat(),
    append: fc.constant(true),
  });
  const secretsOf = (c: Record<string, unknown>) =>
    paths(c).findIndex((p) => p.join(".") === "services.0.restore.secrets");

  // restore.secrets and the other catalog values reach the scripts only as quoted data (service.conf,
  // env: lib/core/escape/shell.ts); the scripts themselves are real shell files.
  it("the scripts parse (bash -n) and no payload's canary file appears after running them", () => {
    const seed = small[0];
    fc.assert(
      fc.property(fc.array(shellArb, { minLength: 1, maxLength: 4 }), (mutations) => {
        const sandbox = mkdtempSync(join(TMP, "canary-"));
        const canary = join(sandbox, "CANARY");
        try {
          const catalog = mutate(seed.value, mutations, canary);
          const text = stringify(catalog, { lineWidth: 0 });
          if (!validateCatalogText(text, "fuzz.yaml").ok) return;
          writeFileSync(join(sandbox, "c.yaml"), text);
          const result = synthesizeCatalog(join(sandbox, "c.yaml"), join(sandbox, "out"));
          const ran = runScripts(join(sandbox, "out"), sandbox);
          expect(ran.filter((r) => r.syntax !== 0)).toEqual([]);
          expect(result.stacks.length).toBeGreaterThan(0);
          expect(existsSync(canary)).toBe(false);
        } finally {
          rmSync(sandbox, { recursive: true, force: true });
        }
      }),
      // The reproduced injection first: a command substitution in restore.secrets.
      {
        ...runs(8),
        examples: [[[{ op: "hostile", at: secretsOf(seed.value), kind: "shell", pick: 0, append: true }]]],
      },
    );
  });
});
