import type { KubernetesCluster } from "../catalog/model";
import { type Construct, type TerraformProvider, TerraformStack, TerraformVariable } from "../core/cdk";
import { kubernetesProvider } from "../providers/kubernetes";

/** The Terraform variable with the kubeconfig file a cluster stack reads. */
export const KUBECONFIG_VARIABLE = "kubeconfig_path";

/** Props of {@link KubernetesClusterStack}. */
export interface KubernetesClusterStackProps {
  readonly estate: string;
  readonly cluster: KubernetesCluster;
}

/**
 * One cluster's Velero objects, in a stack of their own: each cluster has its own credentials
 * (a kubeconfig context) and blast radius, and the AWS stack must plan where no cluster is
 * reachable (`kubernetes_manifest` needs the API server, and Velero's CRDs, at plan time).
 */
export class KubernetesClusterStack extends TerraformStack {
  /** @attribute */
  public readonly cluster: KubernetesCluster;
  /** @attribute */
  /** The `kubernetes` provider (a `KubernetesProvider` of @cdktf/provider-kubernetes, an optional peer). */
  public readonly provider: TerraformProvider;

  constructor(scope: Construct, id: string, props: KubernetesClusterStackProps) {
    super(scope, id);
    this.cluster = props.cluster;
    const kubeconfig = new TerraformVariable(this, KUBECONFIG_VARIABLE, {
      type: "string",
      default: "~/.kube/config",
      description: `The kubeconfig file holding context ${props.cluster.context} of cluster ${props.cluster.name}.`,
    });
    // Credentials stay in the kubeconfig: the stack names the context, never a token.
    this.provider = kubernetesProvider(this, "Kubernetes", {
      configPath: kubeconfig.stringValue,
      configContext: props.cluster.context,
    });
  }
}
