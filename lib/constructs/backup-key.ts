import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct, Lazy, type TerraformProvider, Token } from "../core/cdk";
import { PolicyEffect, type PolicyStatement, renderPolicy } from "../core/iam-policy";
import { at, Errors } from "../errors";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/**
 * What the account root may do with a backup key. Named one by one, because this library
 * writes no policy with a wildcard action; the list covers administration (so the key can
 * never become unmanageable: KMS refuses a policy that would lock out its own administrator)
 * and the use IAM policies delegate to roles (AWS Backup, S3 replication, backup writers).
 */
export const KEY_ADMIN_AND_USE_ACTIONS: readonly string[] = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/**
 * The construct context key naming the break-glass principal of every BackupKey below the
 * scope it is set on (an app, a stack): the estate sets it from `aws.breakGlassPrincipal`.
 */
export const BREAK_GLASS_CONTEXT = "cdktf-backup-governance:breakGlassPrincipalArn";

/**
 * The key actions that make every backup encrypted with the key unreadable, whatever locks
 * them: only the break-glass principal may call them where one is named.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 */
export const KEY_DESTRUCTIVE_ACTIONS: readonly string[] = ["kms:DisableKey", "kms:ScheduleKeyDeletion"];

/** Props of {@link BackupKey}. */
export interface BackupKeyProps {
  /**
   * The account whose root administers the key and delegates its use to IAM policies.
   * A literal or a Terraform variable; never looked up (plans stay offline).
   */
  readonly accountId: string;
  /**
   * Alias, with or without the `alias/` prefix.
   * @default - no alias
   */
  readonly alias?: string;
  /** @default "Encrypts backups" */
  readonly description?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7–30).
   * @default 30 - the longest chance to notice and cancel an accidental deletion
   */
  readonly deletionWindowInDays?: number;
  /**
   * Statements added to the key policy (for example a service principal that must use the
   * key directly, like CloudTrail). More can be added with {@link BackupKey.addToPolicy}.
   * @default - none
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Terraform `prevent_destroy`: losing the key loses every backup encrypted with it.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * The one IAM principal (role or user ARN) that may disable the key or schedule its deletion:
   * an explicit deny refuses both to everyone else, the account's administrators included.
   * (PutKeyPolicy stays with the account, or Terraform could not update the policy; the key
   * and lock guard alerts on it.)
   * @default - the construct context `BREAK_GLASS_CONTEXT`, else none: the account delegates both (GOV-220 warns)
   */
  readonly breakGlassPrincipalArn?: string;
  /** @default "aws" */
  readonly partition?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none (the provider's default tags still apply) */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A customer-managed KMS key for backups: rotation on, a 30-day deletion window, deletion
 * protection, and a key policy that names its actions.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export class BackupKey extends Construct {
  /** @attribute */
  public readonly key: KmsKey;
  /** @attribute */
  public readonly keyArn: string;
  /** @attribute */
  public readonly keyId: string;
  /** The alias name (`alias/...`), when one was given. @attribute */
  public readonly aliasName?: string;
  private readonly statements: PolicyStatement[];
  private readonly props: BackupKeyProps;

  constructor(scope: Construct, id: string, props: BackupKeyProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "BackupKey", props);
    this.props = props;
    const window = props.deletionWindowInDays ?? 30;
    if (!Token.isUnresolved(window) && (!Number.isInteger(window) || window < 7 || window > 30))
      throw at(this, Errors.kmsDeletionWindow(window));
    const partition = props.partition ?? "aws";
    this.statements = [
      {
        sid: "AccountAdministersAndDelegatesUse",
        effect: PolicyEffect.ALLOW,
        principals: { aws: [`arn:${partition}:iam::${props.accountId}:root`] },
        actions: KEY_ADMIN_AND_USE_ACTIONS,
        resources: ["*"],
      },
      ...(props.statements ?? []),
    ];
    const breakGlass =
      props.breakGlassPrincipalArn ?? (this.node.tryGetContext(BREAK_GLASS_CONTEXT) as string | undefined);
    if (breakGlass) {
      this.statements.push({
        sid: "OnlyBreakGlassDisablesOrDeletes",
        effect: PolicyEffect.DENY,
        principals: { anyone: true },
        actions: KEY_DESTRUCTIVE_ACTIONS,
        resources: ["*"],
        conditions: { ArnNotEquals: { "aws:PrincipalArn": breakGlass } },
      });
    }
    this.key = this.createKey(window);
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    if (props.alias) {
      this.aliasName = props.alias.startsWith("alias/") ? props.alias : `alias/${props.alias}`;
      new KmsAlias(this, "Alias", { name: this.aliasName, targetKeyId: this.key.keyId, provider: props.provider });
    }
  }

  /** Adds a statement to the key policy. */
  public addToPolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  protected createKey(deletionWindowInDays: number): KmsKey {
    return new KmsKey(this, "Resource", {
      description: this.props.description ?? "Encrypts backups",
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements) }),
      provider: this.props.provider,
      tags: this.props.tags ? { ...this.props.tags } : undefined,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? true },
    });
  }
}
