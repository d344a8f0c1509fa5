import { TerraformOutput, TerraformVariable } from "../../../lib/core/cdk";
import {
  StorageCifs,
  StorageDirectory,
  StorageNfs,
  StoragePbs,
  type StorageBackups,
} from "../../../lib/providers/proxmox";
import { conforms, STORAGE_FACTS } from "./facts";
import { fixture, synth } from "./synth";

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").slice(-2)).join(":");
const RETENTION: StorageBackups = {
  maxProtectedBackups: -1,
  keepLast: 1,
  keepHourly: 0,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 6,
  keepYearly: 1,
};

function everyStorage() {
  const { stack, provider, secret } = fixture();
  const s = secret.stringValue;
  const common = { provider, nodes: ["pve"], content: ["backup"], disable: false, backups: RETENTION };
  new StoragePbs(stack, "Pbs", {
    ...common,
    id: "pbs-main",
    server: "pbs.example.internal",
    datastore: "homelab",
    username: "backup@pbs!pve",
    password: s,
    namespace: "pve",
    fingerprint: FINGERPRINT,
    encryptionKey: s,
  });
  new StorageNfs(stack, "Nfs", {
    ...common,
    id: "nfs-backup",
    server: "nas.example.internal",
    export: "/volume1/pve",
    preallocation: "off",
    options: "vers=4.2",
    snapshotAsVolumeChain: false,
    createBasePath: true,
    createSubdirs: true,
  });
  new StorageCifs(stack, "Cifs", {
    ...common,
    id: "smb-backup",
    server: "nas.example.internal",
    username: "pve",
    password: s,
    share: "backup",
    domain: "HOME",
    subdirectory: "/pve",
    options: "vers=3.0",
    preallocation: "off",
    snapshotAsVolumeChain: false,
    createBasePath: true,
    createSubdirs: true,
  });
  new StorageDirectory(stack, "Dir", {
    ...common,
    id: "usb-backup",
    path: "/mnt/usb/pve",
    preallocation: "off",
    shared: false,
    createBasePath: true,
    createSubdirs: true,
  });
  return synth(stack);
}

describe("storage bindings conformance", () => {
  const out = everyStorage();
  const ids: Record<string, string> = {
    proxmox_storage_pbs: "Pbs",
    proxmox_storage_nfs: "Nfs",
    proxmox_storage_cifs: "Cifs",
    proxmox_storage_directory: "Dir",
  };

  it.each(Object.keys(STORAGE_FACTS))("%s: every attribute in the provider's name and type, nothing else", (type) => {
    const json = out.resource[type][ids[type]];
    const facts = STORAGE_FACTS[type];
    for (const [name, fact] of Object.entries(facts)) {
      if (name === "generate_encryption_key") continue; // conflicts with encryption_key, checked below
      expect(json).toHaveProperty([name]);
      expect(conforms(json[name], fact.type)).toBe(true);
    }
    const known = new Set([...Object.keys(facts), "provider", "//"]);
    expect(Object.keys(json).filter((k) => !known.has(k))).toEqual([]);
  });

  it("writes the backups retention block as one object with numeric keep_* values", () => {
    expect(out.resource.proxmox_storage_nfs.Nfs.backups).toEqual({
      max_protected_backups: -1,
      keep_last: 1,
      keep_hourly: 0,
      keep_daily: 7,
      keep_weekly: 4,
      keep_monthly: 6,
      keep_yearly: 1,
    });
  });

  it("keeps sensitive attributes as references and never as literals", () => {
    for (const [type, facts] of Object.entries(STORAGE_FACTS)) {
      for (const [name, fact] of Object.entries(facts))
        if (fact.sensitive) expect(out.resource[type][ids[type]][name]).toBe("${var.secret}");
    }
  });

  it("needs the short storage names' provider release (>= 0.100.0), and 0.110.0 for CIFS options", () => {
    expect(out.terraform.required_providers.proxmox.version).toBe(">= 0.110.0, < 1.0.0");
    const { stack, provider } = fixture();
    new StorageDirectory(stack, "Dir", { provider, id: "dir", path: "/mnt/b" });
    expect(synth(stack).terraform.required_providers.proxmox.version).toBe(">= 0.100.0, < 1.0.0");
  });
});

describe("storage client-side checks", () => {
  it("refuses keep_all with any keep_* value, even 0 (PVE-004), and allows keep_all alone", () => {
    const { stack, provider } = fixture();
    expect(
      () =>
        new StorageDirectory(stack, "A", { provider, id: "a1", path: "/b", backups: { keepAll: true, keepDaily: 0 } }),
    ).toThrow(/PVE-004: `proxmox_storage_directory.backups`.*keep_daily/);
    expect(
      () =>
        new StorageDirectory(stack, "B", {
          provider,
          id: "b1",
          path: "/b",
          backups: { keepAll: true, maxProtectedBackups: 5 },
        }),
    ).not.toThrow();
  });

  it("refuses negative keep values and max_protected_backups below -1 (PVE-003)", () => {
    const { stack, provider } = fixture();
    expect(
      () => new StorageDirectory(stack, "A", { provider, id: "a1", path: "/b", backups: { keepWeekly: -1 } }),
    ).toThrow(/PVE-003: `backups.keep_weekly`/);
    expect(
      () => new StorageDirectory(stack, "B", { provider, id: "b1", path: "/b", backups: { maxProtectedBackups: -2 } }),
    ).toThrow(/PVE-003: `backups.max_protected_backups`/);
  });

  it("refuses content values outside the provider's set", () => {
    const { stack, provider } = fixture();
    expect(() => new StorageDirectory(stack, "A", { provider, id: "a1", path: "/b", content: ["backups"] })).toThrow(
      /PVE-002: `content`.*backup, images/,
    );
  });

  it("refuses a literal PBS password or encryption key, both key options, and a malformed fingerprint", () => {
    const { stack, provider, secret } = fixture();
    const base = { provider, id: "pbs", server: "pbs", datastore: "ds", username: "u@pbs" };
    expect(() => new StoragePbs(stack, "A", { ...base, password: "hunter2" })).toThrow(/PVE-013: `password`/);
    expect(
      () => new StoragePbs(stack, "B", { ...base, password: secret.stringValue, encryptionKey: '{"kdf":null}' }),
    ).toThrow(/PVE-013: `encryption_key`/);
    expect(
      () =>
        new StoragePbs(stack, "C", {
          ...base,
          password: secret.stringValue,
          encryptionKey: secret.stringValue,
          generateEncryptionKey: true,
        }),
    ).toThrow(/PVE-009/);
    expect(() => new StoragePbs(stack, "D", { ...base, password: secret.stringValue, fingerprint: "aa:bb" })).toThrow(
      /PVE-002: `fingerprint`/,
    );
    const ok = new StoragePbs(stack, "E", {
      ...base,
      password: secret.stringValue,
      generateEncryptionKey: true,
      fingerprint: FINGERPRINT.toUpperCase(),
    });
    new TerraformOutput(stack, "key", { value: ok.generatedEncryptionKey, sensitive: true });
    expect(synth(stack).output.key.value).toBe("${proxmox_storage_pbs.E.generated_encryption_key}");
  });

  it("refuses a relative directory path and a storage id Proxmox rejects", () => {
    const { stack, provider } = fixture();
    expect(() => new StorageDirectory(stack, "A", { provider, id: "dir", path: "mnt/b" })).toThrow(/PVE-002: `path`/);
    expect(() => new StorageDirectory(stack, "B", { provider, id: "dir-", path: "/b" })).toThrow(/PVE-006/);
    const v = new TerraformVariable(stack, "p", { type: "string" });
    expect(() => new StorageDirectory(stack, "C", { provider, id: "dir", path: v.stringValue })).not.toThrow();
  });

  it("writes the backups block as a block in HCL", () => {
    const { stack, provider } = fixture();
    new StorageNfs(stack, "Nfs", { provider, id: "nfs", server: "nas", export: "/x", backups: { keepDaily: 7 } });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require("../../../lib/core/cdk").Testing.synthHcl(stack)).toMatch(/backups \{\nkeep_daily = 7\n\}/);
  });
});
