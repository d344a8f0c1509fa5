import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { CatalogSource } from "../catalog/source";
import { readCapped } from "../private/read-capped";
import { Patterns } from "../catalog/schema/common";
import { formatPath } from "../core/finding";
import { Errors, UsageError } from "../errors";

/** Largest lifecycle or API file read (a real estate's lists are far smaller). */
export const MAX_DRIFT_INPUT_BYTES = 5 * 1024 * 1024;

/** Lifecycle states of a guest. */
export const GUEST_STATES = ["active", "decommissioned"] as const;

/** The estate's own list of guests (docs/drift.md). */
export const lifecycleSchema = z.strictObject({
  version: z.literal(1).describe("Format version; only `1` exists."),
  guests: z
    .array(
      z.strictObject({
        service: z
          .string()
          .regex(Patterns.serviceId)
          .describe("The catalog service the guest runs, if any.")
          .optional(),
        host: z.string().regex(Patterns.hostKey).describe("The host key, as in the catalog's `proxmox.hosts`."),
        vmid: z.int().min(100).max(999999999).describe("Guest id on that host."),
        state: z.enum(GUEST_STATES).describe("`active` or `decommissioned`."),
        name: z.string().describe("Guest name, for messages.").optional(),
        note: z.string().describe("Free text.").optional(),
      }),
    )
    .describe("Every guest the estate knows of."),
});

export type LifecycleList = z.output<typeof lifecycleSchema>;
export type LifecycleGuest = LifecycleList["guests"][number];

/** Proxmox guest ids: whole numbers from 100 to 999999999 (as PVE-007 and the lifecycle list). */
const VMID_MESSAGE = "a guest id (vmid) is a whole number from 100 to 999999999";
const vmidNumber = z
  .int({ error: VMID_MESSAGE })
  .min(100, { error: VMID_MESSAGE })
  .max(999999999, { error: VMID_MESSAGE });

/** One guest of `GET /cluster/backup-info/not-backed-up`. */
export const notBackedUpSchema = z.array(
  z.looseObject({
    // The API gives a number; `pvesh` output and older answers a string of digits. 0, -5 or 1e+23 is no guest.
    vmid: z.union(
      [
        vmidNumber,
        z
          .string()
          .regex(/^[0-9]{1,9}$/, { error: VMID_MESSAGE })
          .transform(Number)
          .pipe(vmidNumber),
      ],
      { error: VMID_MESSAGE },
    ),
    type: z.enum(["qemu", "lxc"]),
    name: z.string().optional(),
  }),
);

export type NotBackedUpGuest = z.output<typeof notBackedUpSchema>[number];

/** Reads a lifecycle list (YAML or JSON). Throws UsageError (exit 2) with `file:line:col` on bad input. */
export function readLifecycleFile(file: string): LifecycleList {
  const text = readText(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const source = new CatalogSource(file, doc, lines);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const p = source.positionAt(e.pos[0]);
    throw Errors.driftInputInvalid(file, `${p.line}:${p.column}: ${e.message.split("\n")[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw Errors.driftInputInvalid(file, `YAML aliases expand too far: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = lifecycleSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const p = source.valuePosition(issue.path as Array<string | number>);
    throw Errors.driftInputInvalid(
      file,
      `${p.line}:${p.column}: ${formatPath(issue.path as Array<string | number>) || "(root)"}: ${issue.message}`,
    );
  }
  const seen = new Map<string, number>();
  r.data.guests.forEach((g, i) => {
    const key = `${g.host}/${g.vmid}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const p = source.valuePosition(["guests", i]);
      throw Errors.driftInputInvalid(
        file,
        `${p.line}:${p.column}: guests[${i}] lists ${key} again (first at guests[${first}]); a guest appears once`,
      );
    }
    seen.set(key, i);
  });
  return r.data;
}

/**
 * Reads a saved answer of `GET /cluster/backup-info/not-backed-up`: the API's
 * `{"data": [...]}` envelope, or the bare list `pvesh get ... --output-format json` prints.
 */
export function readNotBackedUpFile(file: string): NotBackedUpGuest[] {
  const text = readText(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw Errors.driftInputInvalid(file, `not JSON: ${(e as Error).message}`);
  }
  const list = raw && typeof raw === "object" && !Array.isArray(raw) && "data" in raw ? raw.data : raw;
  const r = notBackedUpSchema.safeParse(list);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw Errors.driftInputInvalid(
      file,
      `${formatPath(issue.path as Array<string | number>) || "(root)"}: ${issue.message} (expected a list of {vmid, type, name})`,
    );
  }
  return r.data;
}

function readText(file: string): string {
  try {
    // Capped, and only a regular file: `--lifecycle /dev/zero` would otherwise never end.
    const buf = readCapped(file, MAX_DRIFT_INPUT_BYTES);
    if (buf.byteLength > MAX_DRIFT_INPUT_BYTES)
      throw Errors.driftInputInvalid(file, `${buf.byteLength} bytes; at most ${MAX_DRIFT_INPUT_BYTES} are read`);
    return buf.toString("utf8");
  } catch (e) {
    // readCapped names a missing file as a catalog (IO-001); this is a drift input.
    if (e instanceof UsageError && e.code === "IO-001") throw Errors.fileUnreadable(file, "no such file");
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw Errors.fileUnreadable(file, "no such file");
    throw Errors.fileUnreadable(file, (e as Error).message);
  }
}
