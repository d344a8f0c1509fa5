/**
 * Using the constructs from stack code, without a catalog: a Proxmox stack that enrolls two
 * guests, and an AWS stack with a compliance-locked vault and bucket and a critical-tier
 * plan writing to it, checked by GovernanceChecks. Run it with `npx tsx examples/stack-code.ts`
 * (writes cdktf.out/), then `npx backup-gov plan --offline cdktf.out`; the tests synthesize it.
 *
 * It imports the package by its name, as your project will (in this repository the name
 * maps to lib/ through tsconfig `paths`).
 */
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Cadence,
  GovernanceChecks,
  GuestKind,
  ImmutableVault,
  MailNotification,
  LockMode,
  ProtectedVm,
  ProxmoxHostBackups,
  ProxmoxProvider,
  TierBackupPlan,
} from "cdktf-backup-governance";

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
  const west = new AwsProvider(aws, "aws-west", { region: "us-west-2", alias: "west" });
  const locked = new ImmutableVault(aws, "Locked", { mode: LockMode.COMPLIANCE, days: 14, accountId: "123456789012", bucketName: "example-locked-123456789012", vaultName: "example-locked" });
  // The offsite copy a critical plan needs (GOV-010), locked as well, in another Region.
  const offsite = new ImmutableVault(aws, "Offsite", { mode: LockMode.COMPLIANCE, days: 14, accountId: "123456789012", createBucket: false, vaultName: "example-offsite", region: "us-west-2", provider: west });
  // The critical tier's rules (daily 14, weekly 8, monthly 12, yearly 1) into the locked vault,
  // each point copied offsite: a rule kept shorter than the 14-day lock would throw GOV-019
  // right here; without `copyTo`, GovernanceChecks reports GOV-010 as the catalog does.
  TierBackupPlan.criticalTier(aws, "Critical", { vault: locked, copyTo: offsite, planName: "example-critical" });

  // The catalog's rules, for everything above (and anything else in these stacks).
  GovernanceChecks.applyTo(app);
  return { proxmox, aws };
}

if (require.main === module) {
  const app = new App();
  buildExample(app);
  app.synth();
}
