import { restoreChain } from "../artifacts/app/chains";
import { servicePaths, unitName } from "../artifacts/app/spec";
import { AppBackup, AppBackupCredentials, AppBackupDestination, DrillSchedule } from "../constructs/app-backup";
import { Annotations, Construct, Token } from "../core/cdk";
import { Cadence, Schedule } from "../core/schedule";
import { Size } from "../core/size";
import { AppEngine, BackupTool } from "../core/vocabulary";
import type { EffectivePolicy } from "../policy/effective";
import { stagger } from "../policy/stagger";
import { WeekOccupancy } from "../policy/week-occupancy";
import { RestoreTestFrequency } from "../policy/tiers";
import { carryAcknowledgement } from "./aws";
import { BuildRecord, type EstatePolicies, type S3Destination, TargetKind } from "./context";

/** Where the app-level backups go and what they write to. */
export interface AppBackupsPlacement {
  /**
   * The construct their AWS identities (and the hosts' bundles) are built in: the AWS stack,
   * else the Proxmox stack.
   * @default - a detached construct (no AWS resources are synthesized)
   */
  readonly scope?: Construct;
  /** The S3 location of each service's backups, by service id ({@link AwsProtection.s3Destinations}). */
  readonly s3Destinations: ReadonlyMap<string, S3Destination>;
  /** The AWS stack, when the estate has one: a service it made no S3 location for is warned about there. @default - none */
  readonly awsStack?: Construct;
}

/** What the app-backup builder made. */
export interface AppBackups {
  /** Each service's app-level backup, by service id. */
  readonly backups: ReadonlyMap<string, AppBackup>;
  /** Targets, timers and the hosts' bundles it registered. */
  readonly record: BuildRecord;
}

/** Job keys of a service's timers, for stagger() and the calendar. */
const backupKey = (id: string) => `app-${id}-backup`;
const drillKey = (id: string) => `app-${id}-drill`;

/**
 * App-level backups (AppBackup): for every service whose `app.decision` is `required`,
 * scripts, units and host bundles, the service's IAM identity on its S3 prefix, its
 * backup target (with restore steps) and its jobs (the backup timer and the drill timer).
 *
 * Schedules come from stagger() with the owning host as the group, so that two services on
 * one host never start at the same minute. The destination is `app.repository` when set,
 * else the service's S3 location from `s3Destinations` (the AWS builder's).
 */
export function buildAppBackups(ctx: EstatePolicies, where: AppBackupsPlacement): AppBackups {
  const record = new BuildRecord();
  const built = new Map<string, AppBackup>();
  const policies = ctx.policies.filter((p) => p.appBackup && p.service.app?.engine && p.service.app.host);
  if (policies.length === 0) return { backups: built, record };

  const schedules = stagger(
    policies.map((p) => ({ key: backupKey(p.service.id), group: p.service.app!.host!, cadence: p.jobCadence })),
  );
  placeDrills(policies, schedules);

  const scope = where.scope ?? new Construct(undefined as unknown as Construct, `${ctx.catalog.name}-app-backups`);
  const byHost = new Map<string, AppBackup[]>();
  for (const p of policies) {
    const backup = buildOne(
      ctx,
      record,
      where,
      scope,
      p,
      schedules.get(backupKey(p.service.id))!,
      schedules.get(drillKey(p.service.id)),
    );
    built.set(p.service.id, backup);
    const host = backup.spec.host;
    const list = byHost.get(host);
    if (list) list.push(backup);
    else byHost.set(host, [backup]);
  }
  for (const host of [...byHost.keys()].sort()) {
    for (const artifact of AppBackup.hostBundle(host, byHost.get(host)!)) record.addArtifact(artifact);
  }
  return { backups: built, record };
}

/** Expected minutes of a backup run and of a drill, for the calendar and for placing drills. */
const backupMinutes = (p: EffectivePolicy) => (p.service.app?.engine === AppEngine.FILES ? 60 : 30);
const drillMinutes = (p: EffectivePolicy) => Math.min(240, p.rto.toMinutes());

const WEEK = 7 * 1440;
const DRILL_STEP = 15;
/** Drills prefer Sunday from 06:00, after the nightly backup window. */
const DRILL_PREFERRED = 6 * 1440 + 6 * 60;

/**
 * Weekly slots for the drills, after stagger() placed the backups: each drill takes the first
 * slot from Sunday 06:00 on (in 15-minute steps, around the week) whose run does not meet any
 * backup or earlier drill of the same host. A drill that met a backup would find the
 * service's lock taken; the calendar would flag it too.
 */
function placeDrills(policies: readonly EffectivePolicy[], schedules: Map<string, Schedule>): void {
  const weeks = new Map<string, WeekOccupancy>();
  const hostOf = (p: EffectivePolicy) => p.service.app!.host!;
  for (const p of policies) {
    let week = weeks.get(hostOf(p));
    if (!week) weeks.set(hostOf(p), (week = new WeekOccupancy()));
    for (const start of schedules.get(backupKey(p.service.id))!.startsInWeek()) week.mark(start, backupMinutes(p));
  }
  const drills = policies
    .filter((p) => p.restoreTest !== RestoreTestFrequency.NONE)
    .sort((a, b) => hostOf(a).localeCompare(hostOf(b)) || a.service.id.localeCompare(b.service.id));
  for (const p of drills) {
    const week = weeks.get(hostOf(p))!;
    const minutes = drillMinutes(p);
    let chosen = DRILL_PREFERRED;
    for (let k = 0; k * DRILL_STEP < WEEK; k++) {
      const start = (DRILL_PREFERRED + k * DRILL_STEP) % WEEK;
      if (week.isFree(start, minutes)) {
        chosen = start;
        break;
      }
    }
    week.mark(chosen, minutes);
    schedules.set(drillKey(p.service.id), Schedule.at(Cadence.weekly(), chosen));
  }
}

function buildOne(
  ctx: EstatePolicies,
  record: BuildRecord,
  where: AppBackupsPlacement,
  scope: Construct,
  p: EffectivePolicy,
  schedule: Schedule,
  drillSchedule: Schedule | undefined,
): AppBackup {
  const s = p.service;
  const app = s.app!;
  const engine = app.engine!;
  const s3 = app.repository ? undefined : where.s3Destinations.get(s.id);
  let destination: AppBackupDestination;
  if (app.repository) destination = AppBackupDestination.repository(app.repository);
  else if (s3) destination = AppBackupDestination.s3(s3);
  else {
    const why = where.awsStack
      ? "the AWS protection registered no S3 destination for this service"
      : "the catalog has no aws section and the service no app.repository";
    destination = AppBackupDestination.unprovisioned(`${why}; set BACKUP_GOV_REPOSITORY by hand`);
    if (where.awsStack)
      Annotations.of(where.awsStack).addWarning(
        `app backup of ${s.id}: ${why}; its scripts refuse to run until BACKUP_GOV_REPOSITORY is set`,
      );
  }
  const drill =
    p.restoreTest === RestoreTestFrequency.WEEKLY && drillSchedule
      ? DrillSchedule.weekly(drillSchedule)
      : p.restoreTest === RestoreTestFrequency.MONTHLY && drillSchedule
        ? DrillSchedule.monthly(drillSchedule)
        : DrillSchedule.none();
  const backup = new AppBackup(scope, `AppBackup-${s.id}`, {
    estate: ctx.catalog.name,
    serviceId: s.id,
    host: app.host!,
    engine,
    tool: app.tool,
    database: app.database,
    pitr: app.pitr,
    paths: app.paths,
    excludes: app.excludes,
    destination,
    retention: p.retention,
    rpo: p.rpo,
    rto: p.rto,
    schedule,
    drill,
    bandwidthLimit: app.bandwidthLimit ? Size.parseRate(app.bandwidthLimit) : undefined,
    directoryFormatAbove: app.directoryFormatAbove
      ? Size.parse(app.directoryFormatAbove, "directoryFormatAbove")
      : undefined,
    jobs: app.jobs,
    replicaSet: app.replicaSet,
    mysqlFlavour: app.flavour,
    mysqlServerVersion: app.serverVersion,
    fullEvery: app.pitr ? app.fullEvery : undefined,
    credentials: ctx.catalog.aws?.rolesAnywhere
      ? AppBackupCredentials.rolesAnywhere(ctx.catalog.aws.rolesAnywhere.trustAnchorArn)
      : AppBackupCredentials.iamUser(),
    secretsRef: s.restore.secrets,
    // The monitoring builder alarms on missing heartbeats only when the catalog turns them on.
    heartbeat: ctx.catalog.notifications.heartbeat,
  });

  // The catalog judged GOV-013 for the service; its acknowledgement holds for the construct too.
  carryAcknowledgement(backup, [s], "GOV-013");
  const spec = backup.spec;
  record.addTarget({
    serviceId: s.id,
    kind: TargetKind.APP,
    id: `app-${s.id}`,
    location: `${spec.tool} repository ${spec.repositoryUrl ?? (s3 ? `s3://${s3.bucketName}/${s3.prefix} (${s3.region})` : "(not provisioned)")}, written from ${spec.host}`,
    details: {
      engine,
      tool: spec.tool,
      host: spec.host,
      database: app.database ?? "",
      paths: app.paths.join(", "),
      pitr: app.pitr,
      // Shipping runs all week (a timer every few minutes); the coverage report draws it as a lane of its own.
      ...(app.pitr ? { shipEveryMinutes: spec.shipEveryMinutes } : {}),
      schedule: spec.backupScheduleText,
      drill: spec.drillScheduleText ?? "none",
      retention: p.retention.describe(),
      offsite: spec.offsiteRepositoryUrl ?? "",
      credentials: spec.credentials.source,
    },
    restoreSteps: restoreSteps(
      spec,
      s.restore.secrets,
      s3 && !Token.isUnresolved(s3.bucketName) ? { bucket: s3.bucketName, prefix: s3.prefix } : undefined,
    ),
  });
  record.addJob({
    id: unitName(spec, "backup", "timer"),
    kind: TargetKind.APP,
    group: spec.host,
    schedule,
    serviceIds: [s.id],
    durationMinutes: backupMinutes(p),
    description: `app backup of ${s.id} (${engine}, ${spec.tool}) on ${spec.host}`,
  });
  if (drillSchedule && spec.drillCalendar) {
    record.addJob({
      id: unitName(spec, "drill", "timer"),
      kind: TargetKind.APP,
      group: spec.host,
      // A monthly drill runs on the first of these weekly slots in each month, as its timer does.
      schedule: p.restoreTest === RestoreTestFrequency.MONTHLY ? drillSchedule.inFirstWeekOfMonth() : drillSchedule,
      serviceIds: [s.id],
      durationMinutes: drillMinutes(p),
      drill: true,
      description: `restore drill of ${s.id} on ${spec.host}: ${spec.drillScheduleText}`,
    });
  }
  return backup;
}

/**
 * How to undo deletions on the primary bucket: a delete (by a prune, a stolen key or a
 * mistake) only adds a delete marker on a versioned bucket, and removing the marker brings
 * the previous version back. Deletions of versions themselves are refused by Object Lock on
 * locked buckets and never replicated.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/RemDelMarker.html
 */
export function deleteMarkerSteps(bucket: string, prefix: string, hasReplica: boolean): string[] {
  return [
    `If \`restore.sh --list\` shows backups missing or restic reports missing pack or index files, objects on the primary may be hidden by delete markers (a prune, a stolen key, a mistake): list the current markers with \`aws s3api list-object-versions --bucket ${bucket} --prefix ${prefix} --query 'DeleteMarkers[?IsLatest].[Key,VersionId]' --output text\`.`,
    `Remove each marker, which makes the version below it current again: \`aws s3api delete-object --bucket ${bucket} --key KEY --version-id MARKER_VERSION_ID\` (an identity allowed s3:DeleteObjectVersion; the backup identity is not). Then run \`restore.sh --list\` again.${hasReplica ? " The offsite replica never receives delete markers: if markers are too many to remove, restore from it instead." : ""}`,
  ];
}

/** The SOP's steps for restoring from the app-level backup. */
function restoreSteps(
  spec: AppBackup["spec"],
  secrets: string | undefined,
  s3?: { bucket: string; prefix: string },
): string[] {
  const p = servicePaths(spec);
  const db = spec.engine !== AppEngine.FILES;
  const part = spec.engine === AppEngine.MONGODB ? "--table COLLECTION" : "--table TABLE";
  const steps = [
    `On ${spec.host} (or a replacement host: unpack hosts/${spec.host}.tar.gz and run its install.sh), make sure ${p.env} is filled in and the secret files it names exist (from ${secrets ?? "the secret store"}).`,
    `List the complete backups: \`${p.scripts}/restore.sh --list\`.`,
    db
      ? `Restore the latest into a new database and check it: \`${p.scripts}/restore.sh --into ${spec.database}_restored\`; replace the live database with \`${p.scripts}/restore.sh --yes\` (\`--run RUN\` picks an older backup).${spec.engine === AppEngine.POSTGRESQL ? " Stop the application first: `--yes` ends the sessions still connected to the database so that it never waits on their locks, and a lock held longer than 120 s (BACKUP_GOV_RESTORE_LOCK_TIMEOUT) fails the restore, changing nothing." : ""}`
      : `Restore the latest under a folder and check it: \`${p.scripts}/restore.sh --target /srv/restore\`; in place with \`${p.scripts}/restore.sh --yes\` (\`--run RUN\` picks an older backup).`,
    db
      ? `Only one ${spec.engine === AppEngine.MONGODB ? "collection" : "table"} damaged: \`${p.scripts}/restore.sh ${part} --yes\`.${spec.engine === AppEngine.POSTGRESQL ? " The tables that reference it (foreign keys) are reloaded with it from the same backup: without `--yes` it names them and asks first." : spec.engine === AppEngine.MYSQL ? " The tables that reference it (foreign keys) are restored with it from the same backup: without `--yes` it names them and asks first; rows that would point at rows the live database no longer has are found in a scratch database first, and then nothing is changed." : ""}`
      : `Only some files damaged: \`${p.scripts}/restore.sh --path /the/path --yes\`.`,
  ];
  if (spec.pitr) {
    steps.push(
      spec.engine === AppEngine.POSTGRESQL
        ? `To a point in time (Debian's layout: VERSION and CLUSTER as \`pg_lsclusters\` lists them, e.g. 15 main; the configuration stays in /etc/postgresql/VERSION/CLUSTER, a base backup holds none): \`pg_ctlcluster VERSION CLUSTER stop\`; \`${p.scripts}/restore.sh --to-time 'YYYY-MM-DD HH:MM:SS+00' --pgdata /var/lib/postgresql/VERSION/CLUSTER.pitr\` (it writes recovery.signal, and restore_command and the target into postgresql.auto.conf); swap the data directories: \`mv /var/lib/postgresql/VERSION/CLUSTER /var/lib/postgresql/VERSION/CLUSTER.before-pitr && mv /var/lib/postgresql/VERSION/CLUSTER.pitr /var/lib/postgresql/VERSION/CLUSTER\`; \`pg_ctlcluster VERSION CLUSTER start\`: it replays the WAL up to the target and promotes (\`sudo -u postgres psql -Atc 'SELECT pg_is_in_recovery()'\` prints f). Then delete the lines restore.sh appended to postgresql.auto.conf (archive_mode = 'off' among them) and \`pg_ctlcluster VERSION CLUSTER restart\`.`
        : `To a point in time: \`${p.scripts}/restore.sh --to-time 'YYYY-MM-DD HH:MM:SS+00' --datadir NEW_DIR\`, start MariaDB on NEW_DIR, then \`mariadb < NEW_DIR.binlogs/replay.sql\`.`,
    );
  }
  const chain = restoreChain(spec.engine, spec.serviceId, spec.pitr);
  if (chain) {
    steps.push(
      `Point-in-time restores use chains: ${chain.description}, one chain per full-backup interval (every ${Math.round(spec.fullEverySeconds / 3600)} h). Retention keeps or forgets a chain whole, so every chain \`restore.sh --to-time\` finds is complete; a time before the oldest chain is reached from the dumps only (\`--run RUN\`).`,
    );
  }
  if (s3) steps.push(...deleteMarkerSteps(s3.bucket, s3.prefix, !!spec.offsiteRepositoryUrl));
  if (spec.offsiteRepositoryUrl)
    steps.push(
      `If the primary copy is gone, add \`--from offsite\` to read the replica (${spec.offsiteRepositoryUrl}). Deletions are not replicated to it, so it still holds what the primary lost to deletes; it may also hold files a prune removed on the primary, which restic ignores.`,
    );
  steps.push(
    `Prove the backup restores before you need it: \`${p.scripts}/verify.sh\` restores the latest into a scratch ${db ? "server" : "folder"} and compares it with the backup's capture record.`,
  );
  if (spec.tool === BackupTool.BORG)
    steps.push(
      "borg needs the repository key: if the repository's own copy is lost, import the exported key (`borg key import`).",
    );
  return steps;
}
