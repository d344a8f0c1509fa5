import { gzipSync } from "node:zlib";
import { Header, Pax } from "tar";
import type { Artifact } from "../artifact";
import { doc, fence } from "../markdown";
import { renderDbAccess } from "./db-access";
import { renderEnvFile } from "./env-file";
import { renderServiceReadme } from "./readme";
import { entryPoint, runtimeFiles, runtimeVersion, shellSource } from "./runtime";
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

let installScript: string | undefined;

/** install.sh at the root of a host bundle: a real file (sh/bundle/install.sh) that reads each service's service.conf; read once per process. */
export function renderInstallScript(): string {
  return (installScript ??= shellSource("bundle/install.sh"));
}

/** README.md at the root of a host bundle. */
function renderBundleReadme(host: string, specs: readonly AppBackupSpec[]): string {
  return doc(
    `# backup-gov bundle for ${host}`,
    `App-level backups of: ${specs.map((s) => `[${s.serviceId}](${s.serviceId}/README.md)`).join(", ")}.`,
    "Install as root (it installs the backup-gov runtime of this bundle once for the host, keeps existing env files and enables the timers):",
    fence(`tar -xzf ${host}.tar.gz && ./${host}/install.sh`),
    `The tarball unpacks this folder and the runtime beside it (\`${RUNTIME_FOLDER}/\`, version in \`${RUNTIME_FOLDER}/VERSION\`), which install.sh reads from \`../${RUNTIME_FOLDER}/\`; in a synth's output every host folder shares the one \`hosts/${RUNTIME_FOLDER}/\`. Each service's scripts are entry points into the runtime; a service and a runtime from different syntheses refuse to run (exit 3), so always install the whole bundle. Each service's README lists the secret files to create and the first steps. The timers: ${specs
      .flatMap((s) =>
        renderUnits(s)
          .filter((u) => u.name.endsWith(".timer"))
          .map((u) => u.name),
      )
      .join(", ")}; the drills run ${specs.map((s) => unitName(s, "drill", "service")).join(", ")}.`,
  );
}

/**
 * The folder beside the host folders that holds the runtime: in a synth's output
 * (`artifacts/hosts/_runtime/`, written once for every host) and in each host's tarball
 * (`_runtime/` beside `<host>/`). A host name never starts with `_`, so it cannot collide.
 */
export const RUNTIME_FOLDER = "_runtime";

/**
 * Files of a host's folder, relative to it (`<host>/`): install.sh, README.md and one folder
 * per service. The runtime is not among them: install.sh reads it from `../_runtime/`
 * ({@link RUNTIME_FOLDER}), written once per output and carried by each tarball.
 */
export function renderHostFiles(host: string, specs: readonly AppBackupSpec[]): ServiceFile[] {
  const sorted = [...specs].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
  return [
    { path: "install.sh", content: renderInstallScript(), mode: 0o755 },
    { path: "README.md", content: renderBundleReadme(host, sorted), mode: 0o644 },
    ...sorted.flatMap((s) => renderServiceFiles(s).map((f) => ({ ...f, path: `${s.serviceId}/${f.path}` }))),
  ].sort((a, b) => a.path.localeCompare(b.path));
}

/** The runtime's files as the bundle carries them: `_runtime/...`. */
export function runtimeBundleFiles(): ServiceFile[] {
  return runtimeFiles().map((f) => ({ ...f, path: `${RUNTIME_FOLDER}/${f.path}` }));
}

/**
 * Every file a host's tarball unpacks, relative to the folder it is unpacked in: the host's
 * folder (`<host>/...`) and the runtime (`_runtime/...`).
 */
export function renderBundleFiles(host: string, specs: readonly AppBackupSpec[]): ServiceFile[] {
  return [...renderHostFiles(host, specs).map((f) => ({ ...f, path: `${host}/${f.path}` })), ...runtimeBundleFiles()];
}

/** A fixed time for every entry: the bundle is byte-identical for the same catalog. */
const BUNDLE_MTIME = new Date("2020-01-01T00:00:00Z");

/**
 * Tar entries (ustar, with a PAX header for long paths) of files at their given paths,
 * without the end-of-archive blocks: portable headers (uid/gid 0, no user names) and a fixed
 * mtime make them reproducible.
 */
function tarEntries(
  files: ReadonlyArray<{ readonly path: string; readonly content: string; readonly mode: number }>,
): Buffer[] {
  const chunks: Buffer[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const body = Buffer.from(f.content, "utf8");
    const header = new Header({ path: f.path, mode: f.mode, size: body.length, mtime: BUNDLE_MTIME, type: "File" });
    // encode() returns true when the path or size does not fit a ustar header: a PAX header goes first.
    if (header.encode()) chunks.push(new Pax({ path: f.path, mtime: BUNDLE_MTIME, size: body.length }).encode());
    chunks.push(header.block!, body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  return chunks;
}

let runtimeMember: { version: string; tarLength: number; gzip: Buffer } | undefined;

/**
 * The runtime's tar entries (`_runtime/...`), compressed once per process: the same gzip
 * member opens every host's tarball. Level 9: it is compressed once, not once per host.
 */
function compressedRuntime(): { tarLength: number; gzip: Buffer } {
  const version = runtimeVersion();
  if (runtimeMember?.version !== version) {
    const tar = Buffer.concat(tarEntries(runtimeBundleFiles()));
    runtimeMember = { version, tarLength: tar.length, gzip: gzipSync(tar, { level: 9 }) };
  }
  return runtimeMember;
}

/**
 * A host's tarball: `_runtime/...` and `<host>/...`, so that it installs on its own
 * (`tar -xzf <host>.tar.gz && ./<host>/install.sh`). Assembled in memory from the rendered
 * files, never staged on disk. A gzip file may hold several members, which gzip, GNU tar,
 * Python and Node read as one stream (RFC 1952, section 2.2): the runtime is the first member,
 * compressed once per synth ({@link compressedRuntime}), and only the host's own entries are
 * compressed per host. gzip level 1: on these small files of shell text and units it takes
 * half the time of level 6 for a few hundred bytes more.
 */
export function renderHostBundle(host: string, files: readonly ServiceFile[]): Uint8Array {
  const runtime = compressedRuntime();
  const chunks = tarEntries(files.map((f) => ({ ...f, path: `${host}/${f.path}` })));
  // Two zero blocks end the archive; tar pads it to a multiple of 20 blocks (its default record size).
  const length = runtime.tarLength + chunks.reduce((n, c) => n + c.length, 0) + 1024;
  const record = 20 * 512;
  chunks.push(Buffer.alloc(1024 + ((record - (length % record)) % record)));
  return new Uint8Array(Buffer.concat([runtime.gzip, gzipSync(Buffer.concat(chunks), { level: 1 })]));
}

/**
 * The artifacts of one host: `hosts/<host>/...` unpacked, `hosts/<host>.tar.gz`, and the
 * runtime `hosts/_runtime/...` that the unpacked folder's install.sh reads (marked `shared`:
 * every host returns it, the artifact set keeps one copy).
 */
export function hostArtifacts(host: string, specs: readonly AppBackupSpec[]): Artifact[] {
  const files = renderHostFiles(host, specs);
  return [
    ...files.map((f) => ({ path: `hosts/${host}/${f.path}`, content: f.content, mode: f.mode })),
    { path: `hosts/${host}.tar.gz`, content: renderHostBundle(host, files) },
    ...runtimeBundleFiles().map((f) => ({ path: `hosts/${f.path}`, content: f.content, mode: f.mode, shared: true })),
  ];
}
