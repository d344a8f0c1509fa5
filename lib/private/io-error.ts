import { Errors, UsageError } from "../errors";

/** The IO error for a failed write: a too-long name and a file-versus-folder clash get their own codes. */
export function ioError(where: string, e: unknown): Error {
  if (e instanceof UsageError) return e;
  // A thrown non-Error has no message: the value itself is shown.
  const err = e as Partial<NodeJS.ErrnoException>;
  const at = err.path ?? where;
  if (err.code === "ENAMETOOLONG") return Errors.nameTooLong(at);
  if (err.code === "ENOTDIR") return Errors.nameCollision(at, "a file stands where a folder is needed");
  if (err.code === "EISDIR") return Errors.nameCollision(at, "a folder stands where a file is needed");
  if (err.code === "EEXIST") return Errors.nameCollision(at, "the name is taken");
  return Errors.cannotWrite(at, err.message ?? String(e));
}
