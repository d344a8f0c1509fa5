import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * Why a name is not a valid S3 general purpose bucket name, or undefined when it is.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `it is ${name.length} characters long; S3 allows 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "only lowercase letters, digits, `.` and `-` are allowed";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "it must begin and end with a letter or digit";
  if (name.includes("..")) return "it contains two adjacent periods";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "it is formatted as an IP address";
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
  if (prefix) return `the prefix \`${prefix}\` is reserved by S3`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => name.endsWith(s));
  if (suffix) return `the suffix \`${suffix}\` is reserved by S3`;
  return undefined;
}

export const stateBucketName: GovernanceRule = {
  id: "GOV-120",
  name: "state-bucket-name",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`state.bucket` is a valid S3 general purpose bucket name.",
  explanation:
    "Every stack's Terraform state lives in this bucket. S3 bucket names are 3–63 lowercase letters, digits, `.` and `-`, begin and end with a letter or digit, have no `..`, are not formatted as an IP address, and avoid the prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) and suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`) S3 reserves. A name S3 cannot hold fails every pipeline's `terraform init`, for every stack at once.",
  check({ catalog }) {
    if (!catalog.state || catalog.invalidSections.has("state")) return [];
    const problem = s3BucketNameProblem(catalog.state.bucket);
    return problem
      ? [
          {
            path: ["state", "bucket"],
            message: `\`state.bucket\` \`${catalog.state.bucket}\` is not a valid S3 bucket name: ${problem}`,
            fix: "name the existing state bucket exactly as S3 shows it (lowercase, 3-63 characters)",
          },
        ]
      : [];
  },
};
