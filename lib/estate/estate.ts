import type { Catalog } from "../catalog/model";
import type { Construct } from "../core/cdk";
import { Errors } from "../errors";
import type { ValidationReport } from "../governance/validate";
import { renderDocuments } from "../artifacts/documents";
import { AwsEstateStack } from "./aws-stack";
import { EstateContext } from "./context";
import { buildAppBackups } from "./app-backups";
import { buildAwsProtection } from "./aws";
import { buildMonitoring } from "./monitoring";
import { buildProxmoxProtection } from "./proxmox";
import { ProxmoxEstateStack } from "./proxmox-stack";
import { keepLocalStateBesideOutput } from "./state";

/**
 * The one place where the catalog meets infrastructure.
 *
 * From a validated catalog it decides the stacks (one AWS stack with a provider per region,
 * one Proxmox stack), instantiates the constructs with typed props, collects every backup
 * target and scheduled job, and renders the operator artifacts from them.
 */
export class Estate {
  /**
   * Builds an estate from a validation report; refuses (IO-004) when the report has
   * errors, so that a catalog that fails validation synthesizes nothing.
   */
  public static fromReport(scope: Construct, report: ValidationReport): Estate {
    if (!report.ok || !report.catalog) {
      throw Errors.catalogInvalid(report.file, report.findings.filter((f) => f.severity === "error" && !f.acknowledged).length);
    }
    return new Estate(scope, report.catalog, report);
  }

  public readonly context: EstateContext;

  constructor(scope: Construct, public readonly catalog: Catalog, report?: ValidationReport) {
    const ctx = new EstateContext(catalog);
    this.context = ctx;
    if (catalog.aws) {
      const offsiteRegions = ctx.policies.map((p) => p.offsite.region).filter((r): r is string => !!r && r !== catalog.aws!.region);
      ctx.awsStack = new AwsEstateStack(scope, `${catalog.name}-aws`, { estate: catalog.name, aws: catalog.aws, offsiteRegions });
    }
    if (catalog.proxmox) {
      ctx.proxmoxStack = new ProxmoxEstateStack(scope, `${catalog.name}-proxmox`, { estate: catalog.name, hosts: catalog.proxmox.hosts });
    }
    // Order matters: app backups write to the buckets AWS protection creates; monitoring
    // watches everything; documents are rendered from what all builders registered.
    buildAwsProtection(ctx);
    buildProxmoxProtection(ctx);
    buildAppBackups(ctx);
    buildMonitoring(ctx);
    renderDocuments(ctx, report);
    for (const stack of [ctx.awsStack, ctx.proxmoxStack]) if (stack) keepLocalStateBesideOutput(stack);
  }

  /** The AWS stack, when the catalog has an `aws` section. */
  public get awsStack(): AwsEstateStack | undefined {
    return this.context.awsStack;
  }

  /** The Proxmox stack, when the catalog has a `proxmox` section. */
  public get proxmoxStack(): ProxmoxEstateStack | undefined {
    return this.context.proxmoxStack;
  }

  /** Every artifact rendered for this estate. */
  public get artifacts() {
    return this.context.artifacts;
  }
}
