import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { AwsEstateStack } from "../../lib/estate/aws-stack";
import { buildAppBackups } from "../../lib/estate/app-backups";
import { EstateContext, EstatePolicies, type S3Destination, TargetKind } from "../../lib/estate/context";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";

const ROOT = join(__dirname, "..", "..");

/** A stand-in for what the AWS builder registers: the estate bucket, one prefix per service. */
function s3Of(serviceId: string, offsite: boolean): S3Destination {
  return {
    bucketName: "homelab-app-backups",
    bucketArn: "arn:aws:s3:::homelab-app-backups",
    prefix: `${serviceId}/`,
    region: "us-east-1",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/primary",
    offsite: offsite
      ? {
          bucketName: "homelab-app-backups-us-west-2",
          bucketArn: "arn:aws:s3:::homelab-app-backups-us-west-2",
          region: "us-west-2",
          kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/replica",
        }
      : undefined,
  };
}

/** The builder on a catalog, with the AWS builder's part played by the stand-in. */
function build(catalogText?: string, withS3 = true) {
  const report = catalogText
    ? validateCatalogText(catalogText)
    : validateCatalogFile(join(ROOT, "stacks", "catalog.yaml"));
  if (!report.ok) throw new Error(report.findings.map((f) => `${f.ruleId} ${f.message}`).join("\n"));
  const input = new EstatePolicies(report.catalog!);
  const app = Testing.app();
  const awsStack = new AwsEstateStack(app, "homelab-aws", { estate: input.catalog.name, aws: input.catalog.aws! });
  const s3Destinations = new Map<string, S3Destination>();
  if (withS3) {
    for (const p of input.policies)
      if (p.appBackup && !p.service.app?.repository)
        s3Destinations.set(p.service.id, s3Of(p.service.id, p.offsite.required));
  }
  const built = buildAppBackups(input, { scope: awsStack, s3Destinations, awsStack });
  return Object.assign(new EstateContext(input.catalog, { records: [built.record], s3Destinations }), {
    awsStack,
    built,
  });
}

describe("buildAppBackups on the default catalog", () => {
  const ctx = build();
  const appServices = ctx.policies.filter((p) => p.appBackup).map((p) => p.service.id);

  it("builds one app backup per service whose app.decision is required", () => {
    expect(appServices.sort()).toEqual(["gitea", "nextcloud", "paperless", "photos", "unifi", "vaultwarden"]);
    expect(
      ctx.targets
        .filter((t) => t.kind === TargetKind.APP)
        .map((t) => t.serviceId)
        .sort(),
    ).toEqual(appServices.sort());
  });

  it("registers a target with the repository and restore steps for the SOP", () => {
    const vw = ctx.targetsOf("vaultwarden").find((t) => t.kind === TargetKind.APP)!;
    expect(vw.location).toBe(
      "restic repository s3:s3.us-east-1.amazonaws.com/homelab-app-backups/vaultwarden, written from vaultwarden.internal",
    );
    expect(vw.details).toMatchObject({ engine: "postgresql", tool: "restic", pitr: true, credentials: "shared-file" });
    expect(vw.restoreSteps.join("\n")).toMatch(/restore\.sh --to-time/);
    expect(vw.restoreSteps.join("\n")).toMatch(/--from offsite/);
    // Debian's layout (configuration in /etc/postgresql, none in a base backup): the cluster is stopped, swapped and started with pg_ctlcluster.
    const pitr = vw.restoreSteps.find((x) => x.startsWith("To a point in time"))!;
    expect(pitr).toMatch(
      /`pg_ctlcluster VERSION CLUSTER stop`; `\S+\/restore\.sh --to-time '[^']+' --pgdata \/var\/lib\/postgresql\/VERSION\/CLUSTER\.pitr`/,
    );
    expect(pitr).toMatch(/recovery\.signal, and restore_command/);
    expect(pitr).toMatch(
      /`mv \/var\/lib\/postgresql\/VERSION\/CLUSTER \/var\/lib\/postgresql\/VERSION\/CLUSTER\.before-pitr && mv \/var\/lib\/postgresql\/VERSION\/CLUSTER\.pitr \/var\/lib\/postgresql\/VERSION\/CLUSTER`; `pg_ctlcluster VERSION CLUSTER start`/,
    );
    expect(pitr).not.toMatch(/NEW_DIR/);
    // The SOP names the chain a point-in-time restore needs, and that retention keeps it whole.
    expect(vw.restoreSteps.join("\n")).toMatch(
      /chains: a base backup \(`vaultwarden\.base\.tar`\) and the WAL shipped after it \(`vaultwarden\.wal\.tar`\).*Retention keeps or forgets a chain whole/,
    );
    expect(vw.restoreSteps.join("\n")).toMatch(/`--yes` ends the sessions still connected to the database/);
    expect(vw.restoreSteps.join("\n")).toMatch(/The tables that reference it \(foreign keys\) are reloaded with it/);
    const paperless = ctx.targetsOf("paperless").find((t) => t.kind === TargetKind.APP)!;
    expect(paperless.location).toContain("borg repository ssh://backup@nas.internal/./borg/paperless");
    expect(paperless.restoreSteps.join("\n")).toMatch(/borg key import/);
  });

  it("registers the backup timer and the drill timer of each service, staggered per host", () => {
    const jobs = ctx.jobs.filter((j) => j.kind === TargetKind.APP);
    expect(jobs.map((j) => j.id)).toContain("backup-gov-vaultwarden-backup.timer");
    expect(jobs.map((j) => j.id)).toContain("backup-gov-vaultwarden-drill.timer");
    expect(jobs.find((j) => j.id === "backup-gov-vaultwarden-backup.timer")!.schedule.cadence.key).toBe("4h");
    expect(jobs.find((j) => j.id === "backup-gov-vaultwarden-backup.timer")!.group).toBe("vaultwarden.internal");
    for (const host of new Set(jobs.map((j) => j.group))) {
      const starts = jobs.filter((j) => j.group === host).flatMap((j) => j.schedule.startsInWeek());
      expect(new Set(starts).size).toBe(starts.length);
    }
  });

  it("drills critical services weekly and important ones monthly, as their tiers say", () => {
    const timer = (svc: string) =>
      ctx.artifacts.get(`hosts/${svc}.internal/${svc}/systemd/backup-gov-${svc}-drill.timer`)!.content as string;
    expect(timer("vaultwarden")).toMatch(/^OnCalendar=\w{3} \*-\*-\* \d\d:\d\d:00$/m);
    expect(timer("nextcloud")).toMatch(/^OnCalendar=\w{3} \*-\*-01\.\.07 \d\d:\d\d:00$/m);
  });

  it("renders every host's bundle and its unpacked files", () => {
    for (const host of [
      "vaultwarden.internal",
      "nextcloud.internal",
      "unifi.internal",
      "photos.internal",
      "paperless.internal",
      "gitea.internal",
    ]) {
      expect(ctx.artifacts.get(`hosts/${host}.tar.gz`)?.content).toBeInstanceOf(Uint8Array);
      expect(ctx.artifacts.get(`hosts/${host}/install.sh`)?.mode).toBe(0o755);
    }
    expect(ctx.artifacts.get("hosts/photos.internal/photos/env")!.content).toContain(
      "BACKUP_GOV_UPLOAD_LIMIT_KIB=20480",
    );
  });

  it("creates an IAM identity for each service with an S3 destination only", () => {
    const out = Testing.synth(ctx.awsStack!);
    const users = Object.values(JSON.parse(out).resource.aws_iam_user as Record<string, { name: string }>)
      .map((u) => u.name)
      .sort();
    expect(users).toEqual([
      "homelab-app-gitea",
      "homelab-app-nextcloud",
      "homelab-app-photos",
      "homelab-app-unifi",
      "homelab-app-vaultwarden",
    ]);
    expect(out).toHaveResourceWithProperties(IamUser, { name: "homelab-app-photos" });
  });
});

describe("buildAppBackups edge cases", () => {
  const MINIMAL = (extra: string) => `
version: 1
name: tiny
owner: "@ops"
notifications: { email: [ops@example.com] }
aws: { region: eu-central-1, offsiteRegion: eu-west-1${extra} }
services:
  - id: db
    classification: important
    rpo: 1d
    rto: 4h
    app: { decision: required, rationale: "needs a dump", engine: postgresql, host: db.lan, database: app }
    offsite: { required: false, reason: "test estate" }
    restore: { secrets: "vault:kv/db", validate: ["true"] }
`;

  it("uses IAM Roles Anywhere when the estate names a trust anchor", () => {
    const ctx = build(
      MINIMAL(", rolesAnywhere: { trustAnchorArn: 'arn:aws:rolesanywhere:eu-central-1:123456789012:trust-anchor/ta' }"),
    );
    expect(Testing.synth(ctx.awsStack!)).toHaveResourceWithProperties(RolesanywhereProfile, { name: "tiny-app-db" });
    expect(ctx.artifacts.get("hosts/db.lan/db/env")!.content).toContain("BACKUP_GOV_AWS_CREDENTIALS=roles-anywhere");
  });

  it("without a registered S3 destination, still renders everything but leaves the repository empty and warns", () => {
    const ctx = build(MINIMAL(""), false);
    expect(ctx.artifacts.get("hosts/db.lan/db/env")!.content).toMatch(
      /# not known yet: the AWS protection registered no S3 destination for this service; set BACKUP_GOV_REPOSITORY by hand\nBACKUP_GOV_REPOSITORY=\n/,
    );
    expect(ctx.targetsOf("db")[0].location).toContain("(not provisioned)");
    const warnings = ctx.awsStack!.node.metadata.filter((m) => /warn/i.test(m.type)).map((m) => String(m.data));
    expect(warnings.join("\n")).toMatch(/app backup of db: the AWS protection registered no S3 destination/);
  });

  it("skips services without an app-level backup", () => {
    const ctx = build(
      MINIMAL("").replace(
        'decision: required, rationale: "needs a dump", engine: postgresql, host: db.lan, database: app',
        'decision: platform-only, rationale: "RDS"',
      ) + '    aws: { resources: ["arn:aws:rds:eu-central-1:123456789012:db:app"] }\n',
    );
    expect(ctx.targets).toEqual([]);
    expect(ctx.artifacts.list()).toEqual([]);
  });
});
