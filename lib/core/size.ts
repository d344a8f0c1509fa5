import { Errors } from "../errors";

const UNITS = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
const SIZE = /^([1-9][0-9]{0,6})(KiB|MiB|GiB|TiB)$/;
const RATE = /^([1-9][0-9]{0,6})(KiB|MiB|GiB)\/s$/;

/**
 * A size in bytes as the catalog writes it (`512MiB`, `20GiB`), and upload rates
 * (`20MiB/s`), which restic (`--limit-upload`) and borg (`--upload-ratelimit`) take in KiB/s.
 */
export class Size {
  /** Parses `<n>KiB|MiB|GiB|TiB`; throws APP-001 on anything else. */
  public static parse(text: string, key = "size"): Size {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- JavaScript callers and YAML values may pass a number: String() keeps APP-001 from a TypeError
    const m = SIZE.exec(String(text).trim());
    if (!m) throw Errors.invalidSize(key, text, "<n>KiB, <n>MiB, <n>GiB or <n>TiB, e.g. 20GiB");
    return new Size(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS], key, text);
  }

  /** Parses an upload rate `<n>KiB/s|MiB/s|GiB/s` into a size per second; throws APP-001. */
  public static parseRate(text: string, key = "bandwidthLimit"): Size {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- JavaScript callers and YAML values may pass a number: String() keeps APP-001 from a TypeError
    const m = RATE.exec(String(text).trim());
    if (!m) throw Errors.invalidSize(key, text, "<n>KiB/s, <n>MiB/s or <n>GiB/s, e.g. 20MiB/s");
    return new Size(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS], key, text);
  }

  /**
   * Whether `text` parses as a size (`rate`: an upload rate) that fits a safe integer of
   * bytes: the catalog schema checks sizes with this, the same parser the constructs use.
   */
  public static fits(text: string, rate = false): boolean {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- JavaScript callers and YAML values may pass a number: String() keeps APP-001 from a TypeError
    const m = (rate ? RATE : SIZE).exec(String(text).trim());
    return !!m && Number.isSafeInteger(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS]);
  }

  public static bytes(n: number): Size {
    return new Size(n);
  }

  private constructor(
    public readonly totalBytes: number,
    key = "size",
    text: unknown = totalBytes,
  ) {
    if (!Number.isSafeInteger(totalBytes) || totalBytes <= 0)
      throw Errors.invalidSize(key, text, "a positive whole number of bytes, at most 8 PiB (2^53 - 1)");
  }

  /** Whole KiB, rounded down but at least 1: the unit of both tools' rate limits. */
  public toKiB(): number {
    return Math.max(1, Math.floor(this.totalBytes / 1024));
  }
}
