/**
 * Every file the commands read is read with a byte cap and only when it is a regular file:
 * a device or FIFO stats as size 0, and reading one never ends.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTextfileDir } from "../../lib/cli/metrics-source";
import { cli } from "../support/cli";

const ROOT = join(__dirname, "..", "..");
const CATALOG = join(ROOT, "stacks", "catalog.yaml");

describe("devices and FIFOs are refused, never read", () => {
  it("validate /dev/zero: exit 2 with IO-002 at once", async () => {
    const r = await cli("validate", "/dev/zero");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-002: cannot read \/dev\/zero: it is a device, not a regular file/);
  });

  it("drift --lifecycle /dev/zero: exit 2 with IO-002", async () => {
    const r = await cli("drift", "--lifecycle", "/dev/zero", CATALOG);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-002.*a device, not a regular file/);
  });

  it("a FIFO named *.prom in the textfile folder is skipped with a warning; the other files are read", () => {
    const dir = mkdtempSync(join(ROOT, ".tmp", "prom-"));
    execFileSync("mkfifo", [join(dir, "a-fifo.prom")]);
    writeFileSync(join(dir, "b.prom"), "# TYPE backup_gov_x gauge\nbackup_gov_x 1\n");
    const read = readTextfileDir(dir);
    expect(read.sources).toEqual([join(dir, "b.prom")]);
    expect(read.warnings.join("\n")).toMatch(/a-fifo\.prom: .*FIFO/);
  });
});
