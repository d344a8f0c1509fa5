/**
 * What an engine contributes to the generated scripts. Each field is bash that defines
 * functions with fixed names, which the script skeletons (../scripts.ts) call:
 *
 * - `engine_setup`: reads the engine's settings from the env file, checks its tools;
 * - `engine_preflight`: the database (or the paths) can be read;
 * - `engine_capture`: stores the run's units, appends each name to `STORED`, writes the
 *   record body (`<kind><TAB><name><TAB><count>` lines) to `$WORK/capture.body` and sets
 *   `SIZE` and `ITEMS`;
 * - `engine_after_commit`: bookkeeping once the run's records are stored (pitr);
 * - `engine_ship`: one shipping run of continuous archives (pitr only);
 * - `engine_restore RUN NAME` / `engine_restore_to_time`: restore.sh's work;
 * - `engine_drill RUN NAME`: restores into a scratch place, writes the same record body
 *   for what it restored to `$WORK/restored.body`, sets `DRILL_SECONDS`.
 */
export interface EngineBash {
  /** Names of the units a restore or drill starts from, in order of preference. */
  readonly mainNames: readonly string[];
  /** OS user that scratch servers of the drill run as. */
  readonly drillUser?: string;
  readonly setup: string;
  readonly preflight: string;
  readonly capture: string;
  /** Defines engine_after_commit, and engine_ship with pitr. */
  readonly pitr: string;
  readonly restore: string;
  readonly pitrRestore: string;
  readonly drill: string;
  /** Whether the record's counts are exact (compared for equality by the drill). */
  readonly exact: boolean;
}
