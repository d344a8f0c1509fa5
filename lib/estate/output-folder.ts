import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, join, posix, resolve, sep } from "node:path";
import { KEPT_FOLDERS } from "../artifacts/artifact";
import { Errors } from "../errors";
import { ioError } from "../private/io-error";

/**
 * The output folder's bookkeeping. Synth owns exactly the files it lists in
 * {@link MANIFEST}: the next synth replaces and removes those, and nothing else. A folder
 * with files but no manifest is someone else's (a repository, a home folder) and is
 * refused, whatever path `--out` names; a file the user adds to an output folder stays.
 */

/** The list of files the last synth wrote, at the root of the output folder. */
export const MANIFEST = ".backup-gov-manifest.json";
/** Held while one synth puts its output in place; concurrent synths wait for it. */
export const LOCK = ".backup-gov.lock";
/** Prefix of the folders a synth writes into before its output is put in place. */
export const STAGING_PREFIX = ".backup-gov-staging-";
/** Prefix of the folder (inside the staging folder) the previous files wait in while the new ones move in. */
export const PREVIOUS_PREFIX = ".previous-";

/** Names at the root that belong to this bookkeeping, never to the output. */
const isBookkeeping = (name: string) => name === MANIFEST || name === LOCK || name.startsWith(STAGING_PREFIX);

/** How long a synth waits for another one to finish putting its output in place. @default 30 seconds */
export const DEFAULT_LOCK_WAIT_SECONDS = 30;

/** The output folder, resolved: `real` is where files go (a symlinked `--out` stays a link). */
export interface OutputFolder {
  /** `--out` as given. */
  readonly given: string;
  /** The folder's real path (the link's target when `--out` is a symlink). */
  readonly real: string;
  /** Whether this synth created the folder (it is removed again if the synth fails). */
  readonly created: boolean;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(path, e);
  }
}

/**
 * Checks `--out` before anything is written and creates it when missing: a file (IO-030),
 * a dangling link (IO-054), the working folder or a parent of it (IO-033) and a folder
 * holding files synth did not write (IO-050) are refused.
 */
export function openOutputFolder(given: string): OutputFolder {
  const abs = resolve(given);
  const st = lstatOrUndefined(abs);
  let created = false;
  if (st?.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(abs);
    } catch {
      throw Errors.outDanglingLink(given, readlinkSync(abs));
    }
    if (!lstatSync(target).isDirectory()) throw Errors.outIsFile(given);
  } else if (st && !st.isDirectory()) {
    throw Errors.outIsFile(given);
  }
  const encloses = (dir: string) => {
    const cwd = process.cwd();
    return cwd === dir || cwd.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  };
  if (encloses(abs)) throw Errors.outEnclosesWorkingDir(given);
  if (!st) {
    try {
      created = mkdirSync(abs, { recursive: true }) !== undefined;
    } catch (e) {
      throw ioError(abs, e);
    }
  }
  const real = realpathSync(abs);
  if (encloses(real)) throw Errors.outEnclosesWorkingDir(given);
  const out = { given, real, created };
  readManifest(out);
  return out;
}

/**
 * The files (relative paths, `/`-separated) the previous synth wrote. Without a manifest,
 * the folder may hold only what commands other than synth put there (onboarding receipts,
 * this bookkeeping); anything else is the user's, and the folder is refused (IO-050).
 */
export function readManifest(out: OutputFolder): Set<string> {
  const file = join(out.real, MANIFEST);
  const st = lstatOrUndefined(file);
  if (!st) {
    const foreign = foreignEntries(out.real);
    if (foreign.length)
      throw Errors.outNotOwned(
        out.given,
        foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : ""),
      );
    return new Set();
  }
  if (!st.isFile()) throw Errors.outManifestInvalid(out.given, `${MANIFEST} is not a regular file`);
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(file, "utf8")) as { files?: unknown }).files;
  } catch (e) {
    throw Errors.outManifestInvalid(out.given, `${MANIFEST} is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(files)) throw Errors.outManifestInvalid(out.given, `${MANIFEST} has no "files" list`);
  const set = new Set<string>();
  for (const f of files) {
    // A path that leaves the folder, or names the bookkeeping, was not written by synth.
    const ok =
      typeof f === "string" &&
      f !== "" &&
      !isAbsolute(f) &&
      !f.includes("\\") &&
      !f.includes("\0") &&
      posix.normalize(f) === f &&
      !f.split("/").includes("..") &&
      !isBookkeeping(f.split("/")[0]);
    if (!ok)
      throw Errors.outManifestInvalid(
        out.given,
        `${MANIFEST} lists ${JSON.stringify(f)}, which is not a path inside the folder`,
      );
    set.add(f);
  }
  return set;
}

/** Entries of a folder without a manifest that synth would not have written. */
function foreignEntries(root: string): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir).sort();
    } catch (e) {
      throw ioError(dir, e);
    }
  };
  const out: string[] = [];
  for (const name of list(root)) {
    if (isBookkeeping(name)) continue;
    const st = lstatSync(join(root, name));
    if (name === "artifacts" && st.isDirectory()) {
      // Receipts are written by onboard before any synth; an empty folder holds nothing.
      for (const inner of list(join(root, name))) if (!KEPT_FOLDERS.includes(inner)) out.push(`artifacts/${inner}`);
      continue;
    }
    out.push(st.isDirectory() ? `${name}/` : name);
  }
  return out;
}

/**
 * The staging folder's files, split by how they move in: `folders` are folders whose place in
 * the output is free (nothing there at all), moved in whole by one rename each; `files` are
 * the files outside them, moved one by one. A first synth into an empty folder moves
 * `stacks/` and `artifacts/` whole; a later one moves in whole the folders of new hosts and
 * services. `all` is every file, for the manifest.
 */
function stagedMoves(staging: string, outReal: string): { all: string[]; files: string[]; folders: string[] } {
  const all: string[] = [];
  const files: string[] = [];
  const folders: string[] = [];
  const walk = (rel: string, whole: boolean) => {
    for (const e of readdirSync(join(staging, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!e.isDirectory()) {
        all.push(r);
        if (!whole) files.push(r);
        continue;
      }
      if (whole) {
        walk(r, true);
        continue;
      }
      const free = lstatOrUndefined(join(outReal, r)) === undefined;
      if (free) folders.push(r);
      walk(r, free);
    }
  };
  walk("", false);
  return { all, files, folders };
}

/** A fresh staging folder inside the output folder: same file system, so moving in is a rename. */
export function makeStaging(out: OutputFolder): string {
  try {
    // pid@host: a folder on a shared file system is only judged abandoned by its own host.
    return mkdtempSync(
      join(out.real, `${STAGING_PREFIX}${process.pid}@${hostname().replace(/[^A-Za-z0-9.-]/g, "_")}-`),
    );
  } catch (e) {
    throw ioError(out.real, e);
  }
}

/** Removes the output folder again when this synth created it and it is still empty. */
export function dropIfCreated(out: OutputFolder): void {
  if (!out.created) return;
  try {
    rmdirSync(out.real);
  } catch {
    // Not empty: another synth or the user put something there since.
  }
}

/** Who holds the lock, as written in the lock file. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return typeof h.pid === "number" && typeof h.host === "string" ? h : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the output folder's lock, waiting up to `waitSeconds` for another synth to finish
 * (it holds the lock only while moving its output in). A lock left by a process of this host
 * that no longer runs is taken over. Each wait step is a `yield`, so that the caller can
 * sleep asynchronously and notice a signal.
 */
export function* acquireLock(out: OutputFolder, waitSeconds: number): Generator<number, () => void> {
  const file = join(out.real, LOCK);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(file, "wx", 0o644);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + "\n");
      closeSync(fd);
      return () => {
        const h = readHolder(file);
        if (h?.pid === process.pid && h.host === hostname()) rmSync(file, { force: true });
      };
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw ioError(file, e);
    }
    const holder = readHolder(file);
    if (holder && holder.host === hostname() && !alive(holder.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw Errors.outLocked(
        out.given,
        holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : `an unreadable lock file ${file}`,
        file,
      );
    }
    yield 50;
  }
}

/** Whether every folder of `relDir` (inside `root`) is a real folder, not a link. */
function realFolders(root: string, relDir: string): boolean {
  let d = root;
  for (const part of relDir === "." ? [] : relDir.split("/")) {
    d = join(d, part);
    if (!lstatOrUndefined(d)?.isDirectory()) return false;
  }
  return true;
}

/**
 * Removes staging folders (with the previous files they parked) of synths of this host that
 * died (SIGKILL, power loss) before cleaning up: everything in them was written by synth.
 */
export function removeDeadStaging(out: OutputFolder): void {
  for (const name of readdirSync(out.real)) {
    const m = name.startsWith(STAGING_PREFIX) ? /^(\d+)@(.*)-[^-]{6}$/.exec(name.slice(STAGING_PREFIX.length)) : null;
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, "_");
    if (m && m[2] === host && Number(m[1]) !== process.pid && !alive(Number(m[1])))
      rmSync(join(out.real, name), { recursive: true, force: true });
  }
}

/**
 * Puts the files of `staging` in place in the output folder, under its lock. Files the
 * previous synth wrote are replaced or removed; every other file stays. A file of the new
 * output whose place is taken by a file synth did not write is refused (IO-051) before
 * anything moves. The previous files wait in a folder inside the staging folder and are moved back
 * if any step fails, so that a failure leaves the previous output as it was.
 *
 * @returns folders of stacks no longer synthesized that still hold files synth did not write.
 */
export function commitOutput(out: OutputFolder, staging: string, previous: ReadonlySet<string>): string[] {
  const moves = stagedMoves(staging, out.real);
  const next = moves.all;
  const nextSet = new Set(next);
  const taken: string[] = [];
  const checkedDirs = new Set<string>();
  // Files inside a folder whose place is free cannot meet anything of the user's.
  for (const rel of moves.files) {
    const st = lstatOrUndefined(join(out.real, rel));
    if (st && (!previous.has(rel) || !(st.isFile() || st.isSymbolicLink()))) taken.push(rel);
    // Each folder on the way must be a real folder (or missing): a link would send output elsewhere.
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (checkedDirs.has(d)) continue;
      checkedDirs.add(d);
      const ds = lstatOrUndefined(join(out.real, d));
      if (ds && !ds.isDirectory() && !previous.has(d)) taken.push(d);
    }
  }
  if (taken.length)
    throw Errors.outPathTaken(
      out.given,
      taken.slice(0, 5).join(", ") + (taken.length > 5 ? `, and ${taken.length - 5} more` : ""),
    );

  // Inside the staging folder: removed with it after the lock is released (deleting thousands
  // of old files can take long), and by the next synth if this one dies.
  const parked = mkdtempSync(join(staging, PREVIOUS_PREFIX));
  const realDirs = new Map<string, boolean>();
  const isRealDir = (relDir: string) => {
    let ok = realDirs.get(relDir);
    if (ok === undefined) realDirs.set(relDir, (ok = realFolders(out.real, relDir)));
    return ok;
  };
  const movedOut: Array<[from: string, to: string]> = [];
  const movedIn: Array<[from: string, to: string]> = [];
  const madeDirs: string[] = [];
  const mkdirs = (root: string, relDir: string, record: boolean) => {
    let d = root;
    for (const part of relDir === "." ? [] : relDir.split("/")) {
      d = join(d, part);
      if (!existsSync(d)) {
        mkdirSync(d);
        if (record) madeDirs.push(d);
      }
    }
  };
  const move = (from: string, to: string, log: Array<[string, string]>) => {
    renameSync(from, to);
    log.push([from, to]);
  };
  const manifestFile = join(out.real, MANIFEST);
  const oldManifest = existsSync(manifestFile) ? readFileSync(manifestFile) : undefined;
  const writeManifest = (files: readonly string[]) => {
    // A complete file renamed into place: a reader never sees half a list.
    const tmp = join(staging, MANIFEST);
    writeFileSync(
      tmp,
      JSON.stringify(
        {
          generator: "backup-gov synth",
          note: "Files the last synth wrote; the next one replaces or removes exactly these.",
          files,
        },
        null,
        2,
      ) + "\n",
      { mode: 0o644 },
    );
    renameSync(tmp, manifestFile);
  };
  try {
    // First the union of old and new: a synth killed (SIGKILL, power loss) while files move
    // leaves a folder whose every synth-written file is still listed, and the next one repairs it.
    writeManifest([...new Set([...previous, ...next])].sort());
    for (const rel of previous) {
      // Through a folder the user replaced by a link, the path names someone else's file: left alone.
      if (!isRealDir(posix.dirname(rel))) continue;
      const st = lstatOrUndefined(join(out.real, rel));
      if (!st || !(st.isFile() || st.isSymbolicLink())) continue;
      mkdirs(parked, posix.dirname(rel), false);
      move(join(out.real, rel), join(parked, rel), movedOut);
    }
    for (const rel of moves.folders) {
      mkdirs(out.real, posix.dirname(rel), true);
      move(join(staging, rel), join(out.real, rel), movedIn);
    }
    for (const rel of moves.files) {
      mkdirs(out.real, posix.dirname(rel), true);
      move(join(staging, rel), join(out.real, rel), movedIn);
    }
    writeManifest(next);
  } catch (e) {
    // Back to the previous output; each step on its own, so that one failure does not stop the rest.
    const attempt = (f: () => void) => {
      try {
        f();
      } catch {
        // Nothing better to do: the manifest lists old and new files, and the next synth repairs the folder.
      }
    };
    for (const [from, to] of movedIn.reverse()) attempt(() => renameSync(to, from));
    for (const d of madeDirs.reverse()) attempt(() => rmdirSync(d));
    for (const [from, to] of movedOut.reverse()) attempt(() => renameSync(to, from));
    attempt(() => (oldManifest ? writeFileSync(manifestFile, oldManifest) : rmSync(manifestFile, { force: true })));
    throw ioError(out.real, e);
  }
  // Folders emptied by removing old files go; a folder holding anything else stays.
  const leftovers = new Set<string>();
  for (const rel of previous) {
    if (nextSet.has(rel)) continue;
    for (let d = posix.dirname(rel); d !== "."; d = posix.dirname(d)) {
      try {
        rmdirSync(join(out.real, d));
      } catch {
        if (/^stacks\/[^/]+$/.test(d)) leftovers.add(d);
        break;
      }
    }
  }
  return [...leftovers].filter((d) => existsSync(join(out.real, d))).sort();
}
