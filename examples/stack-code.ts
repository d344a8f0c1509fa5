/**
 * Using the constructs from stack code, without a catalog: a Proxmox stack that enrolls two
 * guests, and an AWS stack with a compliance-locked vault and bucket. Run it with
 * `npx tsx examples/stack-code.ts` (writes cdktf.out/); the tests synthesize it too.
 */
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Cadence,
  GuestKind,
  ImmutableVault,
  MailNotification,
  ObjectLockMode,
  ProtectedVm,
  ProxmoxHostBackups,
  ProxmoxProvider,
} from "../lib";

export function buildExample(app: App): { proxmox: TerraformStack; aws: TerraformStack } {
  // Proxmox: the API token is a sensitive variable (or PROXMOX_VE_API_TOKEN), never a literal.
  const proxmox = new TerraformStack(app, "example-proxmox");
  const token = new TerraformVariable(proxmox, "proxmox_api_token", { type: "string", sensitive: true });
  const pve = new ProxmoxProvider(proxmox, "pve", { endpoint: "https://pve.example.internal:8006", apiToken: token.stringValue });
  const host = new ProxmoxHostBackups(proxmox, "PveBackups", {
    provider: pve,
    storage: "pbs-main",
    jobIdPrefix: "pve",
    mailto: ["ops@example.com"],
    mailNotification: MailNotification.FAILURE,
  });
  ProtectedVm.criticalTier(proxmox, "Vault", { host, vmid: 204, label: "vaultwarden", cadence: Cadence.hourly(4) });
  ProtectedVm.rebuildableTier(proxmox, "Media", { host, vmid: 140, kind: GuestKind.LXC, label: "jellyfin", cadence: Cadence.weekly() });

  // AWS: a bucket with S3 Object Lock and a vault with Vault Lock, sharing one customer-managed key.
  const aws = new TerraformStack(app, "example-aws");
  new AwsProvider(aws, "aws", { region: "us-east-1" });
  new ImmutableVault(aws, "Locked", { mode: ObjectLockMode.COMPLIANCE, days: 14, accountId: "123456789012", bucketName: "example-locked-123456789012", vaultName: "example-locked" });
  return { proxmox, aws };
}

if (require.main === module) {
  const app = new App();
  buildExample(app);
  app.synth();
}
