/**
 * scripts/test-tools.sh, which `npm test` runs first: on a machine without the tools it
 * installs them as root, and prints the exact command otherwise. dpkg-query, apt-get and id
 * are stubs here (first on PATH) so that nothing is installed for real.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "test-tools.sh");

/** A bin folder with stubs: `installed` lists the packages dpkg-query reports as installed. */
function stubs(uid: number, installed: string[]): { bin: string; state: string; aptLog: string } {
  const bin = mkdtempSync(join(ROOT, ".tmp", "tools-"));
  const state = join(bin, "installed");
  const aptLog = join(bin, "apt.log");
  writeFileSync(state, installed.map((p) => `${p}\n`).join(""));
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub("id", `echo ${uid}`);
  // dpkg-query -W -f='${Status}' PKG
  stub("dpkg-query", `grep -qx "\${@: -1}" "${state}" && printf 'install ok installed' || exit 1`);
  // apt-get ... install -y ... PKGS: records the call and "installs" the packages.
  stub(
    "apt-get",
    `echo "$*" >> "${aptLog}"; if [[ " $* " == *" install "* ]]; then for a in "$@"; do [[ $a == -* || $a == install || $a == *=* ]] || echo "$a" >> "${state}"; done; fi`,
  );
  return { bin, state, aptLog };
}

const run = (bin: string, ...args: string[]) =>
  spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });

const ALL = readFileSync(SCRIPT, "utf8")
  .match(/readonly PACKAGES=\(([^)]*)\)/)![1]
  .trim()
  .split(/\s+/);

describe("scripts/test-tools.sh (the first step of npm test)", () => {
  it("lists the tools the tests run: restic, borg, PostgreSQL 15, MariaDB, Prometheus, shellcheck, jq", () => {
    expect(ALL).toEqual(
      expect.arrayContaining([
        "restic",
        "borgbackup",
        "postgresql-15",
        "mariadb-server",
        "mariadb-backup",
        "prometheus",
        "prometheus-alertmanager",
        "prometheus-node-exporter",
        "shellcheck",
        "systemd",
        "jq",
      ]),
    );
  });

  it("does nothing when every package is installed", () => {
    const s = stubs(0, ALL);
    const r = run(s.bin);
    expect(r.status).toBe(0);
    expect(existsSync(s.aptLog)).toBe(false);
  });

  it("not root: prints the exact apt-get command for the missing packages and stops the tests", () => {
    const s = stubs(
      1000,
      ALL.filter((p) => p !== "restic" && p !== "jq"),
    );
    const r = run(s.bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("sudo apt-get install -y --no-install-recommends restic jq");
    expect(existsSync(s.aptLog)).toBe(false);
  });

  it("root: installs exactly the missing packages (after apt-get update), then passes", () => {
    const s = stubs(
      0,
      ALL.filter((p) => p !== "borgbackup" && p !== "mariadb-backup"),
    );
    const r = run(s.bin);
    expect(r.status).toBe(0);
    const calls = readFileSync(s.aptLog, "utf8").trim().split("\n");
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/ update /);
    expect(calls[1]).toMatch(/install -y -qq --no-install-recommends borgbackup mariadb-backup$/);
  });

  it("--check reports without installing, even as root", () => {
    const s = stubs(0, []);
    const r = run(s.bin, "--check");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`apt-get install -y --no-install-recommends ${ALL.join(" ")}`);
  });

  it("npm test and .ci/run go through it", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.test).toMatch(
      /^bash scripts\/test-tools\.sh && /,
    );
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/\nnpm test\n/);
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).not.toMatch(/apt-get/);
  });
});
