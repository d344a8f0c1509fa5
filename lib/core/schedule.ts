import { Duration } from "./duration";
import { Errors } from "../errors";

const DAY = 1440;
const WEEK = 7 * DAY;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const AWS_WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;
const ICS_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

/**
 * How often a job runs: one of the standard cadences.
 *
 * Standard cadences divide a day (1h … 12h), or are a day or a week. Keeping to them makes
 * every schedule expressible in systemd calendar events (Proxmox, timers), AWS cron and
 * iCalendar recurrence rules alike.
 */
export class Cadence {
  /** Every standard cadence, shortest first. */
  public static readonly STANDARD_MINUTES: readonly number[] = [60, 120, 180, 240, 360, 480, 720, DAY, WEEK];

  public static hourly(hours = 1): Cadence {
    return new Cadence(hours * 60);
  }

  public static daily(): Cadence {
    return new Cadence(DAY);
  }

  public static weekly(): Cadence {
    return new Cadence(WEEK);
  }

  /** The smallest standard cadence: a scheduled dump cannot meet a shorter RPO. */
  public static shortest(): Cadence {
    return new Cadence(Cadence.STANDARD_MINUTES[0]);
  }

  /**
   * The largest standard cadence that still meets the RPO, or undefined when the RPO is
   * shorter than the shortest cadence (such an RPO needs continuous archiving).
   */
  public static forRpo(rpo: Duration): Cadence | undefined {
    const fitting = Cadence.STANDARD_MINUTES.filter((m) => m <= rpo.toMinutes());
    return fitting.length ? new Cadence(fitting[fitting.length - 1]) : undefined;
  }

  public static ofMinutes(minutes: number): Cadence {
    return new Cadence(minutes);
  }

  private constructor(public readonly intervalMinutes: number) {
    if (!Cadence.STANDARD_MINUTES.includes(intervalMinutes)) throw Errors.invalidInterval(intervalMinutes);
  }

  public get isSubDaily(): boolean {
    return this.intervalMinutes < DAY;
  }

  public get isWeekly(): boolean {
    return this.intervalMinutes === WEEK;
  }

  /** Runs per week. */
  public get perWeek(): number {
    return WEEK / this.intervalMinutes;
  }

  /** Short stable key used in job ids and names: `4h`, `1d`, `7d`. */
  public get key(): string {
    return Duration.minutes(this.intervalMinutes).toString();
  }

  /** Word for documents: "hourly", "every 4 hours", "daily", "weekly". */
  public get label(): string {
    if (this.intervalMinutes === 60) return "hourly";
    if (this.intervalMinutes === DAY) return "daily";
    if (this.intervalMinutes === WEEK) return "weekly";
    return `every ${this.intervalMinutes / 60} hours`;
  }

  public meets(rpo: Duration): boolean {
    return this.intervalMinutes <= rpo.toMinutes();
  }
}

/**
 * A cadence anchored at an offset: "every 4 hours starting 02:15", "daily at 01:30",
 * "weekly on Sunday at 03:00", "monthly on day 1 at 02:15". Times are in the zone of the machine that runs the job
 * (Proxmox host, systemd timer) or UTC (AWS Backup, unless a timezone is set).
 */
export class Schedule {
  /**
   * @param cadence how often
   * @param offsetMinutes minutes after the start of the cadence's period: within the hour
   *   group for sub-daily cadences, after midnight for daily, after Monday 00:00 for weekly.
   */
  public static at(cadence: Cadence, offsetMinutes: number): Schedule {
    return new Schedule(cadence, offsetMinutes);
  }

  private constructor(
    public readonly cadence: Cadence,
    public readonly offsetMinutes: number,
    /** Day of the month (1–28) of a monthly or yearly schedule; undefined otherwise. */
    public readonly dayOfMonth?: number,
    /** Month (1–12) of a yearly schedule; undefined otherwise. */
    public readonly month?: number,
    /** A weekly schedule that runs only in the first seven days of each month. */
    public readonly firstWeekOfMonth = false,
  ) {
    if (!Number.isInteger(offsetMinutes) || offsetMinutes < 0 || offsetMinutes >= cadence.intervalMinutes) {
      throw Errors.invalidOffset(offsetMinutes, cadence.intervalMinutes);
    }
  }

  /**
   * This daily schedule, restricted to one day of each month, or of one month of each year
   * when `month` is given: the monthly and yearly points of a grandfather-father-son
   * retention (AWS Backup monthly and yearly rules). Days stop at 28 so that every month has one.
   */
  public onDayOfMonth(day = 1, month?: number): Schedule {
    const ok = !this.cadence.isSubDaily && !this.cadence.isWeekly && Number.isInteger(day) && day >= 1 && day <= 28;
    if (!ok || (month !== undefined && (!Number.isInteger(month) || month < 1 || month > 12))) {
      throw Errors.invalidDayOfMonth(this.cadence.key, day, month);
    }
    return new Schedule(this.cadence, this.offsetMinutes, day, month);
  }

  /**
   * This weekly schedule, restricted to the first such weekday of each month ("the first
   * Sunday"): monthly restore drills that keep to their weekly slot.
   */
  public inFirstWeekOfMonth(): Schedule {
    if (!this.cadence.isWeekly) throw Errors.invalidDayOfMonth(this.cadence.key, 1, undefined);
    return new Schedule(this.cadence, this.offsetMinutes, undefined, undefined, true);
  }

  /** True for schedules that do not run every week (monthly, yearly, first week of the month). */
  public get isRare(): boolean {
    return this.dayOfMonth !== undefined || this.firstWeekOfMonth;
  }

  /** True for a schedule restricted to one day a month (and not to one month a year). */
  public get isMonthly(): boolean {
    return this.dayOfMonth !== undefined && this.month === undefined;
  }

  /** True for a schedule restricted to one day a year. */
  public get isYearly(): boolean {
    return this.dayOfMonth !== undefined && this.month !== undefined;
  }

  /**
   * Every start, as minutes after Monday 00:00, over one week. A monthly or yearly schedule
   * answers the starts of the daily schedule it restricts: the minutes it may take in any week.
   */
  public startsInWeek(): number[] {
    const out: number[] = [];
    for (let t = this.offsetMinutes; t < WEEK; t += this.cadence.intervalMinutes) out.push(t);
    return out;
  }

  /** The first start of the week, split into weekday index (0 = Monday), hour and minute. */
  public firstStart(): { weekday: number; hour: number; minute: number } {
    const o = this.offsetMinutes;
    return { weekday: Math.floor(o / DAY), hour: Math.floor((o % DAY) / 60), minute: o % 60 };
  }

  /**
   * A systemd calendar event (`OnCalendar=`), which is also the grammar of Proxmox backup
   * job schedules: `*-*-* 02/4:15:00`, `*-*-* 01:30:00`, `Sun *-*-* 03:00:00`.
   */
  public toCalendarEvent(): string {
    const { weekday, hour, minute } = this.firstStart();
    const mm = pad(minute);
    if (this.dayOfMonth !== undefined)
      return `*-${this.month !== undefined ? pad(this.month) : "*"}-${pad(this.dayOfMonth)} ${pad(hour)}:${mm}:00`;
    if (this.cadence.isWeekly)
      return `${WEEKDAYS[weekday]} *-*-${this.firstWeekOfMonth ? "01..07" : "*"} ${pad(hour)}:${mm}:00`;
    if (!this.cadence.isSubDaily) return `*-*-* ${pad(hour)}:${mm}:00`;
    const step = this.cadence.intervalMinutes / 60;
    if (step === 1) return `*-*-* *:${mm}:00`;
    return `*-*-* ${pad(hour)}/${step}:${mm}:00`;
  }

  /** An AWS Backup / EventBridge cron expression (six fields, UTC unless a timezone is set). */
  public toAwsCron(): string {
    const { weekday, hour, minute } = this.firstStart();
    if (this.dayOfMonth !== undefined) return `cron(${minute} ${hour} ${this.dayOfMonth} ${this.month ?? "*"} ? *)`;
    if (this.cadence.isWeekly)
      return `cron(${minute} ${hour} ? * ${AWS_WEEKDAYS[weekday]}${this.firstWeekOfMonth ? "#1" : ""} *)`;
    if (!this.cadence.isSubDaily) return `cron(${minute} ${hour} * * ? *)`;
    const step = this.cadence.intervalMinutes / 60;
    return step === 1 ? `cron(${minute} * * * ? *)` : `cron(${minute} ${hour}/${step} * * ? *)`;
  }

  /** An iCalendar RRULE value (RFC 5545) matching this schedule from its first start. */
  public toRRule(): string {
    const { weekday } = this.firstStart();
    if (this.isYearly) return `FREQ=YEARLY;BYMONTH=${this.month};BYMONTHDAY=${this.dayOfMonth}`;
    if (this.isMonthly) return `FREQ=MONTHLY;BYMONTHDAY=${this.dayOfMonth}`;
    if (this.cadence.isWeekly)
      return this.firstWeekOfMonth
        ? `FREQ=MONTHLY;BYDAY=1${ICS_WEEKDAYS[weekday]}`
        : `FREQ=WEEKLY;BYDAY=${ICS_WEEKDAYS[weekday]}`;
    if (!this.cadence.isSubDaily) return "FREQ=DAILY";
    return `FREQ=HOURLY;INTERVAL=${this.cadence.intervalMinutes / 60}`;
  }

  /** "daily at 01:30", "every 4 hours from 02:15", "weekly on Sun at 03:00". */
  public describe(): string {
    const { weekday, hour, minute } = this.firstStart();
    const hhmm = `${pad(hour)}:${pad(minute)}`;
    if (this.month !== undefined && this.dayOfMonth !== undefined)
      return `yearly on ${pad(this.month)}-${pad(this.dayOfMonth)} at ${hhmm}`;
    if (this.isMonthly) return `monthly on day ${this.dayOfMonth} at ${hhmm}`;
    if (this.cadence.isWeekly)
      return `${this.firstWeekOfMonth ? "monthly on the first" : "weekly on"} ${WEEKDAYS[weekday]} at ${hhmm}`;
    if (!this.cadence.isSubDaily) return `daily at ${hhmm}`;
    return `${this.cadence.label} from ${hhmm}`;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
