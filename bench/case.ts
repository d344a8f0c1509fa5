/**
 * One benchmark case, run in a fresh process by bench/run.ts (compiled first, so that it runs
 * the same plain JavaScript as `backup-gov synth`, with no TypeScript loader in the way).
 * Prints one JSON line; asserts nothing.
 *
 *   case.js ours <catalog.yaml> <outdir>
 *   case.js floor <outdir> deep|refs|refs-nostack|barrel
 *
 * `ours` runs synthesizeCatalog and splits its time by wrapping the entry points of each
 * phase: validation, the artifact renderers, cdktf's App.synth, and the artifact writes; the
 * stacks' share is what is left (building the constructs) plus App.synth.
 *
 * `floor` rebuilds every resource `ours` wrote, straight with cdktf: the generated provider
 * classes (or the Proxmox bindings), the same attributes, no constructs, no catalog, no
 * artifacts. It is what the same Terraform costs with nothing of this library in between.
 * `deep` passes references as literal `${...}` text (no tokens at all: a lower bound);
 * `refs` passes them as cdktf reference tokens, as hand-written stack code does;
 * `refs-nostack` is `refs` with token creation stacks off, as synthesizeCatalog runs; `barrel`
 * is `deep` with the provider loaded through its barrel.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [, , mode, a1, a2] = process.argv;
const t0 = performance.now();
const phases = new Map<string, number>();
const cpuPhases = new Map<string, number>();
const depth = new Map<string, number>();

/** CPU time of this process (all threads, user + system) in ms: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wraps `obj[name]` so that its time adds to `phase` (outermost calls only). */
function timed(obj: Record<string, unknown>, name: string, phase: string): void {
  const original = obj[name] as (...args: unknown[]) => unknown;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    const d = depth.get(phase) ?? 0;
    depth.set(phase, d + 1);
    const start = performance.now();
    const cpu = cpuMs();
    try {
      return original.apply(this, args);
    } finally {
      depth.set(phase, d);
      if (d === 0) {
        phases.set(phase, (phases.get(phase) ?? 0) + performance.now() - start);
        cpuPhases.set(phase, (cpuPhases.get(phase) ?? 0) + cpuMs() - cpu);
      }
    }
  };
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function filesUnder(dir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = filesUnder(p);
      count += sub.count;
      bytes += sub.bytes;
    } else {
      count++;
      bytes += statSync(p).size;
    }
  }
  return { count, bytes };
}

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type TfJson = {
  provider?: Record<string, Array<Record<string, unknown>>>;
  resource?: Blocks;
  data?: Blocks;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
};

function stackJson(outdir: string): Array<{ name: string; json: TfJson }> {
  const dir = join(outdir, "stacks");
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(dir, name, "cdk.tf.json"), "utf8")) as TfJson }));
}

function resourceCount(json: TfJson): number {
  return Object.values(json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
}

/** Resources, data sources, outputs and variables: what cdktf resolves and writes. */
function elementCount(json: TfJson): number {
  const blocks = (b?: Blocks) => Object.values(b ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
  return (
    blocks(json.resource) +
    blocks(json.data) +
    Object.keys(json.output ?? {}).length +
    Object.keys(json.variable ?? {}).length
  );
}

function ours(catalog: string, outdir: string): void {
  const lib = join(__dirname, "..", "lib");
  /* eslint-disable @typescript-eslint/no-require-imports */
  const validate = require(join(lib, "governance", "validate"));
  const cdk = require(join(lib, "core", "cdk"));
  const artifact = require(join(lib, "artifacts", "artifact"));
  const documents = require(join(lib, "artifacts", "documents"));
  const prometheus = require(join(lib, "artifacts", "prometheus"));
  const grafana = require(join(lib, "artifacts", "grafana"));
  const hook = require(join(lib, "artifacts", "vzdump-hook"));
  const appBackup = require(join(lib, "constructs", "app-backup"));
  const { synthesizeCatalog } = require(join(lib, "estate", "synth"));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loaded = performance.now();
  timed(validate, "validateCatalogFile", "validate");
  timed(cdk.App.prototype, "synth", "cdktf synth");
  timed(artifact.ArtifactSet.prototype, "writeTo", "write");
  timed(documents, "renderDocuments", "render");
  for (const f of ["renderAlertRules", "renderRuleTests", "renderAbsenceTests", "renderAlertmanagerExample"])
    timed(prometheus, f, "render");
  timed(grafana, "renderDashboard", "render");
  timed(hook, "renderVzdumpHook", "render");
  timed(hook, "renderHeartbeatEnvExample", "render");
  timed(appBackup.AppBackup, "hostBundle", "render");
  const start = performance.now();
  const startCpu = cpuMs();
  const result = synthesizeCatalog(catalog, outdir);
  const total = performance.now() - start;
  const totalCpu = cpuMs() - startCpu;
  if (!result.report.ok) throw new Error(`the bench catalog ${catalog} does not validate`);
  const p = (k: string) => phases.get(k) ?? 0;
  const constructs = total - p("validate") - p("render") - p("cdktf synth") - p("write");
  const c = (k: string) => cpuPhases.get(k) ?? 0;
  const constructsCpu = totalCpu - c("validate") - c("render") - c("cdktf synth") - c("write");
  const artifacts = filesUnder(join(outdir, "artifacts"));
  const stacks = stackJson(outdir).map((s) => ({
    name: s.name,
    resources: resourceCount(s.json),
    elements: elementCount(s.json),
  }));
  print({
    loadMs: loaded - t0,
    validateMs: p("validate"),
    synthMs: total - p("validate"),
    stacksMs: constructs + p("cdktf synth"),
    constructsMs: constructs,
    cdktfSynthMs: p("cdktf synth"),
    artifactsMs: p("render") + p("write"),
    renderMs: p("render"),
    writeMs: p("write"),
    cpu: {
      validateMs: c("validate"),
      synthMs: totalCpu - c("validate"),
      stacksMs: constructsCpu + c("cdktf synth"),
      artifactsMs: c("render") + c("write"),
      renderMs: c("render"),
      writeMs: c("write"),
    },
    peakRssMiB: peakRssMiB(),
    stacks,
    artifactCount: artifacts.count,
    artifactBytes: artifacts.bytes,
  });
}

/** Turns an interpolation such as `${aws_kms_key.Key.arn}` into a token, as an attribute getter would; null for literals. */
type Referencer = ((text: string) => string) | null;

/**
 * snake_case keys to the camelCase config of the generated classes; map keys (tags) stay as
 * they are. With a referencer, every `${type.name.attr}` in a string becomes a cdktf
 * reference token, as in stack code that passes `key.arn` around.
 */
function camel(value: unknown, refs: Referencer, key = ""): unknown {
  if (typeof value === "string") return refs && value.includes("${") ? refs(value) : value;
  if (Array.isArray(value)) return value.map((v) => camel(v, refs));
  if (value === null || typeof value !== "object") return value;
  if (key === "tags" || key === "tags_all" || key === "variables") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      camel(v, refs, k),
    ]),
  );
}

/** Interpolations of resources, data sources and variables (not IAM policy variables such as `${aws:username}`). */
const INTERPOLATION =
  /\$\{((?:data\.)?(?:aws|proxmox)_[a-z0-9_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_.[\]"*-]+|var\.[A-Za-z0-9_]+)\}/g;

function floor(outdir: string, variant: string): void {
  const stacks = stackJson(outdir);
  const total = stacks.reduce((n, s) => n + resourceCount(s.json), 0);
  const elements = stacks.reduce((n, s) => n + elementCount(s.json), 0);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require(join(__dirname, "..", "lib", "core", "cdk"));
  // `ref` (what attribute getters return) is not re-exported by lib/core/cdk.ts: the floor is plain cdktf.
  const cdktf = require("cdktf");
  const proxmox = require(join(__dirname, "..", "lib", "providers", "proxmox"));
  type Cls = { new (scope: unknown, id: string, config: unknown): unknown; tfResourceType?: string };
  const classes = new Map<string, Cls>();
  const dataClasses = new Map<string, Cls>();
  const register = (mod: Record<string, unknown>) => {
    for (const v of Object.values(mod)) {
      const c = v as Cls;
      if (typeof c === "function" && typeof c.tfResourceType === "string")
        (c.name.startsWith("Data") ? dataClasses : classes).set(c.tfResourceType, c);
    }
  };
  register(proxmox);
  const types = new Set(
    stacks.flatMap((s) => [...Object.keys(s.json.resource ?? {}), ...Object.keys(s.json.provider ?? {})]),
  );
  const dataTypes = new Set(stacks.flatMap((s) => Object.keys(s.json.data ?? {})));
  const awsModules: string[] = [];
  if (variant === "barrel") {
    // The barrel: every resource of the AWS provider loaded, as `import { s3Bucket } from "@cdktf/provider-aws"` does.
    const barrel = require("@cdktf/provider-aws");
    for (const ns of Object.values(barrel)) register(ns as Record<string, unknown>);
  } else {
    for (const t of types) {
      if (!t.startsWith("aws")) continue;
      const path = t === "aws" ? "provider" : t.slice(4).replace(/_/g, "-");
      awsModules.push(path);
      register(require(`@cdktf/provider-aws/lib/${path}`));
    }
    for (const t of dataTypes) register(require(`@cdktf/provider-aws/lib/data-${t.replace(/_/g, "-")}`));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loaded = performance.now();
  const loadedCpu = cpuMs();
  // refs-nostack: the same switch synthesizeCatalog uses (lib/core/cdk.ts withoutTokenStackTraces), for a like-for-like floor.
  const previousFormatter = Error.prepareStackTrace;
  if (variant === "refs-nostack")
    Error.prepareStackTrace = (target, frames) =>
      target instanceof Error ? `${String(target)}\n${frames.join("\n")}` : "";
  const app = new cdk.App({ outdir: `${outdir}-floor-${variant}` });
  for (const s of stacks) {
    const stack = new cdk.TerraformStack(app, s.name);
    const refs: Referencer = variant.startsWith("refs")
      ? (text) =>
          text.replace(INTERPOLATION, (_, expression: string) => cdktf.Token.asString(cdktf.ref(expression, stack)))
      : null;
    const providers = new Map<string, unknown>();
    for (const [type, list] of Object.entries(s.json.provider ?? {})) {
      const cls = classes.get(type) ?? (type === "aws" ? classes.get("aws") : undefined);
      for (const [i, cfg] of list.entries()) {
        const ProviderClass = cls ?? proxmox.ProxmoxProvider;
        // The token is a variable reference in the stack; the floor builds no variables, and the binding refuses a literal.
        const { api_token: _t, ...config } = cfg;
        const p = new ProviderClass(stack, `${type}-${i}`, camel(config, refs));
        providers.set(cfg.alias ? `${type}.${String(cfg.alias)}` : type, p);
      }
    }
    for (const [type, byName] of Object.entries(s.json.resource ?? {})) {
      const cls = classes.get(type);
      if (!cls) throw new Error(`floor: no class for ${type}`);
      for (const [name, cfg] of Object.entries(byName)) {
        const { provider, depends_on: _d, "//": _m, ...rest } = cfg as Record<string, unknown>;
        new cls(stack, name, {
          ...(camel(rest, refs) as object),
          provider: provider ? providers.get(String(provider)) : undefined,
        });
      }
    }
    for (const [type, byName] of Object.entries(s.json.data ?? {})) {
      const cls = dataClasses.get(type);
      if (!cls) throw new Error(`floor: no class for data ${type}`);
      for (const [name, cfg] of Object.entries(byName)) {
        const { provider, depends_on: _d, "//": _m, ...rest } = cfg as Record<string, unknown>;
        new cls(stack, name, {
          ...(camel(rest, refs) as object),
          provider: provider ? providers.get(String(provider)) : undefined,
        });
      }
    }
    for (const [name, cfg] of Object.entries(s.json.variable ?? {}))
      new cdk.TerraformVariable(stack, name, {
        type: cfg.type,
        description: cfg.description,
        sensitive: cfg.sensitive,
      });
    for (const [name, cfg] of Object.entries(s.json.output ?? {}))
      new cdk.TerraformOutput(stack, name, {
        value: camel(cfg.value, refs),
        description: cfg.description,
        sensitive: cfg.sensitive,
      });
  }
  const built = performance.now();
  app.synth();
  const done = performance.now();
  Error.prepareStackTrace = previousFormatter;
  print({
    variant,
    resources: total,
    elements,
    cpuMs: cpuMs() - loadedCpu,
    totalCpuMs: cpuMs(),
    loadMs: loaded - t0,
    buildMs: built - loaded,
    cdktfSynthMs: done - built,
    totalMs: done - t0,
    peakRssMiB: peakRssMiB(),
  });
}

function print(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + "\n");
}

if (mode === "ours") ours(a1, a2);
else if (mode === "floor") floor(a1, a2 ?? "deep");
else throw new Error("usage: case.js ours <catalog> <outdir> | floor <outdir> deep|barrel");
