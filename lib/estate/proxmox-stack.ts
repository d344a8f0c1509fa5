import type { ProxmoxHost } from "../catalog/model";
import { type Construct, TerraformStack } from "../core/cdk";

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

  constructor(scope: Construct, id: string, props: ProxmoxEstateStackProps) {
    super(scope, id);
    this.hosts = props.hosts;
  }
}
