/**
 * Source for the behaviour checked: systemd.unit(5) "Specifiers" (a literal % is written
 * %%) and "Quoting"; systemd.exec(5) ReadWritePaths= (space-separated, quotable, "-" prefix,
 * absolute normalized paths). The real systemd-analyze is the oracle.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  isSystemdPath,
  systemdPath,
  systemdSpecifierEscape,
  systemdText,
  systemdWord,
} from "../../../lib/core/escape/systemd";
import { scratch } from "../../support/tools";

function verify(dir: string, name: string, line: string): string {
  const file = join(dir, name);
  writeFileSync(file, `[Service]\nType=oneshot\nExecStart=/bin/true\n${line}\n`);
  return spawnSync("systemd-analyze", ["verify", "--man=false", file], { encoding: "utf8" }).stderr;
}

describe("systemd escaping", () => {
  const dir = scratch("escape-systemd");
  mkdirSync(dir, { recursive: true });

  it("doubles % so that no specifier is expanded", () => {
    expect(systemdSpecifierEscape("50%x %n")).toBe("50%%x %%n");
    // The oracle: unescaped, systemd tries to expand %x and complains.
    expect(verify(dir, "raw.service", "ReadWritePaths=-/mnt/50%x")).toMatch(/Failed to resolve unit specifiers/);
    expect(verify(dir, "escaped.service", `ReadWritePaths=${systemdPath("/mnt/50%x", { optional: true })}`)).toBe("");
  });

  it("quotes paths with spaces, quotes, $ and backslashes into one word systemd accepts", () => {
    const path = `/mnt/nas/with space/"q"/'s'/$(id)/back\\slash`;
    const word = systemdPath(path, { optional: true });
    expect(word).toBe(`"-/mnt/nas/with space/\\"q\\"/'s'/$(id)/back\\\\slash"`);
    expect(verify(dir, "quoted.service", `ReadWritePaths=${word}`)).toBe("");
    expect(systemdWord("plain/path")).toBe("plain/path");
  });

  it("refuses paths systemd would ignore (.., ., //, trailing /, relative, control characters) with APP-050", () => {
    expect(verify(dir, "dotdot.service", "ReadWritePaths=-/mnt/../etc")).toMatch(/not normalized/);
    for (const bad of ["/mnt/../etc", "/mnt/./x", "/mnt//x", "/mnt/x/", "mnt/x", "/mnt/a\nb"]) {
      expect(isSystemdPath(bad)).toBe(false);
      expect(() => systemdPath(bad, { key: "app.repository" })).toThrow(
        /APP-050: app.repository is not a path systemd accepts/,
      );
    }
    expect(isSystemdPath("/")).toBe(true);
    expect(isSystemdPath("/mnt/nas/restic")).toBe(true);
  });

  it("flattens free text to one line with specifiers escaped", () => {
    expect(systemdText("backup of a\nb 100%")).toBe("backup of a b 100%%");
  });
});
