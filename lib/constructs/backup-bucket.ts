import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct, Lazy, type TerraformProvider, Token } from "../core/cdk";
import { PolicyEffect, type PolicyStatement, renderPolicy } from "../core/iam-policy";
import { LockMode } from "../core/vocabulary";
import { at, Errors } from "../errors";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/**
 * S3 Object Lock retention modes (also the modes of AWS Backup Vault Lock).
 * @deprecated use {@link LockMode}: one enum for the catalog and the constructs.
 */
export const ObjectLockMode = LockMode;
/** @deprecated use {@link LockMode}. */
export type ObjectLockMode = LockMode;

/** A default retention applied to every new object version. */
export interface ObjectLockProps {
  readonly mode: LockMode;
  /** Days every new version stays locked (1–36500). */
  readonly days: number;
}

/** Props of {@link BackupBucket}. */
export interface BackupBucketProps {
  /** The globally unique bucket name. */
  readonly bucketName: string;
  /** The customer-managed KMS key every object is encrypted with (SSE-KMS, bucket key on). */
  readonly kmsKeyArn: string;
  /**
   * Object Lock with a default retention. Only possible when the bucket is created, and
   * permanent: S3 cannot turn it off again.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockProps;
  /**
   * Days a noncurrent (overwritten or deleted) version is kept before lifecycle expires it.
   * @default - the Object Lock period, or 30 days without Object Lock
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which current versions expire (become noncurrent). For logs and other
   * write-once data; backup tools delete their own objects.
   * @default - never
   */
  readonly currentVersionExpirationDays?: number;
  /** @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Statements added to the bucket policy, after the TLS-only and encryption statements.
   * More can be added with {@link BackupBucket.addToPolicy}.
   * @default - none
   */
  readonly policyStatements?: readonly PolicyStatement[];
  /**
   * Terraform `prevent_destroy` on the bucket.
   * @default - true when Object Lock is on
   */
  readonly preventDestroy?: boolean;
  /**
   * The bucket's region, for documents and for KMS `kms:ViaService` conditions of roles
   * that use it.
   * @default - unknown
   */
  readonly region?: string;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none (the provider's default tags still apply) */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A hardened, versioned S3 bucket for backups: SSE-KMS with a customer-managed key, all four
 * public access blocks, ACLs disabled, a policy that denies plain HTTP and objects encrypted
 * any other way, a lifecycle that bounds noncurrent versions and aborts stale multipart
 * uploads, and optionally Object Lock.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export class BackupBucket extends Construct {
  /** @attribute */
  public readonly bucket: S3Bucket;
  /** The name as given (a literal stays a literal, for documents). @attribute */
  public readonly bucketName: string;
  /**
   * The bucket ARN. Built from the name when the name is known at synth time, so that
   * `terraform plan` shows every policy naming this bucket in full.
   * @attribute
   */
  public readonly bucketArn: string;
  /** @attribute */
  public readonly kmsKeyArn: string;
  /** The versioning resource: replication must wait for it on both sides. @attribute */
  public readonly versioning: S3BucketVersioningA;
  /** The bucket policy: resources that rely on it (a CloudTrail trail) depend on it. @attribute */
  public readonly policy: S3BucketPolicy;
  /** The Object Lock default retention, when Object Lock is on. */
  public readonly objectLock?: ObjectLockProps;
  /** The bucket's region, when known. */
  public readonly region?: string;
  /** The provider the bucket was created with. */
  public readonly provider?: TerraformProvider;
  private readonly statements: PolicyStatement[] = [];
  private readonly props: BackupBucketProps;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "BackupBucket", props);
    this.props = props;
    validateBucketName(props.bucketName, this.node.path);
    const lock = props.objectLock;
    if (lock && !Token.isUnresolved(lock.days) && (!Number.isInteger(lock.days) || lock.days < 1 || lock.days > 36500))
      throw at(this, Errors.objectLockDays(lock.days));
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? lock?.days ?? 30;
    if (lock && noncurrentDays < lock.days)
      throw at(this, Errors.lifecycleBeforeLock("noncurrentVersionExpirationDays", noncurrentDays, lock.days));
    this.objectLock = lock;
    this.region = props.region;
    this.provider = props.provider;
    this.kmsKeyArn = props.kmsKeyArn;
    const provider = props.provider;

    this.bucket = this.createBucket();
    // Children name the bucket by its `bucket` attribute (known at plan time), not its computed
    // `id`, so that `terraform plan` shows which bucket every setting belongs to.
    this.bucketName = Token.isUnresolved(props.bucketName) ? this.bucket.bucket : props.bucketName;
    this.bucketArn = Token.isUnresolved(props.bucketName)
      ? this.bucket.arn
      : `arn:${props.partition ?? "aws"}:s3:::${props.bucketName}`;

    this.versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.bucket,
      versioningConfiguration: { status: "Enabled" },
      provider,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
      provider,
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    });
    new S3BucketOwnershipControls(this, "Ownership", {
      bucket: this.bucket.bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      provider,
    });
    if (lock) {
      new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
        bucket: this.bucket.bucket,
        // PROVIDER NOTE: S3 spells the modes in capitals (COMPLIANCE, GOVERNANCE).
        rule: { defaultRetention: { mode: lock.mode.toUpperCase(), days: lock.days } },
        // PROVIDER NOTE: the lock configuration needs versioning in place first, or S3 answers InvalidBucketState.
        dependsOn: [this.versioning],
        provider,
      });
    }
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.bucket,
      rule: [
        {
          id: "bound-noncurrent-versions",
          status: "Enabled",
          // PROVIDER NOTE: an empty prefix filter is the provider's way to say "whole bucket"; without a filter 5.x warns.
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 }],
          // Delete markers left alone once their versions are gone only slow down listings.
          expiration: [
            props.currentVersionExpirationDays !== undefined
              ? { days: props.currentVersionExpirationDays }
              : { expiredObjectDeleteMarker: true },
          ],
        },
      ],
      dependsOn: [this.versioning],
      provider,
    });
    for (const s of props.policyStatements ?? []) this.statements.push(s);
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.bucket,
      policy: Lazy.stringValue({ produce: () => renderPolicy([...this.baseStatements(), ...this.statements]) }),
      // PROVIDER NOTE: S3 refuses a bucket policy while the public access block is being set; ordering avoids a flaky apply.
      dependsOn: [publicAccessBlock],
      provider,
    });
  }

  /** Adds a statement to the bucket policy. */
  public addToPolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  protected createBucket(): S3Bucket {
    return new S3Bucket(this, "Resource", {
      bucket: this.props.bucketName,
      // PROVIDER NOTE: Object Lock can only be switched on when the bucket is created.
      objectLockEnabled: this.props.objectLock ? true : undefined,
      forceDestroy: false,
      provider: this.props.provider,
      tags: this.props.tags ? { ...this.props.tags } : undefined,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? !!this.props.objectLock },
    });
  }

  private baseStatements(): PolicyStatement[] {
    const objects = `${this.bucketArn}/*`;
    return [
      {
        sid: "DenyInsecureTransport",
        effect: PolicyEffect.DENY,
        principals: { anyone: true },
        // A Deny may name every action: nothing at all is allowed over plain HTTP.
        actions: ["s3:*"],
        resources: [this.bucketArn, objects],
        conditions: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        sid: "DenyObjectsNotEncryptedWithKms",
        effect: PolicyEffect.DENY,
        principals: { anyone: true },
        actions: ["s3:PutObject"],
        resources: [objects],
        // Writers that send no header get the bucket's SSE-KMS default; only another algorithm is refused.
        conditions: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] } },
      },
      {
        sid: "DenyCustomerProvidedKeys",
        effect: PolicyEffect.DENY,
        principals: { anyone: true },
        actions: ["s3:PutObject"],
        resources: [objects],
        conditions: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
      },
    ];
  }
}

/** Refuses names S3 would refuse (skipped for Terraform tokens). */
function validateBucketName(name: string, path: string): void {
  if (Token.isUnresolved(name)) return;
  const reason =
    name.length < 3 || name.length > 63
      ? `it is ${name.length} characters long`
      : !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)
        ? "only lowercase letters, digits, '.' and '-' are allowed, starting and ending with a letter or digit"
        : name.includes("..")
          ? "it contains '..'"
          : /^\d+\.\d+\.\d+\.\d+$/.test(name)
            ? "it looks like an IP address"
            : /^(xn--|sthree-)/.test(name) || /(-s3alias|--ol-s3)$/.test(name)
              ? "it uses a prefix or suffix S3 reserves"
              : undefined;
  if (reason) throw at(path, Errors.invalidBucketName(name, reason));
}
