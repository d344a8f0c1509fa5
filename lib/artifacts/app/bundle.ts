import { gzipSync } from "node:zlib";
import { Header, Pax } from "tar";
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
 * The host bundle as a gzipped tar (`<host>/...`), assembled in memory from the rendered
 * files: the `tar` package's own header encoder (ustar, with a PAX header for long paths),
 * portable headers (uid/gid 0, no user names) and a fixed mtime make it reproducible.
 * Nothing touches the disk here: staging every file in a scratch folder to let `tar` read
 * it back doubled the writes of a synth. gzip level 1: on these bundles of shell text it
 * takes half the time of level 6 for archives about a third larger (still a fifth of the tar),
 * and a synth of 1,000 services compresses 250 of them.
 */
export function renderHostBundle(host: string, files: readonly ServiceFile[]): Uint8Array {
  const chunks: Buffer[] = [];
  const sorted = files.map((f) => ({ ...f, rel: `${host}/${f.path}` })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const f of sorted) {
    const body = Buffer.from(f.content, "utf8");
    const header = new Header({ path: f.rel, mode: f.mode, size: body.length, mtime: BUNDLE_MTIME, type: "File" });
    // encode() returns true when the path or size does not fit a ustar header: a PAX header goes first.
    if (header.encode()) chunks.push(new Pax({ path: f.rel, mtime: BUNDLE_MTIME, size: body.length }).encode());
    chunks.push(header.block!, body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  // Two zero blocks end the archive; tar pads it to a multiple of 20 blocks (its default record size).
  const length = chunks.reduce((n, c) => n + c.length, 0) + 1024;
  const record = 20 * 512;
  chunks.push(Buffer.alloc(1024 + ((record - (length % record)) % record)));
  return new Uint8Array(gzipSync(Buffer.concat(chunks), { level: 1 }));
}

/** The artifacts of one host: `hosts/<host>/...` unpacked and `hosts/<host>.tar.gz`. */
export function hostArtifacts(host: string, specs: readonly AppBackupSpec[]): Artifact[] {
  const files = renderHostFiles(host, specs);
  return [
    ...files.map((f) => ({ path: `hosts/${host}/${f.path}`, content: f.content, mode: f.mode })),
    { path: `hosts/${host}.tar.gz`, content: renderHostBundle(host, files) },
  ];
}
