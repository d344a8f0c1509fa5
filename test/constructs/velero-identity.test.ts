import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { VeleroIdentity } from "../../lib/constructs/velero-identity";
import { isWildcardAction } from "../../lib/core/iam-policy";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

const bucket = {
  bucketArn: "arn:aws:s3:::estate-velero",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  region: "us-east-1",
};

describe("VeleroIdentity", () => {
  it("GIVEN a bucket and a prefix WHEN synthesized THEN one IAM user whose inline policy reaches only that prefix and the key through S3", () => {
    const { json, resources } = synthAws(
      (s) => new VeleroIdentity(s, "Velero", { userName: "estate-velero-prod", bucket, prefix: "prod" }),
    );
    expect(json).toHaveResourceWithProperties(IamUser, { name: "estate-velero-prod", path: "/backup-gov/" });
    expect(ofType(resources, "aws_iam_access_key")).toHaveLength(0);
    const doc = policyOf(ofType(resources, "aws_iam_user_policy")[0].policy);
    expect(doc.Statement).toEqual([
      {
        Sid: "ListClusterPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucket.bucketArn,
        Condition: { Bool: { "aws:SecureTransport": "true" }, StringLike: { "s3:prefix": ["prod/", "prod/*"] } },
      },
      {
        Sid: "ObjectsOfClusterPrefix",
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: `${bucket.bucketArn}/prod/*`,
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      },
      {
        Sid: "BucketKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: bucket.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  it("reads, never writes, the offsite replica; names no wildcard action and no lock or version-delete right", () => {
    const offsite = {
      bucketArn: "arn:aws:s3:::estate-velero-replica",
      kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/r",
      region: "us-west-2",
    };
    const id = { statements: [] as readonly { actions: readonly string[]; resources: readonly string[] }[] };
    synthAws((s) => {
      id.statements = new VeleroIdentity(s, "Velero", { userName: "u", bucket, prefix: "prod/", offsite }).statements;
    });
    const onReplica = id.statements.filter((st) =>
      st.resources.some((r) => r.startsWith(offsite.bucketArn) || r === offsite.kmsKeyArn),
    );
    expect(onReplica.flatMap((st) => st.actions).sort()).toEqual(["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]);
    for (const a of id.statements.flatMap((st) => st.actions)) {
      expect(isWildcardAction(a)).toBe(false);
      expect(a).not.toMatch(/Retention|LegalHold|ObjectLock|Bypass|DeleteObjectVersion/);
    }
  });
});
