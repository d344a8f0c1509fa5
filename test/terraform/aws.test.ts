/**
 * AWS protection, checked on the real hashicorp/aws plans of the default catalog and every
 * example (planned once, offline, by global-setup). Where a value is only known after apply
 * (KMS key ARNs inside a policy), the synthesized configuration that was planned is read.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { Testing } from "../../lib/core/cdk";
import { isWildcardAction } from "../../lib/core/iam-policy";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogText } from "../../lib/governance/validate";
import { loadRuns, plannedCatalogs, resources, type PlanResource, type StackRun, TF_DIR } from "./offline";
import { stringify } from "yaml";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

type Values = Record<string, any>;

const awsCatalogs = plannedCatalogs().filter((c) => !!parse(readFileSync(c.file, "utf8")).aws);

function configOf(run: StackRun, address: string): { provider_config_key: string; expressions: Values } {
  const r = run.plan.configuration.root_module.resources?.find((x) => x.address === address);
  if (!r) throw new Error(`no configuration for ${address}`);
  return r as never;
}

/** The region of the provider a planned resource uses. */
function regionOf(run: StackRun, address: string): string {
  const key = configOf(run, address).provider_config_key;
  return run.plan.configuration.provider_config[key].expressions!.region.constant_value as string;
}

/** Resources of one type, with their plan-time values. */
function planned(run: StackRun, type: string): Array<PlanResource & { values: Values }> {
  return resources(run, type) as never;
}

/** The configuration that was planned (cdk.tf.json), for values unknown until apply. */
function synthesized(run: StackRun): {
  resource: Record<string, Record<string, Values>>;
  data?: Record<string, Record<string, Values>>;
} {
  const file = join(TF_DIR, run.catalog, "synth", "stacks", run.stack, "cdk.tf.json");
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  return JSON.parse(readFileSync(file, "utf8"));
}

const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_kms_key: ["policy"],
  aws_backup_vault_policy: ["policy"],
  aws_sns_topic_policy: ["policy"],
};

/** Statements of an `aws_iam_policy_document` data source, in policy JSON shape. */
function documentStatements(doc: Values): Statement[] {
  return list(doc.statement as Values[]).map((st) => ({
    Effect: st.effect ?? "Allow",
    Action: st.actions ?? [],
    Resource: st.resources,
    Condition: Object.fromEntries(
      list(st.condition as Values[]).map((c) => [
        c.test,
        { [c.variable]: list(c.values).length === 1 ? list(c.values)[0] : c.values },
      ]),
    ),
  }));
}

/** The statements of a policy attribute: a JSON document, or a reference to a policy document data source. */
function statementsOf(run: StackRun, value: string): Statement[] {
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(value);
  if (ref) return documentStatements(synthesized(run).data?.aws_iam_policy_document?.[ref[1]] ?? {});
  return JSON.parse(value).Statement;
}

/** Every policy document of a stack, from the synthesized configuration. */
function policyDocuments(run: StackRun): Array<{ where: string; statements: Statement[] }> {
  const out: Array<{ where: string; statements: Statement[] }> = [];
  const synth = synthesized(run);
  for (const [type, attrs] of Object.entries(POLICY_ATTRIBUTES)) {
    for (const [name, values] of Object.entries(synth.resource[type] ?? {})) {
      for (const attr of attrs) {
        if (typeof values[attr] !== "string") continue;
        out.push({ where: `${type}.${name}.${attr}`, statements: statementsOf(run, values[attr]) });
      }
    }
  }
  for (const [name, doc] of Object.entries(synth.data?.aws_iam_policy_document ?? {}))
    out.push({ where: `data.aws_iam_policy_document.${name}`, statements: documentStatements(doc) });
  return out;
}

/**
 * Every bucket of the stack (whoever created it) with its settings, matched in the synthesized
 * configuration by reference (`aws_s3_bucket.<id>.bucket` or `.id`) or by literal name.
 */
function bucketsWithSettings(run: StackRun): Array<{ id: string; name: string; settings: (type: string) => Values[] }> {
  const res = synthesized(run).resource;
  return Object.entries(res.aws_s3_bucket ?? {}).map(([id, b]) => ({
    id,
    name: b.bucket as string,
    settings: (type: string) =>
      Object.values(res[type] ?? {}).filter(
        (r) =>
          r.bucket === b.bucket ||
          r.bucket === `\${aws_s3_bucket.${id}.bucket}` ||
          r.bucket === `\${aws_s3_bucket.${id}.id}`,
      ),
  }));
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe.each(awsCatalogs)("AWS protection in the plan: $name", ({ name: catalog, file }) => {
  const yaml = parse(readFileSync(file, "utf8"));
  const run = loadRuns(catalog).find((r) => r.stack.endsWith("-aws"))!;
  const buckets = () => planned(run, "aws_s3_bucket");
  const byBucket = (type: string, name: string) => planned(run, type).filter((r) => r.values?.bucket === name);

  it("has an AWS stack that validated", () => {
    expect(run.validate).toMatchObject({ valid: true });
  });

  it("locks every immutable service's bucket and vault with the catalog's mode and days", () => {
    const services = (yaml.services as Values[]).filter((s) => s.immutable);
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      const { mode, days } = s.immutable;
      const key = `${mode}-${days}d${s.immutable.maxDays ? `-max${s.immutable.maxDays}d` : ""}`;
      if (s.aws) {
        const vault = planned(run, "aws_backup_vault").find((v) => v.values.name === `${yaml.name}-${key}`);
        expect(vault).toBeDefined();
        const lock = planned(run, "aws_backup_vault_lock_configuration").find(
          (l) => l.values.backup_vault_name === vault!.values.name,
        )!;
        expect(lock.values.min_retention_days).toBe(days);
        expect(lock.values.max_retention_days ?? undefined).toBe(s.immutable.maxDays);
        // Compliance mode is the one with a grace period.
        expect(lock.values.changeable_for_days ?? undefined).toBe(mode === "compliance" ? 3 : undefined);
      }
      if (s.app?.decision === "required" && !s.app.repository) {
        const bucket = buckets().find((b) => b.values.bucket.startsWith(`${yaml.name}-app-${key}`))!;
        expect(bucket.values.object_lock_enabled).toBe(true);
        const [lock] = byBucket("aws_s3_bucket_object_lock_configuration", bucket.values.bucket);
        expect(lock.values.rule[0].default_retention[0]).toMatchObject({ mode: mode.toUpperCase(), days });
      }
      if (s.kubernetes) {
        // Velero's bucket of the service's cluster carries (at least) the service's lock.
        const bucket = buckets().find((b) => b.values.bucket.startsWith(`${yaml.name}-velero-${key}`))!;
        expect(bucket.values.object_lock_enabled).toBe(true);
        const [lock] = byBucket("aws_s3_bucket_object_lock_configuration", bucket.values.bucket);
        expect(lock.values.rule[0].default_retention[0]).toMatchObject({ mode: mode.toUpperCase(), days });
      }
    }
  });

  it("keeps Object Lock on the replica of every locked bucket, with the same retention", () => {
    for (const rc of planned(run, "aws_s3_bucket_replication_configuration")) {
      const src = rc.values.bucket as string;
      const dst = (rc.values.rule[0].destination[0].bucket as string).replace(/^arn:[^:]+:s3:::/, "");
      const lock = (name: string) =>
        byBucket("aws_s3_bucket_object_lock_configuration", name)[0]?.values.rule[0].default_retention[0];
      expect(lock(dst)).toEqual(lock(src));
    }
  });

  it("has versioning Enabled on both sides of every replication, in different regions", () => {
    const rcs = planned(run, "aws_s3_bucket_replication_configuration");
    expect(rcs.length).toBeGreaterThanOrEqual(catalog === "aws-only" ? 0 : 1);
    for (const rc of rcs) {
      const src = rc.values.bucket as string;
      const dst = (rc.values.rule[0].destination[0].bucket as string).replace(/^arn:[^:]+:s3:::/, "");
      for (const name of [src, dst]) {
        expect(
          byBucket("aws_s3_bucket_versioning", name).map((v) => v.values.versioning_configuration[0].status),
        ).toEqual(["Enabled"]);
      }
      const region = (name: string) => regionOf(run, buckets().find((b) => b.values.bucket === name)!.address);
      expect(region(dst)).not.toBe(region(src));
      // The offsite copy never follows deletions (S3 User Guide, "Replicating delete markers between buckets").
      expect(rc.values.rule[0].delete_marker_replication[0].status).toBe("Disabled");
      expect(rc.values.rule[0].source_selection_criteria[0].sse_kms_encrypted_objects[0].status).toBe("Enabled");
    }
  });

  it("encrypts every bucket of the stack with SSE-KMS, blocks public access and refuses plain HTTP", () => {
    const all = bucketsWithSettings(run);
    expect(all.length).toBeGreaterThan(0);
    for (const b of all) {
      const [sse] = b.settings("aws_s3_bucket_server_side_encryption_configuration");
      expect([b.name, sse?.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm]).toEqual([
        b.name,
        "aws:kms",
      ]);
      const [pab] = b.settings("aws_s3_bucket_public_access_block");
      expect([b.name, pab]).toEqual([
        b.name,
        expect.objectContaining({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        }),
      ]);
      const [policy] = b.settings("aws_s3_bucket_policy");
      const tls = statementsOf(run, policy.policy).find(
        (st) => String(st.Condition?.Bool?.["aws:SecureTransport"]) === "false",
      );
      expect([b.name, tls?.Effect]).toEqual([b.name, "Deny"]);
      // Both the bucket and its objects, by literal ARN or by reference.
      const names = list(tls!.Resource).map((r) =>
        r.replace(`\${aws_s3_bucket.${b.id}.arn}`, `arn:aws:s3:::${b.name}`),
      );
      expect(names.sort()).toEqual([`arn:aws:s3:::${b.name}`, `arn:aws:s3:::${b.name}/*`]);
    }
    for (const b of buckets()) expect(b.values.force_destroy).toBe(false);
  });

  it("names every action it allows: no `*`, no `s3:*` (a Deny may cover all S3 actions, for TLS only)", () => {
    const docs = policyDocuments(run);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      for (const s of d.statements) {
        for (const a of list(s.Action)) {
          if (s.Effect === "Deny" && a === "s3:*") {
            expect(s.Condition?.Bool?.["aws:SecureTransport"]).toBe("false");
            continue;
          }
          if (isWildcardAction(a)) throw new Error(`${d.where} has the wildcard action ${a}`);
        }
      }
    }
    // Managed policies are AWS Backup's own, and nothing else.
    for (const a of planned(run, "aws_iam_role_policy_attachment"))
      expect(a.values.policy_arn).toMatch(
        /^arn:aws:iam::aws:policy\/(service-role\/)?AWSBackupServiceRolePolicyFor(Backup|Restores|S3Backup|S3Restore)$/,
      );
  });

  it("copies every rule of each offsite-required AWS service into a vault in the offsite region", () => {
    const services = (yaml.services as Values[]).filter((s) => s.offsite?.required && s.aws);
    // The default catalog and examples/aws-only.yaml have such services; small-office has none.
    if (catalog === "default" || catalog === "aws-only") expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      const offsite = s.offsite.region ?? yaml.aws.offsiteRegion;
      const selection = planned(run, "aws_backup_selection").find(
        (x) => x.values.name === `${yaml.name}-${s.id}` || x.values.name === `${yaml.name}-${s.id}-tags`,
      )!;
      const planAddress = (configOf(run, selection.address).expressions.plan_id.references as string[]).find(
        (r) => !r.endsWith(".id"),
      )!;
      const plan = planned(run, "aws_backup_plan").find((p) => p.address === planAddress)!;
      for (const rule of plan.values.rule as Values[]) {
        expect(rule.copy_action).toHaveLength(1);
        const arn = rule.copy_action[0].destination_vault_arn as string;
        const m = /^arn:aws:backup:([a-z0-9-]+):\d{12}:backup-vault:(.+)$/.exec(arn)!;
        expect(m[1]).toBe(offsite);
        const vault = planned(run, "aws_backup_vault").find(
          (v) => v.values.name === m[2] && regionOf(run, v.address) === offsite,
        );
        expect(vault).toBeDefined();
      }
    }
  });

  it("replicates the bucket of each offsite-required app-level backup into the offsite region", () => {
    for (const s of (yaml.services as Values[]).filter(
      (x) => x.offsite?.required && x.app?.decision === "required" && !x.app.repository,
    )) {
      const offsite = s.offsite.region ?? yaml.aws.offsiteRegion;
      const sources = planned(run, "aws_s3_bucket_replication_configuration").filter((rc) =>
        (rc.values.bucket as string).includes("-to-" + offsite),
      );
      expect(sources.length).toBeGreaterThan(0);
    }
  });

  it("selects by tags with AND conditions, never the legacy OR selection_tag", () => {
    const selections = planned(run, "aws_backup_selection");
    for (const sel of selections) expect(sel.values.selection_tag ?? []).toEqual([]);
    for (const s of (yaml.services as Values[]).filter((x) => x.aws?.tags)) {
      const sel = selections.find((x) => x.values.name === `${yaml.name}-${s.id}-tags`)!;
      expect(sel.values.resources).toEqual(["*"]);
      const conds = sel.values.condition[0].string_equals.map((c: Values) => [c.key, c.value]).sort();
      expect(conds).toEqual(
        Object.entries(s.aws.tags)
          .map(([k, v]) => [`aws:ResourceTag/${k}`, v])
          .sort(),
      );
    }
  });

  it("protects vaults, locked buckets and keys from terraform destroy", () => {
    const res = synthesized(run).resource;
    for (const type of ["aws_backup_vault", "aws_kms_key", "aws_s3_bucket"]) {
      for (const [n, r] of Object.entries(res[type] ?? {})) {
        if (type === "aws_s3_bucket" && !r.object_lock_enabled) continue;
        expect([n, r.lifecycle]).toEqual([n, { prevent_destroy: yaml.aws.deletionProtection ?? true }]);
      }
    }
    for (const k of planned(run, "aws_kms_key"))
      expect(k.values).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it("records the backup buckets' object events and management events in a locked, encrypted trail", () => {
    const [trail] = planned(run, "aws_cloudtrail");
    expect(trail.values).toMatchObject({ is_multi_region_trail: true, enable_log_file_validation: true });
    const selectors = trail.values.advanced_event_selector as Values[];
    expect(selectors[0].field_selector[0]).toMatchObject({ field: "eventCategory", equals: ["Management"] });
    const logBucket = trail.values.s3_bucket_name as string;
    expect(byBucket("aws_s3_bucket_object_lock_configuration", logBucket)).toHaveLength(1);
    // The buckets AWS protection created (the monitoring report bucket is not a backup bucket).
    const appBuckets = buckets()
      .map((b) => b.values.bucket as string)
      .filter((n) => n.startsWith(`${yaml.name}-app-`));
    if (appBuckets.length) {
      const arns = selectors[1].field_selector.find((f: Values) => f.field === "resources.ARN").starts_with as string[];
      expect(arns.sort()).toEqual(appBuckets.map((n) => `arn:aws:s3:::${n}/`).sort());
    }
  });
});

/** A generated AWS catalog of n services cycling through kinds, tiers and decisions. */
function generated(n: number): string {
  const kinds = [
    (i: number) => ({
      id: `db-${i}`,
      classification: "critical",
      rpo: "15m",
      rto: "4h",
      app: { decision: "platform-only", rationale: "AWS Backup" },
      aws: { resources: [`arn:aws:rds:us-east-1:123456789012:db:db${i}`] },
      offsite: { required: true, reason: "critical" },
      immutable: { mode: "compliance", days: 14 },
      restore: { secrets: "aws-sm:x", validate: ["true"] },
    }),
    (i: number) => ({
      id: `table-${i}`,
      classification: "important",
      rpo: "1d",
      rto: "8h",
      app: { decision: "platform-only", rationale: "AWS Backup" },
      aws: { tags: { app: `t${i}` }, tagResourceTypes: ["dynamodb"] },
      offsite: { required: false, reason: "rebuildable" },
      restore: { secrets: "aws-sm:x", validate: ["true"] },
    }),
    (i: number) => ({
      id: `files-${i}`,
      classification: "important",
      rpo: "1d",
      rto: "8h",
      app: { decision: "required", rationale: "files", engine: "files", host: `f${i}.internal`, paths: ["/srv"] },
      offsite: { required: true, reason: "originals" },
      restore: { secrets: "vault:x", validate: ["true"] },
    }),
    (i: number) => ({
      id: `cache-${i}`,
      classification: "rebuildable",
      rpo: "7d",
      rto: "2d",
      app: { decision: "platform-only", rationale: "AWS Backup" },
      aws: { resources: [`arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-${i}`] },
      offsite: { required: false, reason: "cache" },
    }),
  ];
  return stringify({
    version: 1,
    name: "scale",
    owner: "@ops",
    aws: { region: "us-east-1", offsiteRegion: "us-west-2", accountId: "123456789012" },
    notifications: { email: ["ops@example.com"] },
    contacts: [{ name: "Ops", role: "on call", email: "ops@example.com" }],
    services: Array.from({ length: n }, (_, i) => kinds[i % kinds.length](i)),
  });
}

function resourceCounts(n: number): Record<string, number> {
  const report = validateCatalogText(generated(n), `scale-${n}.yaml`);
  if (!report.ok) throw new Error(report.findings.map((f) => `${f.ruleId} ${f.message}`).join("\n"));
  const estate = new Estate(Testing.app(), report.catalog!);
  const res = (JSON.parse(Testing.synth(estate.awsStack!)).resource ?? {}) as Record<string, object>;
  return Object.fromEntries(Object.entries(res).map(([type, r]) => [type, Object.keys(r).length]));
}

describe("resource count grows linearly with the services", () => {
  const [c8, c16, c24] = [8, 16, 24].map(resourceCounts);
  const types = [...new Set([...Object.keys(c8), ...Object.keys(c16), ...Object.keys(c24)])].sort();
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

  it("keeps plans, vaults, buckets, keys, roles and the trail constant", () => {
    for (const type of [
      "aws_backup_plan",
      "aws_backup_vault",
      "aws_s3_bucket",
      "aws_kms_key",
      "aws_iam_role",
      "aws_cloudtrail",
      "aws_backup_restore_testing_plan",
      "aws_s3_bucket_replication_configuration",
    ]) {
      expect([type, c8[type], c16[type]]).toEqual([type, c24[type], c24[type]]);
    }
  });

  it("grows by the same amount for every added batch of services; of the protection, only selections grow", () => {
    for (const type of types) expect([type, c16[type] - c8[type]]).toEqual([type, c24[type] - c16[type]]);
    expect(total(c24) - total(c16)).toBe(total(c16) - total(c8));
    const protection = types.filter(
      (t) =>
        /^aws_(backup_|s3_|kms_|iam_|cloudtrail)/.test(t) &&
        !/^aws_backup_(framework|report_plan|vault_notifications)$/.test(t),
    );
    const grown = protection.filter((t) => c16[t] !== c8[t]);
    // Each app-level backup has its own IAM user and policy, reaching only its own S3 prefix: one per service by design.
    expect(grown.sort()).toEqual([
      "aws_backup_restore_testing_selection",
      "aws_backup_selection",
      "aws_iam_user",
      "aws_iam_user_policy",
    ]);
  });
});
