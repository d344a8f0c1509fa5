import { Construct, Lazy, type TerraformProvider } from "../core/cdk";
import type { Retention } from "../core/retention";
import type { Cadence, Schedule } from "../core/schedule";
import { at, Errors } from "../errors";
import { BackupJob } from "../providers/proxmox/backup-job";
import { VzdumpMode } from "../core/vocabulary";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

// One enum per concept: the catalog, the schema and the constructs share the vocabulary's.
export { VzdumpMode };

/** vzdump compression (the provider's `compress` values). */
export enum VzdumpCompress {
  NONE = "0",
  LZO = "lzo",
  GZIP = "gzip",
  ZSTD = "zstd",
}

/** When vzdump mails `mailto` (the provider's `mailnotification` values). */
export enum MailNotification {
  ALWAYS = "always",
  FAILURE = "failure",
}

/** One guest a vzdump job backs up. */
export interface VzdumpGuest {
  /** Guest id (100–999999999). */
  readonly vmid: number;
  /** What the guest is, for the job's notes (a service id). */
  readonly label: string;
}

/** Whoever decides a job's start time when the job has no fixed schedule. */
export interface IVzdumpScheduler {
  /** The schedule of a job it owns. */
  scheduleOf(job: VzdumpJob): Schedule;
}

/** Props of {@link VzdumpJob}. */
export interface VzdumpJobProps {
  /** The (aliased) provider of the Proxmox host the job lives on. */
  readonly provider: TerraformProvider;
  /**
   * The Proxmox job id (`pve-configid`). Changing it replaces the job.
   * @default - the construct id
   */
  readonly jobId?: string;
  /** Storage id the backups go to (a literal id or a storage resource's `id` reference). */
  readonly storage: string;
  /** Points to keep per guest: becomes `prune_backups`. */
  readonly retention: Retention;
  /**
   * A fixed schedule.
   * @default - asked from `scheduler` at synthesis
   */
  readonly schedule?: Schedule;
  /**
   * Gives the start time when `schedule` is not set (a {@link ProxmoxHostBackups} staggers its jobs).
   * @default - none; then `schedule` is required
   */
  readonly scheduler?: IVzdumpScheduler;
  /**
   * How often the job runs, for the scheduler.
   * @default - the cadence of `schedule`; required with `scheduler`
   */
  readonly cadence?: Cadence;
  /** @default VzdumpMode.SNAPSHOT */
  readonly mode?: VzdumpMode;
  /** @default VzdumpCompress.ZSTD */
  readonly compress?: VzdumpCompress;
  /**
   * Run a missed job as soon as possible (e.g. after the host was down at its start time).
   * @default false
   */
  readonly repeatMissed?: boolean;
  /**
   * Who gets mail about runs.
   * @default - nobody (Proxmox notification matchers still apply)
   */
  readonly mailto?: readonly string[];
  /** @default MailNotification.FAILURE */
  readonly mailNotification?: MailNotification;
  /**
   * Pin the job to one node.
   * @default - every node backs up the listed guests it runs, so a migrated guest stays covered
   */
  readonly node?: string;
  /**
   * Trailing tag of the backup notes, naming who manages the job.
   * @default "backup-gov"
   */
  readonly notesTag?: string;
  /**
   * Hook script vzdump runs at each phase (`script`), e.g. the one that publishes the
   * freshness metrics. It must exist on the node, or vzdump fails the job.
   * @default - none
   */
  readonly hookScript?: string;
  /**
   * Guests from the start; more with {@link VzdumpJob.addGuest}.
   * @default - none
   */
  readonly guests?: readonly VzdumpGuest[];
}

/** Longest notes template Proxmox stores. */
export const NOTES_TEMPLATE_MAX = 1024;

/**
 * One Proxmox vzdump job (`proxmox_backup_job`) over a list of guests, with the retention
 * as `prune_backups`, zstd compression, failure mail and notes naming each guest's service.
 *
 * @see https://pve.proxmox.com/pve-docs/chapter-vzdump.html
 */
export class VzdumpJob extends Construct {
  /** @attribute */
  public readonly jobId: string;
  /** @attribute */
  public readonly resource: BackupJob;
  /** @attribute */
  public readonly storage: string;
  /** @attribute */
  public readonly mode: VzdumpMode;
  /** @attribute */
  public readonly compress: VzdumpCompress;
  /** @attribute */
  public readonly retention: Retention;
  /** @attribute */
  public readonly repeatMissed: boolean;
  /** @attribute */
  public readonly cadence: Cadence;
  /** The provider of the job's host: jobs with one provider run on one host. */
  public readonly provider: TerraformProvider;

  private readonly guestList: VzdumpGuest[] = [];
  // By vmid: a scan of the list per added guest was quadratic in the job's size.
  private readonly byVmid = new Map<number, VzdumpGuest>();
  private readonly props: VzdumpJobProps;

  constructor(scope: Construct, id: string, props: VzdumpJobProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "VzdumpJob", props);
    if ((props.schedule === undefined) === (props.scheduler === undefined)) {
      throw at(
        this,
        Errors.pveNotAllowed(
          "schedule",
          props.schedule ? "schedule and scheduler" : "neither",
          "exactly one of `schedule` and `scheduler`",
        ),
      );
    }
    if (props.retention.classes().length === 0) throw at(this, Errors.pveRetentionEmpty(`job ${props.jobId ?? id}`));
    const cadence = props.schedule?.cadence ?? props.cadence;
    if (!cadence)
      throw at(
        this,
        Errors.pveNotAllowed("cadence", "nothing", "a Cadence when the job's schedule comes from a scheduler"),
      );
    this.props = props;
    this.jobId = props.jobId ?? id;
    this.storage = props.storage;
    this.mode = props.mode ?? VzdumpMode.SNAPSHOT;
    this.compress = props.compress ?? VzdumpCompress.ZSTD;
    this.retention = props.retention;
    this.repeatMissed = props.repeatMissed ?? false;
    this.cadence = cadence;
    this.provider = props.provider;
    for (const g of props.guests ?? []) this.addGuest(g);
    this.resource = this.createResource();
    this.node.addValidation({
      validate: () => (this.guestList.length ? [] : [Errors.pveNoGuests(this.jobId).message]),
    });
  }

  /** The job's schedule: fixed, or the one its scheduler gives it. */
  public get schedule(): Schedule {
    return this.props.schedule ?? this.props.scheduler!.scheduleOf(this);
  }

  /** Guests in the job, by vmid. */
  public get guests(): readonly VzdumpGuest[] {
    return [...this.guestList].sort((a, b) => a.vmid - b.vmid);
  }

  /** Adds a guest; a vmid can be in a job once. */
  public addGuest(guest: VzdumpGuest): void {
    if (!Number.isInteger(guest.vmid) || guest.vmid < 100 || guest.vmid > 999999999)
      throw at(this, Errors.pveInvalidVmid(guest.vmid));
    const other = this.byVmid.get(guest.vmid);
    if (other) throw at(this, Errors.pveDuplicateEnrollment(this.jobId, guest.vmid, other.label, guest.label));
    this.guestList.push(guest);
    this.byVmid.set(guest.vmid, guest);
  }

  /** The notes template: the guest, which service each vmid is, and who manages the job. */
  public notesTemplate(): string {
    const tag = this.props.notesTag ?? "backup-gov";
    const full = `{{guestname}} ({{vmid}}) | services: ${this.guests.map((g) => `${g.vmid}=${g.label}`).join(" ")} | ${tag}`;
    // PROVIDER NOTE: Proxmox refuses a notes template over 1024 characters; the inventory keeps the full mapping.
    return full.length <= NOTES_TEMPLATE_MAX
      ? full
      : `{{guestname}} ({{vmid}}) | ${this.guestList.length} services, see inventory.yaml | ${tag}`;
  }

  /** Creates the `proxmox_backup_job`; guests, schedule and notes are resolved at synthesis. */
  protected createResource(): BackupJob {
    const p = this.props;
    const mailto = p.mailto?.length ? [...p.mailto] : undefined;
    return new BackupJob(this, "Resource", {
      provider: p.provider,
      id: this.jobId,
      schedule: Lazy.stringValue({ produce: () => this.schedule.toCalendarEvent() }),
      storage: p.storage,
      // PROVIDER NOTE: vmid elements are strings, while VM resources expose vm_id as a number.
      vmid: Lazy.listValue({ produce: () => this.guests.map((g) => String(g.vmid)) }),
      node: p.node,
      mode: this.mode,
      compress: this.compress,
      pruneBackups: this.retention.toPruneBackups(),
      // Explicit so that a job disabled or left unpruned by hand shows as drift in the next plan.
      enabled: true,
      remove: true,
      repeatMissed: this.repeatMissed ? true : undefined,
      mailto,
      // PROVIDER NOTE: mailnotification is ignored without mailto (PVE 8.1+), so it is only set with it.
      mailnotification: mailto ? (p.mailNotification ?? MailNotification.FAILURE) : undefined,
      notesTemplate: Lazy.stringValue({ produce: () => this.notesTemplate() }),
      script: p.hookScript,
    });
  }
}
