import { baseCatalog, criticalDbService, vmService } from "./catalogs";

/**
 * A valid catalog with `payload` in every free-text catalog value that reaches Terraform:
 * estate and selection tags (keys and values), resource ARNs, every field of NFS, CIFS and
 * directory storages, secret references, the endpoint path that variable descriptions
 * quote, and a Teams channel id. `payload` must fit the fields' patterns (no whitespace).
 */
export function hostileCatalog(payload: string): Record<string, unknown> {
  const c = baseCatalog();
  c.aws = { ...(c.aws as object), tags: { [`k${payload}`]: `v${payload}` } };
  c.notifications = {
    ...(c.notifications as object),
    chatbot: [
      {
        type: "teams",
        name: "ops",
        tenantId: "00000000-0000-0000-0000-000000000001",
        teamId: "00000000-0000-0000-0000-000000000002",
        channelId: `19:chan${payload}@thread.tacv2`,
      },
    ],
  };
  c.proxmox = {
    hosts: {
      pve: {
        endpoint: `https://pve.test:8006/p${payload}`,
        node: "pve",
        storage: "pbs",
        vzdumpHook: true,
        auth: "root-password",
        storages: [
          {
            id: "pbs",
            type: "pbs",
            server: "pbs.test",
            datastore: "store1",
            username: "backup@pbs",
            passwordSecret: `vault:kv/pbs${payload}`,
            encryption: { keySecret: `vault:kv/key${payload}` },
          },
          {
            id: "nas-nfs",
            type: "nfs",
            server: "nas.test",
            export: `/export${payload}`,
            options: `vers=4.2,${payload}`,
          },
          {
            id: "nas-cifs",
            type: "cifs",
            server: "nas.test",
            share: `share${payload}`,
            username: `user${payload}`,
            domain: `dom${payload}`,
            subdirectory: `sub${payload}`,
            passwordSecret: `vault:kv/cifs${payload}`,
          },
          { id: "local-dir", type: "dir", path: `/mnt/dir${payload}`, description: `disk ${payload}` },
        ],
      },
    },
  };
  c.services = [
    vmService("web", { description: `web ${payload}` }),
    criticalDbService("db"),
    {
      id: "billing",
      classification: "important",
      rpo: "1d",
      rto: "4h",
      app: { decision: "platform-only", rationale: "AWS Backup protects it" },
      aws: {
        resources: [`arn:aws:rds:us-east-1:123456789012:db:billing${payload}`],
        tags: { [`app${payload}`]: `billing${payload}` },
        tagResourceTypes: ["rds"],
      },
      offsite: { required: false, reason: "rebuildable" },
      restore: { secrets: "vault:kv/billing", validate: ["true"] },
    },
  ];
  return c;
}
