import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

/** Characters S3 documents as safe in object keys. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html */
const SAFE_KEY = /^[A-Za-z0-9!_.*'()/-]*$/;

export const stateKeyPrefix: GovernanceRule = {
  id: "GOV-121",
  name: "state-key-prefix",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`state.keyPrefix` gives every stack a state key the S3 backend accepts.",
  explanation:
    "Each stack's state key is `<keyPrefix><stack name>.tfstate`. Terraform's S3 backend refuses a key that starts with `/` or contains `//`, and keys outside S3's safe characters (letters, digits, `! - _ . * ' ( ) /`) need URL encoding in every tool that reads them (the AWS CLI, IAM policy resources). A `..` segment would point outside the prefix an IAM policy grants.",
  check({ catalog }) {
    if (!catalog.state || catalog.invalidSections.has("state")) return [];
    const prefix = catalog.state.keyPrefix;
    const out: Violation[] = [];
    const add = (message: string) =>
      out.push({
        path: ["state", "keyPrefix"],
        message: `\`state.keyPrefix\` \`${prefix}\` ${message}`,
        fix: "use a prefix such as `backup-gov/` or `estates/homelab/`: safe characters, no leading `/`, no `//`, no `..` segment",
      });
    if (prefix.startsWith("/")) add("starts with `/`, which the S3 backend refuses in a key");
    if (prefix.includes("//")) add("contains `//`, which the S3 backend refuses in a key");
    if (prefix.split("/").includes("..")) add("has a `..` segment");
    if (!SAFE_KEY.test(prefix)) add("has characters outside S3's safe set (letters, digits, `! - _ . * ' ( ) /`)");
    return out;
  },
};
