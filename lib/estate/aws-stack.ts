import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AwsSettings } from "../catalog/model";
import { type Construct, TerraformStack, TerraformVariable } from "../core/cdk";
import { tfLiteralMap } from "../core/escape/terraform";
import { BREAK_GLASS_CONTEXT } from "../constructs/backup-key";

/** The Terraform variable that carries the account id when the catalog has no `aws.accountId`. */
export const ACCOUNT_ID_VARIABLE = "aws_account_id";

/** Props of {@link AwsEstateStack}. */
export interface AwsEstateStackProps {
  /** The estate name; prefixes resource names and is the `backup:estate` tag. */
  readonly estate: string;
  readonly aws: AwsSettings;
  /**
   * Regions other than the primary that need a provider (offsite destinations).
   * @default - `aws.offsiteRegion` when set
   */
  readonly offsiteRegions?: readonly string[];
}

/**
 * The estate's AWS stack: one stack per estate holding the primary-region provider and an
 * aliased provider per offsite region. AWS lives in its own stack (apart from Proxmox) for
 * its blast radius and credentials, and so that it plans where no Proxmox plugin exists.
 */
export class AwsEstateStack extends TerraformStack {
  /** @attribute */
  public readonly primary: AwsProvider;
  /** @attribute */
  public readonly region: string;
  private readonly offsite = new Map<string, AwsProvider>();
  private readonly props: AwsEstateStackProps;
  private account?: string;
  private chatbot?: AwsProvider;
  private readonly terraformListeners: Array<(config: Record<string, unknown>) => void> = [];

  constructor(scope: Construct, id: string, props: AwsEstateStackProps) {
    super(scope, id);
    // Before any child: every BackupKey of the stack denies key deletion and disabling to all but this principal.
    if (props.aws.breakGlassPrincipal) this.node.setContext(BREAK_GLASS_CONTEXT, props.aws.breakGlassPrincipal);
    this.props = props;
    this.region = props.aws.region;
    this.primary = this.makeProvider("Aws", props.aws.region);
    const regions = props.offsiteRegions ?? (props.aws.offsiteRegion ? [props.aws.offsiteRegion] : []);
    for (const r of [...new Set(regions)].sort()) this.providerFor(r);
  }

  /** The provider for a region: the primary one, or an aliased one created on first use. */
  public providerFor(region: string): AwsProvider {
    if (region === this.region) return this.primary;
    let p = this.offsite.get(region);
    if (!p) {
      p = this.makeProvider(`Aws-${region}`, region, region);
      this.offsite.set(region, p);
    }
    return p;
  }

  /**
   * The provider of the AWS Chatbot channels: the primary or an offsite provider where that is
   * in `region`, else an aliased provider `chatbot` (not an offsite Region: nothing is copied or
   * forwarded there). AWS Chatbot's API is served from a few Regions only.
   */
  public chatbotProvider(region: string): AwsProvider {
    if (region === this.region) return this.primary;
    const offsite = this.offsite.get(region);
    if (offsite) return offsite;
    this.chatbot ??= this.makeProvider("Aws-chatbot", region, "chatbot");
    return this.chatbot;
  }

  /**
   * The account id for policies and ARNs: `aws.accountId`, or else a Terraform variable
   * (`TF_VAR_aws_account_id`, validated as 12 digits) declared on first use. Never looked up
   * with a data source: plans must run offline.
   */
  public get accountId(): string {
    if (this.account === undefined) {
      this.account =
        this.props.aws.accountId ??
        new TerraformVariable(this, ACCOUNT_ID_VARIABLE, {
          type: "string",
          description:
            "The AWS account the estate's backups live in (set aws.accountId in the catalog to avoid this variable).",
          // PROVIDER NOTE: in JSON configuration a condition is a template: the expression goes inside ${...}.
          validation: [
            {
              condition: `\${can(regex("^[0-9]{12}$", var.${ACCOUNT_ID_VARIABLE}))}`,
              errorMessage: "aws_account_id must be a 12-digit AWS account id.",
            },
          ],
        }).stringValue;
    }
    return this.account;
  }

  /**
   * Calls `listener` with the stack's configuration each time it is rendered (by synthesis),
   * so that documents derived from it need not render the stack a second time.
   */
  public onTerraform(listener: (config: Record<string, unknown>) => void): void {
    this.terraformListeners.push(listener);
  }

  /** The stack's configuration, as cdktf renders it; each {@link AwsEstateStack.onTerraform} listener gets it too. */
  public override toTerraform(): Record<string, unknown> {
    const config = super.toTerraform() as Record<string, unknown>;
    for (const listener of this.terraformListeners) listener(config);
    return config;
  }

  /** Every offsite region that has a provider. */
  public get offsiteRegions(): string[] {
    return [...this.offsite.keys()];
  }

  protected makeProvider(id: string, region: string, alias?: string): AwsProvider {
    return new AwsProvider(this, id, {
      region,
      alias,
      // PROVIDER NOTE: a pinned account makes a plan against the wrong credentials fail instead of creating resources there.
      allowedAccountIds: this.props.aws.accountId ? [this.props.aws.accountId] : undefined,
      defaultTags: [
        {
          tags: {
            "backup:estate": this.props.estate,
            "managed-by": "cdktf-backup-governance",
            ...tfLiteralMap(this.props.aws.tags),
          },
        },
      ],
    });
  }
}
