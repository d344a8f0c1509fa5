import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { Errors, UsageError } from "../errors";

/**
 * Reads at most `cap + 1` bytes of a regular file, whatever its size says: a device or a
 * FIFO stats as size 0 (`/dev/zero` would otherwise be read forever), and a file can grow
 * between stat and read. Anything but a regular file is refused before it is opened
 * (opening a FIFO waits for a writer); O_NONBLOCK and a second check on the open file
 * cover a path swapped in between.
 */
export function readCapped(file: string, cap: number): Buffer {
  let fd: number | undefined;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw Errors.fileUnreadable(file, "it is a directory");
    if (!st.isFile()) throw Errors.fileUnreadable(file, `it is ${fileKind(st)}, not a regular file`);
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw Errors.fileUnreadable(file, `it is ${fileKind(opened)}, not a regular file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, cap + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > cap) break;
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw Errors.fileNotFound(file);
    throw Errors.fileUnreadable(file, (e as Error).message);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileKind(st: ReturnType<typeof statSync> & object): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}
