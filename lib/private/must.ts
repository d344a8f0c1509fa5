import { Errors } from "../errors";

/**
 * The value the library's own logic guarantees (a key it put into a map, a section it checked
 * before): where a non-null assertion would carry `undefined` on into a message or a file, a
 * missing value stops with BUG-001 instead.
 */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw Errors.internal(what);
  return value;
}
