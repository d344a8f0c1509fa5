import { TerraformStack, TerraformVariable, Testing } from "../../../lib/core/cdk";
import {
  BackupJob,
  compareVersions,
  ProxmoxProvider,
  type ProxmoxProviderConfig,
  StorageCifs,
} from "../../../lib/providers/proxmox";
import { conforms, PROVIDER_FACTS, SSH_FACTS } from "./facts";
import { synth } from "./synth";

function stackWith(config: (secret: string) => ProxmoxProviderConfig) {
  const stack = new TerraformStack(Testing.app(), "p");
  const secret = new TerraformVariable(stack, "secret", { type: "string", sensitive: true }).stringValue;
  const provider = new ProxmoxProvider(stack, "Pve", config(secret));
  return { stack, provider, secret };
}

describe("proxmox provider binding", () => {
  it("requires bpg/proxmox at a version that has proxmox_backup_job (>= 0.99.0) and below the breaking 1.0", () => {
    const { stack, provider } = stackWith(() => ({ alias: "pve" }));
    new BackupJob(stack, "Job", { provider, id: "j1", schedule: "daily", storage: "local", vmid: ["100"] });
    const rp = synth(stack).terraform.required_providers.proxmox;
    expect(rp).toEqual({ source: "bpg/proxmox", version: ">= 0.99.0, < 1.0.0" });
    const [lower, upper] = rp.version.split(", ").map((c: string) => c.split(" ")[1]);
    expect(compareVersions("0.99.0", lower)).toBeGreaterThanOrEqual(0);
    expect(compareVersions("0.98.9", lower)).toBeLessThan(0);
    expect(compareVersions("0.111.1", upper)).toBeLessThan(0);
  });

  it("raises the constraint to the newest release any element needs", () => {
    const { stack, provider, secret } = stackWith((s) => ({ alias: "pve", apiToken: s }));
    new StorageCifs(stack, "Nas", {
      provider,
      id: "nas",
      server: "nas",
      username: "u",
      password: secret,
      share: "b",
      options: "vers=3.0",
    });
    expect(synth(stack).terraform.required_providers.proxmox.version).toBe(">= 0.110.0, < 1.0.0");
    const ssh = stackWith(() => ({ ssh: { username: "root", nodeAddressSource: "dns" } }));
    expect(synth(ssh.stack).terraform.required_providers.proxmox.version).toBe(">= 0.102.0, < 1.0.0");
  });

  it("synthesizes every top-level attribute with the provider's name and type, and ssh as a one-element list block", () => {
    const { stack } = stackWith((s) => ({
      endpoint: "https://pve.example.internal:8006/",
      insecure: false,
      minTls: "1.3",
      apiToken: s,
      authTicket: s,
      csrfPreventionToken: s,
      username: "root@pam",
      password: s,
      otp: "123456",
      tmpDir: "/var/tmp",
      randomVmIds: true,
      randomVmIdStart: 10000,
      randomVmIdEnd: 99999,
      ssh: {
        username: "root",
        password: s,
        agent: true,
        agentSocket: "/run/ssh.sock",
        agentForwarding: false,
        privateKey: s,
        socks5Server: "proxy:1080",
        socks5Username: "p",
        socks5Password: s,
        nodeAddressSource: "api",
        node: [{ name: "pve", address: "10.0.0.2", port: 22 }],
      },
      alias: "pve",
    }));
    const p = synth(stack).provider.proxmox[0];
    for (const [name, fact] of Object.entries(PROVIDER_FACTS)) {
      expect(p).toHaveProperty([name]);
      expect(conforms(p[name], fact.type)).toBe(true);
    }
    expect(Array.isArray(p.ssh)).toBe(true);
    expect(p.ssh).toHaveLength(1);
    for (const [name, type] of Object.entries(SSH_FACTS)) expect(conforms(p.ssh[0][name], type)).toBe(true);
    expect(p.ssh[0].node).toEqual([{ name: "pve", address: "10.0.0.2", port: 22 }]);
    const known = new Set([...Object.keys(PROVIDER_FACTS), "ssh", "alias"]);
    expect(Object.keys(p).filter((k) => !known.has(k))).toEqual([]);
    // Every sensitive attribute is a reference, never a literal.
    for (const [name, fact] of Object.entries(PROVIDER_FACTS))
      if (fact.sensitive) expect(p[name]).toBe("${var.secret}");
  });

  it("leaves api_token out when none is given, so the provider reads PROXMOX_VE_API_TOKEN", () => {
    const { stack } = stackWith(() => ({ endpoint: "https://pve:8006/" }));
    expect(synth(stack).provider.proxmox[0]).not.toHaveProperty("api_token");
  });

  it.each(["api_token", "password", "auth_ticket", "csrf_prevention_token"])(
    "refuses a literal %s (PVE-013)",
    (attr) => {
      const key = attr.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      expect(() => stackWith(() => ({ [key]: "root@pam!tf=0000" }))).toThrow(
        new RegExp(`PVE-013: \`${attr}\` is a secret`),
      );
    },
  );

  it("refuses literal ssh secrets, a bad min_tls, an endpoint with /api2/json, bad ports and vm id ranges", () => {
    expect(() => stackWith(() => ({ ssh: { privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" } }))).toThrow(
      /PVE-013: `ssh.private_key`/,
    );
    expect(() => stackWith(() => ({ minTls: "1.4" }))).toThrow(/PVE-002: `min_tls`/);
    expect(() => stackWith(() => ({ endpoint: "https://pve:8006/api2/json" }))).toThrow(/PVE-002: `endpoint`/);
    expect(() => stackWith(() => ({ endpoint: "pve:8006" }))).toThrow(/PVE-002: `endpoint`/);
    expect(() => stackWith(() => ({ ssh: { node: [{ name: "a", address: "b", port: 70000 }] } }))).toThrow(
      /PVE-003: `ssh.node.port`/,
    );
    expect(() => stackWith(() => ({ ssh: { nodeAddressSource: "mdns" } }))).toThrow(
      /PVE-002: `ssh.node_address_source`/,
    );
    expect(() => stackWith(() => ({ randomVmIdStart: 99 }))).toThrow(/PVE-003: `random_vm_id_start`/);
  });

  it("writes ssh.node as nested blocks in HCL", () => {
    const { stack } = stackWith(() => ({ ssh: { username: "root", node: [{ name: "pve", address: "10.0.0.2" }] } }));
    const hcl: string = Testing.synthHcl(stack);
    expect(hcl).toMatch(/ssh \{\nusername = "root"\nnode \{\nname = "pve"\naddress = "10.0.0.2"\n\}\n\}/);
    expect(hcl).toMatch(/version = ">= 0.99.0, < 1.0.0"\nsource = "bpg\/proxmox"/);
  });
});
