import { type Catalog, ProxmoxStackSplit } from "../catalog/model";
import { adoptExisting, type AdoptionReport, renderAdoption } from "./adoption";
import type { Construct, TerraformStack } from "../core/cdk";
import { Errors } from "../errors";
import { type ValidationReport, validateCatalog } from "../governance/validate";
import { formatFinding, isBlocking } from "../core/finding";
import { Aspects } from "../core/cdk";
import { GovernanceChecks } from "../governance/checks";
import { renderDocuments } from "../artifacts/documents";
import { renderAccessMatrix } from "../artifacts/access-matrix";
import { renderEstimate } from "../artifacts/estimate";
import { renderBackupsSummary } from "../artifacts/backups-summary";
import { renderDrDrill } from "../artifacts/dr-drill";
import { reportData } from "../report/data";
import { renderReportHtml } from "../report/html";
import { AwsEstateStack } from "./aws-stack";
import { EstateContext, EstatePolicies } from "./context";
import { type AppBackups, buildAppBackups } from "./app-backups";
import { type AwsProtection, buildAwsProtection } from "./aws";
import { buildKubernetesProtection, createKubernetesStacks, type KubernetesProtection } from "./kubernetes";
import type { KubernetesClusterStack } from "./kubernetes-stack";
import { buildMonitoring, type Monitoring } from "./monitoring";
import { buildProxmoxProtection, type ProxmoxProtection } from "./proxmox";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { ProxmoxEstateStack } from "./proxmox-stack";
import { applyRemoteState, keepLocalStateBesideOutput } from "./state";

/**
 * The one place where the catalog meets infrastructure.
 *
 * From a validated catalog it decides the stacks (one AWS stack with a provider per region,
 * one Proxmox stack or one per host), gives each its remote state when the catalog has a
 * `state` section, instantiates the constructs with typed props, collects every backup
 * target and scheduled job, and renders the operator artifacts from them.
 */
export class Estate {
  /**
   * Builds an estate from a validation report; refuses (IO-004) when the report has
   * errors, so that a catalog that fails validation synthesizes nothing.
   */
  public static fromReport(scope: Construct, report: ValidationReport): Estate {
    if (!report.catalog) throw Errors.catalogInvalid(report.file, report.findings.filter(isBlocking).length);
    return new Estate(scope, report.catalog, report);
  }

  /**
   * What the renderers read (policies, targets, jobs, artifacts), made from the builders'
   * results; for this library\'s own renderers and tests, not part of the public API.
   * @internal
   */
  public readonly context: EstateContext;

  /**
   * Builds the estate of a catalog. The catalog is validated first, however it was made
   * (loaded, loaded and edited, or built in code): with an unacknowledged error finding,
   * nothing is built and IO-004 is thrown, as `backup-gov synth` refuses it.
   */
  constructor(
    scope: Construct,
    public readonly catalog: Catalog,
    report?: ValidationReport,
  ) {
    // A report is trusted only for the catalog it was made from.
    const checked = report && report.catalog === catalog ? report : validateCatalog(catalog);
    if (!checked.ok)
      throw Errors.catalogInvalid(
        checked.file,
        checked.findings.filter(isBlocking).length,
        checked.findings.filter(isBlocking).slice(0, 5).map(formatFinding).join(" | "),
      );
    report = checked;
    const input = new EstatePolicies(catalog);
    const { policies } = input;
    // The stacks first: every builder below gets the stacks it builds in as an argument.
    if (catalog.aws) {
      const offsiteRegions = policies
        .map((p) => p.offsite.region)
        .filter((r): r is string => !!r && r !== catalog.aws!.region);
      this.awsStack = new AwsEstateStack(scope, `${catalog.name}-aws`, {
        estate: catalog.name,
        aws: catalog.aws,
        offsiteRegions,
      });
    }
    const proxmoxStacks: ProxmoxEstateStack[] = [];
    if (catalog.proxmox && catalog.stacks.proxmox === ProxmoxStackSplit.PER_HOST) {
      // Named after the host key, never a position: adding or removing a host leaves the other stacks (and their state) alone.
      const hosts = catalog.proxmox.hosts;
      for (const name of Object.keys(hosts).sort()) {
        proxmoxStacks.push(
          new ProxmoxEstateStack(scope, proxmoxHostStackName(catalog.name, name), {
            estate: catalog.name,
            hosts: { [name]: hosts[name] },
          }),
        );
      }
    } else if (catalog.proxmox) {
      this.proxmoxStack = new ProxmoxEstateStack(scope, `${catalog.name}-proxmox`, {
        estate: catalog.name,
        hosts: catalog.proxmox.hosts,
      });
      proxmoxStacks.push(this.proxmoxStack);
    }
    this.proxmoxStacks = proxmoxStacks;
    this.kubernetesStackMap = createKubernetesStacks(scope, catalog);
    if (catalog.state) for (const stack of this.stacks) applyRemoteState(stack, catalog.state);
    // Each builder takes what it needs and returns what it built: the data flow is the order.
    this.aws = buildAwsProtection(input, this.awsStack);
    this.proxmox = buildProxmoxProtection(input, proxmoxStacks);
    this.kubernetes = buildKubernetesProtection(input, this.kubernetesStackMap, this.aws.veleroDestinations);
    this.appBackups = buildAppBackups(input, {
      scope: this.awsStack ?? this.proxmoxStack,
      s3Destinations: this.aws.s3Destinations,
      awsStack: this.awsStack,
    });
    this.monitoring = buildMonitoring(input, this.awsStack, this.aws.vaults, this.aws.s3Destinations);
    // The renderers read what the builders returned, targets and jobs in this order.
    const ctx = new EstateContext(catalog, {
      policies,
      records: [
        this.aws.record,
        this.proxmox.record,
        this.kubernetes.record,
        this.appBackups.record,
        this.monitoring.record,
      ],
      s3Destinations: this.aws.s3Destinations,
    });
    this.context = ctx;
    renderDocuments(ctx, report);
    ctx.artifacts.add({ path: "estimate.md", content: renderEstimate(catalog, ctx.policies) });
    ctx.artifacts.add({ path: "dr-drill.md", content: renderDrDrill(ctx) });
    ctx.artifacts.add({ path: "BACKUPS.md", content: renderBackupsSummary(ctx) });
    // The coverage report from the catalog alone: freshness and drill results stay unknown (`backup-gov report` adds metrics).
    ctx.artifacts.add({ path: "report.html", content: renderReportHtml(reportData(ctx)) });
    // From the synthesized configuration itself: the policies as Terraform will send them,
    // with whatever stack code added after the estate was built. Rendered from the
    // configuration synthesis produces (the AWS stack is rendered once per synth); read before
    // synthesis, it renders the stack itself.
    if (this.awsStack) {
      const aws = this.awsStack;
      let matrix: string | undefined;
      aws.onTerraform((config) => (matrix = renderAccessMatrix(catalog.name, { [aws.node.id]: config })));
      ctx.artifacts.add({
        path: "access-matrix.md",
        get content(): string {
          if (matrix === undefined) aws.toTerraform(); // renders it through the listener
          return matrix!;
        },
      });
    }
    // Objects that already exist (`adopted`, written by `backup-gov adopt`) are imported, not created.
    this.adoption = catalog.adopted ? adoptExisting(this.stacks, catalog.adopted) : undefined;
    if (this.adoption) ctx.artifacts.add({ path: "adoption.md", content: renderAdoption(this.adoption) });
    // Stacks without remote state keep a relative local one (every stack, per-host ones included).
    for (const stack of this.stacks) keepLocalStateBesideOutput(stack);
    // The constructs the catalog built are checked like hand-built ones (and whatever stack
    // code adds to these stacks too). GOV-029 is the catalog's to judge: it knows the
    // services' acknowledgements, which the constructs do not carry.
    this.governance = new GovernanceChecks({ skip: ["GOV-029"] });
    for (const stack of this.stacks) Aspects.of(stack).add(this.governance);
  }

  /** What adoption imports and what it must say before apply; undefined without `adopted`. */
  public readonly adoption?: AdoptionReport;

  /** The GovernanceChecks on the estate's stacks; its findings are known after synthesis. */
  public readonly governance: GovernanceChecks;

  /** The AWS stack, when the catalog has an `aws` section. */
  public readonly awsStack?: AwsEstateStack;

  /** The Proxmox stack, when the catalog has a `proxmox` section and `stacks.proxmox` is `single` (the default). */
  public readonly proxmoxStack?: ProxmoxEstateStack;

  /** Every Proxmox stack: the one stack, or one per host with `stacks.proxmox: per-host`. */
  public readonly proxmoxStacks: readonly ProxmoxEstateStack[];

  private readonly kubernetesStackMap: ReadonlyMap<string, KubernetesClusterStack>;

  /** One stack per Kubernetes cluster that some service uses, sorted by cluster name. */
  public get kubernetesStacks(): KubernetesClusterStack[] {
    return [...this.kubernetesStackMap.values()];
  }

  /** What the AWS builder made: vaults and buckets per service, plans, keys, the backup role (empty without AWS). */
  public readonly aws: AwsProtection;

  /** What the Proxmox builder made: each host's jobs, storages and each enrolled guest. */
  public readonly proxmox: ProxmoxProtection;

  /** What the Kubernetes builder made: each cluster's Velero objects. */
  public readonly kubernetes: KubernetesProtection;

  /** What the app-backup builder made: each service's AppBackup. */
  public readonly appBackups: AppBackups;

  /** What the monitoring builder made: the alert topic and the rest of the AWS-side monitoring. */
  public readonly monitoring: Monitoring;

  /**
   * The SNS topic every alert of the estate goes to (AWS Backup job failures, stale backups,
   * missing heartbeats): subscribe further endpoints to it. Absent without an `aws` section.
   */
  public get alertTopic(): SnsTopic | undefined {
    return this.monitoring.alertTopic;
  }

  /** Every stack of the estate, AWS first. */
  public get stacks(): readonly TerraformStack[] {
    return [...(this.awsStack ? [this.awsStack] : []), ...this.proxmoxStacks, ...this.kubernetesStackMap.values()];
  }

  /** Every artifact rendered for this estate. */
  public get artifacts() {
    return this.context.artifacts;
  }
}

/** The stack of one Proxmox host with `stacks.proxmox: per-host`: `<estate>-proxmox-<host key>`. */
export function proxmoxHostStackName(estate: string, hostKey: string): string {
  return `${estate}-proxmox-${hostKey}`;
}
