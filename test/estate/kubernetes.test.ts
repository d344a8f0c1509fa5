import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { StepStatus, onboardingReceipt } from "../../lib/artifacts/onboarding-receipt";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { ChecklistStep } from "../../lib/governance/rule";
import { crdErrors } from "../support/velero-crds";
import { scratch } from "../support/tools";

const ROOT = join(__dirname, "..", "..");
const out = scratch("k8s-estate");
const result = synthesizeCatalog(join(ROOT, "examples", "kubernetes.yaml"), out);
const stack = (name: string) => JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8"));
const artifact = (path: string) => readFileSync(join(out, "artifacts", path), "utf8");
const manifests = (name: string) =>
  Object.values(
    stack(name).resource.kubernetes_manifest as Record<
      string,
      { manifest: { kind: string; metadata: { name: string } } }
    >,
  ).map((r) => r.manifest);
const policyDoc = (s: string) =>
  JSON.parse(s) as {
    Statement: Array<{
      Sid?: string;
      Effect: string;
      Action: string | string[];
      Resource: string | string[];
      Condition?: Record<string, Record<string, unknown>>;
    }>;
  };
const list = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);

describe("the Kubernetes example estate", () => {
  it("validates and synthesizes one stack per cluster next to the AWS and Proxmox stacks", () => {
    expect(result.report.ok).toBe(true);
    expect(result.stacks).toEqual(["kubeshop-aws", "kubeshop-proxmox", "kubeshop-k8s-prod", "kubeshop-k8s-tools"]);
  });

  it.each([
    ["kubeshop-k8s-prod", "prod-admin"],
    ["kubeshop-k8s-tools", "tools-admin"],
  ])(
    "%s uses the Kubernetes provider with the cluster's kubeconfig context and no credentials in the configuration",
    (name, context) => {
      const json = stack(name);
      expect(json.provider.kubernetes).toEqual([{ config_context: context, config_path: "${var.kubeconfig_path}" }]);
      expect(Object.keys(json.terraform.required_providers)).toEqual(["kubernetes"]);
      expect(JSON.stringify(json)).not.toMatch(/token|client_key|password/i);
    },
  );

  it("every Velero object in every cluster stack validates against its CRD", () => {
    const all = ["kubeshop-k8s-prod", "kubeshop-k8s-tools"].flatMap(manifests);
    expect(all.length).toBeGreaterThan(5);
    for (const m of all) expect([m.metadata.name, crdErrors(m)]).toEqual([m.metadata.name, []]);
  });

  it("the GitOps YAML holds exactly the objects of the stack", () => {
    for (const cluster of ["prod", "tools"]) {
      const docs = ["backup-storage-location.yaml", "schedules.yaml"].flatMap((f) =>
        parseAllDocuments(artifact(`kubernetes/${cluster}/${f}`)).map((d) => d.toJS()),
      );
      const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;
      expect(docs.map(key).sort()).toEqual(manifests(`kubeshop-k8s-${cluster}`).map(key).sort());
      const byKey = new Map(manifests(`kubeshop-k8s-${cluster}`).map((m) => [key(m), m]));
      for (const d of docs) expect(d).toEqual(byKey.get(key(d)));
      expect(parse(artifact(`kubernetes/${cluster}/kustomization.yaml`)).resources).toEqual([
        "backup-storage-location.yaml",
        "schedules.yaml",
      ]);
    }
  });

  it("selects Kopia in the install values and arguments; nothing selects Restic", () => {
    for (const cluster of ["prod", "tools"]) {
      const values = parse(artifact(`kubernetes/${cluster}/velero-values.yaml`));
      expect(values.configuration.uploaderType).toBe("kopia");
      expect(values.deployNodeAgent).toBe(true);
      expect(artifact(`kubernetes/${cluster}/README.md`)).toContain("--uploader-type kopia");
      for (const f of ["backup-storage-location.yaml", "schedules.yaml", "velero-values.yaml"])
        expect(artifact(`kubernetes/${cluster}/${f}`)).not.toMatch(/restic/i);
    }
    expect(parse(artifact("kubernetes/prod/velero-values.yaml")).configuration.features).toBe("EnableCSI");
    expect(parse(artifact("kubernetes/tools/velero-values.yaml")).configuration.features).toBeUndefined();
  });

  it("enables Velero's ServiceMonitor only where the catalog says the Prometheus Operator runs", () => {
    // Source: vmware-tanzu/helm-charts, velero chart values.yaml (metrics.serviceMonitor.enabled renders a
    // monitoring.coreos.com/v1 ServiceMonitor); Kubernetes rejects an object whose kind has no CRD, so the Helm
    // install fails where the Prometheus Operator does not run. prod declares prometheusOperator: true, tools does not.
    expect(parse(artifact("kubernetes/prod/velero-values.yaml")).metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: true },
    });
    expect(parse(artifact("kubernetes/tools/velero-values.yaml")).metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: false },
    });
  });

  it("the storage location names a bucket the AWS stack creates versioned, KMS-encrypted, TLS-only, locked and replicated", () => {
    const aws = stack("kubeshop-aws").resource;
    const bsl = manifests("kubeshop-k8s-prod").find((m) => m.kind === "BackupStorageLocation") as unknown as {
      spec: { objectStorage: { bucket: string; prefix: string }; config: { region: string } };
    };
    const bucket = bsl.spec.objectStorage.bucket;
    expect(bsl.spec.objectStorage.prefix).toBe("prod");
    // Children name their bucket by reference: find the bucket resource, then what refers to it.
    const key = Object.entries(aws.aws_s3_bucket as Record<string, { bucket: string }>).find(
      ([, r]) => r.bucket === bucket,
    )![0];
    const byBucket = (type: string) =>
      Object.values(aws[type] as Record<string, { bucket: string }>).filter(
        (r) => r.bucket === `\${aws_s3_bucket.${key}.bucket}`,
      );
    expect(byBucket("aws_s3_bucket_versioning")).toHaveLength(1);
    expect(byBucket("aws_s3_bucket_object_lock_configuration")).toEqual([
      expect.objectContaining({ rule: { default_retention: { mode: "COMPLIANCE", days: 14 } } }),
    ]);
    expect(byBucket("aws_s3_bucket_server_side_encryption_configuration")[0]).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }],
    });
    const policy = policyDoc((byBucket("aws_s3_bucket_policy")[0] as unknown as { policy: string }).policy);
    expect(policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(byBucket("aws_s3_bucket_replication_configuration")).toHaveLength(1);
    // The tools cluster's services need no lock and no offsite copy: a plain bucket of its own.
    const tools = manifests("kubeshop-k8s-tools").find((m) => m.kind === "BackupStorageLocation") as unknown as {
      spec: { objectStorage: { bucket: string } };
    };
    expect(tools.spec.objectStorage.bucket).toBe("kubeshop-velero-standard-456789012345");
  });

  it("each cluster's IAM user reaches only its own prefix, and may neither change locks nor bypass them", () => {
    const users = stack("kubeshop-aws").resource.aws_iam_user_policy as Record<
      string,
      { user: string; policy: string }
    >;
    for (const cluster of ["prod", "tools"]) {
      const entry = Object.entries(users).find(([k]) => k.startsWith(`Velero-${cluster}_`))![1];
      const doc = policyDoc(entry.policy);
      for (const s of doc.Statement) {
        for (const a of list(s.Action))
          expect(a).not.toMatch(/:\*$|Retention|LegalHold|ObjectLock|Bypass|DeleteObjectVersion/);
        for (const r of list(s.Resource))
          if (/^arn:aws:s3:::.+\//.test(r)) expect(r).toMatch(new RegExp(`/${cluster}/\\*$`));
        if (list(s.Action).includes("s3:ListBucket"))
          expect(s.Condition?.StringLike?.["s3:prefix"]).toEqual([`${cluster}/`, `${cluster}/*`]);
      }
    }
  });

  it("the SOP restores with velero into mapped namespaces and checks the hooks ran", () => {
    const sop = artifact("sop/shop.md");
    expect(sop).toContain("velero --kubecontext prod-admin -n velero restore create");
    expect(sop).toContain("--namespace-mappings shop:shop-restore");
    expect(sop).toContain("hookStatus.hooksFailed");
    expect(sop).toContain("get datadownloads -l velero.io/restore-name=RESTORE");
    expect(sop).toContain("--access-mode ReadOnly");
    const grafana = artifact("sop/grafana.md");
    expect(grafana).toContain("podvolumerestores");
    expect(grafana).not.toContain("hookStatus");
  });

  it("the inventory, the calendar and the DR runbook list the Kubernetes services", () => {
    const inv = parse(artifact("inventory.yaml"));
    const shop = inv.services.find((s: { id: string }) => s.id === "shop");
    expect(shop.targets.map((t: { kind: string }) => t.kind)).toContain("velero");
    expect(shop.kubernetes).toEqual({ cluster: "prod", namespaces: ["shop"], volumes: "snapshot", hooks: 1 });
    // 200 GiB + 365 days × 4 GiB in Kopia, twice (replica), at the catalog's own S3 price of $0.021.
    expect(shop.estimate.targets.map((t: { storedGiB: number }) => t.storedGiB)).toEqual([1660, 1660]);
    expect(shop.estimate.targets[0].monthlyUsd).toBeCloseTo(((1660 * 1024 ** 3) / 1e9) * 0.021, 1);
    expect(inv.proxmox.hosts.pve).toMatchObject({ uplink: "100Mbit/s", backupWindow: "01:00-06:00" });
    expect(shop.schedules.map((s: { job: string }) => s.job)).toEqual(
      expect.arrayContaining(["shop-hourly", "shop-daily", "shop-weekly", "shop-monthly", "shop-yearly"]),
    );
    expect(artifact("calendar.md")).toMatch(/\| shop-daily \| velero \| k8s\/prod \| daily at \d\d:\d\d UTC \|/);
    expect(artifact("calendar.ics")).toContain("UID:velero-shop-daily@kubeshop.backup-gov");
    // The calendar shows each schedule's own cron, as the Schedule object carries it, and no overlaps.
    for (const m of manifests("kubeshop-k8s-prod").filter((x) => x.kind === "Schedule") as unknown as Array<{
      metadata: { name: string };
      spec: { schedule: string };
    }>) {
      expect(artifact("calendar.md")).toContain(`| ${m.metadata.name} | velero | k8s/prod |`);
      expect(artifact("calendar.md")).toContain(`| \`${m.spec.schedule}\` | shop | 15 |`);
    }
    expect(artifact("calendar.md")).toContain("None: no two jobs of one group run at the same time.");
    expect(artifact("dr-runbook.md")).toContain("[sop/grafana.md](sop/grafana.md)");
  });

  it("the onboarding receipt finds the Velero schedules, the replica and the Velero alerts", () => {
    const r = onboardingReceipt({
      report: result.report,
      serviceId: "shop",
      ctx: result.estate!.context,
      now: new Date(0),
    });
    const stepOf = (s: ChecklistStep) => r.steps.find((x) => x.step === s)!;
    expect(stepOf(ChecklistStep.ENROLLMENT)).toMatchObject({
      status: StepStatus.PASSED,
      evidence: ["Velero schedules in prod: shop-hourly, shop-daily, shop-weekly, shop-monthly, shop-yearly"],
    });
    expect(stepOf(ChecklistStep.OFFSITE).status).toBe(StepStatus.PASSED);
    expect(stepOf(ChecklistStep.ALERTS).evidence.join("\n")).toContain("VeleroBackupStale");
  });
});
