import { Errors } from "../errors";

/** Recovery-point classes, shortest-lived first. */
export enum RetentionClass {
  HOURLY = "hourly",
  DAILY = "daily",
  WEEKLY = "weekly",
  MONTHLY = "monthly",
  YEARLY = "yearly",
}

export const RETENTION_CLASSES: readonly RetentionClass[] = [
  RetentionClass.HOURLY,
  RetentionClass.DAILY,
  RetentionClass.WEEKLY,
  RetentionClass.MONTHLY,
  RetentionClass.YEARLY,
];

export interface RetentionProps {
  /** Sub-daily points to keep. @default 0 */
  readonly hourly?: number;
  /** Daily points to keep (= days). @default 0 */
  readonly daily?: number;
  /** Weekly points to keep. @default 0 */
  readonly weekly?: number;
  /** Monthly points to keep. @default 0 */
  readonly monthly?: number;
  /** Yearly points to keep. @default 0 */
  readonly yearly?: number;
}

/**
 * A grandfather-father-son retention: how many points of each class to keep.
 *
 * The same counts drive Proxmox `prune-backups` (keep-hourly …), restic/borg `forget`/`prune`
 * (--keep-hourly …) and AWS Backup rules (each class becomes a rule whose `delete_after`
 * is the class's lifetime in days).
 */
export class Retention {
  public static of(props: RetentionProps): Retention {
    return new Retention(props);
  }

  /** Keep `n` daily points and nothing else. */
  public static days(n: number): Retention {
    return new Retention({ daily: n });
  }

  public readonly hourly: number;
  public readonly daily: number;
  public readonly weekly: number;
  public readonly monthly: number;
  public readonly yearly: number;

  private constructor(props: RetentionProps) {
    for (const c of RETENTION_CLASSES) {
      const v = props[c];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw Errors.invalidRetention(c, v);
    }
    this.hourly = props.hourly ?? 0;
    this.daily = props.daily ?? 0;
    this.weekly = props.weekly ?? 0;
    this.monthly = props.monthly ?? 0;
    this.yearly = props.yearly ?? 0;
  }

  public count(c: RetentionClass): number {
    return this[c];
  }

  /** Classes with at least one point, shortest-lived first. */
  public classes(): RetentionClass[] {
    return RETENTION_CLASSES.filter((c) => this[c] > 0);
  }

  /**
   * How many days a point of the class lives: daily n → n, weekly n → 7n, monthly n →
   * ⌈365n/12⌉, yearly n → 365n; hourly n → ⌈n × interval / 1 day⌉ (at least 1).
   */
  public lifetimeDays(c: RetentionClass, intervalMinutes = 60): number {
    const n = this[c];
    switch (c) {
      case RetentionClass.HOURLY:
        return n === 0 ? 0 : Math.max(1, Math.ceil((n * intervalMinutes) / 1440));
      case RetentionClass.DAILY:
        return n;
      case RetentionClass.WEEKLY:
        return 7 * n;
      case RetentionClass.MONTHLY:
        return Math.ceil((365 * n) / 12);
      case RetentionClass.YEARLY:
        return 365 * n;
    }
  }

  /** The longest lifetime of any point, in days. */
  public maxLifetimeDays(intervalMinutes = 60): number {
    return Math.max(0, ...RETENTION_CLASSES.map((c) => this.lifetimeDays(c, intervalMinutes)));
  }

  /** Proxmox `prune-backups` keys (string values, as the provider wants). */
  public toPruneBackups(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.classes()) out[`keep-${c}`] = String(this[c]);
    return out;
  }

  /** restic `forget` / borg `prune` flags: `--keep-daily 14 --keep-weekly 8 ...`. */
  public toKeepFlags(): string[] {
    return this.classes().flatMap((c) => [`--keep-${c}`, String(this[c])]);
  }

  /** `daily 14, weekly 8, monthly 12, yearly 1` */
  public describe(): string {
    const parts = this.classes().map((c) => `${c} ${this[c]}`);
    return parts.length ? parts.join(", ") : "nothing kept";
  }

  public toJSON(): Required<RetentionProps> {
    return { hourly: this.hourly, daily: this.daily, weekly: this.weekly, monthly: this.monthly, yearly: this.yearly };
  }
}
