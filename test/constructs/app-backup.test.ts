import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import {
  AppBackup,
  AppBackupCredentials,
  AppBackupDestination,
  DrillSchedule,
  iamName,
} from "../../lib/constructs/app-backup";
import { Testing } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { Cadence, Schedule } from "../../lib/core/schedule";
import { Size } from "../../lib/core/size";
import { AppEngine, BackupTool, LockMode } from "../../lib/core/vocabulary";
import { AwsEstateStack } from "../../lib/estate/aws-stack";
import { S3_LOCATION } from "../artifacts/app/fixtures";

const BASE = {
  estate: "homelab",
  serviceId: "vaultwarden",
  host: "vaultwarden.internal",
  engine: AppEngine.POSTGRESQL,
  database: "vaultwarden",
  retention: Retention.of({ daily: 14 }),
  rpo: Duration.parse("4h"),
  rto: Duration.parse("2h"),
};

function stack() {
  const app = Testing.app();
  return new AwsEstateStack(app, "test", {
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
}

/** The policy document's statements as synthesized (the data source's `statement` blocks). */
function statements(synth: string): Array<{
  sid?: string;
  actions: string[];
  resources: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
}> {
  const docs = JSON.parse(synth).data.aws_iam_policy_document as Record<string, { statement: never[] }>;
  return Object.entries(docs)
    .filter(([k]) => k.includes("Policy"))
    .flatMap(([, d]) => d.statement);
}

describe("AppBackup", () => {
  describe("with an S3 destination and an IAM user (default)", () => {
    // GIVEN
    const s = stack();
    const backup = new AppBackup(s, "Vaultwarden", { ...BASE, destination: AppBackupDestination.s3(S3_LOCATION) });
    const out = Testing.synth(s);

    it("creates the service's own IAM user with an inline policy, and no access key", () => {
      expect(out).toHaveResourceWithProperties(IamUser, {
        name: "homelab-app-vaultwarden",
        path: "/backup-gov/",
        tags: { "backup:service": "vaultwarden", "backup:host": "vaultwarden.internal" },
      });
      expect(out).toHaveResourceWithProperties(IamUserPolicy, {
        name: "app-backup",
        user: expect.stringMatching(/\$\{aws_iam_user\.\S+\.name\}/),
      });
      expect(out).not.toMatch(/aws_iam_access_key/);
      expect(backup.user).toBeDefined();
      expect(backup.role).toBeUndefined();
    });

    it("reaches only the service's prefix, over TLS, with the bucket's key through S3", () => {
      const st = statements(out);
      const byId = Object.fromEntries(st.map((x) => [x.sid, x]));
      expect(byId.ListOwnPrefix.actions).toEqual(["s3:ListBucket"]);
      expect(byId.ListOwnPrefix.condition).toContainEqual({
        test: "StringLike",
        variable: "s3:prefix",
        values: ["svc/", "svc/*"],
      });
      expect(byId.ObjectsOfOwnPrefix.resources).toEqual(["arn:aws:s3:::homelab-app-backups/svc/*"]);
      expect(byId.ObjectsOfOwnPrefix.condition).toContainEqual({
        test: "Bool",
        variable: "aws:SecureTransport",
        values: ["true"],
      });
      expect(byId.BucketKey.resources).toEqual([S3_LOCATION.kmsKeyArn]);
      expect(byId.BucketKey.condition).toContainEqual({
        test: "StringEquals",
        variable: "kms:ViaService",
        values: ["s3.us-east-1.amazonaws.com"],
      });
      // The offsite replica is readable, not writable.
      expect(byId.ReadOffsiteObjects.actions).toEqual(["s3:GetObject"]);
      expect(byId.ReadOffsiteObjects.resources).toEqual(["arn:aws:s3:::homelab-app-backups-replica/svc/*"]);
      expect(byId.OffsiteKey.actions).toEqual(["kms:Decrypt"]);
    });

    it("never grants a wildcard action, and a wildcard resource only to the namespaced heartbeat", () => {
      for (const x of statements(out)) {
        for (const a of x.actions) expect(a).not.toMatch(/\*/);
        if (x.resources.includes("*")) {
          expect(x.actions).toEqual(["cloudwatch:PutMetricData"]);
          expect(x.condition).toEqual([
            { test: "StringEquals", variable: "cloudwatch:namespace", values: ["BackupGovernance"] },
          ]);
        }
      }
    });

    it("renders the repository in restic's S3 syntax and names the IAM user output", () => {
      expect(backup.spec.repositoryUrl).toBe("s3:s3.us-east-1.amazonaws.com/homelab-app-backups/svc");
      expect(backup.spec.target).toBe("s3");
      expect(backup.spec.credentials.outputs.IAM_USER).toBe("app-vaultwarden-iam-user");
    });
  });

  describe("with IAM Roles Anywhere", () => {
    const s = stack();
    const backup = new AppBackup(s, "Vaultwarden", {
      ...BASE,
      destination: AppBackupDestination.s3(S3_LOCATION),
      credentials: AppBackupCredentials.rolesAnywhere("arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc"),
    });
    const out = Testing.synth(s);

    it("creates a role trusted only for this trust anchor and this host's certificate, and its profile", () => {
      expect(out).toHaveResourceWithProperties(IamRole, { name: "homelab-app-vaultwarden", path: "/backup-gov/" });
      expect(out).toHaveResourceWithProperties(RolesanywhereProfile, {
        name: "homelab-app-vaultwarden",
        enabled: true,
        role_arns: [expect.stringMatching(/\$\{aws_iam_role\.\S+\.arn\}/)],
        duration_seconds: 14400,
      });
      const trust = Object.entries(
        JSON.parse(out).data.aws_iam_policy_document as Record<
          string,
          { statement: Array<{ principals: unknown; condition: unknown; actions: string[] }> }
        >,
      ).find(([k]) => k.includes("Trust"))![1].statement[0];
      expect(trust.actions).toEqual(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]);
      expect(trust.principals).toEqual([{ type: "Service", identifiers: ["rolesanywhere.amazonaws.com"] }]);
      expect(trust.condition).toEqual([
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: ["arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc"],
        },
        { test: "StringEquals", variable: "aws:PrincipalTag/x509Subject/CN", values: ["vaultwarden.internal"] },
      ]);
      expect(out).not.toMatch(/aws_iam_user"/);
      expect(backup.profile).toBeDefined();
    });

    it("names the Terraform outputs of the profile and role ARNs that the env file points to", () => {
      expect(backup.spec.credentials.outputs).toMatchObject({
        RA_PROFILE_ARN: "app-vaultwarden-profile-arn",
        RA_ROLE_ARN: "app-vaultwarden-role-arn",
      });
    });
  });

  it("with a repository destination creates no AWS resources", () => {
    const s = stack();
    new AppBackup(s, "Paperless", {
      ...BASE,
      engine: AppEngine.FILES,
      database: undefined,
      paths: ["/srv/paperless"],
      tool: BackupTool.BORG,
      destination: AppBackupDestination.repository("ssh://backup@nas/./borg/p"),
    });
    const out = JSON.parse(Testing.synth(s));
    expect(out.resource).toBeUndefined();
    expect(out.data).toBeUndefined();
  });

  it("leaves a bucket name that is a token to a Terraform output instead of the env file", () => {
    const s = stack();
    const bucket = new S3Bucket(s, "Bucket", { bucket: "made-by-terraform" });
    const b = new AppBackup(s, "Tok", {
      ...BASE,
      destination: AppBackupDestination.s3({ ...S3_LOCATION, bucketName: bucket.bucket, bucketArn: bucket.arn }),
    });
    expect(b.spec.repositoryUrl).toBeUndefined();
    expect(b.spec.credentials.outputs.BACKUP_GOV_REPOSITORY).toBe("app-vaultwarden-repository");
  });

  it("derives schedules, timeouts and shipping from the RPO and RTO", () => {
    const b = new AppBackup(stack(), "Sched", {
      ...BASE,
      pitr: true,
      rpo: Duration.parse("15m"),
      rto: Duration.parse("2h"),
      destination: AppBackupDestination.repository("/mnt/nas/r"),
    });
    expect(b.spec.backupCalendar).toBe("*-*-* *:00:00");
    expect(b.spec.backupTimeoutMinutes).toBe(54);
    expect(b.spec.shipEveryMinutes).toBe(5);
    expect(b.spec.drillTimeoutMinutes).toBe(240);
    expect(b.spec.drillCalendar).toBe("Sun *-*-* 03:00:00");
    expect(b.spec.randomizedDelaySeconds).toBe(300);
  });

  it("DrillSchedule.monthly runs on the first such weekday of every month", () => {
    const d = DrillSchedule.monthly(Schedule.at(Cadence.weekly(), 6 * 1440 + 75));
    expect(d.calendar).toBe("Sun *-*-01..07 01:15:00");
    expect(() => DrillSchedule.weekly(Schedule.at(Cadence.daily(), 60))).toThrow(/APP-007/);
  });

  it("keeps IAM names within 64 characters, keeping the tail", () => {
    const long = iamName("a-thirty-one-character-estate-x", "a-forty-one-character-service-identifier-");
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/-service-identifier--[0-9a-f]{8}$/);
    expect(iamName("homelab", "gitea")).toBe("homelab-app-gitea");
  });

  describe("refuses contradictory props", () => {
    const repo = AppBackupDestination.repository("/mnt/nas/r");
    it.each([
      ["a database engine without database", { database: undefined }, /APP-002: .*engine postgresql needs database/],
      ["files without paths", { engine: AppEngine.FILES, database: undefined }, /APP-002/],
      ["paths on a database", { paths: ["/srv"] }, /APP-003/],
      ["replicaSet on postgresql", { replicaSet: "rs0" }, /APP-003/],
      ["jobs on mysql", { engine: AppEngine.MYSQL, jobs: 2 }, /APP-003/],
      ["fullEvery without pitr", { fullEvery: Duration.days(7) }, /APP-003/],
      ["pitr on mongodb", { engine: AppEngine.MONGODB, pitr: true }, /APP-005/],
      ["pitr on files", { engine: AppEngine.FILES, database: undefined, paths: ["/srv"], pitr: true }, /APP-005/],
      ["borg to S3", { tool: BackupTool.BORG, destination: AppBackupDestination.s3(S3_LOCATION) }, /APP-004/],
      ["a malformed repository", { destination: AppBackupDestination.repository("ftp://nas/x") }, /APP-006/],
      ["jobs out of range", { jobs: 99, directoryFormatAbove: Size.parse("1GiB") }, /APP-007/],
      ["a bad check subset", { checkReadDataSubset: "half" }, /APP-007/],
      [
        "Roles Anywhere without S3",
        {
          credentials: AppBackupCredentials.rolesAnywhere(
            "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/x",
          ),
        },
        /APP-003/,
      ],
      // The catalog's formats (lib/core/formats.ts), so that stack code cannot put in files what validate refuses:
      // a host that leaves hosts/ when the bundle is written, a database that ends the SQL identifier, a
      // secrets reference that ends the SQL comment it is written in.
      [
        "a host that is a path",
        { host: "../../etc" },
        /APP-007: .*host has a value AppBackup does not accept; received "\.\.\/\.\.\/etc"/,
      ],
      [
        "a database with a backtick",
        { engine: AppEngine.MYSQL, database: "gitea`; DROP DATABASE mysql; -- " },
        /APP-007: .*database/,
      ],
      [
        "a secrets reference with a newline",
        { secretsRef: "vault:kv/gitea\nDROP ROLE postgres;" },
        /APP-007: .*secretsRef/,
      ],
    ])("%s", (_, override, error) => {
      expect(() => new AppBackup(stack(), "Bad", { ...BASE, destination: repo, ...override } as never)).toThrow(error);
    });
  });

  it("hostBundle gathers every service of one host into hosts/<host>/ and hosts/<host>.tar.gz", () => {
    const s = stack();
    const a = new AppBackup(s, "A", { ...BASE, destination: AppBackupDestination.repository("/mnt/nas/a") });
    const b = new AppBackup(s, "B", {
      ...BASE,
      serviceId: "other",
      destination: AppBackupDestination.repository("/mnt/nas/b"),
    });
    const c = new AppBackup(s, "C", {
      ...BASE,
      serviceId: "elsewhere",
      host: "other.internal",
      destination: AppBackupDestination.repository("/mnt/nas/c"),
    });
    const paths = AppBackup.hostBundle("vaultwarden.internal", [a, b, c]).map((x) => x.path);
    expect(paths).toContain("hosts/vaultwarden.internal.tar.gz");
    expect(paths).toContain("hosts/vaultwarden.internal/install.sh");
    expect(paths).toContain("hosts/vaultwarden.internal/other/backup.sh");
    expect(paths.some((p) => p.includes("elsewhere"))).toBe(false);
  });

  it("exposes the policy document as a data source, not a network lookup", () => {
    const s = stack();
    new AppBackup(s, "Doc", { ...BASE, destination: AppBackupDestination.s3(S3_LOCATION) });
    expect(Testing.synth(s)).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {});
  });
});

describe("AppBackup: a retention that keeps nothing (issue 20 item 4, the stack-code side of GOV-180)", () => {
  it("throws GOV-180: restic forget and borg prune with no keep flag would keep everything forever", () => {
    const s = stack();
    expect(
      () =>
        new AppBackup(s, "Empty", {
          ...BASE,
          retention: Retention.of({}),
          destination: AppBackupDestination.s3(S3_LOCATION),
        }),
    ).toThrow(/GOV-180: .*keeps no snapshot/);
    expect(
      () =>
        new AppBackup(s, "Weekly", {
          ...BASE,
          retention: Retention.of({ weekly: 1 }),
          destination: AppBackupDestination.s3(S3_LOCATION),
        }),
    ).not.toThrow();
  });
});
