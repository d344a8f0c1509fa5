import { Construct } from "../core/cdk";
import { Retention } from "../core/retention";
import { Cadence, type Schedule } from "../core/schedule";
import { Classification, GuestKind } from "../core/vocabulary";
import { at, Errors } from "../errors";
import { tierRetention } from "../policy/effective";
import { tierOf } from "../policy/tiers";
import type { ProxmoxHostBackups } from "./proxmox-host-backups";
import { VzdumpMode, type VzdumpJob } from "./vzdump-job";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** Props of {@link ProtectedVm}. */
export interface ProtectedVmProps {
  /** The host whose vzdump jobs back the guest up. */
  readonly host: ProxmoxHostBackups;
  /** Guest id on that host (100–999999999). */
  readonly vmid: number;
  /** @default GuestKind.QEMU */
  readonly kind?: GuestKind;
  /**
   * How often the guest is backed up (derive it from an RPO with `Cadence.forRpo`).
   * @default Cadence.daily()
   */
  readonly cadence?: Cadence;
  /**
   * Points kept per guest.
   * @default - the important tier's retention: daily 7, weekly 4, monthly 6
   */
  readonly retention?: Retention;
  /** @default VzdumpMode.SNAPSHOT */
  readonly mode?: VzdumpMode;
  /**
   * Run a missed backup as soon as the host is back.
   * @default false
   */
  readonly repeatMissed?: boolean;
  /**
   * What the guest is, in job notes and messages (a service id).
   * @default - the construct id
   */
  readonly label?: string;
  /**
   * Storage other than the host's default (a literal storage id).
   * @default - the host's storage
   */
  readonly storage?: string;
}

/** Props of the tier presets: the tier fixes retention and repeat-missed. */
export type ProtectedVmTierProps = Omit<ProtectedVmProps, "retention" | "repeatMissed">;

/**
 * Enrolls one Proxmox guest (qemu VM or lxc container) of one host in vzdump backups.
 *
 * The guest joins the host's job for its settings (see {@link ProxmoxHostBackups}): guests
 * with equal cadence, retention, mode and repeat-missed share one `proxmox_backup_job`, whose
 * start time is staggered against the host's other jobs. The construct itself creates no
 * resource; its job is {@link ProtectedVm.job}.
 */
export class ProtectedVm extends Construct {
  /** Critical tier: 14 daily, 8 weekly, 12 monthly, 1 yearly (+ hourly for sub-daily cadences), missed runs repeated. */
  public static criticalTier(scope: Construct, id: string, props: ProtectedVmTierProps): ProtectedVm {
    return ProtectedVm.ofTier(scope, id, Classification.CRITICAL, props);
  }

  /** Important tier: 7 daily, 4 weekly, 6 monthly (+ hourly for sub-daily cadences). */
  public static importantTier(scope: Construct, id: string, props: ProtectedVmTierProps): ProtectedVm {
    return ProtectedVm.ofTier(scope, id, Classification.IMPORTANT, props);
  }

  /** Rebuildable tier: 3 daily, 2 weekly. */
  public static rebuildableTier(scope: Construct, id: string, props: ProtectedVmTierProps): ProtectedVm {
    return ProtectedVm.ofTier(scope, id, Classification.REBUILDABLE, props);
  }

  private static ofTier(scope: Construct, id: string, c: Classification, props: ProtectedVmTierProps): ProtectedVm {
    const tier = tierOf(c);
    const cadence = props.cadence ?? Cadence.daily();
    return new ProtectedVm(scope, id, {
      ...props,
      cadence,
      retention: tierRetention(tier, cadence),
      repeatMissed: tier.repeatMissed,
    });
  }

  /** @attribute */
  public readonly vmid: number;
  /** @attribute */
  public readonly kind: GuestKind;
  /** @attribute */
  public readonly label: string;
  /** @attribute */
  public readonly host: ProxmoxHostBackups;
  /** The vzdump job the guest is in. @attribute */
  public readonly job: VzdumpJob;

  private readonly props: ProtectedVmProps;

  constructor(scope: Construct, id: string, props: ProtectedVmProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "ProtectedVm", props);
    if (!Number.isInteger(props.vmid) || props.vmid < 100 || props.vmid > 999999999)
      throw at(this, Errors.pveInvalidVmid(props.vmid));
    this.props = props;
    this.vmid = props.vmid;
    this.kind = props.kind ?? GuestKind.QEMU;
    this.label = props.label ?? id;
    this.host = props.host;
    this.job = this.enroll();
  }

  /** The job's id. */
  public get jobId(): string {
    return this.job.jobId;
  }

  /** When the guest's job starts (final once every guest of the host is enrolled). */
  public get schedule(): Schedule {
    return this.job.schedule;
  }

  /** Enrolls the guest with its host: the main action of this construct. */
  protected enroll(): VzdumpJob {
    const p = this.props;
    return p.host.enroll({
      vmid: p.vmid,
      kind: this.kind,
      label: this.label,
      cadence: p.cadence ?? Cadence.daily(),
      retention: p.retention ?? Retention.of(tierOf(Classification.IMPORTANT).retention),
      mode: p.mode ?? VzdumpMode.SNAPSHOT,
      repeatMissed: p.repeatMissed ?? false,
      storage: p.storage,
    });
  }
}
