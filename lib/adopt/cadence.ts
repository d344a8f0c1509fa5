/**
 * How often an existing schedule runs, read from the three grammars adoption meets: Proxmox
 * calendar events (systemd's grammar, also `02:30`, `sun 01:00`, `mon..fri 22:00`), AWS Backup
 * cron expressions (six fields) and Velero's five-field cron (or `@every 24h`).
 */
export enum Period {
  SUB_DAILY = "sub-daily",
  DAILY = "daily",
  WEEKLY = "weekly",
  MONTHLY = "monthly",
  YEARLY = "yearly",
}

export interface ReadCadence {
  /** Minutes between runs (a month counts as 30 days, a year as 365). */
  readonly minutes: number;
  readonly period: Period;
}

const DAY = 1440;

/** The catalog duration of an interval: `4h`, `1d`, `7d`, `30m`. */
export function durationOf(minutes: number): string {
  if (minutes % DAY === 0) return `${minutes / DAY}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** A Proxmox job schedule (calendar event), or undefined when it is not a plain repeating one. */
export function readCalendarEvent(text: string): ReadCadence | undefined {
  const s = text.trim().toLowerCase().replace(/\s+/g, " ");
  if (s === "hourly") return { minutes: 60, period: Period.SUB_DAILY };
  if (s === "daily" || s === "*-*-* 00:00:00") return { minutes: DAY, period: Period.DAILY };
  if (s === "weekly") return { minutes: 7 * DAY, period: Period.WEEKLY };
  if (s === "monthly") return { minutes: 30 * DAY, period: Period.MONTHLY };
  if (s === "yearly" || s === "annually") return { minutes: 365 * DAY, period: Period.YEARLY };
  const parts = s.split(" ");
  let days: string | undefined;
  let date: string | undefined;
  let time: string | undefined;
  for (const p of parts) {
    if (/^[a-z]/.test(p)) days = p;
    else if (p.includes("-")) date = p;
    else time = p;
  }
  if (date && !/^\*-\*-\*$/.test(date)) {
    const m = /^\*-(\*|\d+)-(\d+)$/.exec(date);
    if (!m) return undefined;
    return m[1] === "*" ? { minutes: 30 * DAY, period: Period.MONTHLY } : { minutes: 365 * DAY, period: Period.YEARLY };
  }
  const t = /^(\*|\d+)(?:\/(\d+))?(?::(\d+|\*))?(?::\d+)?$/.exec(time ?? "00:00");
  if (!t) return undefined;
  const [, hour, step] = t;
  const dayCount = days ? countDays(days) : 7;
  if (dayCount === undefined) return undefined;
  if (hour === "*" || step) {
    const h = step ? Number(step) : 1;
    if (h < 1 || h > 24) return undefined;
    return { minutes: h * 60, period: h >= 24 ? Period.DAILY : Period.SUB_DAILY };
  }
  if (dayCount === 1) return { minutes: 7 * DAY, period: Period.WEEKLY };
  return { minutes: DAY, period: Period.DAILY };
}

const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function countDays(spec: string): number | undefined {
  let n = 0;
  for (const part of spec.split(",")) {
    const range = /^([a-z]{3})[a-z]*(?:\.\.([a-z]{3})[a-z]*)?$/.exec(part);
    if (!range) return undefined;
    const a = WEEKDAY_NAMES.indexOf(range[1]);
    const b = range[2] ? WEEKDAY_NAMES.indexOf(range[2]) : a;
    if (a < 0 || b < 0) return undefined;
    n += b >= a ? b - a + 1 : 7 - a + b + 1;
  }
  return n;
}

/** An AWS Backup schedule expression, `cron(m h dom mon dow year)`. */
export function readAwsCron(text: string): ReadCadence | undefined {
  const m = /^cron\((.+)\)$/.exec(text.trim());
  if (!m) return undefined;
  const f = m[1].trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  return readCronFields(f[1], f[2], f[3], f[4]);
}

/** A five-field cron (Velero, Kubernetes) or `@every <n>h`/`@daily`. */
export function readCron(text: string): ReadCadence | undefined {
  const s = text.trim();
  const every = /^@every (\d+)h(?:0m(?:0s)?)?$/.exec(s);
  if (every) {
    const h = Number(every[1]);
    return h % 24 === 0
      ? { minutes: h * 60, period: h === 24 ? Period.DAILY : h === 168 ? Period.WEEKLY : Period.DAILY }
      : { minutes: h * 60, period: Period.SUB_DAILY };
  }
  const named: Readonly<Partial<Record<string, ReadCadence>>> = {
    "@hourly": { minutes: 60, period: Period.SUB_DAILY },
    "@daily": { minutes: DAY, period: Period.DAILY },
    "@midnight": { minutes: DAY, period: Period.DAILY },
    "@weekly": { minutes: 7 * DAY, period: Period.WEEKLY },
    "@monthly": { minutes: 30 * DAY, period: Period.MONTHLY },
    "@yearly": { minutes: 365 * DAY, period: Period.YEARLY },
  };
  const hit = named[s];
  if (hit) return hit;
  const f = s.split(/\s+/);
  if (f.length !== 5) return undefined;
  return readCronFields(f[1], f[2], f[3], f[4]);
}

function readCronFields(hour: string, dom: string, month: string, dow: string): ReadCadence | undefined {
  const any = (x: string) => x === "*" || x === "?";
  if (!any(dom))
    return any(month) ? { minutes: 30 * DAY, period: Period.MONTHLY } : { minutes: 365 * DAY, period: Period.YEARLY };
  if (!any(dow)) {
    const n = dow.split(",").length;
    if (n === 1 && !dow.includes("-")) return { minutes: 7 * DAY, period: Period.WEEKLY };
    return { minutes: DAY, period: Period.DAILY };
  }
  const step = /^(?:\*|\d+)\/(\d+)$/.exec(hour);
  if (step) return { minutes: Number(step[1]) * 60, period: Period.SUB_DAILY };
  if (hour === "*") return { minutes: 60, period: Period.SUB_DAILY };
  const list = hour.split(",");
  if (list.length > 1 && list.every((h) => /^\d+$/.test(h)))
    return { minutes: Math.floor(DAY / list.length), period: Period.SUB_DAILY };
  if (/^\d+$/.test(hour)) return { minutes: DAY, period: Period.DAILY };
  return undefined;
}

/** A Go duration as Velero writes a TTL (`720h0m0s`), in whole days (rounded up). */
export function ttlDays(ttl: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(ttl.trim());
  if (!m || ttl.trim() === "") return undefined;
  const [h = "0", min = "0", sec = "0"] = m.slice(1);
  const hours = Number(h) + Number(min) / 60 + Number(sec) / 3600;
  return Math.max(1, Math.ceil(hours / 24));
}
