import { join } from "node:path";
import type { Catalog } from "../catalog/model";
import { App, Construct } from "../core/cdk";
import { at, Errors } from "../errors";
import { validateCatalog, type ValidationReport } from "../governance/validate";
import type { BackupTarget, ScheduledJob } from "./context";
import { catalogOf, type EstateSettings, type ServiceDefinition } from "./definition";
import { checkEstateSettings, checkServiceDefinition } from "./definition-checks";
import { Estate } from "./estate";

/** Props of {@link BackupEstate}: the settings its services share. */
export interface BackupEstateProps extends EstateSettings {
  /**
   * Where `app.synth()` writes the artifacts, inside the app's output folder.
   * @default "artifacts"
   */
  readonly artifactsFolder?: string;
  /**
   * What the documents name as the estate's source, and findings as their file (the catalog
   * path does for a YAML catalog): e.g. the stack code's file.
   * @default - the estate construct's path
   */
  readonly source?: string;
}

const BUILD_HOOK: unique symbol = Symbol.for("cdktf-backup-governance.estate-build-hook");

/**
 * An estate defined in code: the settings every service shares (AWS, Proxmox hosts,
 * clusters, notifications, state), holding one {@link ProtectedService} per service.
 *
 * It builds what a catalog with these settings and services builds, with the same
 * validation (the same rule ids, acknowledgements in the services' `acknowledge`): its
 * stacks (`<name>-aws`, `<name>-proxmox`, ...) beside it in the app, and the operator
 * artifacts in {@link BackupEstate.artifacts}. It builds once, when `app.synth()` runs or
 * when {@link BackupEstate.build} is first called, whichever comes first; a service added
 * after that is refused (CON-005).
 *
 * @example
 * const estate = new BackupEstate(app, "Estate", { name: "homelab", aws: { region: "us-east-1", accountId: "123456789012" } });
 * new ProtectedService(estate, "vaultwarden", { classification: Classification.CRITICAL, rpo: Duration.hours(4), rto: Duration.hours(2), ... });
 * app.synth();
 */
export class BackupEstate extends Construct {
  /** Whether `x` is a BackupEstate (also across copies of this library). */
  public static isBackupEstate(x: unknown): x is BackupEstate {
    return typeof x === "object" && x !== null && (x as { [BUILD_HOOK]?: boolean })[BUILD_HOOK] === true;
  }

  /** The shared settings, as given. */
  public readonly settings: EstateSettings;
  /** Where `app.synth()` writes the artifacts, inside the app's output folder. */
  public readonly artifactsFolder: string;
  /** What documents and findings name as the estate's source. */
  public readonly source: string;
  private readonly services: ProtectedService[] = [];
  private built?: Estate;
  /** Marks estates for isBackupEstate (instanceof fails across copies of the library). */
  public readonly [BUILD_HOOK] = true;

  constructor(scope: Construct, id: string, props: BackupEstateProps) {
    super(scope, id);
    const { artifactsFolder, source, ...settings } = props ?? ({} as BackupEstateProps);
    checkEstateSettings(this, props && settings);
    this.settings = settings;
    this.artifactsFolder = artifactsFolder ?? "artifacts";
    this.source = source ?? this.node.path;
    // Stacks must exist before App.synth() lists them: build first, then synthesize.
    const app = App.isApp(scope) ? scope : undefined;
    if (app) {
      const holder = app as unknown as { synth: () => void; [BUILD_HOOK]?: BackupEstate[] };
      if (!holder[BUILD_HOOK]) {
        const estates: BackupEstate[] = (holder[BUILD_HOOK] = []);
        const synth = holder.synth.bind(app);
        holder.synth = () => {
          for (const e of estates) e.build();
          synth();
          // The artifacts go beside the stacks, as `backup-gov synth` puts them.
          for (const e of estates) e.artifacts.writeTo(join(app.outdir, e.artifactsFolder));
        };
      }
      holder[BUILD_HOOK]!.push(this);
    }
  }

  /** @internal called by ProtectedService's constructor. */
  public _register(service: ProtectedService): void {
    if (this.built) throw at(service, Errors.estateAlreadyBuilt(this.node.path, service.node.id));
    this.services.push(service);
  }

  /** The catalog model of this estate: what the rules judge and the builders build from. */
  public toCatalog(): Catalog {
    return catalogOf(
      this.settings,
      this.services.map((s) => ({ id: s.serviceId, definition: s.definition })),
      this.source,
    );
  }

  /**
   * Validates the estate and builds its stacks and artifacts (once). Throws IO-004, naming the
   * findings, when a rule fails that no service acknowledges: nothing is built then.
   */
  public build(): Estate {
    if (!this.built) {
      const catalog = this.toCatalog();
      const report: ValidationReport = validateCatalog(catalog);
      this.built = new Estate(this.node.scope!, catalog, report);
    }
    return this.built;
  }

  /** The built estate: its stacks, handles (`alertTopic`, `aws`, ...) and artifacts. Builds it if needed. */
  public get estate(): Estate {
    return this.build();
  }

  /** The operator artifacts (inventory, SOPs, calendar, runtime bundles, alert rules). Builds the estate if needed. */
  public get artifacts() {
    return this.build().artifacts;
  }

  /** The findings of validation (acknowledged ones and warnings included). Builds the estate if needed. */
  public get findings() {
    return validateCatalog(this.toCatalog()).findings;
  }

  /** Every service of the estate, in definition order. */
  public get protectedServices(): readonly ProtectedService[] {
    return [...this.services];
  }
}

/**
 * One service's backups, defined in TypeScript with the fields and meaning of a catalog
 * service (classification, RPO/RTO, guest, app-level decision, offsite and immutability
 * decisions, restore facts, Kubernetes workloads). Placed in a {@link BackupEstate}, whose
 * settings it uses; the construct id is the service id.
 *
 * What it builds is what the catalog path builds for the same service: vzdump jobs, AWS
 * Backup plans and vaults by tier, app-level backups, Velero schedules, alerts, and the
 * service's inventory entry, SOP and DR steps.
 */
export class ProtectedService extends Construct {
  /** The service id (the construct id). */
  public readonly serviceId: string;
  /** The definition, as given. */
  public readonly definition: ServiceDefinition;
  /** The estate it belongs to. */
  public readonly estate: BackupEstate;

  constructor(scope: BackupEstate, id: string, definition: ServiceDefinition) {
    super(scope, id);
    if (!BackupEstate.isBackupEstate(scope)) throw at(this, Errors.serviceOutsideEstate(id));
    checkServiceDefinition(this, definition);
    this.serviceId = id;
    this.definition = definition;
    this.estate = scope;
    scope._register(this);
  }

  /** Where this service's backups live, with restore steps. Builds the estate if needed. */
  public get targets(): readonly BackupTarget[] {
    return this.estate.estate.context.targetsOf(this.serviceId);
  }

  /** The scheduled jobs that back this service up or drill its restore. Builds the estate if needed. */
  public get jobs(): readonly ScheduledJob[] {
    return this.estate.estate.context.jobsOf(this.serviceId);
  }
}
