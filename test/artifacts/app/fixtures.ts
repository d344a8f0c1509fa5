/** AppBackup variants covering every engine, tool, pitr and credential source, for render tests. */
import {
  AppBackup,
  AppBackupCredentials,
  AppBackupDestination,
  type AppBackupProps,
} from "../../../lib/constructs/app-backup";
import { AwsEstateStack } from "../../../lib/estate/aws-stack";
import { Construct, Testing } from "../../../lib/core/cdk";
import { Duration } from "../../../lib/core/duration";
import { Retention } from "../../../lib/core/retention";
import { Size } from "../../../lib/core/size";
import { AppEngine, BackupTool, LockMode } from "../../../lib/core/vocabulary";

export const S3_LOCATION = {
  bucketName: "homelab-app-backups",
  bucketArn: "arn:aws:s3:::homelab-app-backups",
  prefix: "svc/",
  region: "us-east-1",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
  offsite: {
    bucketName: "homelab-app-backups-replica",
    bucketArn: "arn:aws:s3:::homelab-app-backups-replica",
    region: "us-west-2",
    kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/66666666-7777-8888-9999-000000000000",
  },
};

const BASE = {
  estate: "homelab",
  host: "db.internal",
  retention: Retention.of({ daily: 7, weekly: 4, monthly: 6 }),
  rpo: Duration.parse("4h"),
  rto: Duration.parse("2h"),
};

/** name → props (without layout); every combination the renderers branch on. */
export function variantProps(): Record<string, Omit<AppBackupProps, "layout">> {
  const repo = (url: string) => AppBackupDestination.repository(url);
  const s3 = AppBackupDestination.s3(S3_LOCATION);
  return {
    "pg-restic-s3-pitr-ra": {
      ...BASE,
      serviceId: "pg-a",
      engine: AppEngine.POSTGRESQL,
      database: "app",
      pitr: true,
      destination: s3,
      credentials: AppBackupCredentials.rolesAnywhere("arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc"),
      directoryFormatAbove: Size.parse("20GiB"),
      jobs: 4,
    },
    "pg-restic-s3-user": {
      ...BASE,
      serviceId: "pg-b",
      engine: AppEngine.POSTGRESQL,
      database: "app",
      destination: s3,
      bandwidthLimit: Size.parseRate("20MiB/s"),
    },
    "pg-borg-ssh": {
      ...BASE,
      serviceId: "pg-c",
      engine: AppEngine.POSTGRESQL,
      database: "app",
      tool: BackupTool.BORG,
      destination: repo("ssh://borg@nas.internal/./borg/pg-c"),
    },
    "pg-restic-sftp-port": {
      ...BASE,
      serviceId: "pg-d",
      engine: AppEngine.POSTGRESQL,
      database: "app",
      pitr: true,
      destination: repo("ssh://backup@nas.internal:2222/srv/restic/pg-d"),
    },
    "mysql-restic-s3-pitr": {
      ...BASE,
      serviceId: "my-a",
      engine: AppEngine.MYSQL,
      database: "shop",
      pitr: true,
      destination: s3,
      fullEvery: Duration.parse("7d"),
    },
    "mysql-borg-path": {
      ...BASE,
      serviceId: "my-b",
      engine: AppEngine.MYSQL,
      database: "shop",
      tool: BackupTool.BORG,
      destination: repo("/mnt/nas/borg/my-b"),
    },
    "mongo-restic-rs": {
      ...BASE,
      serviceId: "mongo-a",
      engine: AppEngine.MONGODB,
      database: "unifi",
      replicaSet: "rs0",
      destination: s3,
    },
    "mongo-borg-standalone": {
      ...BASE,
      serviceId: "mongo-b",
      engine: AppEngine.MONGODB,
      database: "unifi",
      tool: BackupTool.BORG,
      destination: repo("/mnt/nas/borg/mongo-b"),
    },
    "files-restic-s3": {
      ...BASE,
      serviceId: "files-a",
      engine: AppEngine.FILES,
      paths: ["/srv/photos", "/srv/with space"],
      excludes: ["*.tmp", "cache/", "/srv/photos/private"],
      destination: s3,
      bandwidthLimit: Size.parseRate("512KiB/s"),
    },
    "files-borg-ssh": {
      ...BASE,
      serviceId: "files-b",
      engine: AppEngine.FILES,
      paths: ["/srv/paperless"],
      tool: BackupTool.BORG,
      destination: repo("ssh://backup@nas.internal/./borg/files-b"),
    },
    "files-restic-s3-locked": {
      ...BASE,
      serviceId: "files-d",
      engine: AppEngine.FILES,
      paths: ["/srv/vault"],
      destination: AppBackupDestination.s3({
        ...S3_LOCATION,
        prefix: "files-d/",
        objectLock: { mode: "COMPLIANCE", days: 14 },
      }),
    },
    "files-restic-pending": {
      ...BASE,
      serviceId: "files-c",
      engine: AppEngine.FILES,
      paths: ["/srv/share"],
      destination: AppBackupDestination.unprovisioned("the bucket is made by another team"),
    },
  };
}

/** Every variant as a construct (in an AWS stack, so S3 identities are created), with a layout prefix. */
export function variants(prefix?: string): Record<string, AppBackup> {
  const app = Testing.app();
  const stack = new AwsEstateStack(app, "fixture", {
    estate: "homelab",
    aws: {
      region: "us-east-1",
      offsiteRegion: "us-west-2",
      accountId: "123456789012",
      deletionProtection: true,
      tags: {},
      audit: { enabled: false, lockMode: LockMode.GOVERNANCE, retentionDays: 365 },
    },
  });
  const out: Record<string, AppBackup> = {};
  for (const [name, props] of Object.entries(variantProps()))
    out[name] = new AppBackup(stack, name, { ...props, layout: prefix ? { prefix } : undefined });
  return out;
}

/** A bare scope for constructs that need no stack. */
export function bareScope(): Construct {
  return new Construct(undefined as unknown as Construct, "bare");
}
