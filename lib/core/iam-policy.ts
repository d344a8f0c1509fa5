/**
 * IAM policy documents as typed data: the constructs build their key, bucket, vault and role
 * policies from these statements, and one renderer turns them into the JSON AWS expects
 * (deterministic key order, so that plans do not show spurious diffs).
 */

/** Allow or deny. */
export enum PolicyEffect {
  ALLOW = "Allow",
  DENY = "Deny",
}

/** Who a resource policy statement applies to. */
export interface PolicyPrincipals {
  /** Account roots, roles or users (ARNs). */
  readonly aws?: readonly string[];
  /** AWS service principals such as `cloudtrail.amazonaws.com`. */
  readonly service?: readonly string[];
  /** Everyone (`"Principal": {"AWS": "*"}`): for Deny statements, or an Allow narrowed by a condition on `aws:PrincipalArn`. @default false */
  readonly anyone?: boolean;
}

/** One statement of a policy document. Actions are always named; wildcards are for Deny only. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: PolicyEffect;
  /** Resource policies only; identity policies have no principal. */
  readonly principals?: PolicyPrincipals;
  readonly actions: readonly string[];
  /** Empty for trust policies, which name no resource. */
  readonly resources: readonly string[];
  /** `{ operator: { key: value } }`, e.g. `{ Bool: { "aws:SecureTransport": "false" } }`. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Renders statements as an IAM policy document (JSON). Values may hold Terraform tokens. */
export function renderPolicy(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect,
      ...(s.principals ? { Principal: renderPrincipals(s.principals) } : {}),
      Action: one(s.actions),
      // Trust policies have no resource.
      ...(s.resources.length ? { Resource: one(s.resources) } : {}),
      ...(s.conditions && Object.keys(s.conditions).length ? { Condition: s.conditions } : {}),
    })),
  });
}

function renderPrincipals(p: PolicyPrincipals): unknown {
  if (p.anyone) return { AWS: "*" };
  return { ...(p.aws?.length ? { AWS: one(p.aws) } : {}), ...(p.service?.length ? { Service: one(p.service) } : {}) };
}

function one(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? values[0] : values;
}

/** `*` or `service:*`: an action that names nothing. */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
