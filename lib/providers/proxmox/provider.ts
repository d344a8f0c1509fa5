/**
 * Hand-written cdktf binding of the `bpg/proxmox` provider configuration, shaped like the
 * bindings `cdktf get` generates (no prebuilt package exists for this provider).
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs
 */
import {
  booleanToTerraform,
  type Construct,
  listMapper,
  numberToTerraform,
  stringToTerraform,
  TerraformProvider,
  TerraformStack,
} from "../../core/cdk";
import { definedAttrs, type HclAttr, hclBlock, hclBool, hclNumber, hclString } from "./hcl";
import { checkNotEmpty, checkOneOf, checkRange, checkSecret } from "./checks";
import { Errors } from "../../errors";
import {
  type IProxmoxVersioned,
  PROXMOX_PROVIDER_SOURCE,
  ProxmoxProviderVersions,
  proxmoxVersionConstraint,
} from "./version";
import { PVE_API_SUFFIX } from "../../core/formats";

/** One node of the `ssh` block: how to reach a cluster node over SSH. */
export interface ProxmoxProviderSshNode {
  /** `name`: the node name. Required. */
  readonly name: string;
  /** `address`: its address. Required. */
  readonly address: string;
  /** `port`: SSH port, 1–65535. @default 22 */
  readonly port?: number;
}

/**
 * The provider's `ssh` block (a list block with at most one element; written here as one
 * object). Only some file and disk operations need SSH; backup jobs and storages do not.
 */
export interface ProxmoxProviderSsh {
  /** `username` (`PROXMOX_VE_SSH_USERNAME`). @default - the API user without its realm */
  readonly username?: string;
  /** `password`, sensitive: a token only (`PROXMOX_VE_SSH_PASSWORD`). */
  readonly password?: string;
  /** `agent` (`PROXMOX_VE_SSH_AGENT`). @default false */
  readonly agent?: boolean;
  /** `agent_socket` (`SSH_AUTH_SOCK`). */
  readonly agentSocket?: string;
  /** `agent_forwarding` (`PROXMOX_VE_SSH_AGENT_FORWARDING`). */
  readonly agentForwarding?: boolean;
  /** `private_key`, sensitive, unencrypted PEM: a token only (`PROXMOX_VE_SSH_PRIVATE_KEY`). */
  readonly privateKey?: string;
  /** `socks5_server`, `address:port`. */
  readonly socks5Server?: string;
  /** `socks5_username`. */
  readonly socks5Username?: string;
  /** `socks5_password`, sensitive: a token only. */
  readonly socks5Password?: string;
  /** `node_address_source`: `api` or `dns` (provider ≥ 0.102.0). @default "api" */
  readonly nodeAddressSource?: string;
  /** `node` blocks: explicit node addresses. */
  readonly node?: readonly ProxmoxProviderSshNode[];
}

/** Configuration of {@link ProxmoxProvider}. Every field is optional: each has an environment variable. */
export interface ProxmoxProviderConfig {
  /** `endpoint`, e.g. `https://pve.example.internal:8006/`, without `/api2/json` (`PROXMOX_VE_ENDPOINT`). */
  readonly endpoint?: string;
  /** `insecure`: skip TLS verification (`PROXMOX_VE_INSECURE`). @default false */
  readonly insecure?: boolean;
  /** `min_tls`: `1.0`, `1.1`, `1.2` or `1.3` (`PROXMOX_VE_MIN_TLS`). @default "1.3" */
  readonly minTls?: string;
  /**
   * `api_token`, sensitive, `user@realm!tokenid=uuid`. Pass a sensitive variable's value;
   * leave it unset (or null at plan time) and the provider reads `PROXMOX_VE_API_TOKEN`.
   */
  readonly apiToken?: string;
  /** `auth_ticket`, sensitive: a token only (`PROXMOX_VE_AUTH_TICKET`). */
  readonly authTicket?: string;
  /** `csrf_prevention_token`, sensitive: a token only (`PROXMOX_VE_CSRF_PREVENTION_TOKEN`). */
  readonly csrfPreventionToken?: string;
  /** `username`, e.g. `root@pam` (`PROXMOX_VE_USERNAME`). */
  readonly username?: string;
  /** `password`, sensitive: a token only (`PROXMOX_VE_PASSWORD`). */
  readonly password?: string;
  /** `otp` (deprecated by the provider) (`PROXMOX_VE_OTP`). */
  readonly otp?: string;
  /** `tmp_dir` (`PROXMOX_VE_TMPDIR`). */
  readonly tmpDir?: string;
  /** `random_vm_ids`. @default false */
  readonly randomVmIds?: boolean;
  /** `random_vm_id_start`, 100–999999999. @default 10000 */
  readonly randomVmIdStart?: number;
  /** `random_vm_id_end`, 100–999999999. @default 99999 */
  readonly randomVmIdEnd?: number;
  /** The `ssh` block. */
  readonly ssh?: ProxmoxProviderSsh;
  /** `alias`: needed when one stack talks to several Proxmox hosts. */
  readonly alias?: string;
}

/**
 * The `proxmox` provider (`bpg/proxmox`). Its `required_providers` constraint is computed
 * at synthesis from what the stack uses: at least 0.99.0 (the backup job resource), newer
 * when a resource or attribute needs it, and below 1.0.0 (announced as breaking).
 */
export class ProxmoxProvider extends TerraformProvider implements IProxmoxVersioned {
  /** The resource type name Terraform uses for this provider. */
  public static readonly tfResourceType = "proxmox";

  private readonly config: ProxmoxProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: ProxmoxProviderConfig = {}) {
    // Checked before super(): a refused provider must not stay behind in the construct tree.
    validateProviderConfig(config);
    super(scope, id, {
      terraformResourceType: "proxmox",
      terraformGeneratorMetadata: {
        providerName: "proxmox",
        providerVersionConstraint: `>= ${ProxmoxProviderVersions.BACKUP_JOB}`,
      },
      terraformProviderSource: PROXMOX_PROVIDER_SOURCE,
    });
    this.config = config;
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  public get minimumProviderVersion(): string {
    return this.config.ssh?.nodeAddressSource !== undefined
      ? ProxmoxProviderVersions.SSH_NODE_ADDRESS_SOURCE
      : ProxmoxProviderVersions.BACKUP_JOB;
  }

  /** The constraint written to `required_providers` (see the class comment). */
  public get versionConstraint(): string {
    return proxmoxVersionConstraint(TerraformStack.of(this));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toTerraform(): any {
    return this.withConstraint(super.toTerraform());
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toHclTerraform(): any {
    return this.withConstraint(super.toHclTerraform());
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      endpoint: stringToTerraform(c.endpoint),
      insecure: booleanToTerraform(c.insecure),
      min_tls: stringToTerraform(c.minTls),
      api_token: stringToTerraform(c.apiToken),
      auth_ticket: stringToTerraform(c.authTicket),
      csrf_prevention_token: stringToTerraform(c.csrfPreventionToken),
      username: stringToTerraform(c.username),
      password: stringToTerraform(c.password),
      otp: stringToTerraform(c.otp),
      tmp_dir: stringToTerraform(c.tmpDir),
      random_vm_ids: booleanToTerraform(c.randomVmIds),
      random_vm_id_start: numberToTerraform(c.randomVmIdStart),
      random_vm_id_end: numberToTerraform(c.randomVmIdEnd),
      ssh: c.ssh === undefined ? undefined : listMapper(sshToTerraform, true)([c.ssh]),
      alias: stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return definedAttrs({
      endpoint: hclString(c.endpoint),
      insecure: hclBool(c.insecure),
      min_tls: hclString(c.minTls),
      api_token: hclString(c.apiToken),
      auth_ticket: hclString(c.authTicket),
      csrf_prevention_token: hclString(c.csrfPreventionToken),
      username: hclString(c.username),
      password: hclString(c.password),
      otp: hclString(c.otp),
      tmp_dir: hclString(c.tmpDir),
      random_vm_ids: hclBool(c.randomVmIds),
      random_vm_id_start: hclNumber(c.randomVmIdStart),
      random_vm_id_end: hclNumber(c.randomVmIdEnd),
      ssh: hclBlock(c.ssh === undefined ? undefined : [sshToHcl(c.ssh)], "ProxmoxProviderSshList"),
      alias: hclString(this._alias),
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private withConstraint(out: any): any {
    const entry = (out as { terraform?: { required_providers?: { proxmox?: { version?: string } } } } | undefined)
      ?.terraform?.required_providers?.proxmox;
    if (entry) entry.version = this.versionConstraint;
    return out;
  }
}

function sshNodeToTerraform(n: ProxmoxProviderSshNode): Record<string, unknown> {
  return { name: stringToTerraform(n.name), address: stringToTerraform(n.address), port: numberToTerraform(n.port) };
}

function sshToTerraform(s: ProxmoxProviderSsh): Record<string, unknown> {
  return {
    username: stringToTerraform(s.username),
    password: stringToTerraform(s.password),
    agent: booleanToTerraform(s.agent),
    agent_socket: stringToTerraform(s.agentSocket),
    agent_forwarding: booleanToTerraform(s.agentForwarding),
    private_key: stringToTerraform(s.privateKey),
    socks5_server: stringToTerraform(s.socks5Server),
    socks5_username: stringToTerraform(s.socks5Username),
    socks5_password: stringToTerraform(s.socks5Password),
    node_address_source: stringToTerraform(s.nodeAddressSource),
    node: s.node === undefined ? undefined : listMapper(sshNodeToTerraform, true)(s.node),
  };
}

function sshToHcl(s: ProxmoxProviderSsh): Record<string, HclAttr> {
  return definedAttrs({
    username: hclString(s.username),
    password: hclString(s.password),
    agent: hclBool(s.agent),
    agent_socket: hclString(s.agentSocket),
    agent_forwarding: hclBool(s.agentForwarding),
    private_key: hclString(s.privateKey),
    socks5_server: hclString(s.socks5Server),
    socks5_username: hclString(s.socks5Username),
    socks5_password: hclString(s.socks5Password),
    node_address_source: hclString(s.nodeAddressSource),
    node: hclBlock(
      s.node?.map((n) =>
        definedAttrs({ name: hclString(n.name), address: hclString(n.address), port: hclNumber(n.port) }),
      ),
      "ProxmoxProviderSshNodeList",
    ),
  });
}

function validateProviderConfig(c: ProxmoxProviderConfig): void {
  checkNotEmpty("endpoint", c.endpoint);
  if (c.endpoint !== undefined && !/^\$\{/.test(c.endpoint)) {
    // PROVIDER NOTE: the provider appends /api2/json itself; an endpoint that already has it fails every call with 501.
    if (!/^https?:\/\/[^\s/]+/.test(c.endpoint) || PVE_API_SUFFIX.test(c.endpoint)) {
      throw Errors.pveNotAllowed(
        "endpoint",
        c.endpoint,
        "an http(s) URL of the API without /api2/json, e.g. https://pve.example.internal:8006/",
      );
    }
  }
  checkOneOf("min_tls", c.minTls, ["1.0", "1.1", "1.2", "1.3"]);
  checkSecret("api_token", c.apiToken);
  checkSecret("auth_ticket", c.authTicket);
  checkSecret("csrf_prevention_token", c.csrfPreventionToken);
  checkSecret("password", c.password);
  checkRange("random_vm_id_start", c.randomVmIdStart, 100, 999999999);
  checkRange("random_vm_id_end", c.randomVmIdEnd, 100, 999999999);
  if (c.ssh) {
    checkSecret("ssh.password", c.ssh.password);
    checkSecret("ssh.private_key", c.ssh.privateKey);
    checkSecret("ssh.socks5_password", c.ssh.socks5Password);
    checkOneOf("ssh.node_address_source", c.ssh.nodeAddressSource, ["api", "dns"]);
    for (const n of c.ssh.node ?? []) {
      checkNotEmpty("ssh.node.name", n.name);
      checkNotEmpty("ssh.node.address", n.address);
      checkRange("ssh.node.port", n.port, 1, 65535);
    }
  }
}
