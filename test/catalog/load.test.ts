import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapped } from "../../lib/private/read-capped";
import { loadCatalogFile, loadCatalogText, MAX_CATALOG_BYTES } from "../../lib/catalog/load";
import { formatFinding, formatPath } from "../../lib/core/finding";
import { validateCatalogFile } from "../../lib/governance/validate";
import { baseCatalog, catalogWith, validate, vmService } from "../support/catalogs";

const at = (f: { position: { line: number; column: number }; ruleId: string }) =>
  `${f.position.line}:${f.position.column} ${f.ruleId}`;

describe("a catalog with ten different mistakes", () => {
  const report = validateCatalogFile(join(__dirname, "..", "fixtures", "ten-mistakes.yaml"));

  it("gets exactly ten findings, each at the right line and column with the right rule id", () => {
    expect(report.findings.map(at)).toEqual([
      "7:14 CAT-005", // accountId: a number, not a quoted string
      "15:21 CAT-006", // classification: critcal
      "16:10 CAT-007", // rpo: 4x
      "22:5 CAT-003", // descripton
      "26:17 GOV-003", // vm.host: pev
      "35:10 GOV-006", // files without paths
      "37:75 GOV-015", // dependsOn: [wikki]
      "44:26 GOV-010", // critical opts out of offsite
      "45:42 GOV-022", // locked 30 days, daily retention 14
      "47:18 GOV-024", // hipaa minimum
    ]);
    expect(report.ok).toBe(false);
  });

  it("formats each finding as file:line:col  RULE  message (at path)", () => {
    expect(formatFinding(report.findings[3])).toMatch(
      /^.*ten-mistakes\.yaml:22:5 {2}CAT-003 {2}unknown key `descripton` Fix: did you mean `description`\? \(at services\[1\]\.descripton\)$/,
    );
  });

  it("keeps checking a service whose only schema problem is a typo'd key", () => {
    expect(report.findings.find((f) => f.ruleId === "GOV-003")?.message).toMatch(/`pev`/);
  });
});

describe("loader: bad input never crashes", () => {
  it("empty file and comments only: CAT-009", () => {
    expect(loadCatalogText("", "e.yaml").findings.map(at)).toEqual(["1:1 CAT-009"]);
    expect(loadCatalogText("# nothing here\n\n", "e.yaml").findings.map(at)).toEqual(["1:1 CAT-009"]);
  });

  it("non-UTF-8 bytes: CAT-010 at the offending byte", () => {
    const bytes = Buffer.concat([Buffer.from("version: 1\nname: caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    const r = loadCatalogText(bytes, "latin1.yaml");
    expect(r.findings.map(at)).toEqual(["2:10 CAT-010"]);
    expect(r.findings[0].message).toMatch(/byte 0xe9/);
  });

  it("a 10 MB file: CAT-011 before parsing", () => {
    const big = "# " + "x".repeat(10 * 1024 * 1024) + "\n";
    const r = loadCatalogText(Buffer.from(big), "big.yaml");
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CAT-011"]);
    expect(r.findings[0].message).toMatch(/10\.0 MiB; at most 5 MiB/);
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_CATALOG_BYTES);
  });

  it("an alias bomb: CAT-012 at the first alias", () => {
    const rows = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [k, p] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
      ["f", "e"],
      ["g", "f"],
    ])
      rows.push(`${k}: &${k} [${Array(9).fill(`*${p}`).join(", ")}]`);
    const r = loadCatalogText(rows.join("\n") + "\n", "bomb.yaml");
    expect(r.findings.map(at)).toEqual(["2:8 CAT-012"]);
  });

  it("a few aliases are fine", () => {
    const text = `version: 1\nname: alias-lab\nowner: x\nnotifications: { email: [a@b.co] }\nx-excludes: &ex ["*.tmp"]\nservices: []\n`;
    expect(loadCatalogText(text, "a.yaml").findings.map((f) => f.ruleId)).toEqual(["CAT-003"]); // x-excludes is unknown, not a crash
  });

  it("an alias without an anchor: CAT-001 at the alias, naming it", () => {
    const r = loadCatalogText("version: 1\nname: al-lab\nservices: *missing\n", "a.yaml");
    expect(r.findings.map(at)).toEqual(["3:11 CAT-001"]);
    expect(r.findings[0].message).toMatch(/alias `\*missing` refers to no anchor/);
  });

  it("a `__proto__` key would vanish from the model: CAT-007 at the key", () => {
    const r = loadCatalogText(
      "version: 1\nname: p-lab\naws: { region: us-east-1, tags: { __proto__: prod, app: x } }\nservices: []\n",
      "p.yaml",
    );
    expect(r.findings.map(at)).toEqual(["3:35 CAT-007"]);
  });

  it("a duplicate key deep in the catalog is located by its path", () => {
    const r = loadCatalogText("version: 1\nname: d-lab\nservices:\n  - id: ab\n    id: bc\n", "d.yaml");
    const dup = r.findings.find((f) => f.ruleId === "CAT-002")!;
    expect([dup.position.line, dup.position.column, formatPath(dup.path)]).toEqual([5, 5, "services[0].id"]);
  });

  it("duplicate keys: CAT-002 naming the key, and the rest is still checked", () => {
    const r = validate("version: 1\nname: dup-lab\nname: dup-lab2\nservices: []\nnotifications: { email: [a@b.co] }\n");
    expect(r.findings.map(at)).toEqual(["3:1 CAT-002"]);
    expect(r.findings[0].message).toMatch(/duplicate key `name`/);
  });

  it("YAML syntax errors: CAT-001 with position", () => {
    const r = loadCatalogText("version: 1\nservices: [a, b\nname: x\n", "s.yaml");
    expect(r.findings.every((f) => f.ruleId === "CAT-001")).toBe(true);
    expect(r.findings[0].position.line).toBeGreaterThanOrEqual(2);
  });

  it("a list or a scalar at the top: CAT-013", () => {
    expect(loadCatalogText("- a\n- b\n", "l.yaml").findings.map(at)).toEqual(["1:1 CAT-013"]);
    expect(loadCatalogText("just text\n", "t.yaml").findings.map(at)).toEqual(["1:1 CAT-013"]);
  });

  it("a missing file is a usage error (IO-001), not a finding", () => {
    expect(() => loadCatalogFile("/nonexistent/catalog.yaml")).toThrow(/IO-001/);
    expect(() => loadCatalogFile(__dirname)).toThrow(/IO-002.*directory/);
  });

  it("a device or a FIFO is refused at once (IO-002), never read: they stat as size 0", () => {
    expect(() => loadCatalogFile("/dev/zero")).toThrow(/IO-002.*a device, not a regular file/);
    const dir = mkdtempSync(join(tmpdir(), "fifo-"));
    const fifo = join(dir, "catalog.yaml");
    execFileSync("mkfifo", [fifo]);
    // Opening a FIFO without a writer would block this test forever.
    expect(() => loadCatalogFile(fifo)).toThrow(/IO-002.*FIFO/);
    rmSync(dir, { recursive: true });
  });

  it("a file larger than the cap is read only up to the cap (CAT-011), whatever stat says", () => {
    const dir = mkdtempSync(join(tmpdir(), "big-"));
    const file = join(dir, "catalog.yaml");
    writeFileSync(file, `description: "${"x".repeat(MAX_CATALOG_BYTES)}"\n`);
    expect(readCapped(file, 1000).length).toBe(1001);
    const r = loadCatalogFile(file);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CAT-011"]);
    expect(r.findings[0].message).toMatch(/more than 5 MiB/);
    rmSync(dir, { recursive: true });
  });
});

describe("loader: schema findings", () => {
  it("unknown keys get a did-you-mean suggestion, or the list of allowed keys", () => {
    const { services: _s, ...rest } = baseCatalog();
    const r = validate({ ...rest, servics: [] });
    const f = r.findings.find((x) => x.ruleId === "CAT-003")!;
    expect(f.fix).toBe("did you mean `services`?");
    expect(r.findings.map((x) => x.ruleId)).toContain("CAT-004"); // services itself is now missing
    const weird = validate(catalogWith([vmService("web", { zzzz: 1 })]));
    expect(weird.findings.find((x) => x.ruleId === "CAT-003")!.fix).toMatch(
      /allowed keys here: id, description, owner/,
    );
  });

  it("reports missing required keys at the enclosing mapping", () => {
    const svc = vmService("web");
    delete svc.rto;
    const r = validate(catalogWith([svc]));
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([["CAT-004", "missing required key `rto`"]]);
  });

  it("reports wrong types, enums, formats and ranges with the YAML key", () => {
    const r = validate(
      catalogWith([
        vmService("web", { vm: { host: "pve", vmid: "abc", kind: "kvm" }, rpo: "4 hours", compliance: ["sox"] }),
      ]),
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      'CAT-007 `rpo` must be a duration such as 15m, 4h or 1d; got "4 hours"',
      'CAT-005 `vmid` must be a number, got "abc"',
      'CAT-006 `kind` must be one of qemu, lxc; got "kvm"',
      'CAT-006 `compliance[0]` must be one of gdpr, hipaa, soc2, pci; got "sox"',
    ]);
  });

  it("an invalid optional value does not hide the section's other findings, nor invent consequences", () => {
    // restore.secrets is malformed (a bare secret): CAT-007 only, no "missing restore.secrets" (GOV-014) on top.
    const r = validate(
      catalogWith([
        vmService("web", { restore: { secrets: "hunter2", validate: ["true"] }, vm: { host: "nope", vmid: 150 } }),
      ]),
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(["GOV-003", "CAT-007"]);
  });

  it("an invalid required value keeps the service out of \`services\` (rules still judge the rest of it), and its id counts for references", () => {
    const bad = vmService("db", { classification: "vital" });
    const r = validate(
      catalogWith([bad, vmService("web", { restore: { secrets: "vault:x", validate: ["t"], dependsOn: ["db"] } })]),
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CAT-006"]);
  });
});

describe("issue 20 item 11: every finding at its own place", () => {
  it("a duplicate key right after an empty value: at the duplicate, naming it and its path (was the line before, `?` at (root))", () => {
    const r = loadCatalogText("version: 1\nname: d-lab\nowner:\nowner: x\nservices: []\n", "d.yaml");
    expect(r.findings.map((f) => `${at(f)} ${formatPath(f.path)}`)).toEqual(["4:1 CAT-002 owner"]);
    expect(r.findings[0].message).toBe(
      "duplicate key `owner`: it already appears earlier in the same mapping (line 3)",
    );
    const nested = loadCatalogText(
      "version: 1\nname: d-lab\naws:\n  region:\n  region: us-east-1\nservices: []\n",
      "d.yaml",
    );
    expect(nested.findings.map((f) => `${at(f)} ${formatPath(f.path)}`)).toEqual(["5:3 CAT-002 aws.region"]);
    expect(nested.catalog!.aws!.region).toBe("us-east-1");
  });

  it.each([
    ["~", "`~` (null)"],
    ["null", "`null` (null)"],
    ['""', '`""` (empty)'],
  ])("a `%s` key on line 2 is CAT-040 at 2:1 (was an unknown key `` at 1:1)", (key, shown) => {
    const r = loadCatalogText(`version: 1\n${key}: 1\nname: k-lab\nservices: []\n`, "k.yaml");
    expect(r.findings.map(at)).toEqual(["2:1 CAT-040"]);
    expect(r.findings[0].message).toBe(`a key must be text; this one is ${shown}`);
  });

  it("a list as a key, inside a service: CAT-040 at the key, with the service's path", () => {
    const r = loadCatalogText("version: 1\nname: k-lab\nservices:\n  - id: web\n    ? [a, b]\n    : 1\n", "k.yaml");
    expect(r.findings.map((f) => `${at(f)} ${formatPath(f.path)}`)).toEqual(["5:7 CAT-040 services[0]"]);
  });

  it.each([
    ["rpo: !!int 1d", "!!int", "6:10"],
    ["rpo: !!str 1d", "!!str", "6:10"],
    ["rpo: !duration 1d", "!duration", "6:10"],
    ["rpo: &r !!int 1d", "!!int", "6:13"],
  ])("a YAML tag is CAT-041 at the tag, never ignored: %s", (line, tag, where) => {
    const text = `version: 1\nname: t-lab\nservices:\n  - id: web\n    classification: important\n    ${line}\n    rto: 4h\n`;
    const r = validate(text);
    expect(r.ok).toBe(false);
    expect(r.findings.map(at)).toEqual([`${where} CAT-041`]);
    expect(r.findings[0].message).toContain(`\`${tag}\``);
    expect(formatPath(r.findings[0].path)).toBe("services[0].rpo");
  });

  it("a tag on a mapping or a key is CAT-041 too", () => {
    expect(
      loadCatalogText("version: 1\nname: t-lab\naws: !!map { region: us-east-1 }\nservices: []\n").findings.map(at),
    ).toEqual(["3:6 CAT-041"]);
    expect(loadCatalogText("version: 1\n!!str name: t-lab\nservices: []\n").findings.map(at)).toEqual(["2:1 CAT-041"]);
  });

  it.each([
    ["an encoded surrogate (ED A0 80, CESU-8)", [0xed, 0xa0, 0x80]],
    ["an overlong slash (E0 80 AF)", [0xe0, 0x80, 0xaf]],
    ["an overlong 4-byte form (F0 80 80 80)", [0xf0, 0x80, 0x80, 0x80]],
    ["a code point above U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
  ])("invalid UTF-8 is CAT-010 at its byte: %s", (_what, bad) => {
    const bytes = Buffer.concat([
      Buffer.from("version: 1\nname: u-lab\nowner: a"),
      Buffer.from(bad),
      Buffer.from("\nservices: []\n"),
    ]);
    expect(loadCatalogText(bytes, "u.yaml").findings.map(at)).toEqual(["3:9 CAT-010"]);
  });

  it("valid UTF-8 at the edges of those ranges is read", () => {
    for (const ch of ["\u0800", "\ud7ff", "\ue000", "\u{10000}", "\u{10ffff}"]) {
      const r = loadCatalogText(Buffer.from(`version: 1\nname: u-lab\nowner: "a${ch}"\nservices: []\n`), "u.yaml");
      expect(r.findings.filter((f) => f.ruleId === "CAT-010")).toEqual([]);
      expect(r.catalog!.owner).toBe(`a${ch}`);
    }
  });

  it("a lone surrogate is CAT-010 at its place: in text handed over as a string, or made by an escape", () => {
    expect(
      loadCatalogText('version: 1\nname: u-lab\nowner: "a\ud800"\nservices: []\n', "u.yaml").findings.map(at),
    ).toEqual(["3:10 CAT-010"]);
    const escaped = loadCatalogText('version: 1\nname: u-lab\nservices: []\nowner: "\\udc00x"\n', "u.yaml");
    expect(escaped.findings.map((f) => `${at(f)} ${formatPath(f.path)}`)).toEqual(["4:8 CAT-010 owner"]);
    // A pair written as two escapes is one character, and fine.
    expect(
      loadCatalogText('version: 1\nname: u-lab\nowner: "\\ud83e\\udd84"\nservices: []\n', "u.yaml").catalog!.owner,
    ).toBe("🦄");
  });
});

describe("issue 20 item 8: validate is linear in the keys of one mapping", () => {
  // A scaling property, not a timed test: going from n to 4n keys must cost about 4 times as
  // much (16 times when each key was compared with every earlier key, as before). The best
  // of three runs keeps a busy machine's noise out; the margin between 4 and 16 is wide.
  const wide = (n: number) => {
    const keys = Array.from({ length: n }, (_, i) => `k${i % (n - n / 8)}: v`).join("\n"); // unknown keys, 1 in 8 a duplicate
    const tags = Array.from({ length: n }, (_, i) => `    t${i}: v`).join("\n");
    return `version: 1\nname: w-lab\nservices: []\naws:\n  region: us-east-1\n  tags:\n${tags}\n${keys}\n`;
  };
  const cost = (n: number) => {
    const text = wide(n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      const r = validate(text);
      best = Math.min(best, Number(process.hrtime.bigint() - t0));
      expect(r.findings.filter((f) => f.ruleId === "CAT-002").length).toBe(n / 8);
    }
    return best;
  };
  it("4,000 against 16,000 keys: a ratio near 4, far from 16", () => {
    cost(1000); // warm up the JIT
    const ratio = cost(16000) / cost(4000);
    expect(ratio).toBeLessThan(8);
  });
});
