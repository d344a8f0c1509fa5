import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { Construct, type TerraformProvider } from "../core/cdk";
import { PolicyEffect, type PolicyStatement, renderPolicy } from "../core/iam-policy";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** An S3 location Velero may use: a bucket prefix and the bucket's KMS key. */
export interface VeleroBucketAccess {
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  readonly region: string;
}

/** Props of {@link VeleroIdentity}. */
export interface VeleroIdentityProps {
  /** The IAM user name. */
  readonly userName: string;
  /** The bucket Velero writes to. */
  readonly bucket: VeleroBucketAccess;
  /** The key prefix the identity is confined to, e.g. `prod/`. */
  readonly prefix: string;
  /**
   * The offsite replica, readable (never writable) for restores when the primary region is lost.
   * @default - none
   */
  readonly offsite?: VeleroBucketAccess;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The AWS identity of Velero in one cluster: an IAM user whose inline policy reaches only the
 * cluster's prefix (list, read, write, delete what Velero and Kopia write there) and the
 * bucket's key through S3. No Object Lock, retention or bypass right: Velero's own deletes
 * only add delete markers, and locked versions outlive them. No access key is created here
 * (it would sit in the Terraform state): the SOP creates it into the cluster's secret.
 *
 * @see https://github.com/vmware-tanzu/velero-plugin-for-aws#set-permissions-for-velero
 */
export class VeleroIdentity extends Construct {
  /** @attribute */
  public readonly user: IamUser;
  /** The inline policy statements, for documents and tests. */
  public readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: VeleroIdentityProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "VeleroIdentity", props);
    this.statements = veleroStatements(props);
    this.user = new IamUser(this, "Resource", {
      name: props.userName,
      path: "/backup-gov/",
      provider: props.provider,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    new IamUserPolicy(this, "Policy", {
      user: this.user.name,
      name: "velero",
      policy: renderPolicy(this.statements),
      provider: props.provider,
    });
  }
}

/** Least privilege on one prefix. */
export function veleroStatements(props: Pick<VeleroIdentityProps, "bucket" | "prefix" | "offsite">): PolicyStatement[] {
  const prefix = props.prefix.endsWith("/") ? props.prefix : `${props.prefix}/`;
  const tls = { Bool: { "aws:SecureTransport": "true" } };
  const viaS3 = (region: string) => ({ StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } });
  const listOwn = () => ({ ...tls, StringLike: { "s3:prefix": [prefix, `${prefix}*`] } });
  const out: PolicyStatement[] = [
    {
      sid: "ListClusterPrefix",
      effect: PolicyEffect.ALLOW,
      actions: ["s3:ListBucket"],
      resources: [props.bucket.bucketArn],
      conditions: listOwn(),
    },
    {
      sid: "ObjectsOfClusterPrefix",
      effect: PolicyEffect.ALLOW,
      // Velero expires backups by TTL and Kopia maintenance drops unused packs: DeleteObject stays within the prefix.
      actions: [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
      ],
      resources: [`${props.bucket.bucketArn}/${prefix}*`],
      conditions: tls,
    },
    {
      sid: "BucketKey",
      effect: PolicyEffect.ALLOW,
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: [props.bucket.kmsKeyArn],
      conditions: viaS3(props.bucket.region),
    },
  ];
  if (props.offsite) {
    out.push(
      {
        sid: "ListOffsitePrefix",
        effect: PolicyEffect.ALLOW,
        actions: ["s3:ListBucket"],
        resources: [props.offsite.bucketArn],
        conditions: listOwn(),
      },
      {
        sid: "ReadOffsiteObjects",
        effect: PolicyEffect.ALLOW,
        actions: ["s3:GetObject"],
        resources: [`${props.offsite.bucketArn}/${prefix}*`],
        conditions: tls,
      },
      {
        sid: "OffsiteKey",
        effect: PolicyEffect.ALLOW,
        actions: ["kms:Decrypt"],
        resources: [props.offsite.kmsKeyArn],
        conditions: viaS3(props.offsite.region),
      },
    );
  }
  return out;
}
