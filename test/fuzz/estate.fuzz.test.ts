/**
 * Property-based fuzzing of what `status` and `drift` read from the estate: node_exporter
 * textfiles, Prometheus answers (a real HTTP server on 127.0.0.1), the lifecycle list and
 * Proxmox's not-backed-up answer. Every input is mutated from a valid one (hostile values,
 * huge or controlling labels, duplicates, truncation, binary) or drawn with a wrong shape.
 * The CLI runs in-process, exactly as `backup-gov` does. Properties, for every input:
 * - no uncaught exception (what bin.ts turns into exit 70): exit 0, 1 or 2;
 * - exit 2 only with a coded message (`XXX-nnn`) on stderr;
 * - bounded: every case finishes (a hang fails the case after HANG_MS, far above its normal time);
 * - no raw control, separator or bidi character in any printed line;
 * - `--format json` prints one JSON document, with one well-defined state per service.
 * 500 cases in `npm test`; `npm run fuzz` runs ten times as many (FUZZ_SCALE=10).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { loadCatalogFile } from "../../lib/catalog/load";
import { MetricSource, sourceEngine, watchedServices, FreshnessState } from "../../lib/policy/freshness";
import { effectivePolicies } from "../../lib/policy/effective";
import { textfileName, METRIC_LABELS, Metrics } from "../../lib/core/metrics";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG } from "../support/catalogs";
import { FUZZ_SCALE, fuzzSeed } from "./seed";

const SCALE = FUZZ_SCALE;
const SEED = fuzzSeed();
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED, endOnFailure: true });
jest.setTimeout(600_000 * Math.max(1, SCALE));

/** A case that takes this long hangs (a normal one takes milliseconds). */
const HANG_MS = 30_000;
const NOW = 1_800_000_000;
const TMP = join(__dirname, "..", "..", ".tmp", "fuzz");
mkdirSync(TMP, { recursive: true });

// A character a terminal acts on: C0/C1 controls but the line end, DEL, separators, bidi controls.
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const CODED = /\b[A-Z]{3,5}-\d{3}\b/;

const catalog = loadCatalogFile(DEFAULT_CATALOG).catalog!;
const watched = watchedServices(effectivePolicies(catalog), catalog);
const serviceIds = catalog.services.map((s) => s.id);

/** Runs the CLI in-process, failing the case if it does not finish within HANG_MS. */
async function bounded(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`backup-gov ${args.join(" ")} did not finish within ${HANG_MS} ms`)),
      HANG_MS,
    );
  });
  try {
    return await Promise.race([cli(...args), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The properties every run shares; `what` names the input in a failure. */
function expectWellBehaved(what: string, r: { code: number; out: string; err: string }): void {
  expect({ what, code: [0, 1, 2].includes(r.code) }).toEqual({ what, code: true });
  for (const line of `${r.out}${r.err}`.split("\n")) {
    const m = ACTIVE.exec(line);
    expect({ what, line, control: m ? m[0].codePointAt(0) : null }).toEqual({ what, line, control: null });
  }
  if (r.code === 2) expect({ what, err: r.err, coded: CODED.test(r.err) }).toEqual({ what, err: r.err, coded: true });
  expect(r.err).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/); // no stack trace
}

const STATES = new Set<string>(Object.values(FreshnessState));

function expectWellDefinedJson(what: string, r: { code: number; out: string }): void {
  if (r.code === 2) return;
  const doc = JSON.parse(r.out) as { services: Array<{ service: string; state: string }> };
  expect(doc.services.map((s) => s.service).sort()).toEqual([...serviceIds].sort());
  for (const s of doc.services)
    expect({ what, state: s.state, known: STATES.has(s.state) }).toEqual({ what, state: s.state, known: true });
}

// ---------------------------------------------------------------- hostile text pieces

/** Text a writer (or an attacker who can write the folder) could put in a label or a name. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "\u001b[2J\u001b]0;owned\u0007",
    "x\ny",
    "a\rb",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "\u2028\u2029",
    "\u0085\u009b31m",
    "\\e[0m",
    "\u0000",
    "\ud800",
    "🙂",
    "vaultwarden",
  ),
  fc.nat(5).map((k) => "A".repeat(10 ** k)),
);

/** Values a gauge can be given: Prometheus' spellings, huge, tiny, negative, not numbers. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    "9e15",
    "+Inf",
    "-Inf",
    "Inf",
    "NaN",
    "-1e300",
    "1e300",
    "-1",
    "0",
    "1e-300",
    "0x10",
    "1_800_000_000",
    "",
    " ",
    "1.8e9",
    "１８",
    "--1",
    "1e",
    "nan",
    "true",
  ),
  fc.double().map(String),
  fc.integer({ min: NOW - 10 * 86400, max: NOW + 10 * 86400 }).map(String),
  hostileText,
);

// ---------------------------------------------------------------- textfiles

/** Every watched source's textfile, fresh: the valid folder the mutations start from. */
function validTextfiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const w of watched) {
    for (const source of w.sources) {
      const engine = sourceEngine(w.policy, source);
      const kind = source === MetricSource.APP ? "backup" : "vzdump";
      const l: Record<string, string> = { service: w.policy.service.id, engine, target: "s3" };
      const labels = METRIC_LABELS.map((k) => `${k}="${l[k]}"`).join(",");
      const gauge = (name: string, v: number) =>
        `# HELP ${name} backup metric\n# TYPE ${name} gauge\n${name}{${labels}} ${v}\n`;
      files.set(
        textfileName(w.policy.service.id, kind),
        gauge(Metrics.lastSuccess, NOW - 600) +
          gauge(Metrics.lastRun, NOW - 600) +
          gauge(Metrics.lastRunSuccess, 1) +
          gauge(Metrics.duration, 42),
      );
    }
  }
  return files;
}
const VALID = validTextfiles();
const FILE_NAMES = [...VALID.keys()].sort();

type TextfileMutation =
  | { kind: "value"; file: number; line: number; value: string }
  | { kind: "label"; file: number; line: number; name: string; value: string }
  | { kind: "insert"; file: number; offset: number; text: string }
  | { kind: "duplicate"; file: number; line: number; into: number }
  | { kind: "truncate"; file: number; at: number }
  | { kind: "binary"; file: number; bytes: Uint8Array }
  | { kind: "extra"; name: string; text: string }
  | { kind: "delete"; file: number };

const textfileMutationArb: fc.Arbitrary<TextfileMutation> = fc.oneof(
  fc.record({ kind: fc.constant("value" as const), file: fc.nat(), line: fc.nat(), value: hostileValue }),
  fc.record({
    kind: fc.constant("label" as const),
    file: fc.nat(),
    line: fc.nat(),
    name: fc.oneof(fc.constantFrom(...METRIC_LABELS), fc.stringMatching(/^[a-z_]{1,8}$/)),
    value: hostileText,
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    file: fc.nat(),
    offset: fc.nat(),
    text: fc.oneof(
      hostileText,
      fc.constantFrom(
        "{",
        "}",
        '"',
        "\n",
        "# TYPE x counter\n",
        "backup_last_success_timestamp_seconds 1\n",
        'backup_last_success_timestamp_seconds{service="vaultwarden"} 1 2 3\n',
      ),
    ),
  }),
  fc.record({ kind: fc.constant("duplicate" as const), file: fc.nat(), line: fc.nat(), into: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), file: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant("binary" as const), file: fc.nat(), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({
    kind: fc.constant("extra" as const),
    name: fc.oneof(
      fc.constantFrom("x.prom", "backup_evil.prom", ".hidden.prom", "a\nb.prom", "\u001b[2J.prom"),
      fc.stringMatching(/^[a-z]{1,6}\.prom$/),
    ),
    text: fc.oneof(hostileText, fc.constant(FILE_NAMES.length ? VALID.get(FILE_NAMES[0])! : "")),
  }),
  fc.record({ kind: fc.constant("delete" as const), file: fc.nat() }),
);

function applyTextfile(files: Map<string, string | Uint8Array>, m: TextfileMutation): void {
  const pick = (i: number) => FILE_NAMES[i % FILE_NAMES.length];
  const text = (name: string) => {
    const v = files.get(name);
    return typeof v === "string" ? v : v === undefined ? "" : Buffer.from(v).toString("latin1");
  };
  const sampleLines = (t: string) =>
    t
      .split("\n")
      .map((l, i) => [l, i] as const)
      .filter(([l]) => l && !l.startsWith("#"));
  switch (m.kind) {
    case "value":
    case "label": {
      const name = pick(m.file);
      const lines = text(name).split("\n");
      const samples = sampleLines(text(name));
      if (!samples.length) return;
      const [line, i] = samples[m.line % samples.length];
      lines[i] =
        m.kind === "value"
          ? line.replace(/ [^ ]*$/, ` ${m.value}`)
          : // A label value as the format writes it: backslash, quote and newline escaped; the rest raw.
            line.replace(
              /\}/,
              `,${m.name}="${m.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"}`,
            );
      files.set(name, lines.join("\n"));
      return;
    }
    case "insert": {
      const name = pick(m.file);
      const t = text(name);
      const at = m.offset % (t.length + 1);
      files.set(name, t.slice(0, at) + m.text + t.slice(at));
      return;
    }
    case "duplicate": {
      const from = text(pick(m.file));
      const samples = sampleLines(from);
      if (!samples.length) return;
      const into = pick(m.into);
      files.set(into, text(into) + samples[m.line % samples.length][0] + "\n");
      return;
    }
    case "truncate": {
      const name = pick(m.file);
      const t = text(name);
      files.set(name, t.slice(0, m.at % (t.length + 1)));
      return;
    }
    case "binary":
      files.set(pick(m.file), m.bytes);
      return;
    case "extra":
      files.set(m.name, m.text);
      return;
    case "delete":
      files.delete(pick(m.file));
      return;
  }
}

describe("fuzz: status on hostile node_exporter textfiles", () => {
  it("exit 0, 1 or 2 (coded), bounded, every line free of control characters, a known state for every service", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(textfileMutationArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (mutations, json) => {
          const files = new Map<string, string | Uint8Array>(VALID);
          for (const m of mutations) applyTextfile(files, m);
          const dir = mkdtempSync(join(TMP, "textfiles-"));
          for (const [name, content] of files) {
            // A name the file system refuses is no input status can meet.
            if (name.includes("/") || name.includes("\u0000")) continue;
            writeFileSync(join(dir, name), content);
          }
          const what = JSON.stringify(mutations).slice(0, 2000);
          const r = await bounded(
            "status",
            DEFAULT_CATALOG,
            "--metrics-dir",
            dir,
            "--now",
            String(NOW),
            ...(json ? ["--format", "json"] : []),
          );
          expectWellBehaved(what, r);
          // A textfile folder that exists always gives a table: a broken file is a warning, not a refusal.
          expect({ what, code: r.code }).not.toEqual({ what, code: 2 });
          if (json) expectWellDefinedJson(what, r);
          n++;
        },
      ),
      runs(200),
    );
    expect(n).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- Prometheus answers

type Answer = { status: number; body: string | Buffer; hang?: boolean };

const labelsArb = fc.dictionary(
  fc.oneof(fc.constantFrom("service", "engine", "target"), fc.string({ maxLength: 6 })),
  fc.oneof(fc.constantFrom(...serviceIds), hostileText, fc.integer() as fc.Arbitrary<unknown> as fc.Arbitrary<string>),
  { maxKeys: 4 },
);
const rowArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ metric: labelsArb, value: fc.tuple(fc.double(), hostileValue) }),
  fc.record({
    metric: fc.record({
      service: fc.constantFrom(...serviceIds),
      engine: fc.constantFrom("vzdump", "postgresql", "restic"),
    }),
    value: fc.tuple(fc.constant(NOW), hostileValue),
  }),
  fc.record({ metric: labelsArb, values: fc.array(fc.tuple(fc.double(), hostileValue), { maxLength: 3 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      status: fc.constantFrom(200, 200, 200, 400, 500, 503),
      body: fc
        .record(
          {
            status: fc.constantFrom("success", "error", 1),
            data: fc.record(
              {
                resultType: fc.constantFrom("vector", "matrix", "scalar", "string", null),
                result: fc.oneof(fc.array(rowArb, { maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
              },
              { requiredKeys: [] },
            ),
            error: hostileText,
          },
          { requiredKeys: ["status"] },
        )
        .map((b) => JSON.stringify(b)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      status: fc.constantFrom(200, 404, 500),
      body: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      status: fc.constant(200),
      body: fc.oneof(
        hostileText,
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(rowArb, { maxLength: 5 }), fc.nat()).map(([rows, at]) => {
      const full = JSON.stringify({ status: "success", data: { resultType: "vector", result: rows } });
      return { status: 200, body: full.slice(0, at % (full.length + 1)) };
    }),
  },
  { weight: 1, arbitrary: fc.constant({ status: 200, body: "", hang: true }) },
);

describe("fuzz: status on hostile Prometheus answers (a server on 127.0.0.1)", () => {
  let server: Server;
  let base = "";
  let answers: Answer[] = [];
  let asked = 0;
  const open = new Set<import("node:net").Socket>();
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const a = answers[asked++ % Math.max(1, answers.length)] ?? { status: 500, body: "" };
      if (a.hang) return; // never answers: the client's --timeout must end it
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(a.body);
    });
    server.on("connection", (s) => {
      open.add(s);
      s.on("close", () => open.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("exit 0, 1 or 2 (coded), bounded, every line free of control characters, a known state for every service", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answerArb, { minLength: 2, maxLength: 2 }), fc.boolean(), async (given, json) => {
        answers = given;
        asked = 0;
        const what = JSON.stringify(given.map((a) => ({ ...a, body: String(a.body).slice(0, 300) })));
        const r = await bounded(
          "status",
          DEFAULT_CATALOG,
          "--prometheus",
          base,
          "--timeout",
          "0.5",
          "--now",
          String(NOW),
          ...(json ? ["--format", "json"] : []),
        );
        expectWellBehaved(what, r);
        if (json) expectWellDefinedJson(what, r);
        // A server that does not answer, or answers no instant vector, is refused with MON-004.
        if (given.some((a) => a.hang)) expect(r.code).toBe(2);
        if (r.code === 2) expect(r.err).toMatch(/MON-004/);
      }),
      runs(100),
    );
  });
});

// ---------------------------------------------------------------- drift inputs

const vmidArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 100, max: 999999999 }),
  fc.constantFrom(
    0,
    -5,
    99,
    1e9,
    1e23,
    100.5,
    Number.MAX_SAFE_INTEGER,
    "101",
    "0101",
    "1e3",
    " 101",
    "",
    "abc",
    null,
    true,
  ),
  ...catalog.services.filter((s) => s.vm).map((s) => fc.constant(s.vm!.vmid)),
  fc.double(),
);
const guestArb = fc.record(
  {
    vmid: vmidArb,
    type: fc.oneof(fc.constantFrom("qemu", "lxc"), hostileText),
    name: fc.oneof(hostileText, fc.jsonValue({ maxDepth: 1 })),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ["vmid"] },
);
const notBackedUpArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: fc.array(guestArb, { maxLength: 6 }).map((data) => JSON.stringify({ data })) },
  { weight: 2, arbitrary: fc.array(guestArb, { maxLength: 6 }).map((data) => JSON.stringify(data)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "") },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(guestArb, { maxLength: 4 }), fc.nat())
      .map(([d, at]) => JSON.stringify({ data: d }).slice(0, at)),
  },
  { weight: 1, arbitrary: fc.oneof(hostileText, fc.uint8Array({ maxLength: 300 })) },
);
const hostArb = fc.oneof(fc.constantFrom(...Object.keys(catalog.proxmox?.hosts ?? { pve: 1 })), hostileText);
const lifecycleGuestArb = fc.record(
  {
    service: fc.oneof(fc.constantFrom(...serviceIds), hostileText),
    host: hostArb,
    vmid: vmidArb,
    state: fc.oneof(fc.constantFrom("active", "decommissioned"), hostileText),
    name: hostileText,
    note: hostileText,
  },
  { requiredKeys: ["host", "vmid", "state"] },
);
const lifecycleArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ version: fc.constantFrom(1, 1, 1, 2, "1"), guests: fc.array(lifecycleGuestArb, { maxLength: 6 }) })
      .map((v) => stringify(v)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ version: fc.constant(1), guests: fc.array(lifecycleGuestArb, { maxLength: 6 }) })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(lifecycleGuestArb, { maxLength: 4 }), fc.nat(), hostileText).map(([g, at, t]) => {
      const s = stringify({ version: 1, guests: g });
      const i = at % (s.length + 1);
      return s.slice(0, i) + t + s.slice(i);
    }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      hostileText,
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(
        "version: 1\nversion: 1\nguests: []\n",
        "&a [*a]",
        "!!js/function x",
        "guests: &g [*g]\nversion: 1\n",
      ),
    ),
  },
);

describe("fuzz: drift on hostile lifecycle lists and not-backed-up answers", () => {
  it("exit 0, 1 or 2 (coded DRIFT-/...), bounded, one finding per line, no control characters", async () => {
    const dir = mkdtempSync(join(TMP, "drift-"));
    let i = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(notBackedUpArb, { nil: undefined }),
        fc.option(lifecycleArb, { nil: undefined }),
        fc.option(hostArb, { nil: undefined, freq: 4 }),
        async (nbu, lifecycle, host) => {
          const args = ["drift", DEFAULT_CATALOG];
          if (nbu !== undefined)
            (writeFileSync(join(dir, `nbu-${i}.json`), nbu), args.push("--not-backed-up", join(dir, `nbu-${i}.json`)));
          if (lifecycle !== undefined)
            (writeFileSync(join(dir, `life-${i}.yaml`), lifecycle),
              args.push("--lifecycle", join(dir, `life-${i}.yaml`)));
          if (host !== undefined) args.push("--host", host);
          i++;
          const what = JSON.stringify({
            nbu: String(nbu).slice(0, 500),
            lifecycle: String(lifecycle).slice(0, 500),
            host,
          });
          const r = await bounded(...args);
          expectWellBehaved(what, r);
          if (nbu === undefined && lifecycle === undefined) expect(r.code).toBe(2);
          // Findings go to stdout, one per line, only when there is drift.
          if (r.code !== 1) expect({ what, out: r.out }).toEqual({ what, out: "" });
          else for (const line of r.out.split("\n").filter(Boolean)) expect(line).toMatch(/^[a-z-]+ \S+ \S+: /);
        },
      ),
      runs(200),
    );
  });
});
