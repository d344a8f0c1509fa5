/**
 * The access matrix's key column proven by a real IAM policy evaluator (@cloud-copilot/iam-simulate, AGPL:
 * a devDependency used by tests only, never imported from lib/). Every principal the default catalog's
 * stacks create, plus an account administrator and the break-glass role, is evaluated against the
 * synthesized key policies and the principal's own synthesized identity policies.
 *
 * Every cell: each principal's identity policies (inline, plus the AWS managed policies it attaches, as
 * their documented statements in test/fixtures/aws-managed-policies/, each naming its AWS documentation page)
 * are evaluated against every bucket (with its bucket policy), vault and recovery point (with the vault access
 * policy) and key (with its key policy) of the stack, and against snapshot ARNs of the services AWS Backup
 * deletes through; the simulator's answer per capability must equal the matrix's cell. Restoring through AWS
 * Backup counts only with backup:StartRestoreJob AND iam:PassRole of the restore role to backup.amazonaws.com.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import {
  accessOf,
  breakGlassOf,
  Capability,
  CAPABILITY_ACTIONS,
  renderAccessMatrix,
  resourceDenials,
  targetNames,
} from "../../lib/artifacts/access-matrix";
import { LOCK_STEP_DAYS } from "../../lib/artifacts/app/spec";
import { LOCK_POLICY_NAME } from "../../lib/constructs/app-backup";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { DEFAULT_CATALOG } from "../support/catalogs";
import { scratch } from "../support/tools";

type Json = Record<string, any>;
const ACCOUNT = "123456789012";
// Hundreds of simulations per test: seconds on a loaded machine, beyond jest's 5 s default.
jest.setTimeout(120_000);

const out = scratch("access-sim");
const result = synthesizeCatalog(DEFAULT_CATALOG, out);
const stackName = result.stacks.find((s) => s.endsWith("-aws"))!;
const stack = JSON.parse(readFileSync(join(out, "stacks", stackName, "cdk.tf.json"), "utf8")) as Json;
const res = (type: string): Array<[string, Json]> =>
  Object.entries((stack.resource?.[type] ?? {}) as Record<string, Json>);

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
      ...(s.condition
        ? { Condition: Object.fromEntries((s.condition as Json[]).map((c) => [c.test, { [c.variable]: c.values }])) }
        : {}),
    })),
  };
}

function policyJson(value: string): Json {
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(value);
  return JSON.parse(resolve(JSON.stringify(ref ? documentJson(ref[1]) : JSON.parse(value))));
}

/** The AWS managed policies' documented statements (test fixtures, each naming its documentation page). */
const MANAGED_DIR = join(__dirname, "..", "fixtures", "aws-managed-policies");
const MANAGED_POLICIES: Record<string, Json> = Object.fromEntries(
  readdirSync(MANAGED_DIR).map((f) => {
    const { Version, Statement } = JSON.parse(readFileSync(join(MANAGED_DIR, f), "utf8")) as Json;
    return [f.replace(/\.json$/, ""), { Version, Statement }];
  }),
);

/** Every role and user the stack creates, with its inline identity policies and its AWS managed policies' statements. */
function principals(): Array<{ arn: string; name: string; policies: Json[] }> {
  const out: Array<{ arn: string; name: string; policies: Json[] }> = [];
  for (const [addr, r] of res("aws_iam_role")) {
    const name = String(r.name ?? addr);
    const policies = res("aws_iam_role_policy")
      .filter(([, p]) => String(p.role).includes(`aws_iam_role.${addr}.`) || p.role === r.name)
      .map(([, p]) => policyJson(String(p.policy)));
    for (const [, a] of res("aws_iam_role_policy_attachment").filter(([, x]) =>
      String(x.role).includes(`aws_iam_role.${addr}.`),
    )) {
      const managed = String(a.policy_arn).split("/").pop()!;
      // A managed policy without its documented statements here is a gap in the proof, not an empty policy.
      if (!MANAGED_POLICIES[managed])
        throw new Error(
          `no fixture for AWS managed policy ${managed} (add test/fixtures/aws-managed-policies/${managed}.json from its documentation page)`,
        );
      policies.push(MANAGED_POLICIES[managed]);
    }
    out.push({ arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name, policies });
  }
  for (const [addr, r] of res("aws_iam_user")) {
    const policies = res("aws_iam_user_policy")
      .filter(([, p]) => String(p.user).includes(`aws_iam_user.${addr}.`) || p.user === r.name)
      .map(([, p]) => policyJson(String(p.policy)));
    out.push({ arn: `arn:aws:iam::${ACCOUNT}:user/${r.name}`, name: String(r.name), policies });
  }
  return out;
}

/**
 * The request lock-extend.sh makes: a retention of the bucket's 14 days plus its 7-day step from now. S3 sets
 * s3:object-lock-remaining-retention-days on PutObjectRetention (S3 User Guide, "Object Lock considerations":
 * limits on retention periods; Service Authorization Reference, Amazon S3 condition keys), and the app
 * identities' extension policy is capped on it: the "change a lock" cell is the extension the runtime makes.
 */
const EXTENSION_REQUEST = { "s3:object-lock-remaining-retention-days": "21", "s3:object-lock-mode": "COMPLIANCE" };

const ADMIN_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

async function decide(
  principal: string,
  identity: Json[],
  action: string,
  keyAddr: string,
  keyPolicy: Json,
): Promise<string> {
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
        expect([addr, action, await decide(admin, [ADMIN_POLICY], action, addr, policy)]).toEqual([
          addr,
          action,
          "ExplicitlyDenied",
        ]);
        expect([addr, action, await decide(breakGlass!, [ADMIN_POLICY], action, addr, policy)]).toEqual([
          addr,
          action,
          "Allowed",
        ]);
      }
      expect(await decide(admin, [ADMIN_POLICY], "kms:Decrypt", addr, policy)).toBe("Allowed");
    }
    const adminRow = md.split("\n").find((l) => l.startsWith("| account administrator"))!;
    const cells = adminRow.split("|").map((c) => c.trim());
    expect(cells.find((c) => c.startsWith(`only \`${breakGlass}\` disables or deletes`))).toBeDefined();
    // The deny does not cover kms:PutKeyPolicy: an administrator may replace the key policy, as the cell says.
    for (const [addr, policy] of keys)
      expect([addr, await decide(admin, [ADMIN_POLICY], "kms:PutKeyPolicy", addr, policy)]).toEqual([addr, "Allowed"]);
  });

  it("every principal the stacks create: the simulator's answer on key deletion equals the matrix cell (empty)", async () => {
    const created = principals();
    expect(created.length).toBe(access.length);
    for (const p of created) {
      const row = access.find((a) => a.name === p.name)!;
      const matrixSays = [...row.grants.values()].some((s) => s.has(Capability.KEY_DELETION));
      for (const [addr, policy] of keys) {
        const verdict = await decide(p.arn, p.policies, "kms:ScheduleKeyDeletion", addr, policy);
        expect({ principal: p.name, key: addr, allowed: verdict === "Allowed" }).toEqual({
          principal: p.name,
          key: addr,
          allowed: matrixSays,
        });
      }
    }
  });

  it("every S3 cell of every bucket row equals the simulator's answer under the bucket's own policy", async () => {
    // Source: IAM User Guide, "Policy evaluation logic" (same-account: identity or resource policy allows, no
    // explicit deny); S3 User Guide, "Bucket policies". Requests are made over TLS with SSE-KMS, as the tools do.
    const bucketPolicies = new Map<string, Json>();
    for (const [, r] of res("aws_s3_bucket_policy"))
      bucketPolicies.set(resolve(String(r.bucket)), policyJson(String(r.policy)));
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
                contextVariables: {
                  "aws:PrincipalArn": p.arn,
                  "aws:SecureTransport": "true",
                  ...(action === "s3:PutObject" ? { "s3:x-amz-server-side-encryption": "aws:kms" } : {}),
                  ...(action === "s3:PutObjectRetention" ? EXTENSION_REQUEST : {}),
                },
              },
            } as Simulation;
            const r = await runSimulation(simulation, {});
            if (r.resultType === "error") throw new Error(`${p.name} ${action} ${target}: ${JSON.stringify(r.errors)}`);
            if (r.overallResult === "Allowed") allowed = true;
          }
          cells++;
          expect({ principal: p.name, target, cap, allowed }).toEqual({
            principal: p.name,
            target,
            cap,
            allowed: caps.has(cap),
          });
        }
      }
    }
    expect(cells).toBeGreaterThan(20);
  });
});

/** One resource the matrix's cells are about, as the simulator sees it. */
interface Probe {
  readonly kind: "object" | "bucket" | "vault" | "recoveryPoint" | "key" | "snapshot";
  readonly arn: string;
  readonly region: string;
  /** The bucket, vault or key it belongs to, in the matrix's words ("bucket x", "vault y", "key alias/z"). */
  readonly owner: string;
  /** The object key below the bucket, for object probes. */
  readonly key?: string;
  readonly resourcePolicy?: Json;
}

const regionOf = (provider: unknown): string =>
  /^aws\.([a-z]+-[a-z]+-\d)$/.exec(String(provider ?? ""))?.[1] ?? "us-east-1";

/** Which probe kind an action of the matrix acts on (the resource type the Service Authorization Reference names). */
function kindOf(action: string): Probe["kind"] {
  if (action === "s3:PutBucketObjectLockConfiguration" || action === "s3:DeleteBucket") return "bucket";
  if (action.startsWith("s3:")) return "object";
  if (action === "backup:StartRestoreJob" || action === "backup:DeleteRecoveryPoint") return "recoveryPoint";
  if (action.startsWith("backup:")) return "vault";
  if (action.startsWith("kms:")) return "key";
  return "snapshot";
}

/** Snapshot ARNs per deleting action: the recovery points AWS Backup keeps as service snapshots. */
const SNAPSHOTS: Record<string, string> = {
  "ec2:DeleteSnapshot": "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
  "rds:DeleteDBSnapshot": `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:awsbackup:job-0123`,
  "rds:DeleteDBClusterSnapshot": `arn:aws:rds:us-east-1:${ACCOUNT}:cluster-snapshot:awsbackup:job-0123`,
  "dynamodb:DeleteBackup": `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/backup/01234567890123-abcdefgh`,
  "fsx:DeleteBackup": `arn:aws:fsx:us-east-1:${ACCOUNT}:backup/backup-0123456789abcdef0`,
};

function probes(prefixes: Map<string, Set<string>>): Probe[] {
  const name = targetNames(stack);
  const out: Probe[] = [];
  const bucketPolicies = new Map<string, Json>();
  for (const [, r] of res("aws_s3_bucket_policy"))
    bucketPolicies.set(resolve(String(r.bucket)), policyJson(String(r.policy)));
  for (const [, b] of res("aws_s3_bucket")) {
    const bucket = String(b.bucket);
    const common = {
      region: regionOf(b.provider),
      owner: `bucket ${bucket}`,
      resourcePolicy: bucketPolicies.get(bucket),
    };
    out.push({ kind: "bucket", arn: `arn:aws:s3:::${bucket}`, ...common });
    for (const prefix of ["", ...(prefixes.get(bucket) ?? [])])
      out.push({ kind: "object", arn: `arn:aws:s3:::${bucket}/${prefix}probe`, key: `${prefix}probe`, ...common });
  }
  const vaultPolicies = new Map<string, Json>();
  for (const [, r] of res("aws_backup_vault_policy"))
    vaultPolicies.set(
      /aws_backup_vault\.([^.}]+)\./.exec(String(r.backup_vault_name))?.[1] ?? String(r.backup_vault_name),
      policyJson(String(r.policy)),
    );
  for (const [addr, v] of res("aws_backup_vault")) {
    const region = regionOf(v.provider);
    const common = {
      region,
      owner: `vault ${String(v.name)}`,
      resourcePolicy: vaultPolicies.get(addr) ?? vaultPolicies.get(String(v.name)),
    };
    out.push({ kind: "vault", arn: `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${String(v.name)}`, ...common });
    // The vault access policy governs its recovery points (AWS Backup Developer Guide, "Vault access policies").
    out.push({
      kind: "recoveryPoint",
      arn: `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:probe-${String(v.name)}`,
      ...common,
    });
  }
  for (const [addr, k] of res("aws_kms_key")) {
    out.push({
      kind: "key",
      arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${addr}`,
      region: regionOf(k.provider),
      owner: name(`\${aws_kms_key.${addr}.arn}`),
      resourcePolicy: policyJson(String(k.policy)),
    });
  }
  for (const arn of Object.values(SNAPSHOTS))
    out.push({ kind: "snapshot", arn, region: "us-east-1", owner: "(snapshot)" });
  return out;
}

/** The restore role the backup selections name: the role AWS Backup restores as. */
const restoreRoles = (): string[] => [
  ...new Set(res("aws_backup_selection").map(([, s]) => resolve(String(s.iam_role_arn)))),
];

async function simulate(
  principal: string,
  identity: Json[],
  action: string,
  probe: Probe | { arn: string; resourcePolicy?: Json },
  context: Record<string, string> = {},
): Promise<boolean> {
  const simulation = {
    identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(probe.resourcePolicy ? { resourcePolicy: probe.resourcePolicy } : {}),
    request: {
      principal,
      action,
      resource: { accountId: ACCOUNT, resource: probe.arn },
      contextVariables: { "aws:PrincipalArn": principal, ...context },
    },
  } as Simulation;
  const r = await runSimulation(simulation, {});
  if (r.resultType === "error") throw new Error(`${principal} ${action} ${probe.arn}: ${JSON.stringify(r.errors)}`);
  return r.overallResult === "Allowed";
}

/** Is `action` on `probe` allowed in the request the tools and services actually make? */
async function allows(principal: string, identity: Json[], action: string, probe: Probe): Promise<boolean> {
  if (action === "s3:PutObject")
    return simulate(principal, identity, action, probe, {
      "aws:SecureTransport": "true",
      "s3:x-amz-server-side-encryption": "aws:kms",
    });
  if (action === "s3:PutObjectRetention")
    return simulate(principal, identity, action, probe, { "aws:SecureTransport": "true", ...EXTENSION_REQUEST });
  if (action.startsWith("s3:")) return simulate(principal, identity, action, probe, { "aws:SecureTransport": "true" });
  if (action === "kms:Decrypt") {
    // Decryption reaches a key directly or through a service (kms:ViaService): S3 for buckets, the snapshot services for AWS Backup.
    for (const via of [undefined, "s3", "dynamodb", "ec2", "rds", "elasticfilesystem"]) {
      if (
        await simulate(
          principal,
          identity,
          action,
          probe,
          via ? { "kms:ViaService": `${via}.${probe.region}.amazonaws.com` } : {},
        )
      )
        return true;
    }
    return false;
  }
  if (action === "backup:StartRestoreJob") {
    // A restore job runs as a restore role the caller passes (AWS Backup Developer Guide, "Restoring a backup": iam:PassRole).
    if (!(await simulate(principal, identity, action, probe))) return false;
    for (const role of restoreRoles()) {
      if (
        await simulate(
          principal,
          identity,
          "iam:PassRole",
          { arn: role },
          { "iam:PassedToService": "backup.amazonaws.com" },
        )
      )
        return true;
    }
    return false;
  }
  return simulate(principal, identity, action, probe);
}

const globMatch = (pattern: string, text: string): boolean =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(text);

/** Does a matrix row's "On" cell cover this probe? */
function covers(target: string, probe: Probe): boolean {
  if (target.startsWith("*")) return true;
  const bucket = /^bucket (\S+)(?: (.*))?$/.exec(target);
  if (bucket)
    return (
      probe.owner === `bucket ${bucket[1]}` &&
      (probe.kind === "object" ? bucket[2] !== undefined && globMatch(bucket[2], probe.key!) : bucket[2] === undefined)
    );
  return target === probe.owner;
}

describe("every cell of the access matrix equals the simulator's answer", () => {
  const access = accessOf({ [stackName]: stack });
  const created = principals();
  const prefixes = new Map<string, Set<string>>();
  for (const p of access) {
    for (const target of p.grants.keys()) {
      const m = /^bucket (\S+) (.+)\*$/.exec(target);
      if (m && m[2]) prefixes.set(m[1], new Set([...(prefixes.get(m[1]) ?? []), m[2]]));
    }
  }
  const all = probes(prefixes);
  const capActions = new Map(CAPABILITY_ACTIONS.map(([c, a]) => [c, a]));

  it("knows a fixture for every AWS managed policy the stack attaches, each naming its documentation page", () => {
    for (const [, a] of res("aws_iam_role_policy_attachment")) {
      const name = String(a.policy_arn).split("/").pop()!;
      const fixture = JSON.parse(readFileSync(join(MANAGED_DIR, `${name}.json`), "utf8")) as Json;
      expect(fixture.source).toBe(`https://docs.aws.amazon.com/aws-managed-policy/latest/reference/${name}.html`);
    }
    expect(all.filter((p) => p.kind === "vault").length).toBeGreaterThanOrEqual(2);
    expect(all.filter((p) => p.kind === "key").length).toBeGreaterThanOrEqual(3);
    expect(restoreRoles()).toEqual([`arn:aws:iam::${ACCOUNT}:role/homelab-aws-backup`]);
    // Both vaults carry their access policy, so the recovery-point cells are evaluated against it.
    expect(all.filter((p) => p.kind === "recoveryPoint").every((p) => p.resourcePolicy !== undefined)).toBe(true);
  });

  it("each principal the stacks create: per resource and per column, allowed exactly where the matrix puts a ✔", async () => {
    // Source: IAM User Guide, "Policy evaluation logic" (same account: an identity or resource policy allows and
    // no explicit Deny applies); KMS Developer Guide, "Default key policy"; AWS Backup Developer Guide,
    // "Vault access policies" and "Restoring a backup" (StartRestoreJob plus iam:PassRole of the restore role).
    expect(created.length).toBe(access.length);
    let cells = 0;
    for (const p of created) {
      const row = access.find((a) => a.name === p.name)!;
      const star = [...row.grants.entries()].filter(([t]) => t.startsWith("*"));
      const anywhere = new Map<Capability, boolean>();
      for (const probe of all) {
        for (const [cap, actions] of capActions) {
          const applicable = actions.filter(
            (a) => kindOf(a) === probe.kind && (probe.kind !== "snapshot" || SNAPSHOTS[a] === probe.arn),
          );
          if (!applicable.length) continue;
          let allowed = false;
          for (const a of applicable) if (!allowed && (await allows(p.arn, p.policies, a, probe))) allowed = true;
          if (allowed) anywhere.set(cap, true);
          cells++;
          // Where no row names this resource except "*", the "*" row stands for "somewhere": checked below.
          const specific = [...row.grants.entries()].filter(([t]) => !t.startsWith("*") && covers(t, probe));
          if (star.length && !allowed) continue;
          const claimed = [...specific, ...star].some(([, caps]) => caps.has(cap));
          expect({ principal: p.name, on: probe.arn, cap, allowed }).toEqual({
            principal: p.name,
            on: probe.arn,
            cap,
            allowed: claimed,
          });
        }
      }
      // A "*" row (AWS managed policies) claims each column it marks somewhere: the simulator must allow it somewhere.
      for (const [, caps] of star)
        for (const cap of caps)
          expect({ principal: p.name, cap, anywhere: anywhere.get(cap) ?? false }).toEqual({
            principal: p.name,
            cap,
            anywhere: true,
          });
      // Every row names resources the probes reach, so no cell goes unchecked.
      for (const target of row.grants.keys())
        expect({ principal: p.name, target, probed: all.some((x) => covers(target, x)) }).toEqual({
          principal: p.name,
          target,
          probed: true,
        });
    }
    expect(cells).toBeGreaterThan(500);
  });

  it("the AWS Backup role: what its four managed policies grant, as the matrix shows it", async () => {
    // Sources: the four managed policies' documentation pages (fixtures). S3Restore grants s3:DeleteObject on every
    // bucket (a delete marker); ForRestores grants StartRestoreJob and iam:PassRole to backup.amazonaws.com.
    const role = created.find((p) => p.name === "homelab-aws-backup")!;
    const rp = all.find((x) => x.kind === "recoveryPoint")!;
    expect(await allows(role.arn, role.policies, "backup:StartRestoreJob", rp)).toBe(true);
    const object = all.find((x) => x.kind === "object")!;
    expect(await allows(role.arn, role.policies, "s3:DeleteObject", object)).toBe(true);
    expect(await allows(role.arn, role.policies, "s3:DeleteObjectVersion", object)).toBe(false);
    expect(await allows(role.arn, role.policies, "s3:BypassGovernanceRetention", object)).toBe(false);
    for (const key of all.filter((x) => x.kind === "key"))
      expect(await simulate(role.arn, role.policies, "kms:Decrypt", key)).toBe(false); // only through a service
    const caps = [...access.find((a) => a.name === "homelab-aws-backup")!.grants.values()].flatMap((s) => [...s]);
    expect(new Set(caps)).toEqual(
      new Set([
        Capability.BACKUP,
        Capability.RESTORE,
        Capability.DELETE_MARKER,
        Capability.DELETE_VERSION,
        Capability.DECRYPT,
      ]),
    );
  });

  it("an account administrator and the break-glass role: allowed everywhere except what the listed denials name, key deletion only for break-glass", async () => {
    const breakGlass = breakGlassOf({ [stackName]: stack })!;
    const admin = `arn:aws:iam::${ACCOUNT}:role/ops-admin`;
    const denials = resourceDenials({ [stackName]: stack }).filter((d) => d.condition === undefined);
    const md = renderAccessMatrix("homelab", { [stackName]: stack });
    const cells = md
      .split("\n")
      .find((l) => l.startsWith("| account administrator"))!
      .split("|")
      .map((c) => c.trim())
      .slice(3, 11);
    const columns = [
      Capability.BACKUP,
      Capability.RESTORE,
      Capability.DELETE_MARKER,
      Capability.DELETE_VERSION,
      Capability.BYPASS,
      Capability.DECRYPT,
      Capability.CHANGE_LOCK,
      Capability.KEY_DELETION,
    ];
    for (const [i, cap] of columns.entries()) {
      for (const probe of all) {
        for (const action of capActions
          .get(cap)!
          .filter((a) => kindOf(a) === probe.kind && (probe.kind !== "snapshot" || SNAPSHOTS[a] === probe.arn))) {
          const denied = denials.some((d) => d.on === probe.owner && d.actions.some((x) => globMatch(x, action)));
          const keyDenied = cap === Capability.KEY_DELETION && action !== "kms:PutKeyPolicy";
          expect({ action, on: probe.arn, allowed: await allows(admin, [ADMIN_POLICY], action, probe) }).toEqual({
            action,
            on: probe.arn,
            allowed: !denied && !keyDenied,
          });
          expect({ action, on: probe.arn, allowed: await allows(breakGlass, [ADMIN_POLICY], action, probe) }).toEqual({
            action,
            on: probe.arn,
            allowed: !denied,
          });
        }
      }
      // kms:PutKeyPolicy is not in the break-glass deny: the simulator allows it to an administrator, so the cell says so.
      expect(cells[i]).toBe(
        cap === Capability.KEY_DELETION
          ? `only \`${breakGlass}\` disables or deletes; ✔ kms:PutKeyPolicy (can lift that deny; alerted)`
          : "✔ unless denied below",
      );
    }
    expect(denials.map((d) => d.sid)).toContain("DenyManualRecoveryPointDeletion");
  });
});

describe("restore through AWS Backup needs iam:PassRole (matrix side)", () => {
  // Source: AWS Backup Developer Guide, "Restoring a backup" / StartRestoreJob API (IamRoleArn is passed: iam:PassRole).
  const withPolicy = (statements: Json[]): Json => ({
    resource: {
      aws_iam_user: { U: { name: "ops" } },
      aws_iam_user_policy: {
        P: { user: "${aws_iam_user.U.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
      },
    },
  });
  it("backup:StartRestoreJob alone is no restore cell; with iam:PassRole it is", () => {
    const alone = accessOf({ s: withPolicy([{ Effect: "Allow", Action: "backup:StartRestoreJob", Resource: "*" }]) });
    expect([...alone[0].grants.values()].some((c) => c.has(Capability.RESTORE))).toBe(false);
    const passing = accessOf({
      s: withPolicy([
        { Effect: "Allow", Action: "backup:StartRestoreJob", Resource: "*" },
        { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
      ]),
    });
    expect([...passing[0].grants.values()].some((c) => c.has(Capability.RESTORE))).toBe(true);
  });
});

describe("the Object Lock extension policy of an app-backup identity, evaluated by the simulator", () => {
  // Source: S3 User Guide, "Object Lock" (extending a retention needs s3:PutObjectRetention only; shortening a
  // GOVERNANCE one needs s3:BypassGovernanceRetention) and "Object Lock considerations" (the
  // s3:object-lock-remaining-retention-days condition key limits the retention a request may set).
  const lockPolicies = res("aws_iam_user_policy").filter(([, p]) => p.name === LOCK_POLICY_NAME);
  const owner = (l: Json) => res("aws_iam_user").find(([addr]) => String(l.user).includes(`aws_iam_user.${addr}.`))![1];

  it("every app identity on a locked bucket has one, and the default catalog has some", () => {
    expect(lockPolicies.length).toBeGreaterThan(0);
    // One per service whose app backups go to a locked bucket: every such user has exactly one.
    const locked = new Set(lockPolicies.map(([, l]) => String(owner(l).name)));
    expect(locked.size).toBe(lockPolicies.length);
  });

  it("extends within the cap on its own prefix, and nothing else: not beyond the cap, not another prefix, not without TLS, never bypass, never delete a version", async () => {
    for (const [, l] of lockPolicies) {
      const user = owner(l);
      const me = principals().find((p) => p.name === user.name)!;
      const doc = policyJson(String(l.policy));
      const own = (doc.Statement as Json[]).find((s) => s.Action.includes("s3:PutObjectRetention"))!
        .Resource[0] as string;
      const cap = Number(
        (doc.Statement as Json[]).find((s) => s.Action.includes("s3:PutObjectRetention"))!.Condition
          .NumericLessThanEquals["s3:object-lock-remaining-retention-days"][0],
      );
      const object = { arn: own.replace(/\*$/, "data/ab/abcdef") };
      const other = { arn: own.replace(/\/[^/]+\/\*$/, "/another-service/data/ab/abcdef") };
      const tls = { "aws:SecureTransport": "true" };
      const days = (n: number) => ({
        ...tls,
        "s3:object-lock-remaining-retention-days": String(n),
        "s3:object-lock-mode": "COMPLIANCE",
      });
      const arn = me.arn;
      const row = { user: me.name };
      expect({ ...row, extend: await simulate(arn, me.policies, "s3:PutObjectRetention", object, days(cap)) }).toEqual({
        ...row,
        extend: true,
      });
      expect({
        ...row,
        beyondCap: await simulate(arn, me.policies, "s3:PutObjectRetention", object, days(cap + 1)),
      }).toEqual({ ...row, beyondCap: false });
      expect({
        ...row,
        decades: await simulate(arn, me.policies, "s3:PutObjectRetention", object, days(36500)),
      }).toEqual({ ...row, decades: false });
      expect({
        ...row,
        otherPrefix: await simulate(arn, me.policies, "s3:PutObjectRetention", other, days(cap)),
      }).toEqual({ ...row, otherPrefix: false });
      expect({
        ...row,
        plainHttp: await simulate(arn, me.policies, "s3:PutObjectRetention", object, {
          ...days(cap),
          "aws:SecureTransport": "false",
        }),
      }).toEqual({ ...row, plainHttp: false });
      expect({ ...row, read: await simulate(arn, me.policies, "s3:GetObjectRetention", object, tls) }).toEqual({
        ...row,
        read: true,
      });
      expect({ ...row, bypass: await simulate(arn, me.policies, "s3:BypassGovernanceRetention", object, tls) }).toEqual(
        { ...row, bypass: false },
      );
      expect({
        ...row,
        deleteVersion: await simulate(arn, me.policies, "s3:DeleteObjectVersion", object, tls),
      }).toEqual({ ...row, deleteVersion: false });
      // The bypass is denied outright: even an administrator's policy attached to this identity does not grant it.
      const withAdmin = [...me.policies, ADMIN_POLICY];
      expect({
        ...row,
        bypassWithAdmin: await simulate(arn, withAdmin, "s3:BypassGovernanceRetention", object, tls),
      }).toEqual({ ...row, bypassWithAdmin: false });
      expect(await simulate(arn, withAdmin, "s3:DeleteObjectVersion", object, tls)).toBe(true); // the oracle: the admin policy does grant other things
      // The cap is what lock-extend.sh asks for (days + step) plus one day of clock skew.
      expect(cap).toBe(14 + LOCK_STEP_DAYS + 1);
    }
  });
});
