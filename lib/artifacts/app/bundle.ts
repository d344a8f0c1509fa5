import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create as createTar } from "tar";
import type { Artifact } from "../artifact";
import { doc, fence } from "../markdown";
import { renderDbAccess } from "./db-access";
import { renderEnvFile } from "./env-file";
import { renderServiceReadme } from "./readme";
import { entryPoint, runtimeFiles, shellSource } from "./runtime";
import { entryScripts, renderServiceConf } from "./service-conf";
import { type AppBackupSpec, unitName } from "./spec";
import { renderUnits } from "./units";

/** One file of a service's folder, relative to it. */
export interface ServiceFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/**
 * Every file of one service, as installed from the bundle's `<service>/` folder: the entry
 * points (each a copy of the runtime's one entry point), service.conf (data), the env
 * template, units, README and database access files. The work is done by the host's
 * runtime, which the bundle installs once ({@link runtimeFiles}).
 */
export function renderServiceFiles(spec: AppBackupSpec): ServiceFile[] {
  const entry = entryPoint();
  const files: ServiceFile[] = [
    ...entryScripts(spec).map((path) => ({ path, content: entry, mode: 0o755 })),
    { path: "service.conf", content: renderServiceConf(spec), mode: 0o644 },
    { path: "env", content: renderEnvFile(spec), mode: 0o644 },
    { path: "README.md", content: renderServiceReadme(spec), mode: 0o644 },
    ...renderUnits(spec).map((u) => ({ path: `systemd/${u.name}`, content: u.content, mode: 0o644 })),
    ...renderDbAccess(spec).map((f) => ({ path: f.path, content: f.content, mode: 0o644 })),
  ];
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** install.sh at the root of a host bundle: a real file (sh/bundle/install.sh) that reads each service's service.conf. */
export function renderInstallScript(): string {
  return shellSource("bundle/install.sh");
}

/** README.md at the root of a host bundle. */
function renderBundleReadme(host: string, specs: readonly AppBackupSpec[]): string {
  return doc(
    `# backup-gov bundle for ${host}`,
    `App-level backups of: ${specs.map((s) => `[${s.serviceId}](${s.serviceId}/README.md)`).join(", ")}.`,
    "Install as root (it installs the backup-gov runtime of this bundle once for the host, keeps existing env files and enables the timers):",
    fence(`tar -xzf ${host}.tar.gz && ./${host}/install.sh`),
    `Each service's scripts are entry points into the runtime (\`runtime/\`, version in \`runtime/VERSION\`); a service and a runtime from different syntheses refuse to run (exit 3), so always install the whole bundle. Each service's README lists the secret files to create and the first steps. The timers: ${specs
      .flatMap((s) => renderUnits(s).filter((u) => u.name.endsWith(".timer")).map((u) => u.name))
      .join(", ")}; the drills run ${specs.map((s) => unitName(s, "drill", "service")).join(", ")}.`,
  );
}

/** Files of a host bundle, relative to the bundle's root folder `<host>/`. */
export function renderHostFiles(host: string, specs: readonly AppBackupSpec[]): ServiceFile[] {
  const sorted = [...specs].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
  return [
    { path: "install.sh", content: renderInstallScript(), mode: 0o755 },
    { path: "README.md", content: renderBundleReadme(host, sorted), mode: 0o644 },
    ...runtimeFiles().map((f) => ({ ...f, path: `runtime/${f.path}` })),
    ...sorted.flatMap((s) => renderServiceFiles(s).map((f) => ({ ...f, path: `${s.serviceId}/${f.path}` }))),
  ].sort((a, b) => a.path.localeCompare(b.path));
}

/** A fixed time for every entry: the bundle is byte-identical for the same catalog. */
const BUNDLE_MTIME = new Date("2020-01-01T00:00:00Z");

/**
 * The host bundle as a gzipped tar (`<host>/...`), built with the `tar` package from a
 * scratch folder so that modes are kept; portable headers and a fixed mtime make it
 * reproducible.
 */
export function renderHostBundle(host: string, files: readonly ServiceFile[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "backup-gov-bundle-"));
  try {
    const paths: string[] = [];
    for (const f of files) {
      const rel = `${host}/${f.path}`;
      const abs = join(dir, rel);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f.content);
      chmodSync(abs, f.mode);
      paths.push(rel);
    }
    const out = join(dir, "bundle.tar.gz");
    createTar({ sync: true, gzip: { level: 9 }, portable: true, mtime: BUNDLE_MTIME, noDirRecurse: true, cwd: dir, file: out }, paths.sort());
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The artifacts of one host: `hosts/<host>/...` unpacked and `hosts/<host>.tar.gz`. */
export function hostArtifacts(host: string, specs: readonly AppBackupSpec[]): Artifact[] {
  const files = renderHostFiles(host, specs);
  return [
    ...files.map((f) => ({ path: `hosts/${host}/${f.path}`, content: f.content, mode: f.mode })),
    { path: `hosts/${host}.tar.gz`, content: renderHostBundle(host, files) },
  ];
}
