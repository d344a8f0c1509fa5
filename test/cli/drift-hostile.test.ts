import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { cli } from "../support/cli";
import { loadCatalogFile } from "../../lib/catalog/load";

/** drift prints names from the estate's files and API answers: outside text, never raw. */
const ROOT = join(__dirname, "..", "..");
const CATALOG = join(ROOT, "stacks", "catalog.yaml");
const tmp = mkdtempSync(join(ROOT, ".tmp", "drift-hostile-"));
let n = 0;
function file(content: string, ext: string): string {
  const f = join(tmp, `input-${n++}.${ext}`);
  writeFileSync(f, content);
  return f;
}

const guests = () =>
  loadCatalogFile(CATALOG)
    .catalog!.services.filter((s) => s.vm)
    .map((s) => ({ service: s.id, host: s.vm!.host, vmid: s.vm!.vmid, state: "active" }));

// A control character anywhere in stdout or stderr, but the line ends.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("drift: a guest name cannot forge a line or reach the terminal raw", () => {
  const forged = "x\nunenrolled pve/999 -: forged finding";
  const ansi = "\u001b[2J\u001b]0;owned\u0007evil";

  it("--lifecycle: a newline and escape sequences in names stay inside their one finding line", async () => {
    const list = guests();
    list.push({ host: "pve", vmid: 300, state: "active", name: forged } as never);
    list.push({ host: "pve", vmid: 301, state: "active", name: ansi } as never);
    const r = await cli("drift", "--lifecycle", file(stringify({ version: 1, guests: list }), "yaml"), CATALOG);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n").filter(Boolean);
    expect(lines).toEqual([
      "unenrolled pve/300 -: active guest x\\nunenrolled pve/999 -: forged finding is in no backup job; add it to a service's `vm`, or mark it decommissioned",
      "unenrolled pve/301 -: active guest \\e[2J\\e]0;owned\\x07evil is in no backup job; add it to a service's `vm`, or mark it decommissioned",
    ]);
    expect(r.out + r.err).not.toMatch(CONTROL);
  });

  it("--not-backed-up: the same for names in the API answer", async () => {
    const answer = {
      data: [
        { vmid: 998, type: "qemu", name: forged },
        { vmid: 999, type: "lxc", name: ansi },
      ],
    };
    const r = await cli("drift", "--not-backed-up", file(JSON.stringify(answer), "json"), CATALOG);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^not-backed-up \?\/998 -: qemu guest x\\nunenrolled pve\/999 -: forged finding is covered by no backup job/,
    );
    expect(r.out + r.err).not.toMatch(CONTROL);
  });

  it("an error message quoting an input (its file name) is escaped too", async () => {
    const bad = join(tmp, "list\u001b[31m\nDRIFT-000.yaml");
    writeFileSync(bad, "version: 2\nguests: []\n");
    const r = await cli("drift", "--lifecycle", bad, CATALOG);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/DRIFT-001: .*list\\e\[31m\\nDRIFT-000\.yaml is not a valid input/);
    expect(r.err.trimEnd()).not.toMatch(CONTROL);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("drift --not-backed-up: vmids that are no guest id are refused", () => {
  it.each<[string, string]>([
    ["0", "0"],
    ["-5", "-5"],
    ["1e+23", "1e+23"],
    ["99", "99"],
    ["1000000000", "1000000000"],
    ["1.5", "1.5"],
    ['"0"', '"0"'],
    ['"00000000000000000000123"', "a string of 23 digits"],
  ])("vmid %s: DRIFT-001 naming the entry, exit 2", async (raw) => {
    const r = await cli(
      "drift",
      "--not-backed-up",
      file(`[{"vmid": ${raw}, "type": "qemu", "name": "x"}]`, "json"),
      CATALOG,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /DRIFT-001: .* is not a valid input: \[0\]\.vmid: a guest id \(vmid\) is a whole number from 100 to 999999999/,
    );
    expect(r.out).toBe("");
  });

  it("vmids 100 and 999999999, as numbers or digit strings, are read", async () => {
    const r = await cli(
      "drift",
      "--not-backed-up",
      file('[{"vmid": 100, "type": "qemu"}, {"vmid": "999999999", "type": "lxc"}]', "json"),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(
      r.out
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ")[1]),
    ).toEqual(["?/100", "?/999999999"]);
  });
});

describe("status: label values and file names from the metrics folder are escaped", () => {
  it("a service label with a newline and ESC, and a file name with one", async () => {
    const dir = mkdtempSync(join(tmp, "metrics-"));
    writeFileSync(
      join(dir, "a\u001b[31m.prom"),
      'backup_last_success_timestamp_seconds{service="gh\\nost\u001b[0m",engine="files"} 1\n',
    );
    const r = await cli("status", CATALOG, "--metrics-dir", dir, "--now", "1800000000");
    expect(r.err).toMatch(/metrics name service gh\\nost\\e\[0m, which is not in/);
    expect(r.out + r.err).not.toMatch(CONTROL);
  });
});
