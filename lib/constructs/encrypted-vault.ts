import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { Construct, type IConstruct, type ITerraformDependable, type TerraformProvider, Token } from "../core/cdk";
import { PolicyEffect, renderPolicy } from "../core/iam-policy";
import { at, Errors } from "../errors";
import { AwsLimits } from "../policy/aws-backup";
import { ObjectLockMode } from "./backup-bucket";
import { reachChecksAbove } from "../governance/reach";
import { regionOf } from "./aws-region";
import { checkConstructProps } from "../private/props";

/** AWS Backup Vault Lock settings. */
export interface VaultLockProps {
  /**
   * COMPLIANCE: after the grace period nobody can remove the lock or delete points early.
   * GOVERNANCE: users with `backup:DeleteBackupVaultLockConfiguration` can remove it.
   */
  readonly mode: ObjectLockMode;
  /** Every point stays at least this many days (1–36500). */
  readonly minRetentionDays: number;
  /**
   * No point may be kept longer (up to 36500 days).
   * @default - no maximum
   */
  readonly maxRetentionDays?: number;
  /**
   * Compliance mode only: days (at least 3) during which the lock can still be removed.
   * @default 3
   */
  readonly changeableForDays?: number;
}

/**
 * An AWS Backup vault that plans, copy actions, restore tests and monitoring refer to: one
 * this app creates ({@link EncryptedVault}, {@link ImmutableVault}) or an existing one
 * ({@link EncryptedVault.fromVaultArn}, {@link EncryptedVault.fromVaultName}).
 */
export interface IBackupVault extends IConstruct {
  /** The vault name. @attribute */
  readonly vaultName: string;
  /** The vault ARN (a literal when known at synth time, else a reference). @attribute */
  readonly vaultArn: string;
  /**
   * The vault name when it is known at synth time (not a token): for construct ids, alarm
   * names and metric dimensions that must be literal.
   */
  readonly literalName?: string;
  /**
   * The vault's lock, when it is locked and the lock is known: rules and copy actions
   * writing to it are checked against its range (GOV-019) when they are added.
   */
  readonly lock?: VaultLockProps;
  /** The vault's region, when known. */
  readonly region?: string;
  /**
   * What a resource writing to the vault waits for (the vault and its lock, when this app
   * creates them); empty for an imported vault.
   */
  readonly dependables: readonly ITerraformDependable[];
}

/** What is known of an existing vault. */
export interface VaultImportOptions {
  /**
   * The vault's lock, so that rules writing to it are checked against its range.
   * @default - unknown: no lock check
   */
  readonly lock?: VaultLockProps;
  /** @default - unknown (from the ARN with fromVaultArn) */
  readonly region?: string;
  /** With `region`, makes the ARN of fromVaultName a literal. @default - unknown */
  readonly accountId?: string;
  /** @default "aws" */
  readonly partition?: string;
}

/** Props of {@link EncryptedVault}. */
export interface EncryptedVaultProps {
  /** @default - derived from the construct id */
  readonly vaultName?: string;
  /** The customer-managed KMS key recovery points are encrypted with. */
  readonly kmsKeyArn: string;
  /** @default - no lock */
  readonly lock?: VaultLockProps;
  /**
   * A vault access policy that denies `backup:DeleteRecoveryPoint` and
   * `backup:UpdateRecoveryPointLifecycle` to everyone: points leave only by their lifecycle.
   * @default true
   */
  readonly blockRecoveryPointDeletion?: boolean;
  /**
   * Terraform `prevent_destroy` on the vault.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * The vault's region and account: with both (and a literal name) the vault ARN is known
   * at synth time, so plans show where copy actions and restore tests point.
   * @default - unknown; `vaultArn` is a reference
   */
  readonly region?: string;
  /** @default - unknown */
  readonly accountId?: string;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none (the provider's default tags still apply) */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An AWS Backup vault encrypted with a customer-managed key, optionally locked, whose
 * recovery points nobody can delete or shorten by hand.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class EncryptedVault extends Construct implements IBackupVault {
  /**
   * An existing vault, by ARN (`arn:<partition>:backup:<region>:<account>:backup-vault:<name>`).
   * Creates nothing.
   */
  public static fromVaultArn(
    scope: Construct,
    id: string,
    vaultArn: string,
    options: VaultImportOptions = {},
  ): IBackupVault {
    const m = Token.isUnresolved(vaultArn)
      ? null
      : /^arn:[^:]+:backup:([^:]+):\d{12}:backup-vault:(.+)$/.exec(vaultArn);
    if (!Token.isUnresolved(vaultArn) && !m) throw Errors.invalidVaultArn(`${scope.node.path}/${id}`, vaultArn);
    const name = m ? m[2] : vaultArn;
    return new ImportedVault(scope, id, name, vaultArn, options.region ?? m?.[1], options.lock);
  }

  /**
   * An existing vault, by name. Its ARN is a literal when `region` and `accountId` are
   * given, else it is the name (plans and copy actions accept a name only for vaults of
   * their own Region and account). Creates nothing.
   */
  public static fromVaultName(
    scope: Construct,
    id: string,
    vaultName: string,
    options: VaultImportOptions = {},
  ): IBackupVault {
    if (!Token.isUnresolved(vaultName) && !AwsLimits.vaultName.test(vaultName))
      throw at(`${scope.node.path}/${id}`, Errors.invalidVaultName(vaultName));
    const known = options.region !== undefined && options.accountId !== undefined;
    const arn = known
      ? `arn:${options.partition ?? "aws"}:backup:${options.region}:${options.accountId}:backup-vault:${vaultName}`
      : vaultName;
    return new ImportedVault(scope, id, vaultName, arn, options.region, options.lock);
  }

  /** @attribute */
  public readonly vault: BackupVault;
  /** @attribute */
  public readonly vaultName: string;
  /** The vault ARN: a literal when name, region and account are known, else a reference. @attribute */
  public readonly vaultArn: string;
  /** The lock, when the vault is locked. */
  public readonly lock?: VaultLockProps;
  /** The vault's region: as given, or that of its provider (or of the stack's default AWS provider), when known. */
  public readonly region?: string;
  /** The name, when known at synth time. */
  public readonly literalName?: string;
  /** The vault and (when locked) its lock configuration. */
  public readonly dependables: readonly ITerraformDependable[];
  private readonly props: EncryptedVaultProps;

  constructor(scope: Construct, id: string, props: EncryptedVaultProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "EncryptedVault", props);
    this.props = props;
    const name = props.vaultName ?? `${id}-${this.node.addr.slice(-8)}`;
    if (!Token.isUnresolved(name) && !AwsLimits.vaultName.test(name)) throw at(this, Errors.invalidVaultName(name));
    if (props.lock) validateLock(props.lock, this.node.path);
    this.lock = props.lock;
    this.vault = this.createVault(name);
    this.vaultName = this.vault.name;
    const known = [name, props.region, props.accountId].every((v) => v !== undefined && !Token.isUnresolved(v));
    this.vaultArn = known
      ? `arn:${props.partition ?? "aws"}:backup:${props.region}:${props.accountId}:backup-vault:${name}`
      : this.vault.arn;
    this.region = regionOf(this, props.region, props.provider);
    this.literalName = Token.isUnresolved(name) ? undefined : name;
    const provider = props.provider;
    const dependables: ITerraformDependable[] = [this.vault];
    this.dependables = dependables;
    if (props.lock) {
      const compliance = props.lock.mode === ObjectLockMode.COMPLIANCE;
      // Jobs should find the lock in place: writers wait for it as well as for the vault.
      dependables.push(
        new BackupVaultLockConfiguration(this, "Lock", {
          backupVaultName: this.vault.name,
          minRetentionDays: props.lock.minRetentionDays,
          maxRetentionDays: props.lock.maxRetentionDays,
          // PROVIDER NOTE: the mode is implied: changeable_for_days set = compliance, unset = governance.
          changeableForDays: compliance ? (props.lock.changeableForDays ?? AwsLimits.lockChangeableMinDays) : undefined,
          provider,
        }),
      );
    }
    if (props.blockRecoveryPointDeletion ?? true) {
      new BackupVaultPolicy(this, "Policy", {
        backupVaultName: this.vault.name,
        policy: renderPolicy([
          {
            sid: "DenyManualRecoveryPointDeletion",
            effect: PolicyEffect.DENY,
            principals: { anyone: true },
            actions: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
            // Recovery point ARNs take each resource type's own form; the policy is scoped to this vault anyway.
            resources: ["*"],
          },
        ]),
        provider,
      });
    }
  }

  protected createVault(name: string): BackupVault {
    return new BackupVault(this, "Resource", {
      name,
      kmsKeyArn: this.props.kmsKeyArn,
      forceDestroy: false,
      provider: this.props.provider,
      tags: this.props.tags ? { ...this.props.tags } : undefined,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? true },
    });
  }
}

function validateLock(lock: VaultLockProps, path: string): void {
  const { minRetentionDays: min, maxRetentionDays: max } = lock;
  const literal = (n?: number) => n === undefined || !Token.isUnresolved(n);
  if (literal(min) && literal(max)) {
    const bad =
      !Number.isInteger(min) ||
      min < AwsLimits.lockMinDays ||
      (max !== undefined && (!Number.isInteger(max) || max > AwsLimits.lockMaxDays || max < min)) ||
      min > AwsLimits.lockMaxDays;
    if (bad) throw at(path, Errors.vaultLockRange(min, max === undefined ? "none" : String(max)));
  }
  const grace = lock.changeableForDays;
  if (grace !== undefined && !Token.isUnresolved(grace)) {
    if (
      lock.mode === ObjectLockMode.GOVERNANCE ||
      !Number.isInteger(grace) ||
      grace < AwsLimits.lockChangeableMinDays
    ) {
      throw at(path, Errors.vaultLockGrace(lock.mode.toLowerCase(), String(grace)));
    }
  }
}

/** A vault this app does not create. */
class ImportedVault extends Construct implements IBackupVault {
  public readonly dependables: readonly ITerraformDependable[] = [];
  public readonly literalName?: string;
  constructor(
    scope: Construct,
    id: string,
    public readonly vaultName: string,
    public readonly vaultArn: string,
    public readonly region?: string,
    public readonly lock?: VaultLockProps,
  ) {
    super(scope, id);
    reachChecksAbove(this);
    this.literalName = Token.isUnresolved(vaultName) ? undefined : vaultName;
    if (lock) validateLock(lock, this.node.path);
  }
}
