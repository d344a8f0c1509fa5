/**
 * The access matrix's key column proven by a real IAM policy evaluator (@cloud-copilot/iam-simulate, AGPL:
 * a devDependency used by tests only, never imported from lib/). Every principal the default catalog's
 * stacks create, plus an account administrator and the break-glass role, is evaluated against the
 * synthesized key policies and the principal's own synthesized identity policies.
 *
 * Covered here: "disable or delete a key" (kms:ScheduleKeyDeletion, kms:DisableKey) and "decrypt" for the
 * administrator; every S3 cell (back up, restore, delete marker, delete versions, bypass governance, change a
 * lock) of every bucket row, against the bucket's synthesized policy. NOT covered yet: the vault cells
 * (AWS Backup actions, restore with iam:PassRole) and the AWS managed policies' statements.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { accessOf, breakGlassOf, Capability, CAPABILITY_ACTIONS, renderAccessMatrix } from "../../lib/artifacts/access-matrix";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { DEFAULT_CATALOG } from "../support/catalogs";
import { scratch } from "../support/tools";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ACCOUNT = "123456789012";

const out = scratch("access-sim");
const result = synthesizeCatalog(DEFAULT_CATALOG, out);
const stackName = result.stacks.find((s) => s.endsWith("-aws"))!;
const stack = JSON.parse(readFileSync(join(out, "stacks", stackName, "cdk.tf.json"), "utf8")) as Json;
const res = (type: string): Array<[string, Json]> => Object.entries((stack.resource?.[type] ?? {}) as Record<string, Json>);

/** Terraform references as the ARNs they become (this account; keys by logical name). */
function resolve(text: string): string {
  return text.replace(/\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g, (_m, type: string, name: string, attr: string) => {
    const r = (stack.resource?.[type] ?? {})[name] as Json | undefined;
    if (type === "aws_kms_key") return `arn:aws:kms:us-east-1:${ACCOUNT}:key/${name}`;
    if (type === "aws_s3_bucket") return attr === "arn" ? `arn:aws:s3:::${r?.bucket}` : String(r?.bucket);
    if (type === "aws_backup_vault") return `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:${r?.name}`;
    if (type === "aws_iam_role") return `arn:aws:iam::${ACCOUNT}:role/${r?.name ?? name}`;
    return `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;
  });
}

/** An aws_iam_policy_document data source as policy JSON. */
function documentJson(name: string): Json {
  const d = stack.data.aws_iam_policy_document[name] as Json;
  return {
    Version: "2012-10-17",
    Statement: (d.statement as Json[]).map((s) => ({
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      Resource: s.resources ?? "*",
      ...(s.condition ? { Condition: Object.fromEntries((s.condition as Json[]).map((c) => [c.test, { [c.variable]: c.values }])) } : {}),
    })),
  };
}

function policyJson(value: string): Json {
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(value);
  return JSON.parse(resolve(JSON.stringify(ref ? documentJson(ref[1]) : JSON.parse(value))));
}

/** Every role and user the stack creates, with its inline identity policies. */
function principals(): Array<{ arn: string; name: string; policies: Json[] }> {
  const out: Array<{ arn: string; name: string; policies: Json[] }> = [];
  for (const [addr, r] of res("aws_iam_role")) {
    const name = String(r.name ?? addr);
    const policies = res("aws_iam_role_policy").filter(([, p]) => String(p.role).includes(`aws_iam_role.${addr}.`) || p.role === r.name).map(([, p]) => policyJson(String(p.policy)));
    out.push({ arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name, policies });
  }
  for (const [addr, r] of res("aws_iam_user")) {
    const policies = res("aws_iam_user_policy").filter(([, p]) => String(p.user).includes(`aws_iam_user.${addr}.`) || p.user === r.name).map(([, p]) => policyJson(String(p.policy)));
    out.push({ arn: `arn:aws:iam::${ACCOUNT}:user/${r.name}`, name: String(r.name), policies });
  }
  return out;
}

const ADMIN_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

async function decide(principal: string, identity: Json[], action: string, keyAddr: string, keyPolicy: Json): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: keyPolicy,
    request: {
      principal,
      action,
      resource: { accountId: ACCOUNT, resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyAddr}` },
      // The evaluator does not derive request keys from the principal yet: pass the one the key policies test.
      contextVariables: { "aws:PrincipalArn": principal },
    },
  } as Simulation;
  const r = await runSimulation(simulation, {});
  if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

describe("the access matrix's key column, evaluated by a real IAM policy evaluator", () => {
  const keys = res("aws_kms_key").map(([addr, k]) => [addr, policyJson(String(k.policy))] as const);
  const breakGlass = breakGlassOf({ [stackName]: stack });
  const access = accessOf({ [stackName]: stack });
  const md = renderAccessMatrix("homelab", { [stackName]: stack });

  it("finds every key and the break-glass principal the catalog names", () => {
    expect(keys.length).toBeGreaterThan(2);
    expect(breakGlass).toBe(`arn:aws:iam::${ACCOUNT}:role/backup-break-glass`);
  });

  it("an account administrator may decrypt with every key but neither disable nor delete one; the break-glass role may, as the matrix says", async () => {
    // Source: AWS KMS Developer Guide, "Default key policy" (a key policy that allows the account root lets IAM
    // policies grant access) and "Determining access to a KMS key"; IAM User Guide, "Policy evaluation logic"
    // (an explicit Deny overrides every Allow).
    const admin = `arn:aws:iam::${ACCOUNT}:role/ops-admin`;
    for (const [addr, policy] of keys) {
      for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey"]) {
        expect([addr, action, await decide(admin, [ADMIN_POLICY], action, addr, policy)]).toEqual([addr, action, "ExplicitlyDenied"]);
        expect([addr, action, await decide(breakGlass!, [ADMIN_POLICY], action, addr, policy)]).toEqual([addr, action, "Allowed"]);
      }
      expect(await decide(admin, [ADMIN_POLICY], "kms:Decrypt", addr, policy)).toBe("Allowed");
    }
    const adminRow = md.split("\n").find((l) => l.startsWith("| account administrator"))!;
    const cells = adminRow.split("|").map((c) => c.trim());
    expect(cells).toContain(`only \`${breakGlass}\``);
  });

  it("every principal the stacks create: the simulator's answer on key deletion equals the matrix cell (empty)", async () => {
    const created = principals();
    expect(created.length).toBe(access.length);
    for (const p of created) {
      const row = access.find((a) => a.name === p.name)!;
      const matrixSays = [...row.grants.values()].some((s) => s.has(Capability.KEY_DELETION));
      for (const [addr, policy] of keys) {
        const verdict = await decide(p.arn, p.policies, "kms:ScheduleKeyDeletion", addr, policy);
        expect({ principal: p.name, key: addr, allowed: verdict === "Allowed" }).toEqual({ principal: p.name, key: addr, allowed: matrixSays });
      }
    }
  });

  it("every S3 cell of every bucket row equals the simulator's answer under the bucket's own policy", async () => {
    // Source: IAM User Guide, "Policy evaluation logic" (same-account: identity or resource policy allows, no
    // explicit deny); S3 User Guide, "Bucket policies". Requests are made over TLS with SSE-KMS, as the tools do.
    const bucketPolicies = new Map<string, Json>();
    for (const [, r] of res("aws_s3_bucket_policy")) bucketPolicies.set(resolve(String(r.bucket)), policyJson(String(r.policy)));
    const created = principals();
    const bucketLevel = new Set(["s3:PutBucketObjectLockConfiguration", "s3:DeleteBucket"]);
    const s3Columns = CAPABILITY_ACTIONS.filter(([, actions]) => actions.some((a) => a.startsWith("s3:")));
    let cells = 0;
    for (const p of created) {
      const row = access.find((a) => a.name === p.name)!;
      for (const [target, caps] of row.grants) {
        const m = /^bucket (\S+)(?: (.*))?$/.exec(target);
        if (!m) continue;
        const [, bucket, prefix] = m;
        const object = `arn:aws:s3:::${bucket}/${(prefix ?? "").replace(/\*$/, "")}probe`;
        for (const [cap, actions] of s3Columns) {
          let allowed = false;
          for (const action of actions.filter((a) => a.startsWith("s3:"))) {
            const simulation = {
              identityPolicies: p.policies.map((policy, i) => ({ name: `p${i}`, policy })),
              serviceControlPolicies: [],
              resourceControlPolicies: [],
              resourcePolicy: bucketPolicies.get(bucket),
              request: {
                principal: p.arn,
                action,
                resource: { accountId: ACCOUNT, resource: bucketLevel.has(action) ? `arn:aws:s3:::${bucket}` : object },
                contextVariables: { "aws:PrincipalArn": p.arn, "aws:SecureTransport": "true", ...(action === "s3:PutObject" ? { "s3:x-amz-server-side-encryption": "aws:kms" } : {}) },
              },
            } as Simulation;
            const r = await runSimulation(simulation, {});
            if (r.resultType === "error") throw new Error(`${p.name} ${action} ${target}: ${JSON.stringify(r.errors)}`);
            if (r.overallResult === "Allowed") allowed = true;
          }
          cells++;
          expect({ principal: p.name, target, cap, allowed }).toEqual({ principal: p.name, target, cap, allowed: caps.has(cap) });
        }
      }
    }
    expect(cells).toBeGreaterThan(20);
  });
});
