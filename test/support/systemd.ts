import { run } from "./tools";

/** Monday 2024-01-01 00:00 UTC: the week every calendar check starts from. */
export const BASE_TIME = Date.UTC(2024, 0, 1, 0, 0, 0);
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Asks the real `systemd-analyze calendar` (the grammar Proxmox backup schedules and
 * systemd timers share) for the start times of every expression in the week from
 * BASE_TIME, in one call. Throws with systemd's own message when an expression is invalid.
 */
export function startsInFirstWeek(expressions: readonly string[]): Map<string, number[]> {
  const unique = [...new Set(expressions)];
  const out = new Map<string, number[]>();
  if (!unique.length) return out;
  const args = ["calendar", "--iterations=170", "--base-time=2023-12-31 23:59:59 UTC", ...unique];
  const r = run("systemd-analyze", args, { env: { ...process.env, TZ: "UTC", SYSTEMD_COLORS: "0" } });
  if (r.code !== 0) throw new Error(`systemd-analyze calendar refused an expression: ${r.stderr.trim()}`);
  const blocks = r.stdout.trim().split(/\n\s*\n/);
  if (blocks.length !== unique.length)
    throw new Error(`expected ${unique.length} results from systemd-analyze, got ${blocks.length}`);
  blocks.forEach((block, i) => {
    const times = [
      ...block.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC/g),
    ].map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
    // Minutes after Monday 00:00 of the base week.
    out.set(
      unique[i],
      times.filter((t) => t < BASE_TIME + WEEK_MS).map((t) => (t - BASE_TIME) / 60000),
    );
  });
  return out;
}
