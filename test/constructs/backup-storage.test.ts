import { BackupStorage, StorageBackend } from "../../lib/constructs/backup-storage";
import { TerraformStack, TerraformVariable, Testing } from "../../lib/core/cdk";
import { Retention } from "../../lib/core/retention";
import { ProxmoxProvider } from "../../lib/providers/proxmox";

function fixture() {
  const stack = new TerraformStack(Testing.app(), "s");
  const secret = new TerraformVariable(stack, "pw", { type: "string", sensitive: true }).stringValue;
  const provider = new ProxmoxProvider(stack, "P", { alias: "pve" });
  return { stack, secret, provider };
}

describe("BackupStorage", () => {
  it.each([
    ["pbs", "proxmox_storage_pbs"],
    ["nfs", "proxmox_storage_nfs"],
    ["cifs", "proxmox_storage_cifs"],
    ["directory", "proxmox_storage_directory"],
  ] as const)(
    "StorageBackend.%s creates %s holding backups, with the retention as its backups block",
    (factory, type) => {
      const { stack, secret, provider } = fixture();
      const backends = {
        pbs: () => StorageBackend.pbs({ server: "pbs", datastore: "lab", username: "backup@pbs", password: secret }),
        nfs: () => StorageBackend.nfs({ server: "nas", export: "/v/pve" }),
        cifs: () => StorageBackend.cifs({ server: "nas", share: "pve", username: "pve", password: secret }),
        directory: () => StorageBackend.directory({ path: "/mnt/usb" }),
      };
      const st = new BackupStorage(stack, "Target", {
        provider,
        storageId: "target",
        backend: backends[factory](),
        retention: Retention.of({ daily: 7, weekly: 4 }),
        keepLast: 2,
      });
      const [json] = Object.values(JSON.parse(Testing.synth(stack)).resource[type]) as Array<Record<string, unknown>>;
      expect(json).toMatchObject({
        id: "target",
        content: ["backup"],
        backups: { keep_daily: 7, keep_weekly: 4, keep_last: 2 },
        provider: "proxmox.pve",
      });
      expect(json.backups).not.toHaveProperty("keep_hourly");
      expect(st.kind).toBe(factory === "directory" ? "dir" : factory);
    },
  );

  it("makes a directory storage local unless told it is shared (the provider would default to shared)", () => {
    const { stack, provider } = fixture();
    new BackupStorage(stack, "Usb", { provider, backend: StorageBackend.directory({ path: "/mnt/usb" }) });
    const [json] = Object.values(JSON.parse(Testing.synth(stack)).resource.proxmox_storage_directory) as Array<
      Record<string, unknown>
    >;
    expect(json).toMatchObject({ id: "usb", shared: false });
    expect(json).not.toHaveProperty("backups");
  });

  it("exposes the storage id as a reference, so jobs depend on the storage", () => {
    const { stack, provider } = fixture();
    const st = new BackupStorage(stack, "Nas", {
      provider,
      backend: StorageBackend.nfs({ server: "nas", export: "/x" }),
    });
    expect(st.name).toBe("nas");
    expect(st.storageId).toMatch(/^\$\{TfToken\[/);
  });

  it("refuses keepAll next to keep counts through the binding (PVE-004)", () => {
    const { stack, provider } = fixture();
    expect(
      () =>
        new BackupStorage(stack, "Nas", {
          provider,
          backend: StorageBackend.nfs({ server: "nas", export: "/x" }),
          keepAll: true,
          retention: Retention.days(3),
        }),
    ).toThrow(/PVE-004/);
  });
});
