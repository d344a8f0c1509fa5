const WEEK = 7 * 1440;

/**
 * The minutes of one host's week that a backup or a drill already occupies. A run of `d`
 * minutes from `s` meets a run from `t` exactly when some minute lies in both, so a slot is
 * free when no minute of it is occupied: a range sum over a Fenwick tree, independent of how
 * many runs the host has (comparing a slot with every run was quadratic in the host's size).
 */
export class WeekOccupancy {
  private readonly occupied = new Uint8Array(WEEK);
  private readonly tree = new Int32Array(WEEK + 1);

  /** Marks `minutes` minutes from `start` (minute of the week, wrapping around) as occupied. */
  public mark(start: number, minutes: number): void {
    const n = Math.min(minutes, WEEK);
    for (let i = 0; i < n; i++) {
      const m = (((start + i) % WEEK) + WEEK) % WEEK;
      if (this.occupied[m]) continue;
      this.occupied[m] = 1;
      for (let j = m + 1; j <= WEEK; j += j & -j) this.tree[j]++;
    }
  }

  /** Whether no minute of the run of `minutes` minutes from `start` is occupied. */
  public isFree(start: number, minutes: number): boolean {
    const n = Math.min(minutes, WEEK);
    if (n <= 0) return true;
    const s = ((start % WEEK) + WEEK) % WEEK;
    const e = s + n;
    return e <= WEEK ? this.count(s, e) === 0 : this.count(s, WEEK) === 0 && this.count(0, e - WEEK) === 0;
  }

  /** Occupied minutes in [from, to). */
  private count(from: number, to: number): number {
    return this.prefix(to) - this.prefix(from);
  }

  private prefix(end: number): number {
    let sum = 0;
    for (let j = end; j > 0; j -= j & -j) sum += this.tree[j];
    return sum;
  }
}
