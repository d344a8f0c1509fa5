import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { AuditTrail } from "../../lib/constructs/audit-trail";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

const props = {
  trailName: "estate-backup-audit",
  bucketName: "estate-audit-123456789012",
  accountId: "123456789012",
  region: "us-east-1",
};
const TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/estate-backup-audit";

describe("AuditTrail", () => {
  it("records management events in every region, with log file validation, encrypted with its own key", () => {
    const { json, resources } = synthAws((s) => new AuditTrail(s, "Audit", props));
    expect(json).toHaveResourceWithProperties(Cloudtrail, {
      name: "estate-backup-audit",
      enable_log_file_validation: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
      kms_key_id: expect.stringMatching(/aws_kms_key\.Audit_Key_.*\.arn/),
      advanced_event_selector: [
        { name: expect.any(String), field_selector: [{ field: "eventCategory", equals: ["Management"] }] },
      ],
    });
    expect(ofType(resources, "aws_cloudtrail")[0].depends_on).toEqual([
      expect.stringMatching(/aws_s3_bucket_policy\.Audit_Bucket_Policy/),
    ]);
  });

  it("records the object events of the backup buckets", () => {
    const { resources } = synthAws((s) => {
      const t = new AuditTrail(s, "Audit", { ...props, dataEventBucketArns: ["arn:aws:s3:::estate-app"] });
      t.addDataEventBucket("arn:aws:s3:::estate-app-replica");
      t.addDataEventBucket("arn:aws:s3:::estate-app");
    });
    const data = ofType(resources, "aws_cloudtrail")[0].advanced_event_selector[1];
    expect(data.field_selector).toEqual([
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
      { field: "resources.ARN", starts_with: ["arn:aws:s3:::estate-app/", "arn:aws:s3:::estate-app-replica/"] },
    ]);
  });

  it("delivers into a bucket locked in compliance mode for a year by default, writable by this trail only", () => {
    const { resources } = synthAws((s) => new AuditTrail(s, "Audit", props));
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].rule.default_retention).toEqual({
      mode: "COMPLIANCE",
      days: 365,
    });
    expect(ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0].expiration).toEqual([{ days: 365 }]);
    const st = policyOf(ofType(resources, "aws_s3_bucket_policy")[0].policy).Statement;
    const write = st.find((x) => x.Sid === "CloudTrailWritesLogs")!;
    expect(write).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::estate-audit-123456789012/AWSLogs/123456789012/*",
    });
    expect(write.Condition.StringEquals["aws:SourceArn"]).toBe(TRAIL);
    expect(st.map((x) => x.Sid)).toEqual(expect.arrayContaining(["DenyInsecureTransport", "CloudTrailChecksAcl"]));
  });

  it("lets CloudTrail use the key for this trail only", () => {
    const { resources } = synthAws(
      (s) => new AuditTrail(s, "Audit", { ...props, lockMode: ObjectLockMode.GOVERNANCE, retentionDays: 90 }),
    );
    const st = policyOf(ofType(resources, "aws_kms_key")[0].policy).Statement;
    const enc = st.find((x) => x.Sid === "CloudTrailEncryptsLogs")!;
    expect(enc).toMatchObject({
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey",
      Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
    });
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].rule.default_retention).toEqual({
      mode: "GOVERNANCE",
      days: 90,
    });
  });

  it("refuses a trail name CloudTrail would refuse (AWS-021)", () => {
    expect(() => synthAws((s) => new AuditTrail(s, "Audit", { ...props, trailName: "-x" }))).toThrow(/AWS-021/);
  });
});
