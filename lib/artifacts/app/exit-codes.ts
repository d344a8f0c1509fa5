/**
 * Exit codes of the generated backup.sh, restore.sh and verify.sh: the same number means
 * the same thing in every script, so that a unit's failure says where to look.
 */
export enum ExitCode {
  OK = 0,
  /** Wrong arguments. */
  USAGE = 2,
  /** The env file, a secret file or a tool is missing. */
  CONFIG = 3,
  /** The destination does not exist, is unreachable or not writable (preflight), or the database is unreachable. */
  DESTINATION = 4,
  /** The dump or capture failed; whatever was stored of it was forgotten. */
  CAPTURE = 5,
  /** Storing into the repository failed; whatever was stored was forgotten. */
  STORE = 6,
  /** The backup is stored, but applying retention (forget/prune) failed. */
  RETENTION = 7,
  /** verify.sh: the restored copy does not match what the backup recorded. */
  MISMATCH = 8,
  /** verify.sh: the repository check found damage. */
  CHECK = 9,
  /** restore.sh / verify.sh: nothing suitable to restore, or the restore failed. */
  RESTORE = 10,
  /** Another run of this service holds the lock. */
  LOCKED = 75,
}

/** One line per code, for script headers and docs. */
export const EXIT_CODE_TEXT: ReadonlyArray<[ExitCode, string]> = [
  [ExitCode.OK, "success"],
  [ExitCode.USAGE, "wrong arguments"],
  [ExitCode.CONFIG, "configuration missing: env file, secret file or tool"],
  [ExitCode.DESTINATION, "destination or database unreachable, missing or not writable (preflight)"],
  [ExitCode.CAPTURE, "dump/capture failed; anything stored by the run was forgotten"],
  [ExitCode.STORE, "storing into the repository failed; anything stored by the run was forgotten"],
  [ExitCode.RETENTION, "backup stored, but forget/prune failed"],
  [ExitCode.MISMATCH, "restored copy differs from the capture record"],
  [ExitCode.CHECK, "repository check found damage"],
  [ExitCode.RESTORE, "nothing suitable to restore, or the restore failed"],
  [ExitCode.LOCKED, "another run of this service holds the lock"],
];
