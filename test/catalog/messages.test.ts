/**
 * Messages of the loader: every bad input is one finding, on one line, at its position,
 * naming the key, and never echoing a secret.
 */
import { formatFinding } from "../../lib/core/finding";
import { validateCatalogText } from "../../lib/governance/validate";
import { catalogWith, miniCatalog, PROXMOX, validate, vmService } from "../support/catalogs";

const base = miniCatalog({ top: PROXMOX + "notifications:\n  email: [ops@example.com]\n" });
const errors = (text: string | Uint8Array) =>
  validateCatalogText(text, "m.yaml").findings.filter((f) => f.severity === "error");
const brief = (text: string | Uint8Array) =>
  errors(text).map((f) => `${f.position.line}:${f.position.column} ${f.ruleId} ${f.message}`);

describe("loader messages", () => {
  it("a duplicate key inside a service: its name, the second copy's line and the service path; the value used is the last copy's", () => {
    const r = validateCatalogText(base.replace("    rpo: 1d\n", "    rpo: 1d\n    rpo: 15m\n"), "m.yaml");
    const dup = r.findings.find((f) => f.ruleId === "CAT-002")!;
    expect(`${dup.position.line} ${dup.message} ${dup.path.join(".")}`).toBe(
      "14 duplicate key `rpo`: it already appears earlier in the same mapping (line 13) services.0.rpo",
    );
    expect(r.catalog!.services.length + (r.catalog!.partialServices?.length ?? 0)).toBe(1);
    const wiki = [...r.catalog!.services, ...(r.catalog!.partialServices ?? [])][0];
    expect(wiki.rpo.toMinutes()).toBe(15);
  });

  it("a list item that is not a mapping says so, with its index", () => {
    expect(brief(base.replace("services:\n", "services:\n  - just-a-string\n  - 42\n"))).toEqual([
      '11:5 CAT-005 `services[0]` must be a mapping, got "just-a-string"',
      "12:5 CAT-005 `services[1]` must be a mapping, got 42",
    ]);
  });

  it("vmid limits as documented (not 9007199254740991), and .inf / .nan named as such", () => {
    expect(brief(base.replace("vmid: 101", "vmid: 99999999999999999999"))).toEqual([
      "15:29 CAT-008 `vmid` must be at most 999999999; got 100000000000000000000",
    ]);
    expect(brief(base.replace("vmid: 101", "vmid: .inf"))[0]).toMatch(
      /`vmid` must be a number, got \.inf \(infinity\)/,
    );
    expect(brief(base.replace("vmid: 101", "vmid: -.inf"))[0]).toMatch(/got -\.inf/);
    expect(brief(base.replace("vmid: 101", "vmid: .nan"))[0]).toMatch(/got \.nan \(not a number\)/);
  });

  it("a bad vmid drops `vm` without inventing 'vzdump-only needs a vm' (GOV-007)", () => {
    expect(errors(base.replace("vmid: 101", "vmid: abc")).map((f) => f.ruleId)).toEqual(["CAT-005"]);
  });

  it("deep nesting is one nesting-limit finding (CAT-030), not a stack overflow", () => {
    const flow = brief(`${base}x: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expect(flow).toHaveLength(1);
    expect(flow[0]).toMatch(/CAT-030 mappings and lists are nested more than 64 levels deep/);
    const block = brief(`${base}y:\n${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")} 1\n`);
    expect(block.map((f) => f.split(" ")[1])).toEqual(["CAT-030"]);
  });

  it("CR-only line endings: positions are real lines", () => {
    expect(brief(base.replace("vmid: 101", "vmid: abc").replace(/\n/g, "\r"))).toEqual([
      '15:29 CAT-005 `vmid` must be a number, got "abc"',
    ]);
  });

  it("UTF-16 without a byte-order mark is CAT-010", () => {
    expect(brief(Buffer.from(base, "utf16le"))).toEqual([
      "1:1 CAT-010 the file looks like UTF-16 (NUL bytes between the characters), not UTF-8",
    ]);
    expect(brief(Buffer.from(base.replace("name: mini", "name: mi\u0000ni"), "utf8"))[0]).toMatch(
      /^2:9 CAT-010 the file has a NUL byte/,
    );
  });

  it("a newline in a key is printed escaped: one finding, one line, nothing forged", () => {
    const r = validateCatalogText(
      base.replace("    rto: 4h\n", '    rto: 4h\n    "bad\\nm.yaml:1:1  GOV-999  forged": 1\n'),
      "m.yaml",
    );
    const lines = r.findings.map(formatFinding).join("\n").split("\n");
    expect(lines).toHaveLength(r.findings.length);
    expect(r.findings.filter((f) => f.ruleId === "GOV-999")).toEqual([]);
    expect(lines.filter((l) => l.includes("GOV-999"))).toEqual([
      expect.stringContaining("unknown key `bad\\nm.yaml:1:1  GOV-999  forged`"),
    ]);
    expect(r.findings[0].message).not.toMatch(/\n/);
  });

  it("a value given for a secret reference is never echoed back", () => {
    for (const text of [
      base.replace('secrets: "file:/root/keys/wiki"', 'secrets: "hunter2"'),
      base.replace('secrets: "file:/root/keys/wiki"', "secrets: [hunter2]"),
    ]) {
      const r = validateCatalogText(text, "m.yaml");
      expect(r.findings.map(formatFinding).join("\n")).not.toContain("hunter2");
      expect(r.ok).toBe(false);
    }
    const pbs = validate(
      catalogWith([vmService("web")], {
        proxmox: {
          hosts: {
            pve: {
              endpoint: "https://pve.test:8006",
              node: "pve",
              storage: "pbs",
              storages: [
                {
                  id: "pbs",
                  type: "pbs",
                  server: "pbs.test",
                  datastore: "store",
                  username: "u@pbs",
                  passwordSecret: "s3cr3t-pw",
                },
              ],
            },
          },
        },
      }),
    );
    expect(pbs.findings.map(formatFinding).join("\n")).not.toContain("s3cr3t-pw");
    expect(pbs.findings.map((f) => f.message)).toContain(
      "`passwordSecret` must be a secret reference <store>:<path>, e.g. vault:kv/backup/app (never the secret); got a value that is not shown (it may be a secret)",
    );
  });

  it("no 'depends on itself' next to a duplicate id", () => {
    const twin = {
      ...vmService("wiki", { vm: { host: "pve", vmid: 102 } }),
      restore: { secrets: "vault:x", validate: ["true"], dependsOn: ["wiki"] },
    };
    expect(
      validate(catalogWith([vmService("wiki"), twin]))
        .findings.filter((f) => f.severity === "error")
        .map((f) => f.ruleId),
    ).toEqual(["GOV-001"]);
  });
});
