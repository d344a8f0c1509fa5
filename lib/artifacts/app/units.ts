import { readFileSync } from "node:fs";
import { join } from "node:path";
import { systemdPath, systemdText, systemdWord } from "../../core/escape/systemd";
import { AppEngine } from "../../core/vocabulary";
import { unitTemplateDir } from "./runtime";
import { type AppBackupSpec, type JobKind, servicePaths, unitName } from "./spec";

/** One systemd unit file. */
export interface UnitFile {
  readonly name: string;
  readonly content: string;
}

/** The service the database runs as, so that backups start after it at boot. */
function databaseUnit(engine: AppEngine): string | undefined {
  switch (engine) {
    case AppEngine.POSTGRESQL:
      return "postgresql.service";
    case AppEngine.MYSQL:
      return "mariadb.service mysql.service";
    case AppEngine.MONGODB:
      return "mongod.service";
    case AppEngine.FILES:
      return undefined;
  }
}

/** `90min`, `2h`: systemd time spans in whole minutes. */
export function timespan(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}min`;
}

const templates = new Map<string, string>();

/**
 * A unit template (`lib/artifacts/app/systemd/*.in`) with its `@NAME@` placeholders filled.
 * Values arrive already escaped for systemd (lib/core/escape/systemd.ts); a placeholder
 * left without a value, or a value without a placeholder, is a bug and throws.
 */
export function fillUnitTemplate(template: string, values: Readonly<Record<string, string>>): string {
  if (!templates.has(template)) templates.set(template, readFileSync(join(unitTemplateDir(), template), "utf8"));
  const used = new Set<string>();
  const out = templates.get(template)!.replace(/@([A-Z_]+)@/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`${template}: no value for @${key}@`);
    used.add(key);
    return values[key];
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`${template}: no placeholder for ${unused.join(", ")}`);
  return out;
}

/**
 * Where a job may write under ProtectSystem=strict. StateDirectory=/CacheDirectory= make
 * systemd create the folders (relative to /var/lib and /var/cache); other places are
 * ReadWritePaths=, each path through the one systemd escaping function.
 */
function writablePaths(spec: AppBackupSpec): string[] {
  const p = servicePaths(spec);
  const rel = (path: string, root: string) => (path.startsWith(root + "/") ? path.slice(root.length + 1) : undefined);
  const state = rel(p.state, "/var/lib");
  const cache = rel(p.cache, "/var/cache");
  const lines = [
    state
      ? `StateDirectory=${systemdWord(state)}`
      : `ReadWritePaths=${systemdPath(p.state, { key: "layout.stateDir" })}`,
    cache
      ? `CacheDirectory=${systemdWord(cache)}`
      : `ReadWritePaths=${systemdPath(p.cache, { key: "layout.cacheDir" })}`,
    // A leading "-": a missing folder (no node_exporter yet, NAS not mounted) must not stop the unit; the script reports it.
    `ReadWritePaths=${systemdPath(spec.layout.textfileDir, { optional: true, key: "layout.textfileDir" })}`,
  ];
  if (spec.localRepositoryPath)
    lines.push(`ReadWritePaths=${systemdPath(spec.localRepositoryPath, { optional: true, key: "app.repository" })}`);
  return lines;
}

const DESCRIPTION: Record<JobKind, string> = {
  backup: "app backup",
  drill: "restore drill",
  ship: "log shipping (point-in-time recovery)",
  lock: "Object Lock retention extension",
};

/** The script each kind of job runs. */
const SCRIPT: Record<JobKind, string> = {
  backup: "backup.sh",
  drill: "verify.sh",
  ship: "backup.sh",
  lock: "lock-extend.sh",
};

function service(spec: AppBackupSpec, kind: JobKind): UnitFile {
  const p = servicePaths(spec);
  const after = ["network-online.target", kind === "drill" || kind === "lock" ? undefined : databaseUnit(spec.engine)]
    .filter(Boolean)
    .join(" ");
  const script = systemdPath(`${p.scripts}/${SCRIPT[kind]}`, { key: "layout.prefix" });
  // The extension waits for a running backup's prune (the service's lock) as long as a backup may last, then walks the objects.
  const timeout =
    kind === "backup"
      ? spec.backupTimeoutMinutes
      : kind === "drill"
        ? spec.drillTimeoutMinutes
        : kind === "lock"
          ? Math.min(1440, spec.backupTimeoutMinutes + 240)
          : Math.max(10, 2 * spec.shipEveryMinutes);
  const content = fillUnitTemplate("job.service.in", {
    DESCRIPTION: systemdText(`backup-gov ${DESCRIPTION[kind]} of ${spec.serviceId} (${spec.engine} with ${spec.tool})`),
    AFTER: after,
    EXEC_START: kind === "ship" ? `${script} --ship` : script,
    SYSLOG_IDENTIFIER: systemdWord(`backup-gov-${spec.serviceId}-${kind}`),
    TIMEOUT: timespan(timeout),
    WRITABLE_PATHS: writablePaths(spec).join("\n"),
  });
  return { name: unitName(spec, kind, "service"), content };
}

function timer(
  spec: AppBackupSpec,
  kind: JobKind,
  calendar: string,
  text: string,
  randomizedDelaySeconds: number,
): UnitFile {
  const content = fillUnitTemplate("job.timer.in", {
    DESCRIPTION: systemdText(`backup-gov ${DESCRIPTION[kind]} of ${spec.serviceId}: ${text}`),
    ON_CALENDAR: systemdText(calendar),
    RANDOMIZED_DELAY: String(randomizedDelaySeconds),
    UNIT: systemdWord(unitName(spec, kind, "service")),
  });
  return { name: unitName(spec, kind, "timer"), content };
}

/** The OnCalendar of the shipping timer: every N minutes. */
export function shipCalendar(minutes: number): string {
  return `*-*-* *:00/${minutes}:00`;
}

// A service's units are read by its folder, its README and the host's README: rendered once per spec.
const rendered = new WeakMap<AppBackupSpec, readonly UnitFile[]>();

/** Every unit of a service: backup (+ timer), drill (+ timer when the tier drills), ship (+ timer with pitr), lock (+ timer on a bucket with Object Lock). */
export function renderUnits(spec: AppBackupSpec): UnitFile[] {
  let units = rendered.get(spec);
  if (!units) rendered.set(spec, (units = Object.freeze(unitsOf(spec))));
  return [...units];
}

function unitsOf(spec: AppBackupSpec): UnitFile[] {
  const out: UnitFile[] = [
    service(spec, "backup"),
    timer(spec, "backup", spec.backupCalendar, spec.backupScheduleText, spec.randomizedDelaySeconds),
  ];
  out.push(service(spec, "drill"));
  if (spec.drillCalendar)
    out.push(
      timer(
        spec,
        "drill",
        spec.drillCalendar,
        spec.drillScheduleText ?? spec.drillCalendar,
        spec.randomizedDelaySeconds,
      ),
    );
  if (spec.pitr) {
    out.push(service(spec, "ship"));
    out.push(timer(spec, "ship", shipCalendar(spec.shipEveryMinutes), `every ${spec.shipEveryMinutes} minutes`, 0));
  }
  if (spec.objectLock) {
    out.push(service(spec, "lock"));
    out.push(timer(spec, "lock", spec.objectLock.calendar, "daily", spec.randomizedDelaySeconds));
  }
  return out;
}
