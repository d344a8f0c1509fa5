import { Construct, type ITerraformDependable, type TerraformProvider, Token } from "../core/cdk";
import { Errors } from "../errors";
import { BackupBucket, ObjectLockMode } from "./backup-bucket";
import { BackupKey } from "./backup-key";
import { EncryptedVault, type IBackupVault, type VaultImportOptions, type VaultLockProps } from "./encrypted-vault";
import { reachChecksAbove } from "../governance/reach";
import { regionOf } from "./aws-region";
import { AwsLimits } from "../policy/aws-backup";
import { checkConstructProps } from "../private/props";

/** Props of {@link ImmutableVault}. */
export interface ImmutableVaultProps {
  /** COMPLIANCE (nobody can shorten a lock) or GOVERNANCE (privileged users can). */
  readonly mode: ObjectLockMode;
  /**
   * Days every object version and every recovery point stays undeletable: the S3 default
   * retention and the vault lock minimum.
   */
  readonly days: number;
  /**
   * Vault lock maximum: no recovery point may be kept longer (up to 36500).
   * @default - no maximum
   */
  readonly maxRetentionDays?: number;
  /**
   * Compliance mode: days during which the vault lock can still be removed (at least 3).
   * @default 3
   */
  readonly changeableForDays?: number;
  /** @default true */
  readonly createBucket?: boolean;
  /** @default true */
  readonly createVault?: boolean;
  /** @default - derived from the construct id and path */
  readonly bucketName?: string;
  /** @default - derived from the construct id and path */
  readonly vaultName?: string;
  /**
   * The key for the bucket and the vault.
   * @default - a new {@link BackupKey} (then `accountId` is required)
   */
  readonly kmsKey?: BackupKey;
  /**
   * The account id: for the policy of the key this construct creates, and (with `region`)
   * for a vault ARN known at synth time.
   * @default - none; required when `kmsKey` is not given
   */
  readonly accountId?: string;
  /**
   * Days noncurrent object versions are kept.
   * @default - the lock period
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Terraform `prevent_destroy` on the bucket, the vault and the key this construct creates.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /** The region, for documents and KMS conditions. @default - unknown */
  readonly region?: string;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Storage whose contents cannot be deleted early: an S3 bucket created with Object Lock
 * (default retention `days` in `mode`), versioned, SSE-KMS with a customer-managed key,
 * public access blocked, TLS only, its lifecycle expiring noncurrent versions after the lock
 * period; and beside it an AWS Backup vault with the same key, a vault lock with `days` as
 * minimum (compliance mode with a grace period of `changeableForDays`), and a vault policy
 * that denies deleting recovery points and changing their lifecycle.
 *
 * MFA delete cannot be set by Terraform (only the root user with an MFA device can set it);
 * see docs/aws.md for the manual step.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class ImmutableVault extends Construct implements IBackupVault {
  /** An existing locked vault, by ARN; pass its `lock` so that rules are checked against it. */
  public static fromVaultArn(
    scope: Construct,
    id: string,
    vaultArn: string,
    options: VaultImportOptions = {},
  ): IBackupVault {
    return EncryptedVault.fromVaultArn(scope, id, vaultArn, options);
  }

  /** An existing locked vault, by name; pass its `lock` so that rules are checked against it. */
  public static fromVaultName(
    scope: Construct,
    id: string,
    vaultName: string,
    options: VaultImportOptions = {},
  ): IBackupVault {
    return EncryptedVault.fromVaultName(scope, id, vaultName, options);
  }

  /** The key of the bucket and the vault. @attribute */
  public readonly kmsKeyArn: string;
  private readonly bucketPart?: BackupBucket;
  private readonly vaultPart?: EncryptedVault;
  /** The key this construct created, when none was given. */
  public readonly key?: BackupKey;
  public readonly mode: ObjectLockMode;
  public readonly days: number;
  /** The region: as given, or that of its provider (or of the stack's default AWS provider), when known. */
  public readonly region?: string;

  constructor(scope: Construct, id: string, props: ImmutableVaultProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "ImmutableVault", props);
    const createBucket = props.createBucket ?? true;
    const createVault = props.createVault ?? true;
    if (!createBucket && !createVault) throw Errors.immutableVaultEmpty(this.node.path);
    // Judged here, so that the message names this construct's prop (not its bucket's objectLock.days or its vault's lock).
    const days = props.days;
    if (
      !Token.isUnresolved(days) &&
      (!Number.isInteger(days) || days < AwsLimits.lockMinDays || days > AwsLimits.lockMaxDays)
    )
      throw Errors.immutableVaultDays(this.node.path, days);
    this.mode = props.mode;
    this.days = props.days;
    this.region = regionOf(this, props.region, props.provider);
    const preventDestroy = props.preventDestroy ?? true;
    if (props.kmsKey) {
      this.kmsKeyArn = props.kmsKey.keyArn;
    } else {
      if (!props.accountId) throw Errors.accountIdRequired(this.node.path, "the key an ImmutableVault creates");
      this.key = new BackupKey(this, "Key", {
        accountId: props.accountId,
        partition: props.partition,
        preventDestroy,
        description: `Encrypts the immutable backups of ${this.node.path}`,
        provider: props.provider,
        tags: props.tags,
      });
      this.kmsKeyArn = this.key.keyArn;
    }
    const suffix = this.node.addr.slice(-8);
    if (createBucket)
      this.bucketPart = this.createBucket(
        props,
        props.bucketName ?? `${id.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${suffix}`,
        preventDestroy,
      );
    if (createVault) {
      this.vaultPart = new EncryptedVault(this, "Vault", {
        vaultName: props.vaultName ?? `${id}-${suffix}`,
        kmsKeyArn: this.kmsKeyArn,
        lock: {
          mode: props.mode,
          minRetentionDays: props.days,
          maxRetentionDays: props.maxRetentionDays,
          changeableForDays: props.changeableForDays,
        },
        preventDestroy,
        region: props.region,
        accountId: props.accountId,
        partition: props.partition,
        provider: props.provider,
        tags: props.tags,
      });
    }
  }

  /**
   * The locked bucket: always there unless `createBucket` is false (then reading it throws
   * CON-010; `hasBucket` says which).
   */
  public get bucket(): BackupBucket {
    if (!this.bucketPart) throw Errors.partNotCreated(this.node.path, "bucket", "createBucket");
    return this.bucketPart;
  }

  /** The locked vault: always there unless `createVault` is false (then reading it throws AWS-041; `hasVault` says which). */
  public get vault(): EncryptedVault {
    return this.lockedVault();
  }

  /** Whether this ImmutableVault created its bucket (`createBucket`, default true). */
  public get hasBucket(): boolean {
    return this.bucketPart !== undefined;
  }

  /** Whether this ImmutableVault created its vault (`createVault`, default true). */
  public get hasVault(): boolean {
    return this.vaultPart !== undefined;
  }

  /** The locked vault's name (AWS-041 when `createVault` is false). @attribute */
  public get vaultName(): string {
    return this.lockedVault().vaultName;
  }

  /** The locked vault's ARN. @attribute */
  public get vaultArn(): string {
    return this.lockedVault().vaultArn;
  }

  /** The locked vault's name, when known at synth time. */
  public get literalName(): string | undefined {
    return this.vaultPart?.literalName;
  }

  /** The vault lock: minimum `days`, maximum `maxRetentionDays`. */
  public get lock(): VaultLockProps | undefined {
    return this.vaultPart?.lock;
  }

  /** The vault and its lock. */
  public get dependables(): readonly ITerraformDependable[] {
    return this.vaultPart?.dependables ?? [];
  }

  protected createBucket(props: ImmutableVaultProps, bucketName: string, preventDestroy: boolean): BackupBucket {
    return new BackupBucket(this, "Bucket", {
      bucketName,
      kmsKeyArn: this.kmsKeyArn,
      objectLock: { mode: props.mode, days: props.days },
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      preventDestroy,
      region: props.region,
      partition: props.partition,
      provider: props.provider,
      tags: props.tags,
    });
  }

  private lockedVault(): EncryptedVault {
    if (!this.vaultPart) throw Errors.vaultNotCreated(this.node.path);
    return this.vaultPart;
  }
}
