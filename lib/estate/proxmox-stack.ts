import { ProxmoxAuth, type ProxmoxHost } from "../catalog/model";
import { type Construct, TerraformStack, TerraformVariable } from "../core/cdk";
import { ProxmoxProvider } from "../providers/proxmox/provider";
import { tfLiteral } from "../core/escape/terraform";

/** Props of {@link ProxmoxEstateStack}. */
export interface ProxmoxEstateStackProps {
  readonly estate: string;
  readonly hosts: Readonly<Record<string, ProxmoxHost>>;
}

/**
 * The estate's Proxmox stack: every host's vzdump jobs and storages, one provider alias per
 * host. Kept apart from AWS: other credentials, other blast radius, and a provider plugin
 * the AWS stack must not depend on.
 */
export class ProxmoxEstateStack extends TerraformStack {
  /** @attribute */
  public readonly hosts: Readonly<Record<string, ProxmoxHost>>;
  /** @attribute */
  public readonly estate: string;
  private readonly providers = new Map<string, ProxmoxProvider>();

  constructor(scope: Construct, id: string, props: ProxmoxEstateStackProps) {
    super(scope, id);
    this.hosts = props.hosts;
    this.estate = props.estate;
    for (const name of Object.keys(props.hosts).sort()) this.providerFor(name);
  }

  /**
   * The provider of a host, aliased by the host's key. With `auth: token` (default) its API
   * token comes from the sensitive variable `proxmox_api_token_<host>` (unset: the provider
   * reads PROXMOX_VE_API_TOKEN); with `auth: root-password` it logs in as root@pam with the
   * password from `proxmox_root_password_<host>` (unset: PROXMOX_VE_PASSWORD), which is what
   * Proxmox requires for a job's hook `script`.
   */
  public providerFor(hostName: string): ProxmoxProvider {
    let p = this.providers.get(hostName);
    if (p) return p;
    const host = this.hosts[hostName];
    if (!host) throw new Error(`no Proxmox host ${hostName} in this estate`);
    const rootPassword = host.auth === ProxmoxAuth.ROOT_PASSWORD;
    const secret = new TerraformVariable(
      this,
      `${rootPassword ? "proxmox_root_password" : "proxmox_api_token"}_${varSuffix(hostName)}`,
      {
        type: "string",
        sensitive: true,
        nullable: true,
        description: tfLiteral(
          rootPassword
            ? `Password of root@pam on Proxmox host ${hostName} (${host.endpoint}): a password ticket, which a job's hook script needs. Leave unset to use PROXMOX_VE_PASSWORD.`
            : `API token of Proxmox host ${hostName} (${host.endpoint}), as user@realm!tokenid=uuid. Leave unset to use PROXMOX_VE_API_TOKEN.`,
        ),
      },
    );
    // cdktf cannot write `default = null` itself (it crashes on a null default); an override can.
    secret.addOverride("default", null);
    p = new ProxmoxProvider(this, `Proxmox-${hostName}`, {
      alias: hostName,
      endpoint: tfLiteral(host.endpoint),
      insecure: host.insecure || undefined,
      // PROVIDER NOTE: PVE reserves a job's script/tmpdir/dumpdir to the user root@pam; a token (even root@pam!x) is refused with "Only root may set this option".
      ...(rootPassword ? { username: ROOT_PAM, password: secret.stringValue } : { apiToken: secret.stringValue }),
    });
    this.providers.set(hostName, p);
    return p;
  }
}

/** The one Proxmox user allowed to set a backup job's `script`, `tmpdir` and `dumpdir`. */
export const ROOT_PAM = "root@pam";

/** A host key or storage id as a Terraform variable name part (shell-safe for TF_VAR_...). */
export function varSuffix(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}
