import { join } from "node:path";

export const ESTATE = join(__dirname, "..", "fixtures", "adopt", "estate");

/** The fixture estate's saved answers, attributed as docs/adopt.md shows. */
export function estateArgs(dir = ESTATE): string[] {
  const f = (n: string) => join(dir, n);
  return [
    `pve=${f("pve-jobs.json")}`,
    `pve=${f("pve-resources.json")}`,
    `pve=${f("pve-not-backed-up.json")}`,
    `pve=${f("pve-storage.json")}`,
    f("aws-list-backup-plans.json"),
    f("aws-get-backup-plan.json"),
    f("aws-list-backup-selections.json"),
    f("aws-get-backup-selection.json"),
    f("aws-list-backup-vaults.json"),
    f("aws-get-backup-vault-notifications.json"),
    `acme-invoices=${f("s3-versioning-acme-invoices.json")}`,
    `acme-exports=${f("s3-versioning-acme-exports.json")}`,
    `prod=${f("velero.json")}`,
  ];
}

/**
 * A person's decisions, made the way docs/adopt.md makes them: every `decide` replaced, by
 * the kind of service (a guest gets vzdump-only, the rest platform-only).
 */
export function decideAll(text: string, tier = "rebuildable"): string {
  let s = text
    .replace(/^owner: decide .*$/m, 'owner: "@ops-team"')
    .replace(/^notifications: decide .*$/m, "notifications: { email: [ops@example.com] }")
    .replace(/^( {2}breakGlassPrincipal:) decide .*$/m, "$1 arn:aws:iam::111122223333:role/backup-break-glass");
  const blocks = s.split(/(?=^ {2}- id: )/m);
  s = blocks
    .map((b) => {
      if (!b.startsWith("  - id: ")) return b;
      const vm = /^ {4}vm: /m.test(b);
      return b
        .replace(/classification: decide .*/, `classification: ${tier}`)
        .replace(/rto: decide .*/, "rto: 1d")
        .replace(/restore: decide .*/, 'restore: { secrets: "vault:kv/backup/restore", validate: ["true"] }')
        .replace(
          /app: decide .*/,
          vm
            ? 'app: { decision: vzdump-only, rationale: "the guest image restores the service whole" }'
            : 'app: { decision: platform-only, rationale: "the platform backup restores the service whole" }',
        )
        .replace(
          /offsite: decide .*/,
          'offsite: { required: false, reason: "a second site is not needed yet for this service" }',
        );
    })
    .join("");
  return s;
}
