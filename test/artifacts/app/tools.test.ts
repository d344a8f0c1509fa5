/**
 * The generated bundles and units against the real tools: every shell file is a real file
 * of the runtime (linted as such by runtime.test.ts), the generated config files are data,
 * `systemd-analyze verify` passes every unit with nothing on stderr, `systemd-analyze
 * calendar` every OnCalendar. Covers every engine × tool × pitr × credential variant and what the
 * estate builder renders for the default catalog and the examples.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHostFiles } from "../../../lib/artifacts/app/bundle";
import { synthesizeCatalog } from "../../../lib/estate/synth";
import { variants } from "./fixtures";

const ROOT = join(__dirname, "..", "..", "..");

function need(tool: string, pkg: string): void {
  if (spawnSync("bash", ["-c", `command -v ${tool}`]).status !== 0)
    throw new Error(`${tool} is missing: apt-get install -y --no-install-recommends ${pkg}`);
}

/** Writes every variant's host files under `<dir>/<variant>/...` with `<dir>/prefix` as install prefix. */
function renderVariants(dir: string): string[] {
  const written: string[] = [];
  for (const [name, backup] of Object.entries(variants(join(dir, "prefix")))) {
    for (const f of renderHostFiles(backup.spec.host, [backup.spec])) {
      const file = join(dir, name, f.path);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, f.content);
      chmodSync(file, f.mode);
      written.push(file);
      // The units' ExecStart paths must exist: install the entry points where the units look.
      if (f.path.startsWith(`${backup.spec.serviceId}/`) && f.path.endsWith(".sh")) {
        const installed = join(dir, "prefix", f.path);
        mkdirSync(join(installed, ".."), { recursive: true });
        writeFileSync(installed, f.content);
        chmodSync(installed, 0o755);
      }
    }
  }
  return written;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe("generated app-backup scripts and units, checked by the real tools", () => {
  let dir: string;
  let files: string[];
  let synthFiles: string[];

  beforeAll(() => {
    need("shellcheck", "shellcheck");
    need("systemd-analyze", "systemd");
    dir = mkdtempSync(join(tmpdir(), "app-units-"));
    files = renderVariants(dir);
    synthFiles = [];
    for (const catalog of [
      "stacks/catalog.yaml",
      ...readdirSync(join(ROOT, "examples"))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => `examples/${f}`),
    ]) {
      const out = join(dir, "synth", catalog.replace(/\W/g, "_"));
      const r = synthesizeCatalog(join(ROOT, catalog), out);
      expect(r.report.ok).toBe(true);
      // Catalogs without app-level backups (AWS-only estates) render no hosts.
      if (existsSync(join(out, "artifacts", "hosts"))) synthFiles.push(...walk(join(out, "artifacts", "hosts")));
    }
  });

  it("covers every variant's entry points (backup, restore, verify, wal-archive), service.conf and install.sh", () => {
    const names = new Set(
      files
        .filter((f) => /\/(prefix|synth)\//.test(f) === false && !f.includes("/_runtime/"))
        .map((f) => f.split("/").pop()),
    );
    for (const n of ["backup.sh", "restore.sh", "verify.sh", "wal-archive.sh", "install.sh", "service.conf", "env"])
      expect(names).toContain(n);
    expect(synthFiles.filter((f) => f.endsWith("/backup.sh")).length).toBeGreaterThanOrEqual(7);
  });

  it("every shell file of a bundle is a real file of lib/artifacts/app/sh, byte for byte (no generated code)", () => {
    const sources = new Set(walk(join(ROOT, "lib", "artifacts", "app", "sh")).map((f) => readFileSync(f, "utf8")));
    const shells = [...files, ...synthFiles].filter((f) => f.endsWith(".sh"));
    expect(shells.length).toBeGreaterThan(100);
    for (const f of shells)
      expect({ file: f, real: sources.has(readFileSync(f, "utf8")) }).toEqual({ file: f, real: true });
  });

  it("service.conf and env of every service are data: bash reads them without running anything", () => {
    const data = [...files, ...synthFiles].filter((f) => /\/(service\.conf|env)$/.test(f));
    expect(data.length).toBeGreaterThanOrEqual(2 * Object.keys(variants()).length);
    for (const f of data) {
      for (const line of readFileSync(f, "utf8").split("\n"))
        expect(line).toMatch(/^(#.*|[A-Z][A-Z0-9_]*=[^;&|`<>]*|)$/);
      const r = spawnSync("bash", ["-n", f], { encoding: "utf8" });
      expect({ f, status: r.status, stderr: r.stderr }).toEqual({ f, status: 0, stderr: "" });
    }
  });

  it("systemd-analyze verify accepts every unit without a word on stderr", () => {
    const units = files.filter((f) => /\.(service|timer)$/.test(f));
    expect(units.length).toBeGreaterThanOrEqual(40);
    // Units that name each other (timer → service) are verified together, one service folder at a time.
    const byFolder = new Map<string, string[]>();
    for (const u of units) byFolder.set(join(u, ".."), [...(byFolder.get(join(u, "..")) ?? []), u]);
    for (const group of byFolder.values()) {
      const r = spawnSync("systemd-analyze", ["verify", "--man=false", ...group], { encoding: "utf8" });
      expect({ group: group.map((g) => g.split("/").pop()), stderr: r.stderr, status: r.status }).toEqual({
        group: group.map((g) => g.split("/").pop()),
        stderr: "",
        status: 0,
      });
    }
  });

  it("systemd-analyze verify complains about a unit whose ExecStart is missing (the oracle works)", () => {
    const unitDir = join(dir, "broken");
    mkdirSync(unitDir, { recursive: true });
    writeFileSync(join(unitDir, "x.service"), "[Service]\nType=oneshot\nExecStart=/nonexistent/backup.sh\n");
    const r = spawnSync("systemd-analyze", ["verify", "--man=false", join(unitDir, "x.service")], { encoding: "utf8" });
    expect(r.stderr).not.toBe("");
  });

  it("every OnCalendar passes systemd-analyze calendar", () => {
    const calendars = new Set<string>();
    for (const f of [...files, ...synthFiles].filter((x) => x.endsWith(".timer"))) {
      for (const line of readFileSync(f, "utf8").split("\n"))
        if (line.startsWith("OnCalendar=")) calendars.add(line.slice("OnCalendar=".length));
    }
    expect(calendars.size).toBeGreaterThanOrEqual(5);
    for (const c of calendars) {
      const r = spawnSync("systemd-analyze", ["calendar", c], { encoding: "utf8" });
      expect({ calendar: c, status: r.status, stderr: r.stderr }).toEqual({ calendar: c, status: 0, stderr: "" });
    }
  });

  it("every service unit is hardened and bounded, every timer persistent and spread", () => {
    for (const f of files.filter((x) => x.endsWith(".service"))) {
      const text = readFileSync(f, "utf8");
      for (const key of [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "ProtectHome=read-only",
        "Nice=10",
        "IOSchedulingClass=best-effort",
        "Type=oneshot",
      ])
        expect(text).toContain(key);
      expect(text).toMatch(/^TimeoutStartSec=\d+(min|h)$/m);
      expect(text).toMatch(/^StateDirectory=backup-gov\/[a-z0-9-]+$/m);
    }
    for (const f of files.filter((x) => x.endsWith(".timer"))) {
      const text = readFileSync(f, "utf8");
      expect(text).toContain("Persistent=true");
      expect(text).toMatch(/^RandomizedDelaySec=\d+$/m);
      expect(text).toContain("WantedBy=timers.target");
    }
  });
});
