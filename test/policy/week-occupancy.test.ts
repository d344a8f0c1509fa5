import { WeekOccupancy } from "../../lib/policy/week-occupancy";

describe("WeekOccupancy (drill placement)", () => {
  const WEEK = 7 * 1440;
  /** The pairwise test placeDrills used before: a run of d from s meets a run of e from t. */
  const meets = (s: number, d: number, t: number, e: number) => (t - s + WEEK) % WEEK < d || (s - t + WEEK) % WEEK < e;

  it("answers exactly as comparing a slot with every earlier run, including runs that wrap around the week", () => {
    // GIVEN runs at pseudo-random minutes (a fixed LCG: the same runs every time), some across Sunday midnight
    let seed = 12345;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const runs: Array<[number, number]> = [[WEEK - 10, 30]];
    for (let i = 0; i < 300; i++) runs.push([next(WEEK), 1 + next(240)]);
    const week = new WeekOccupancy();
    for (const [t, e] of runs) week.mark(t, e);
    // WHEN slots of every kind are asked for THEN the answer equals the pairwise check
    for (let k = 0; k < 2000; k++) {
      const s = next(WEEK);
      const d = 1 + next(240);
      expect(week.isFree(s, d)).toBe(runs.every(([t, e]) => !meets(s, d, t, e)));
    }
    expect(week.isFree(WEEK - 20, 5)).toBe(false);
    expect(week.isFree(5, 10)).toBe(false);
  });
});
