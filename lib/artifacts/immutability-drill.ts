import { shellAssign, shellComment } from "../core/escape/shell";
import { shellSource } from "./app/runtime";

/** A bucket whose Object Lock the drill proves. */
export interface LockedBucket {
  readonly name: string;
  readonly region: string;
  /** The lock mode (any case; written as S3 reports it, `COMPLIANCE` or `GOVERNANCE`). */
  readonly mode: string;
  readonly days: number;
  /**
   * Key prefixes of deduplicated repositories (restic) in the bucket, each ending in `/`: the
   * drill also reads the retention of the OLDEST object each still holds, which every kept
   * snapshot may reference, and passes only when it is locked at least `days` from now (the
   * service's lock-extend.sh keeps it so). @default - none
   */
  readonly repositories?: readonly string[];
}

/** The drill's real file, relative to the runtime's source folder (not installed on hosts). */
const DRILL_SOURCE = "operator/immutability-drill.sh";

/**
 * The immutability drill: for every locked bucket of the estate, write a probe object, try to
 * delete that exact version and to shorten its retention, and pass only when S3 refuses both
 * and the version is still there, locked as the catalog says. A fresh probe only proves the
 * upload-time lock: for each repository prefix the drill also reads the retention of the oldest
 * object the repository still holds and passes only when it is locked `days` from now. The checklist's "test that
 * locked objects cannot be deleted", runnable by an operator with real credentials.
 *
 * The program is the real file lib/artifacts/app/sh/operator/immutability-drill.sh (linted by
 * shellcheck and shfmt where it lives); the estate's data replaces its `# @data` lines, every
 * value through the one shell quoting function.
 *
 * Pure: the same buckets give the same script.
 */
export function renderImmutabilityDrill(estate: string, buckets: readonly LockedBucket[]): string {
  const rows = [...buckets]
    .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name))
    .map(
      (b) => `${b.name}|${b.region}|${b.mode.toUpperCase()}|${b.days}|${[...(b.repositories ?? [])].sort().join(",")}`,
    );
  const data = [
    `# Estate ${shellComment(estate)}: ${buckets.length} locked bucket(s).`,
    shellAssign("ESTATE", estate),
    shellAssign("BUCKETS", rows),
  ].join("\n");
  let placed = false;
  const out: string[] = [];
  for (const line of shellSource(DRILL_SOURCE).split("\n")) {
    if (!/ # @data$/.test(line)) out.push(line);
    else if (!placed) {
      out.push(data);
      placed = true;
    }
  }
  if (!placed) throw new Error(`${DRILL_SOURCE} has no # @data line`);
  return out.join("\n");
}
