import type { KubernetesCluster, Service, ServiceKubernetes } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { ClusterSnapshots, VolumeBackupMode } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const snapshotNeedsCsi: GovernanceRule = {
  id: "GOV-132",
  name: "snapshot-needs-csi",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`kubernetes.volumes: snapshot` needs `snapshots: csi` on its cluster.",
  explanation:
    "Snapshot backups are CSI snapshots whose data Velero's data mover copies to the bucket; a cluster without CSI snapshots would back up no volume data at all. Use `volumes: fs` (Kopia file-system backup) there.",
  check({ catalog }) {
    const clusters = catalog.kubernetes?.clusters ?? {};
    return catalog.services
      .filter(
        (s): s is Service & { readonly kubernetes: ServiceKubernetes } =>
          s.kubernetes?.volumes === VolumeBackupMode.SNAPSHOT,
      )
      .filter((s) => {
        const cluster = clusters[s.kubernetes.cluster] as KubernetesCluster | undefined;
        return cluster && cluster.snapshots !== ClusterSnapshots.CSI;
      })
      .map((s) => ({
        path: servicePath(s, "kubernetes", "volumes"),
        message: `\`kubernetes.volumes: snapshot\` but cluster \`${s.kubernetes.cluster}\` does not declare \`snapshots: csi\``,
        fix: `set \`snapshots: csi\` on cluster \`${s.kubernetes.cluster}\` (it needs a CSI driver with snapshot support), or use \`volumes: fs\``,
      }));
  },
};
