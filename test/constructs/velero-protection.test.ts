import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { VeleroProtection, renderSchedule, renderStorageLocation } from "../../lib/constructs/velero-protection";
import { TerraformStack, Testing } from "../../lib/core/cdk";
import { HookOnError, VolumeBackupMode } from "../../lib/core/vocabulary";
import { Duration } from "../../lib/core/duration";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { crdErrors } from "../support/velero-crds";

const location = {
  name: "backup-gov-prod",
  bucket: "estate-velero-standard",
  prefix: "prod/",
  region: "us-east-1",
  kmsKeyId: "alias/estate-backup",
};
const base = { name: "shop-daily", cron: "45 3 * * *", ttlHours: 336, namespaces: ["shop"] };

function synth(build: (v: VeleroProtection) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "k8s");
  const provider = new KubernetesProvider(stack, "K", { configContext: "prod-admin" });
  const v = new VeleroProtection(stack, "Velero", { storageLocation: location, provider });
  build(v);
  return {
    v,
    json: Testing.synth(stack),
    resources: Object.values(JSON.parse(Testing.synth(stack)).resource.kubernetes_manifest) as Array<{
      manifest: Record<string, unknown>;
    }>,
  };
}

describe("VeleroProtection", () => {
  it("GIVEN a location and two schedules WHEN synthesized THEN each object is one kubernetes_manifest, identical to the plain objects", () => {
    const { v, json, resources } = synth((x) => {
      x.addSchedule(base);
      x.addSchedule({ ...base, name: "shop-weekly", cron: "0 4 * * 0", ttlHours: 1344 });
    });
    expect(json).toHaveResourceWithProperties(Manifest, {
      manifest: expect.objectContaining({ kind: "BackupStorageLocation" }),
    });
    expect(v.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "BackupStorageLocation/backup-gov-prod",
      "Schedule/shop-daily",
      "Schedule/shop-weekly",
    ]);
    // cdktf keeps the keys of a map argument as given (no snake_case): the manifest is the object itself.
    expect(resources.map((r) => r.manifest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      JSON.parse(JSON.stringify(v.objects)).sort((a: unknown, b: unknown) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    );
  });

  it("catalog text reaches the manifest as a Terraform literal (a hook's ${HOME} is not interpolated); the plain object keeps it as written", () => {
    const { v, resources } = synth((x) =>
      x.addSchedule({ ...base, hooks: [{ container: "db", pre: ["/bin/sh", "-c", "tar -C ${HOME} -c . %{x}"] }] }),
    );
    const schedule = resources.map((r) => r.manifest).find((m) => m.kind === "Schedule") as {
      spec: { template: { hooks: { resources: Array<{ pre: Array<{ exec: { command: string[] } }> }> } } };
    };
    expect(schedule.spec.template.hooks.resources[0].pre[0].exec.command[2]).toBe("tar -C $${HOME} -c . %%{x}");
    const plain = v.objects[1].spec as {
      template: { hooks: { resources: Array<{ pre: Array<{ exec: { command: string[] } }> }> } };
    };
    expect(plain.template.hooks.resources[0].pre[0].exec.command[2]).toBe("tar -C ${HOME} -c . %{x}");
  });

  it("the storage location is the AWS plugin on the prefix, with the region, KMS key and credentials secret, and validates against its CRD", () => {
    const bsl = renderStorageLocation("velero", location);
    expect(bsl.spec).toMatchObject({
      provider: "aws",
      objectStorage: { bucket: "estate-velero-standard", prefix: "prod" },
      config: { region: "us-east-1", kmsKeyId: "alias/estate-backup" },
      credential: { name: "backup-gov-velero-credentials", key: "cloud" },
      accessMode: "ReadWrite",
      default: false,
    });
    expect(crdErrors(bsl)).toEqual([]);
    expect(renderStorageLocation("velero", { ...location, readOnly: true }).spec.accessMode).toBe("ReadOnly");
  });

  it("fs schedules back up every pod volume with Kopia and take no snapshots; the CRD accepts them", () => {
    const s = renderSchedule("velero", "backup-gov-prod", {
      ...base,
      labelSelector: { app: "shop" },
      excludedResources: ["events"],
    });
    expect(s.spec).toMatchObject({
      schedule: "45 3 * * *",
      template: {
        includedNamespaces: ["shop"],
        labelSelector: { matchLabels: { app: "shop" } },
        excludedResources: ["events"],
        storageLocation: "backup-gov-prod",
        ttl: "336h0m0s",
        defaultVolumesToFsBackup: true,
        snapshotVolumes: false,
      },
    });
    expect((s.spec.template as Record<string, unknown>).snapshotMoveData).toBeUndefined();
    expect(crdErrors(s)).toEqual([]);
  });

  it("snapshot schedules take CSI snapshots and move their data with the built-in mover, naming no VolumeSnapshotLocation", () => {
    const s = renderSchedule("velero", "bsl", { ...base, volumes: VolumeBackupMode.SNAPSHOT });
    expect(s.spec.template).toMatchObject({
      defaultVolumesToFsBackup: false,
      snapshotVolumes: true,
      snapshotMoveData: true,
      datamover: "velero",
    });
    // Velero >= 1.14 takes CSI snapshots without a VolumeSnapshotLocation; one with a csi provider fails the backup.
    expect((s.spec.template as Record<string, unknown>).volumeSnapshotLocations).toBeUndefined();
    expect(crdErrors(s)).toEqual([]);
  });

  it("hooks become exec pre/post hooks with container, command, onError and a Go-duration timeout", () => {
    const s = renderSchedule("velero", "bsl", {
      ...base,
      hooks: [
        {
          container: "postgres",
          podLabels: { app: "db" },
          pre: ["/bin/sh", "-c", "psql -c CHECKPOINT"],
          timeoutMinutes: 2,
        },
        { container: "app", post: ["/bin/true"], timeoutMinutes: 90, onError: HookOnError.CONTINUE },
      ],
    });
    const hooks = (s.spec.template as { hooks: { resources: unknown[] } }).hooks.resources;
    expect(hooks).toEqual([
      {
        name: "shop-daily-0",
        includedNamespaces: ["shop"],
        labelSelector: { matchLabels: { app: "db" } },
        pre: [
          {
            exec: {
              container: "postgres",
              command: ["/bin/sh", "-c", "psql -c CHECKPOINT"],
              onError: "Fail",
              timeout: "2m0s",
            },
          },
        ],
      },
      {
        name: "shop-daily-1",
        includedNamespaces: ["shop"],
        post: [{ exec: { container: "app", command: ["/bin/true"], onError: "Continue", timeout: "1h30m0s" } }],
      },
    ]);
    expect(crdErrors(s)).toEqual([]);
  });

  it("the CRD check catches a misspelt field (the validator is not vacuous)", () => {
    const s = renderSchedule("velero", "bsl", base);
    const bad = {
      ...s,
      spec: { ...s.spec, template: { ...(s.spec.template as object), defaultVolumesToFSBackup: true } },
    };
    expect(crdErrors(bad).join("\n")).toMatch(/defaultVolumesToFSBackup/);
    expect(crdErrors({ ...s, spec: { template: {} } }).join("\n")).toMatch(/schedule/);
  });

  it.each([
    [{ cron: "daily" }, /K8S-070.*cron/],
    [{ ttlHours: 0 }, /K8S-070.*ttlHours/],
    [{ namespaces: [] }, /K8S-070.*namespaces/],
  ])("refuses %p", (patch, error) => {
    expect(() => renderSchedule("velero", "bsl", { ...base, ...patch })).toThrow(error);
  });
});

describe("Velero schedules from Schedule and Duration (one unit per idea)", () => {
  const typed = {
    name: "shop-daily",
    schedule: Schedule.at(Cadence.daily(), 3 * 60 + 45),
    ttl: Duration.days(14),
    namespaces: ["shop"],
  };

  it("writes the same Schedule object as the deprecated cron and ttlHours", () => {
    expect(renderSchedule("velero", "bsl", typed)).toEqual(renderSchedule("velero", "bsl", base));
    const every4h = renderSchedule("velero", "bsl", { ...typed, schedule: Schedule.at(Cadence.hourly(4), 75) })
      .spec as { schedule: string };
    expect(every4h.schedule).toBe("15 1,5,9,13,17,21 * * *");
  });

  it("refuses both spellings at once (CON-009) and neither (CON-001)", () => {
    expect(() => renderSchedule("velero", "bsl", { ...typed, cron: "45 3 * * *" })).toThrow(
      /CON-009: Velero schedule shop-daily: `cron` and `schedule`/,
    );
    expect(() => renderSchedule("velero", "bsl", { ...typed, ttlHours: 336 })).toThrow(
      /CON-009: .*`ttlHours` and `ttl`/,
    );
    expect(() => renderSchedule("velero", "bsl", { name: "x", namespaces: ["shop"], ttl: Duration.days(1) })).toThrow(
      /CON-001: Velero schedule x needs `schedule`/,
    );
  });

  it("refuses a TTL that is not whole hours", () => {
    expect(() => renderSchedule("velero", "bsl", { ...typed, ttl: Duration.minutes(90) })).toThrow(/K8S-070.*ttlHours/);
  });
});
