import { stringify } from "yaml";
import type { Catalog, KubernetesCluster } from "../catalog/model";
import { type KubernetesObject, VeleroProtection } from "../constructs/velero-protection";
import type { Construct } from "../core/cdk";
import { Duration } from "../core/duration";
import { ClusterSnapshots, VolumeBackupMode } from "../core/vocabulary";
import { code, doc, fence } from "../artifacts/markdown";
import {
  VeleroPaths,
  renderVeleroDashboard,
  renderVeleroRuleTests,
  renderVeleroRules,
} from "../artifacts/velero-monitoring";
import {
  VELERO_JOB_MINUTES,
  type VeleroScheduleSpec,
  VeleroNames,
  clusterPolicies,
  usedClusters,
  veleroSchedules,
} from "../policy/velero";
import { BuildRecord, type EstatePolicies, TargetKind, type VeleroDestination } from "./context";
import { KubernetesClusterStack } from "./kubernetes-stack";

/** Where a cluster's plain YAML goes, under `artifacts/`. */
export const kubernetesArtifactDir = (cluster: string) => `kubernetes/${cluster}`;

/** Labels every object and backup of a service carries (selectable in `velero backup get`). */
export const VeleroLabels = {
  managedBy: "app.kubernetes.io/managed-by",
  service: "backup-gov/service",
  retention: "backup-gov/retention",
} as const;

/**
 * One stack per Kubernetes cluster that some service uses (named `<estate>-k8s-<cluster>`), by
 * cluster name; none without an `aws` section (Velero writes to the estate's S3 bucket).
 */
export function createKubernetesStacks(scope: Construct, catalog: Catalog): Map<string, KubernetesClusterStack> {
  const stacks = new Map<string, KubernetesClusterStack>();
  if (!catalog.aws) return stacks;
  for (const cluster of usedClusters(catalog)) {
    stacks.set(
      cluster.name,
      new KubernetesClusterStack(scope, VeleroNames.stack(catalog.name, cluster.name), {
        estate: catalog.name,
        cluster,
      }),
    );
  }
  return stacks;
}

/** What the Kubernetes builder made. */
export interface KubernetesProtection {
  /** Each cluster's Velero objects, by cluster name. */
  readonly velero: ReadonlyMap<string, VeleroProtection>;
  /** Targets, Velero jobs and the clusters' plain YAML it rendered. */
  readonly record: BuildRecord;
}

/**
 * Velero per cluster: the BackupStorageLocation on the S3 prefix the AWS builder created
 * (`destinations`, from {@link AwsProtection.veleroDestinations}) and
 * each service's Schedules, as `kubernetes_manifest` resources in the cluster's stack and as
 * plain YAML (with a kustomization and Helm values that select Kopia) for GitOps users; each
 * service's target (restore steps) and each schedule's calendar job. A cluster stack without
 * a destination is a bug of the caller, refused: its services would have no backups.
 */
export function buildKubernetesProtection(
  ctx: EstatePolicies,
  stacks: ReadonlyMap<string, KubernetesClusterStack>,
  destinations: ReadonlyMap<string, VeleroDestination>,
): KubernetesProtection {
  const record = new BuildRecord();
  const built = new Map<string, VeleroProtection>();
  const schedules = veleroSchedules(ctx.policies, ctx.catalog);
  for (const [name, stack] of stacks) {
    const dest = destinations.get(name);
    if (!dest)
      throw new Error(
        `cluster ${name} has a stack but no Velero destination: build the AWS protection first and pass its veleroDestinations`,
      );
    const cluster = stack.cluster;
    const velero = new VeleroProtection(stack, "Velero", {
      namespace: cluster.veleroNamespace,
      storageLocation: {
        name: VeleroNames.storageLocation(name),
        bucket: dest.bucketName,
        prefix: dest.prefix,
        region: dest.region,
        kmsKeyId: dest.kmsKeyAlias,
        credentialsSecret: VeleroNames.credentialsSecret,
      },
      provider: stack.provider,
    });
    built.set(name, velero);
    const mine = schedules.filter((s) => s.cluster === name);
    for (const s of mine) {
      velero.addSchedule({
        name: s.name,
        schedule: s.schedule,
        ttl: Duration.hours(s.ttlHours),
        namespaces: s.kubernetes.namespaces,
        labelSelector: s.kubernetes.labelSelector,
        excludedResources: s.kubernetes.excludeResources,
        volumes: s.kubernetes.volumes,
        hooks: s.kubernetes.hooks.map((h) => ({
          container: h.container,
          podLabels: h.selector,
          pre: h.pre,
          post: h.post,
          timeoutMinutes: h.timeout.toMinutes(),
          onError: h.onError,
        })),
        labels: { [VeleroLabels.service]: s.serviceId, [VeleroLabels.retention]: s.retentionClass },
      });
      record.addJob({
        id: s.name,
        kind: TargetKind.VELERO,
        group: `k8s/${name}`,
        schedule: s.schedule,
        serviceIds: [s.serviceId],
        durationMinutes: VELERO_JOB_MINUTES,
        description: `Velero schedule ${s.name} in cluster ${name}: backs up namespace(s) ${s.kubernetes.namespaces.join(", ")}, kept ${s.ttl}`,
      });
    }
    addClusterArtifacts(ctx.catalog, record, cluster, dest, velero.objects);
    for (const p of clusterPolicies(ctx.policies, name))
      registerTarget(
        record,
        cluster,
        dest,
        mine.filter((s) => s.serviceId === p.service.id),
      );
  }
  if (stacks.size && schedules.length) {
    record.addArtifact({ path: VeleroPaths.rules, content: renderVeleroRules(ctx.catalog, ctx.policies) });
    record.addArtifact({ path: VeleroPaths.tests, content: renderVeleroRuleTests(ctx.catalog, ctx.policies) });
    record.addArtifact({ path: VeleroPaths.dashboard, content: renderVeleroDashboard(ctx.catalog) });
  }
  return { velero: built, record };
}

function yamlDocs(objects: readonly KubernetesObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join("");
}

function addClusterArtifacts(
  catalog: Catalog,
  record: BuildRecord,
  cluster: KubernetesCluster,
  dest: VeleroDestination,
  objects: readonly KubernetesObject[],
): void {
  const dir = kubernetesArtifactDir(cluster.name);
  const header = `# Generated by backup-gov from the catalog (estate ${catalog.name}, cluster ${cluster.name}); do not edit.\n`;
  const bsl = objects.filter((o) => o.kind === "BackupStorageLocation");
  const schedules = objects.filter((o) => o.kind === "Schedule");
  record.addArtifact({ path: `${dir}/backup-storage-location.yaml`, content: header + yamlDocs(bsl) });
  record.addArtifact({ path: `${dir}/schedules.yaml`, content: header + yamlDocs(schedules) });
  record.addArtifact({
    path: `${dir}/kustomization.yaml`,
    content:
      header +
      stringify({
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        namespace: cluster.veleroNamespace,
        resources: ["backup-storage-location.yaml", "schedules.yaml"],
      }),
  });
  record.addArtifact({
    path: `${dir}/velero-values.yaml`,
    content: header + stringify(helmValues(cluster), { lineWidth: 0 }),
  });
  record.addArtifact({ path: `${dir}/README.md`, content: clusterReadme(catalog, cluster, dest) });
}

/**
 * Values for the vmware-tanzu/velero Helm chart: Kopia as the uploader, the node agent that
 * moves file-system and snapshot data, CSI when the cluster has it, metrics for Prometheus.
 * The chart creates no location of its own: the storage location comes from this estate.
 */
export function helmValues(cluster: KubernetesCluster): Record<string, unknown> {
  const csi = cluster.snapshots === ClusterSnapshots.CSI;
  return {
    configuration: {
      // Velero v1.17 removed backups through Restic; kopia is the only uploader v1.18 accepts.
      uploaderType: "kopia",
      defaultVolumesToFsBackup: false,
      ...(csi ? { features: "EnableCSI" } : {}),
      backupStorageLocation: [],
      volumeSnapshotLocation: [],
    },
    backupsEnabled: false,
    snapshotsEnabled: false,
    deployNodeAgent: true,
    credentials: { useSecret: true, existingSecret: VeleroNames.credentialsSecret },
    // A ServiceMonitor is a Prometheus Operator resource: without its CRD the Helm install fails.
    metrics: { enabled: true, serviceMonitor: { enabled: cluster.prometheusOperator } },
  };
}

/** The `velero install` equivalent of {@link helmValues}. */
export function installArgs(cluster: KubernetesCluster): string[] {
  return [
    "velero install",
    `--kubecontext ${cluster.context}`,
    `--namespace ${cluster.veleroNamespace}`,
    "--provider aws",
    "--plugins velero/velero-plugin-for-aws:<the release matching your Velero version>",
    "--uploader-type kopia",
    "--use-node-agent",
    ...(cluster.snapshots === ClusterSnapshots.CSI ? ["--features EnableCSI"] : []),
    "--no-default-backup-location",
    "--use-volume-snapshots=false",
    // The storage location names its own secret (created next), so install creates none.
    "--no-secret",
  ];
}

function clusterReadme(catalog: Catalog, cluster: KubernetesCluster, dest: VeleroDestination): string {
  const ns = cluster.veleroNamespace;
  const kctx = cluster.context;
  const csi = cluster.snapshots === ClusterSnapshots.CSI;
  return doc(
    `# Velero in cluster ${cluster.name} (estate ${catalog.name})`,
    "<!-- Generated by backup-gov from the catalog; do not edit. -->",
    `Backups go to ${code(`s3://${dest.bucketName}/${dest.prefix}`)} (${dest.region}, SSE-KMS ${dest.kmsKeyAlias}${dest.lock ? `, Object Lock ${dest.lock.mode} ${dest.lock.days} days` : ""}${dest.offsite ? `, replicated to ${dest.offsite.bucketName} in ${dest.offsite.region}` : ""}) through the storage location ${code(VeleroNames.storageLocation(cluster.name))}. File-system backups use Kopia (the only uploader of Velero v1.18; Restic is never selected).`,
    "## Install",
    `1. Create an access key of the IAM user ${code(dest.iamUser)} (${code(`aws iam create-access-key --user-name ${dest.iamUser}`)}) and write it as an AWS credentials file (profile \`default\`). It is never in the Terraform state or in these files.`,
    `2. Install Velero with the node agent and Kopia, either with Helm (${code("helm upgrade --install velero vmware-tanzu/velero -n " + ns + " --create-namespace -f velero-values.yaml")}, after creating the secret below and adding the AWS plugin to \`initContainers\`) or with the CLI:`,
    fence(installArgs(cluster).join(" \\\n  ")),
    `3. Store the credentials as the secret the location names: ${code(`kubectl --context ${kctx} -n ${ns} create secret generic ${VeleroNames.credentialsSecret} --from-file=cloud=./velero-${cluster.name}.credentials`)}.`,
    csi
      ? "4. Label the cluster's VolumeSnapshotClass for Velero: `kubectl label volumesnapshotclass <class> velero.io/csi-volumesnapshot-class=true`. Snapshot data is moved into the bucket by the data mover; no VolumeSnapshotLocation is needed or declared."
      : "4. Volumes are backed up by Kopia from the node agent; no snapshot class is needed.",
    `5. Apply the location and schedules: with Terraform (stack ${code(VeleroNames.stack(catalog.name, cluster.name))}, \`TF_VAR_kubeconfig_path\` pointing at the kubeconfig with context ${code(kctx)}), or with ${code(`kubectl --context ${kctx} apply -k .`)}.`,
    `6. Check: ${code(`velero --kubecontext ${kctx} -n ${ns} backup-location get`)} shows the location Available; ${code(`velero --kubecontext ${kctx} -n ${ns} schedule get`)} lists the schedules.`,
    "## The Kopia repository password",
    `Velero encrypts every Kopia repository with the password in the secret \`velero-repo-credentials\` (namespace ${ns}). Record it with the estate's other restore secrets: a rebuilt cluster needs the same password to read the volume data.`,
  );
}

function registerTarget(
  record: BuildRecord,
  cluster: KubernetesCluster,
  dest: VeleroDestination,
  schedules: readonly VeleroScheduleSpec[],
): void {
  if (!schedules.length) return;
  const s = schedules[0];
  const k = s.kubernetes;
  const kctx = cluster.context;
  const ns = cluster.veleroNamespace;
  const v = `velero --kubecontext ${kctx} -n ${ns}`;
  const mapping = k.namespaces.map((n) => `${n}:${n}-restore`).join(",");
  const hookCount = k.hooks.reduce((n, h) => n + (h.pre.length ? 1 : 0) + (h.post.length ? 1 : 0), 0);
  const steps = [
    `List the service's backups, newest first: \`${v} backup get --selector ${VeleroLabels.service}=${s.serviceId}\` (schedules ${schedules.map((x) => x.name).join(", ")}); pick the newest Completed one before the incident.`,
    ...(hookCount
      ? [
          `Check the backup's hooks ran: \`kubectl --context ${kctx} -n ${ns} get backup BACKUP -o jsonpath='{.status.phase} {.status.hookStatus.hooksAttempted} {.status.hookStatus.hooksFailed}'\` must print Completed, at least ${hookCount} attempted (${hookCount} per selected pod) and 0 failed; otherwise the copy may not be application-consistent: take the previous backup.`,
        ]
      : []),
    `Restore into scratch namespaces first: \`${v} restore create ${s.serviceId}-check-$(date -u +%Y%m%d%H%M) --from-backup BACKUP --include-namespaces ${k.namespaces.join(",")} --namespace-mappings ${mapping} --wait\`.`,
    `Check it: \`${v} restore describe RESTORE --details\` shows Phase Completed with no errors, and the volumes restored (${k.volumes === VolumeBackupMode.SNAPSHOT ? `\`kubectl --context ${kctx} -n ${ns} get datadownloads -l velero.io/restore-name=RESTORE\` all Completed` : `\`kubectl --context ${kctx} -n ${ns} get podvolumerestores -l velero.io/restore-name=RESTORE\` all Completed`}); run the validation commands against the ${k.namespaces.map((n) => `${n}-restore`).join(", ")} namespace(s).`,
    `Restore in place: delete the damaged namespace(s) (\`kubectl --context ${kctx} delete namespace ${k.namespaces.join(" ")}\`), then \`${v} restore create ${s.serviceId}-$(date -u +%Y%m%d%H%M) --from-backup BACKUP --include-namespaces ${k.namespaces.join(",")} --wait\`; remove the scratch namespaces.`,
    ...(dest.offsite
      ? [
          `When ${dest.region} is lost, read the replica: \`${v} backup-location create offsite --provider aws --bucket ${dest.offsite.bucketName} --prefix ${dest.prefix.replace(/\/$/, "")} --config region=${dest.offsite.region} --access-mode ReadOnly --credential ${VeleroNames.credentialsSecret}=cloud\`, wait for its backups to sync (\`${v} backup get\`), then restore as above.`,
        ]
      : []),
    "On a rebuilt cluster: install Velero as in the cluster README (same Kopia repository password), apply the storage location, wait for the backups to sync, then restore.",
  ];
  record.addTarget({
    serviceId: s.serviceId,
    kind: TargetKind.VELERO,
    id: `velero/${cluster.name}/${s.serviceId}`,
    location: `Velero in ${cluster.name} (context ${kctx}) → s3://${dest.bucketName}/${dest.prefix} (${dest.region})`,
    details: {
      cluster: cluster.name,
      context: kctx,
      namespaces: k.namespaces.join(", "),
      volumes:
        k.volumes === VolumeBackupMode.SNAPSHOT
          ? "CSI snapshots, data moved to the bucket (Kopia)"
          : "file-system backup (Kopia)",
      schedules: schedules.map((x) => `${x.name} ${x.cron} ttl ${x.ttl}`).join("; "),
      storageLocation: VeleroNames.storageLocation(cluster.name),
      hooks: k.hooks.length,
    },
    restoreSteps: steps,
  });
  if (!dest.offsite) return;
  record.addTarget({
    serviceId: s.serviceId,
    kind: TargetKind.OFFSITE,
    id: `s3://${dest.offsite.bucketName}/${dest.prefix}`,
    location: `s3://${dest.offsite.bucketName}/${dest.prefix} (${dest.offsite.region}, S3 replication of cluster ${cluster.name}'s Velero prefix)`,
    details: {
      bucket: dest.offsite.bucketName,
      prefix: dest.prefix,
      region: dest.offsite.region,
      lock: dest.lock ? `Object Lock ${dest.lock.mode} ${dest.lock.days} days` : "no Object Lock",
    },
    restoreSteps: [
      `When ${dest.region} is unavailable, add a read-only storage location on the replica (see the Velero steps above) and restore from its backups; never write to the replica.`,
      `Check replication is current first: \`aws s3api head-object --region ${dest.region} --bucket ${dest.bucketName} --key <key> --query ReplicationStatus\` reports COMPLETED for the newest objects under ${dest.prefix}backups/.`,
    ],
  });
}
