import { z } from "zod";
import { ClusterSnapshots, HookOnError, VolumeBackupMode } from "../../core/vocabulary";
import { duration, Patterns } from "./common";

/**
 * Bandwidth toward the offsite copy, in the units people quote links in: `100Mbit/s`,
 * `1Gbit/s`, or bytes per second (`20MiB/s`).
 */
export const uplink = (what: string) => z.string().regex(Patterns.uplink).describe(what);

/** `HH:MM-HH:MM`, local time; a window that ends before it starts runs past midnight. */
export const backupWindow = (what: string) => z.string().regex(Patterns.backupWindow).describe(what);

const labelMap = (what: string) =>
  z.record(z.string().regex(Patterns.k8sLabelKey), z.string().regex(Patterns.k8sLabelValue)).describe(what);

/** One Kubernetes cluster whose workloads Velero protects. */
export const kubernetesClusterSchema = z
  .strictObject({
    context: z
      .string()
      .regex(Patterns.kubeContext)
      .describe(
        "The kubeconfig context the Terraform kubernetes provider (and `velero`/`kubectl` in the SOPs) use for this cluster.",
      ),
    veleroNamespace: z
      .string()
      .regex(Patterns.k8sName)
      .describe("Namespace Velero runs in. Default `velero`.")
      .optional(),
    snapshots: z
      .enum(ClusterSnapshots)
      .describe(
        "`csi`: CSI volume snapshots, whose data Velero's data mover copies to the object store (a VolumeSnapshotLocation is declared); `none` (default): file-system backup (Kopia) only.",
      )
      .optional(),
    uplink: uplink(
      "Optional: bandwidth from the cluster toward the backup bucket, for the transfer estimate and window check.",
    ).optional(),
    backupWindow: backupWindow(
      "Optional: when this cluster's backups may run (`HH:MM-HH:MM`, the Velero server's time zone, normally UTC).",
    ).optional(),
    prometheusOperator: z
      .boolean()
      .describe(
        "The Prometheus Operator runs in this cluster (its ServiceMonitor CRD exists): the Velero values then enable the chart's ServiceMonitor. Without the CRD the Helm install fails on it. Default `false`: metrics stay on, scraped by annotation or a static job.",
      )
      .optional(),
  })
  .describe("A Kubernetes cluster with Velero installed (or installed from the rendered values).");

export const kubernetesSchema = z
  .strictObject({
    clusters: z
      .record(z.string().regex(Patterns.hostKey), kubernetesClusterSchema)
      .describe("One entry per cluster, keyed by the name services use in `kubernetes.cluster`."),
  })
  .describe("Optional: clusters whose workloads Velero backs up into the estate's S3 storage.");

/** A backup hook: a command Velero runs in a container around a backup (app consistency). */
export const kubernetesHookSchema = z
  .strictObject({
    container: z.string().regex(Patterns.k8sName).describe("The container the commands run in."),
    selector: labelMap(
      "Labels of the pods the hook runs in; default every pod of the service's namespaces (and label selector).",
    ).optional(),
    pre: z
      .array(z.string().min(1))
      .min(1)
      .describe("Command (argv) run before the pod's volumes are backed up.")
      .optional(),
    post: z.array(z.string().min(1)).describe("Command (argv) run after; an empty list runs nothing.").optional(),
    timeout: duration("How long each command may run before Velero gives up; default 5m").optional(),
    onError: z
      .enum(HookOnError)
      .describe(
        "`fail` (default): a failed hook fails the backup's pod; `continue`: it is logged and the backup goes on.",
      )
      .optional(),
  })
  .describe("A Velero exec hook.");

/** The workloads of one service in a cluster. */
export const serviceKubernetesSchema = z
  .strictObject({
    cluster: z.string().regex(Patterns.hostKey).describe("A key of `kubernetes.clusters`."),
    namespaces: z
      .array(z.string().regex(Patterns.k8sName))
      .min(1)
      .describe("The namespaces whose objects and volumes are backed up (at least one)."),
    labelSelector: labelMap("Optional: only objects with all these labels.").optional(),
    excludeResources: z
      .array(z.string().regex(Patterns.k8sResource))
      .describe("Optional: resources left out, as `kubectl` names them (`events`, `events.events.k8s.io`).")
      .optional(),
    volumes: z
      .enum(VolumeBackupMode)
      .describe(
        "`fs` (default): every pod volume through Kopia file-system backup; `snapshot`: CSI snapshots, moved into the bucket by the data mover (needs `snapshots: csi` on the cluster).",
      )
      .optional(),
    hooks: z
      .array(kubernetesHookSchema)
      .describe("Optional: commands run around the backup for consistency (a database checkpoint or freeze).")
      .optional(),
  })
  .describe("The service's Kubernetes workloads, backed up by Velero schedules.");

/** Sizing for the storage, transfer and cost estimate. */
export const serviceDataSchema = z
  .strictObject({
    size: z
      .string()
      .regex(Patterns.size)
      .describe("What one full backup holds before compression and deduplication, e.g. `200GiB`."),
    dailyChange: z
      .string()
      .regex(Patterns.percent)
      .describe("Share of `size` that changes per day, e.g. `2%`. Default `5%`.")
      .optional(),
  })
  .describe("Optional: sizing for the storage, transfer and cost estimate (artifacts/estimate.md).");

/** Keys of the price table (USD); docs/catalog.md lists the defaults with their date and region. */
export const PRICE_KEYS = [
  "s3StandardGbMonth",
  "s3StandardIaGbMonth",
  "s3GlacierIrGbMonth",
  "s3DeepArchiveGbMonth",
  "s3PutPer1000",
  "replicationGb",
  "backupWarmGbMonth",
  "backupColdGbMonth",
  "kmsKeyMonth",
  "localGbMonth",
] as const;

export const pricingSchema = z
  .strictObject(
    Object.fromEntries(
      PRICE_KEYS.map((k) => [
        k,
        z.number().min(0).max(1000).describe(`USD; overrides the default \`${k}\`.`).optional(),
      ]),
    ) as Record<(typeof PRICE_KEYS)[number], z.ZodOptional<z.ZodNumber>>,
  )
  .describe("Optional: overrides of the documented default price table (USD), key by key.");
