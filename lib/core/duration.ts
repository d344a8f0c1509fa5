import { Errors } from "../errors";

const UNIT_MINUTES = { m: 1, h: 60, d: 1440 } as const;

/** The catalog's duration grammar: a positive whole number and one of m, h, d. */
export const DURATION_PATTERN = /^([1-9][0-9]{0,5})(m|h|d)$/;

/**
 * A length of time as the catalog writes it (`15m`, `4h`, `1d`), kept in whole minutes.
 *
 * RPOs and RTOs are durations; so are the cadences derived from them.
 */
export class Duration {
  /** Parses `<n>m`, `<n>h` or `<n>d`; throws CORE-001 on anything else. */
  public static parse(text: string, key = "duration"): Duration {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- JavaScript callers and YAML values may pass a number: String() keeps CORE-001 from a TypeError
    const m = DURATION_PATTERN.exec(String(text).trim());
    if (!m) throw Errors.invalidDuration(text, key);
    return new Duration(Number(m[1]) * UNIT_MINUTES[m[2] as keyof typeof UNIT_MINUTES]);
  }

  /** Like parse, but answers undefined instead of throwing. */
  public static tryParse(text: unknown): Duration | undefined {
    if (typeof text !== "string") return undefined;
    const m = DURATION_PATTERN.exec(text.trim());
    return m ? new Duration(Number(m[1]) * UNIT_MINUTES[m[2] as keyof typeof UNIT_MINUTES]) : undefined;
  }

  public static minutes(n: number): Duration {
    return new Duration(n);
  }

  public static hours(n: number): Duration {
    return new Duration(n * 60);
  }

  public static days(n: number): Duration {
    return new Duration(n * 1440);
  }

  private constructor(public readonly totalMinutes: number) {
    if (!Number.isInteger(totalMinutes) || totalMinutes <= 0) throw Errors.invalidDuration(totalMinutes);
  }

  public toMinutes(): number {
    return this.totalMinutes;
  }

  public toHours(): number {
    return this.totalMinutes / 60;
  }

  /** Whole days, rounded up: what AWS lifecycle fields need. */
  public toDaysCeil(): number {
    return Math.ceil(this.totalMinutes / 1440);
  }

  /** The shortest catalog spelling: 90m stays 90m, 120m becomes 2h, 1440m becomes 1d. */
  public toString(): string {
    if (this.totalMinutes % 1440 === 0) return `${this.totalMinutes / 1440}d`;
    if (this.totalMinutes % 60 === 0) return `${this.totalMinutes / 60}h`;
    return `${this.totalMinutes}m`;
  }

  /** A human phrase for documents: "4 hours", "1 day", "90 minutes". */
  public toHuman(): string {
    const [n, unit] =
      this.totalMinutes % 1440 === 0
        ? [this.totalMinutes / 1440, "day"]
        : this.totalMinutes % 60 === 0
          ? [this.totalMinutes / 60, "hour"]
          : [this.totalMinutes, "minute"];
    return `${n} ${unit}${n === 1 ? "" : "s"}`;
  }

  public compareTo(other: Duration): number {
    return this.totalMinutes - other.totalMinutes;
  }
}
