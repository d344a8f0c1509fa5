import { createHash } from "node:crypto";
import { Construct, type TerraformProvider, Token } from "../core/cdk";
import type { Retention } from "../core/retention";
import type { Cadence, Schedule } from "../core/schedule";
import { GuestKind } from "../core/vocabulary";
import { at, Errors } from "../errors";
import { stagger, type StaggerOptions } from "../policy/stagger";
import { PVE_CONFIG_ID } from "../providers/proxmox/checks";
import { type IVzdumpScheduler, MailNotification, VzdumpCompress, VzdumpJob, VzdumpMode } from "./vzdump-job";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** One guest to enroll: what {@link ProtectedVm} hands to its host. */
export interface GuestEnrollment {
  readonly vmid: number;
  readonly kind: GuestKind;
  /** What the guest is (a service id), for notes and messages. */
  readonly label: string;
  readonly cadence: Cadence;
  readonly retention: Retention;
  readonly mode: VzdumpMode;
  readonly repeatMissed: boolean;
  /** @default - the host's storage */
  readonly storage?: string;
}

/** Props of {@link ProxmoxHostBackups}. */
export interface ProxmoxHostBackupsProps {
  /** The (aliased) provider of this host. */
  readonly provider: TerraformProvider;
  /** Default storage id of the host's vzdump jobs (a literal id or a storage resource's `id` reference). */
  readonly storage: string;
  /**
   * Prefix of every job id, and the group in which start times must not collide.
   * @default - the construct id in lower case
   */
  readonly jobIdPrefix?: string;
  /**
   * Who is mailed about failed runs.
   * @default - nobody
   */
  readonly mailto?: readonly string[];
  /** @default MailNotification.FAILURE */
  readonly mailNotification?: MailNotification;
  /** @default VzdumpCompress.ZSTD */
  readonly compress?: VzdumpCompress;
  /**
   * Pin every job to one node.
   * @default - jobs run on every node, each backing up the listed guests it runs
   */
  readonly node?: string;
  /**
   * Trailing tag of backup notes.
   * @default "backup-gov"
   */
  readonly notesTag?: string;
  /**
   * Hook script every job runs (vzdump `script`); it must exist on the node.
   * @default - none
   */
  readonly hookScript?: string;
  /**
   * Where start times go: daily/weekly jobs inside a nightly window, one slot per step.
   * @default - 01:00–06:00, 30-minute steps (the expected length of one run), weekly on Sunday
   */
  readonly window?: StaggerOptions;
}

/** Expected length of one vzdump run, minutes: the spacing of start times on a host. */
export const VZDUMP_RUN_MINUTES = 30;
/** Job ids are kept this short; longer ones keep a hash of the full id as their tail. */
export const JOB_ID_MAX = 48;

/**
 * The backup side of one Proxmox VE host (or cluster): its provider, its default storage and
 * mail settings, and the vzdump jobs its guests are enrolled in.
 *
 * Guests that need the same settings (cadence, retention, mode, repeat-missed, storage)
 * share one job, so a host has as few jobs as its policies allow. Job ids are derived from
 * those settings (`<prefix>-<cadence>-<retention>[-<mode>][-rm]`), so they do not depend
 * on enrollment order. Start times are staggered so that no two jobs of the host start at
 * the same minute of the week.
 */
export class ProxmoxHostBackups extends Construct implements IVzdumpScheduler {
  /** @attribute */
  public readonly jobIdPrefix: string;
  /** @attribute */
  public readonly storage: string;

  private readonly props: ProxmoxHostBackupsProps;
  private readonly jobsByKey = new Map<string, VzdumpJob>();
  private readonly guests = new Map<number, string>();
  private cache?: { size: number; schedules: Map<string, Schedule> };

  constructor(scope: Construct, id: string, props: ProxmoxHostBackupsProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "ProxmoxHostBackups", props);
    this.props = props;
    this.jobIdPrefix = props.jobIdPrefix ?? id.toLowerCase();
    if (!PVE_CONFIG_ID.test(`${this.jobIdPrefix}-x`))
      throw at(this, Errors.pveInvalidId("jobIdPrefix", this.jobIdPrefix));
    this.storage = props.storage;
  }

  /** Every job of the host, by job id. */
  public get jobs(): VzdumpJob[] {
    return [...this.jobsByKey.values()].sort((a, b) => a.jobId.localeCompare(b.jobId));
  }

  /**
   * Enrolls a guest: into the job with the same settings, or a new one. A vmid is enrolled
   * once per host.
   */
  public enroll(guest: GuestEnrollment): VzdumpJob {
    const earlier = this.guests.get(guest.vmid);
    if (earlier !== undefined)
      throw at(this, Errors.pveDuplicateEnrollment(this.jobIdPrefix, guest.vmid, earlier, guest.label));
    const storage = guest.storage ?? this.storage;
    const jobId = this.jobIdFor(guest, storage);
    let job = this.jobsByKey.get(jobId);
    if (!job) {
      job = new VzdumpJob(this, jobId, {
        provider: this.props.provider,
        jobId,
        storage,
        retention: guest.retention,
        scheduler: this,
        cadence: guest.cadence,
        mode: guest.mode,
        compress: this.props.compress ?? VzdumpCompress.ZSTD,
        repeatMissed: guest.repeatMissed,
        mailto: this.props.mailto,
        mailNotification: this.props.mailNotification,
        node: this.props.node,
        notesTag: this.props.notesTag,
        hookScript: this.props.hookScript,
      });
      this.jobsByKey.set(jobId, job);
      this.cache = undefined;
    }
    job.addGuest({ vmid: guest.vmid, label: guest.label });
    this.guests.set(guest.vmid, guest.label);
    return job;
  }

  /** A job's start time, staggered against the host's other jobs (deterministic). */
  public scheduleOf(job: VzdumpJob): Schedule {
    if (!this.cache || this.cache.size !== this.jobsByKey.size) {
      const requests = this.jobs.map((j) => ({ key: j.jobId, group: this.jobIdPrefix, cadence: j.cadence }));
      this.cache = {
        size: this.jobsByKey.size,
        schedules: stagger(requests, { stepMinutes: VZDUMP_RUN_MINUTES, ...this.props.window }),
      };
    }
    const s = this.cache.schedules.get(job.jobId);
    if (!s) throw new Error(`job ${job.jobId} does not belong to ${this.node.path}`);
    return s;
  }

  /** The deterministic id of the job a guest with these settings belongs to. */
  protected jobIdFor(guest: GuestEnrollment, storage: string): string {
    const parts = [this.jobIdPrefix, guest.cadence.key, retentionCode(guest.retention)];
    if (guest.mode !== VzdumpMode.SNAPSHOT) parts.push(guest.mode);
    if (guest.repeatMissed) parts.push("rm");
    // A storage other than the host's default is part of the settings; its name may be long or a token.
    if (storage !== this.storage) {
      if (Token.isUnresolved(storage))
        throw at(
          this,
          Errors.pveNotAllowed(
            "storage",
            storage,
            "a literal storage id when a guest's storage differs from its host's",
          ),
        );
      parts.push(`s${digest(storage).slice(0, 6)}`);
    }
    const id = parts.join("-");
    return id.length <= JOB_ID_MAX ? id : `${id.slice(0, JOB_ID_MAX - 9)}-${digest(id).slice(0, 8)}`;
  }
}

/** `h12d14w8m12y1`: the retention counts, shortest class first. */
export function retentionCode(r: Retention): string {
  return r
    .classes()
    .map((c) => `${c[0]}${r.count(c)}`)
    .join("");
}

function digest(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
