import { z } from "zod";
import { ProxmoxAuth, StorageKind, VzdumpHookMode } from "../../core/vocabulary";
import { Patterns, secretRef } from "./common";
import { backupWindow, uplink } from "./kubernetes";

const KEEP_COUNTS = ["last", "hourly", "daily", "weekly", "monthly", "yearly"] as const;

const keep = (what: string) => z.int().min(0).max(100000).describe(what).optional();

/** A storage's own retention: its `backups` block in Proxmox (prune settings of the storage). */
export const storageRetentionSchema = z
  .strictObject({
    keepAll: z.boolean().describe("Keep every backup. Cannot be combined with the other keep counts.").optional(),
    last: keep("Keep the last n backups."),
    hourly: keep("Keep one backup per hour for the last n hours that have one."),
    daily: keep("Keep one backup per day for the last n days that have one."),
    weekly: keep("Keep one backup per week for the last n weeks that have one."),
    monthly: keep("Keep one backup per month for the last n months that have one."),
    yearly: keep("Keep one backup per year for the last n years that have one."),
    maxProtected: z
      .int()
      .min(-1)
      .max(100000)
      .describe("Most protected backups per guest on this storage; -1 is unlimited.")
      .optional(),
  })
  // PROVIDER NOTE: the storage `backups` block rejects keep_all = true next to any keep_* value.
  .refine((r) => !(r.keepAll && KEEP_COUNTS.some((k) => r[k] !== undefined)), {
    message: "`keepAll: true` cannot be combined with last/hourly/daily/weekly/monthly/yearly; drop one or the other",
    path: ["keepAll"],
  })
  .describe(
    "The storage's own retention (Proxmox `backups` block). Jobs generated from the catalog set their own `prune_backups` from each service's policy, which takes precedence for the guests they back up; this applies to everything else written there.",
  );

const storageCommon = {
  id: z
    .string()
    .regex(Patterns.pveStorageId)
    .describe("Storage id, unique on the host; `storage:` of the host may name it."),
  nodes: z
    .array(z.string().regex(Patterns.hostname))
    .min(1)
    .describe(
      "Nodes where the storage is available; default every node. Must include the host's `node` if it is the backup target.",
    )
    .optional(),
  description: z.string().describe("One line for the inventory.").optional(),
  retention: storageRetentionSchema.optional(),
};

/** A storage declared on a host: created with the provider's storage resources. */
export const proxmoxStorageSchema = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal(StorageKind.PBS).describe("A Proxmox Backup Server datastore (`proxmox_storage_pbs`)."),
        ...storageCommon,
        server: z.string().regex(Patterns.hostname).describe("PBS host name or address."),
        datastore: z.string().regex(Patterns.pbsName).describe("Datastore name on the PBS."),
        namespace: z.string().regex(Patterns.pbsNamespace).describe("PBS namespace inside the datastore.").optional(),
        username: z
          .string()
          .regex(Patterns.pbsUser)
          .describe(
            "PBS user or API token id, e.g. `backup@pbs` or `backup@pbs!pve`. Its password/secret comes from a sensitive Terraform variable.",
          ),
        passwordSecret: secretRef(
          "Where the PBS password or token secret is kept (for people re-adding the storage after a loss); its value reaches Terraform only as a sensitive variable.",
        ),
        fingerprint: z
          .string()
          .regex(Patterns.pbsFingerprint)
          .describe(
            "SHA-256 fingerprint of the PBS certificate (`proxmox-backup-manager cert info`); needed for the default self-signed certificate.",
          )
          .optional(),
        encryption: z
          .strictObject({
            generate: z
              .boolean()
              .describe(
                "Let Proxmox generate the key on creation (it is then in the Terraform state: copy it to `keySecret` at once). Default `false`: the key comes from a sensitive variable.",
              )
              .optional(),
            keySecret: secretRef(
              "Where the client-side encryption key is kept. Without it, encrypted backups cannot be restored on a rebuilt host.",
            ),
          })
          .describe("Client-side encryption of every backup written to this PBS.")
          .optional(),
      })
      .describe("Proxmox Backup Server storage."),
    z
      .strictObject({
        type: z.literal(StorageKind.NFS).describe("An NFS export (`proxmox_storage_nfs`)."),
        ...storageCommon,
        server: z.string().regex(Patterns.hostname).describe("NFS server."),
        export: z.string().regex(Patterns.absolutePath).describe("Exported path, e.g. `/volume1/pve-backup`."),
        options: z.string().min(1).describe("NFS mount options, e.g. `vers=4.2`.").optional(),
      })
      .describe("NFS storage."),
    z
      .strictObject({
        type: z.literal(StorageKind.CIFS).describe("An SMB/CIFS share (`proxmox_storage_cifs`)."),
        ...storageCommon,
        server: z.string().regex(Patterns.hostname).describe("SMB server."),
        share: z.string().min(1).describe("Share name."),
        username: z.string().min(1).describe("SMB user. Its password comes from a sensitive Terraform variable."),
        domain: z.string().min(1).describe("SMB domain.").optional(),
        subdirectory: z.string().min(1).describe("Folder inside the share.").optional(),
        passwordSecret: secretRef(
          "Where the SMB password is kept; its value reaches Terraform only as a sensitive variable.",
        ),
      })
      .describe("CIFS/SMB storage."),
    z
      .strictObject({
        type: z
          .literal(StorageKind.DIR)
          .describe("A directory on the node (`proxmox_storage_directory`), usually a mounted disk or NAS."),
        ...storageCommon,
        path: z.string().regex(Patterns.absolutePath).describe("Absolute path on the node."),
        shared: z
          .boolean()
          .describe("The path is the same shared mount on every node. Default `false` (a local directory).")
          .optional(),
      })
      .describe("Directory storage."),
  ])
  .describe("A backup storage to create on the host; `type` picks `pbs`, `nfs`, `cifs` or `dir`.");

/** One Proxmox VE host (or cluster) whose guests are enrolled in vzdump jobs. */
export const proxmoxHostSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(Patterns.httpsUrl)
      .describe("API endpoint, e.g. `https://pve.example.internal:8006` (without `/api2/json`)."),
    node: z
      .string()
      .regex(Patterns.hostname)
      .describe(
        "Node name inside that cluster: where restores run and where the target storage must be available. Jobs are not pinned to it, so a guest that migrates to another node stays backed up.",
      ),
    storage: z
      .string()
      .regex(Patterns.pveStorageId)
      .describe(
        "Storage id that vzdump jobs write to (a Proxmox Backup Server, NFS, CIFS or directory storage). Declared under `storages` to be created, otherwise it must exist.",
      ),
    insecure: z.boolean().describe("Skip TLS verification of the API endpoint. Default `false`.").optional(),
    vzdumpHook: z
      .union([z.boolean(), z.literal(VzdumpHookMode.NODE_CONFIG)])
      .describe(
        "Whether vzdump runs on this host report freshness metrics through the rendered hook (artifacts/proxmox/<host>/vzdump-hook.sh, installed as /usr/local/lib/backup-gov/vzdump-hook.sh): `vzdump.conf` (recommended) means the node's /etc/vzdump.conf runs it (`script:`), so the jobs are left alone and an API token is enough; `true` sets it as every backup job's `script`, which Proxmox accepts only from root@pam logged in with its password (`auth: root-password`; GOV-100); `false` (default): no hook, and vzdump runs are not watched.",
      )
      .optional(),
    vzdumpHeartbeat: z
      .boolean()
      .describe(
        "The nodes of this host have /etc/backup-gov/heartbeat.env and AWS credentials allowed `cloudwatch:PutMetricData` in namespace `BackupGovernance` (the estate does not create them), so the vzdump hook puts the CloudWatch heartbeat: each hooked service then also gets a heartbeat alarm on its `vzdump` series. Default `false`: vzdump runs are watched by Prometheus only.",
      )
      .optional(),
    auth: z
      .enum(ProxmoxAuth)
      .describe(
        "How Terraform logs in to this host. `token` (default): an API token, from the sensitive variable `proxmox_api_token_<host>`. `root-password`: root@pam with its password, from the sensitive variable `proxmox_root_password_<host>` (a password ticket); needed for `vzdumpHook: true`, because Proxmox reserves a job's `script` (and `tmpdir`, `dumpdir`) to root@pam itself and refuses it from any API token, root's included.",
      )
      .optional(),
    storages: z
      .array(proxmoxStorageSchema)
      .describe("Backup storages to create on this host with Terraform.")
      .optional(),
    uplink: uplink(
      "Optional: bandwidth from this host toward the offsite copy, for the transfer estimate and the window check (GOV-134).",
    ).optional(),
    backupWindow: backupWindow(
      "Optional: when backups of this host may run (`HH:MM-HH:MM`, local time; past midnight when the end is earlier).",
    ).optional(),
  })
  .describe("A Proxmox VE host or cluster.");

export const proxmoxSchema = z
  .strictObject({
    hosts: z
      .record(z.string().regex(Patterns.hostKey), proxmoxHostSchema)
      .describe("One entry per Proxmox VE host or cluster, keyed by the name services use in `vm.host`."),
  })
  .describe("Optional: omit for an AWS-only estate.");
