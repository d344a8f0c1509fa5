/**
 * The fast-check seed of a fuzz run. `npm test` uses a fixed seed, so that CI judges a change and
 * not the luck of the draw (a random seed once failed a merge on a bug the change did not touch);
 * `npm run fuzz` explores with a new seed each run and prints it on failure. FUZZ_SEED=<seed>
 * replays either.
 */
export const FUZZ_SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** The fixed seed of the default run. */
export const DEFAULT_FUZZ_SEED = 20_261_208;

export function fuzzSeed(): number | undefined {
  if (process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== "random") return Number(process.env.FUZZ_SEED);
  if (process.env.FUZZ_SEED === "random" || process.env.FUZZ_SCALE !== undefined) return undefined;
  return DEFAULT_FUZZ_SEED;
}
