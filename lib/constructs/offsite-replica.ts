import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct, TerraformProvider, TerraformStack, Token } from "../core/cdk";
import { PolicyEffect, type PolicyStatement, renderPolicy } from "../core/iam-policy";
import { at, Errors } from "../errors";
import { BackupBucket } from "./backup-bucket";
import { BackupKey } from "./backup-key";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** Storage classes a replica may be written in. */
export enum ReplicaStorageClass {
  STANDARD = "STANDARD",
  /** Cheaper for backups read only in a disaster; 30-day minimum billing. */
  STANDARD_IA = "STANDARD_IA",
  GLACIER_IR = "GLACIER_IR",
}

/** Props of {@link OffsiteReplica}. */
export interface OffsiteReplicaProps {
  /** The bucket to replicate. It is versioned (every {@link BackupBucket} is). */
  readonly source: BackupBucket;
  /** The offsite region. */
  readonly destinationRegion: string;
  /** An AWS provider for the offsite region (an aliased provider). */
  readonly destinationProvider: TerraformProvider;
  /** @default - the source name with the destination region appended (shortened to 63) */
  readonly destinationBucketName?: string;
  /**
   * The replica's key, in the destination region.
   * @default - a new {@link BackupKey} there (then `accountId` is required)
   */
  readonly destinationKey?: BackupKey;
  /** The account id, for the key this construct creates. @default - none */
  readonly accountId?: string;
  /**
   * Replication Time Control (99.99% of objects within 15 minutes) and replication metrics
   * with a 15-minute threshold. For critical data: it makes replication lag visible and billed.
   * @default false
   */
  readonly replicationTimeControl?: boolean;
  /**
   * Replicate delete markers to the replica. Off by default: the backup identities may delete
   * (restic and borg prune), so a stolen key or an over-eager prune would otherwise hide every
   * object in the offsite view too, the one copy meant to survive exactly that. Without it the
   * replica keeps what the source deleted (its noncurrent-version lifecycle and Object Lock
   * still bound it, and restic and borg ignore files no index refers to); with it, the role
   * may also `s3:ReplicateDelete`.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
   */
  readonly deleteMarkerReplication?: boolean;
  /** @default ReplicaStorageClass.STANDARD */
  readonly storageClass?: ReplicaStorageClass;
  /** @default - derived from the source bucket name */
  readonly roleName?: string;
  /**
   * Terraform `prevent_destroy` on the replica bucket and its key.
   * @default - true when the source has Object Lock
   */
  readonly preventDestroy?: boolean;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A copy of a bucket in another region: a destination bucket as hardened as the source
 * (versioned, SSE-KMS with its own key, Object Lock with the same default retention whenever
 * the source has Object Lock), a replication role allowed only what replication needs, and a
 * replication configuration that re-encrypts with the replica key and does not replicate
 * delete markers (unless asked), so that deletions on the source never empty the offsite view.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
 */
export class OffsiteReplica extends Construct {
  /** @attribute */
  public readonly destination: BackupBucket;
  /** @attribute */
  public readonly role: IamRole;
  /** @attribute */
  public readonly replication: S3BucketReplicationConfigurationA;
  /** The replica's key, when this construct created it. */
  public readonly key?: BackupKey;
  public readonly destinationRegion: string;
  private readonly props: OffsiteReplicaProps;

  constructor(scope: Construct, id: string, props: OffsiteReplicaProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "OffsiteReplica", props);
    this.props = props;
    this.destinationRegion = props.destinationRegion;
    const source = props.source;
    // The provider decides where Terraform creates the replica; the Region names it and scopes its key policy: they must agree.
    const providerRegion = providerRegionOf(props.destinationProvider);
    if (providerRegion !== undefined && providerRegion !== props.destinationRegion) {
      throw at(
        this,
        Errors.providerRegionMismatch(
          "OffsiteReplica",
          "destinationProvider",
          providerRegion,
          `destinationRegion ${props.destinationRegion}`,
        ),
      );
    }
    const sourceRegion = source.region ?? providerRegionOf(source.provider ?? defaultAwsProvider(this));
    if (!Token.isUnresolved(props.destinationRegion) && sourceRegion === props.destinationRegion)
      throw at(this, Errors.sameRegionReplica("OffsiteReplica", sourceRegion));
    const locked = !!source.objectLock;
    const preventDestroy = props.preventDestroy ?? locked;
    let keyArn: string;
    if (props.destinationKey) {
      keyArn = props.destinationKey.keyArn;
    } else {
      if (!props.accountId) throw Errors.accountIdRequired(this.node.path, "the replica key an OffsiteReplica creates");
      this.key = new BackupKey(this, "Key", {
        accountId: props.accountId,
        partition: props.partition,
        preventDestroy,
        description: `Encrypts the offsite replica of ${this.node.path}`,
        provider: props.destinationProvider,
        tags: props.tags,
      });
      keyArn = this.key.keyArn;
    }
    const name = props.destinationBucketName ?? defaultReplicaName(props.source.bucketName, props.destinationRegion);
    this.destination = new BackupBucket(this, "Bucket", {
      bucketName: name,
      kmsKeyArn: keyArn,
      // S3 refuses to replicate locked objects into a bucket without Object Lock (DstBucketObjectLockConfigMissing).
      objectLock: source.objectLock,
      preventDestroy,
      region: props.destinationRegion,
      partition: props.partition,
      provider: props.destinationProvider,
      tags: props.tags,
    });
    this.role = new IamRole(this, "Role", {
      name: props.roleName,
      assumeRolePolicy: renderPolicy([
        {
          effect: PolicyEffect.ALLOW,
          principals: { service: ["s3.amazonaws.com"] },
          actions: ["sts:AssumeRole"],
          resources: [],
        },
      ]),
      provider: source.provider,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    new IamRolePolicy(this, "RolePolicy", {
      role: this.role.name,
      name: "replicate-to-offsite",
      policy: renderPolicy(this.roleStatements(keyArn)),
      provider: source.provider,
    });
    this.replication = this.createReplication(keyArn);
  }

  /** Exactly what replication needs: read the source's versions, write replicas, use both keys. */
  protected roleStatements(replicaKeyArn: string): PolicyStatement[] {
    const src = this.props.source;
    const dst = this.destination;
    const viaS3 = (region?: string) =>
      region ? { conditions: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } } : {};
    return [
      {
        sid: "ReadReplicationConfiguration",
        effect: PolicyEffect.ALLOW,
        actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        resources: [src.bucketArn],
      },
      {
        sid: "ReadSourceVersions",
        effect: PolicyEffect.ALLOW,
        actions: [
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionTagging",
          "s3:GetObjectRetention",
          "s3:GetObjectLegalHold",
        ],
        resources: [`${src.bucketArn}/*`],
      },
      {
        sid: "WriteReplicas",
        effect: PolicyEffect.ALLOW,
        // ReplicateDelete only replicates delete markers: without them replicated, the role need not (and may not) delete.
        actions: [
          "s3:ReplicateObject",
          ...(this.props.deleteMarkerReplication ? ["s3:ReplicateDelete"] : []),
          "s3:ReplicateTags",
        ],
        resources: [`${dst.bucketArn}/*`],
      },
      {
        sid: "DecryptSource",
        effect: PolicyEffect.ALLOW,
        actions: ["kms:Decrypt"],
        resources: [src.kmsKeyArn],
        ...viaS3(src.region),
      },
      {
        sid: "EncryptReplica",
        effect: PolicyEffect.ALLOW,
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        resources: [replicaKeyArn],
        ...viaS3(this.props.destinationRegion),
      },
    ];
  }

  protected createReplication(replicaKeyArn: string): S3BucketReplicationConfigurationA {
    const rtc = this.props.replicationTimeControl ?? false;
    return new S3BucketReplicationConfigurationA(this, "Resource", {
      bucket: this.props.source.bucket.bucket,
      role: this.role.arn,
      // PROVIDER NOTE: replication of Object Lock buckets no longer needs the support-issued `token`.
      rule: [
        {
          id: "offsite",
          status: "Enabled",
          priority: 1,
          // PROVIDER NOTE: a rule with `filter` (V2 schema) must state its delete-marker decision.
          filter: { prefix: "" },
          deleteMarkerReplication: { status: this.props.deleteMarkerReplication ? "Enabled" : "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: this.destination.bucketArn,
            storageClass: this.props.storageClass ?? ReplicaStorageClass.STANDARD,
            encryptionConfiguration: { replicaKmsKeyId: replicaKeyArn },
            // S3 fixes both thresholds at 15 minutes.
            replicationTime: rtc ? { status: "Enabled", time: { minutes: 15 } } : undefined,
            metrics: rtc ? { status: "Enabled", eventThreshold: { minutes: 15 } } : undefined,
          },
        },
      ],
      // PROVIDER NOTE: S3 refuses a replication configuration until versioning is Enabled on both buckets.
      dependsOn: [this.props.source.versioning, this.destination.versioning],
      provider: this.props.source.provider,
    });
  }
}

/** The literal Region an AWS provider is configured for, if it says. */
function providerRegionOf(p: TerraformProvider | undefined): string | undefined {
  const region = (p as { regionInput?: unknown } | undefined)?.regionInput;
  return typeof region === "string" && !Token.isUnresolved(region) ? region : undefined;
}

/** The stack's default (unaliased) AWS provider, which a construct given no provider uses. */
function defaultAwsProvider(scope: Construct): TerraformProvider | undefined {
  return TerraformStack.of(scope)
    .node.findAll()
    .find(
      (c): c is TerraformProvider =>
        c instanceof TerraformProvider &&
        c.terraformResourceType === "aws" &&
        (c as { aliasInput?: string }).aliasInput === undefined,
    );
}

function defaultReplicaName(source: string, region: string): string {
  const name = `${source}-${region}`;
  return Token.isUnresolved(source) || name.length <= 63
    ? name
    : `${source.slice(0, 62 - region.length).replace(/[-.]+$/, "")}-${region}`;
}
