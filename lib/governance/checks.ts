import { BackupPlan, type BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection, type BackupSelectionSelectionTag } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import {
  S3BucketReplicationConfigurationA,
  type S3BucketReplicationConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import {
  Annotations,
  Aspects,
  DefaultTokenResolver,
  type IAspect,
  type IConstruct,
  StringConcat,
  TerraformStack,
  Token,
  Tokenization,
} from "../core/cdk";
import { Severity } from "../core/finding";
import { ComplianceRegime } from "../core/vocabulary";
import { GovernanceError } from "../errors";
import { EncryptedVault, type IBackupVault } from "../constructs/encrypted-vault";
import { ImmutableVault } from "../constructs/immutable-vault";
import { type BackupRuleProps, TierBackupPlan } from "../constructs/tier-backup-plan";
import { VzdumpJob } from "../constructs/vzdump-job";
import { AppBackup } from "../constructs/app-backup";
import { Cadence } from "../core/schedule";
import { Classification } from "../core/vocabulary";
import { TIER_TAG } from "../policy/audit";
import { AwsResourceType, parseArn, resourceTypeOfArn } from "../policy/aws-backup";
import { AckRules, RULE_FAILED } from "./catalog-rules";
import { MIN_ACK_REASON } from "./engine";
import { BASELINE_RULES } from "./packs/baseline";
import { ChecklistStep, type GovernanceRule } from "./rule";
import { coldStorageShortfall } from "./rules/aws-limits/cold-storage-minimum";
import { continuousBreach } from "./rules/aws-limits/continuous-backup-limits";
import { lockBreach, type LockRange } from "./rules/aws-limits/retention-inside-lock";
import { LockRangeProblem, lockRangeProblems } from "./rules/aws-limits/vault-lock-range";
import { complianceBreach } from "./rules/compliance/compliance-retention";
import { repeatedClaims } from "./rules/enrollment/vmid-unique-per-host";
import { GOVERNANCE_CHECKS, watchUncheckedStacks } from "./reach";

/** One governance finding on a construct: the same rule ids, severities and fixes as the catalog's findings. */
export interface ConstructFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** What is wrong, naming the construct or its prop. */
  readonly message: string;
  /** What would fix it. */
  readonly fix: string;
  /** The construct the finding is attached to. */
  readonly constructPath: string;
  /** Set when the construct (or an ancestor) acknowledged the rule: reported as info, not failing. */
  readonly acknowledged?: { readonly reason: string };
}

/** Props of {@link GovernanceChecks}. */
export interface GovernanceChecksProps {
  /**
   * Rule ids not to check at all (unlike an acknowledgement, nothing is reported).
   * @default - every rule is checked
   */
  readonly skip?: readonly string[];
}

// Acknowledgements made in code, by construct: rule id → reason.
const ACKNOWLEDGED = new WeakMap<IConstruct, Map<string, string>>();

/**
 * The catalog's governance rules, for constructs built by hand: apply it to the app (or
 * add it to a stack) and every stack it reaches is checked when it is synthesized.
 *
 * ```ts
 * Aspects.of(app).add(new GovernanceChecks());   // every stack of the app
 * GovernanceChecks.applyTo(app);                 // the same, and returns the checks
 * Aspects.of(stack).add(new GovernanceChecks()); // one stack
 * ```
 *
 * PROVIDER NOTE: cdktf 0.21 invokes aspects from each stack down (`invokeAspects(stack)`),
 * so an aspect added to the App itself is never visited. This library makes it work: every
 * construct of the library registers a validation on its stack that hands the stack to the
 * GovernanceChecks above it (cdktf runs each stack's validations before writing it). A stack
 * that holds no construct of the library (provider resources only) cannot be reached that way:
 * `applyTo(app)` adds the checks to the stacks that exist when it is called, and synthesis
 * fails with GOV-164 for any stack under an app-level GovernanceChecks that was not checked.
 * A stack with GovernanceChecks of its own is checked by those, not again by the App's.
 * Validations are skipped by `new App({ skipValidation: true })` and by `Testing.synth(stack)`
 * without `runValidations`: check those with `Aspects.of(stack)`.
 *
 * Each check reuses the catalog rule's judgement and id (GOV-017 cold storage, GOV-018 lock
 * range, GOV-019 retention inside the lock, GOV-020 continuous limits, GOV-024 compliance
 * retention from a plan's `compliance` tag, GOV-029 versioning of backed-up buckets, GOV-004
 * a guest once per host), plus the rules only stack code can break (GOV-160 AND tag
 * selections, GOV-161 replica lock parity, GOV-162 staggered host schedules, GOV-163
 * versioning on both sides of a replication). Errors become error annotations, which fail
 * `app.synth()`; warnings become warning annotations; acknowledged findings become info
 * annotations. {@link GovernanceChecks.acknowledge} accepts a finding in code, with a reason,
 * as `acknowledge:` does in a catalog. Estate applies it to its own stacks.
 *
 * Each stack is checked as a whole (guests per host, buckets and their replicas), once.
 */
export class GovernanceChecks implements IAspect {
  /** @internal */
  public readonly [GOVERNANCE_CHECKS] = true as const;

  /**
   * Accepts an acknowledgeable rule's findings on `scope` and everything below it. Throws
   * ACK-001 for an unknown rule, ACK-003 for a rule that guards a hard limit, ACK-002 for a
   * reason shorter than 10 characters.
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    const rule = BASELINE_RULES.find((r) => r.id === ruleId);
    const where = scope.node.path;
    if (!rule)
      throw new GovernanceError(
        AckRules.UNKNOWN_RULE,
        where,
        `acknowledge names unknown rule ${ruleId}`,
        "use an id from docs/rules.md (`backup-gov explain`)",
      );
    if (!rule.acknowledgeable)
      throw new GovernanceError(
        AckRules.NOT_ACKNOWLEDGEABLE,
        where,
        `${ruleId} guards a hard limit and cannot be acknowledged`,
        "fix the construct instead",
      );
    const text = reason.trim();
    if (text.length < MIN_ACK_REASON)
      throw new GovernanceError(
        AckRules.REASON_TOO_SHORT,
        where,
        `the reason for acknowledging ${ruleId} has ${text.length} characters; at least ${MIN_ACK_REASON} are needed`,
        "say why the finding is acceptable here",
      );
    const map = ACKNOWLEDGED.get(scope) ?? new Map<string, string>();
    map.set(ruleId, text);
    ACKNOWLEDGED.set(scope, map);
  }

  /**
   * Adds one GovernanceChecks to `scope` (the app, or a stack) and to every stack under it,
   * and returns it. A stack created later is reached through the library's constructs in it;
   * one that holds none fails synthesis with GOV-164, so that no stack passes unchecked.
   */
  public static applyTo(scope: IConstruct, props: GovernanceChecksProps = {}): GovernanceChecks {
    const checks = new GovernanceChecks(props);
    // The scope and each stack under it once (findAll includes the scope, which may be a stack).
    for (const target of new Set([scope, ...scope.node.findAll().filter((c) => TerraformStack.isStack(c))]))
      Aspects.of(target).add(checks);
    watchUncheckedStacks(scope.node.root);
    return checks;
  }

  /** Every finding reported so far, in the order found. */
  public readonly findings: ConstructFinding[] = [];
  private readonly checked = new Set<TerraformStack>();
  private readonly skip: ReadonlySet<string>;

  constructor(props: GovernanceChecksProps = {}) {
    this.skip = new Set(props.skip ?? []);
  }

  /** Whether `stack` has been checked by these checks. */
  public hasChecked(stack: TerraformStack): boolean {
    return this.checked.has(stack);
  }

  public visit(node: IConstruct): void {
    let stack: TerraformStack;
    try {
      stack = TerraformStack.of(node);
    } catch {
      return; // the app itself, or a construct outside any stack
    }
    if (this.checked.has(stack)) return;
    this.checked.add(stack);
    const report = (rule: GovernanceRule, at: IConstruct, message: string, fix: string) =>
      this.report(rule, at, message, fix);
    new StackChecks(stack, report).run();
  }

  private report(rule: GovernanceRule, at: IConstruct, message: string, fix: string): void {
    if (this.skip.has(rule.id)) return;
    const reason = rule.acknowledgeable ? acknowledgementOf(at, rule.id) : undefined;
    const finding: ConstructFinding = {
      ruleId: rule.id,
      severity: rule.severity,
      message,
      fix,
      constructPath: at.node.path,
      acknowledged: reason !== undefined ? { reason } : undefined,
    };
    this.findings.push(finding);
    const text = `${rule.id}: ${message}. Fix: ${fix} (see docs/rules.md#${rule.id.toLowerCase()})`;
    if (reason !== undefined) Annotations.of(at).addInfo(`${text} [acknowledged: ${reason}]`);
    else if (rule.severity === Severity.ERROR) Annotations.of(at).addError(text);
    else Annotations.of(at).addWarning(text);
  }
}

function acknowledgementOf(node: IConstruct, ruleId: string): string | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    const reason = ACKNOWLEDGED.get(scope)?.get(ruleId);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

const rule = (id: string): GovernanceRule => BASELINE_RULES.find((r) => r.id === id)!;
/** GOV-000, the engine's own finding (docs/rules.md), as a rule the report can name. */
const NOT_EVALUATED: GovernanceRule = {
  id: RULE_FAILED,
  name: "rule-not-evaluated",
  step: ChecklistStep.VERIFICATION,
  severity: Severity.WARNING,
  acknowledgeable: false,
  summary: "",
  explanation: "",
  check: () => [],
};
const RULES = {
  coldStorage: rule("GOV-017"),
  lockRange: rule("GOV-018"),
  insideLock: rule("GOV-019"),
  continuous: rule("GOV-020"),
  compliance: rule("GOV-024"),
  s3Versioning: rule("GOV-029"),
  guestOnce: rule("GOV-004"),
  tagsAnd: rule("GOV-160"),
  lockParity: rule("GOV-161"),
  staggered: rule("GOV-162"),
  replicationVersioning: rule("GOV-163"),
  criticalOffsite: rule("GOV-010"),
  rpoFeasible: rule("GOV-013"),
  immutableCopy: rule("GOV-023"),
};

/** Tag keys whose value lists compliance regimes (`compliance: "hipaa soc2"`). */
export const COMPLIANCE_TAG_KEYS: readonly string[] = ["compliance", "backup:compliance"];

type Report = (rule: GovernanceRule, at: IConstruct, message: string, fix: string) => void;

interface VaultFacts {
  readonly label: string;
  lock?: LockRange;
  /** The vault's Region, when known. */
  readonly region?: string;
}

interface BucketFacts {
  readonly resource: S3Bucket;
  readonly label: string;
  versioned: boolean;
  lockDays?: number;
  locked: boolean;
}

/** A lifecycle to judge: a plan rule or one of its copy actions. */
interface Write {
  readonly what: string;
  readonly deleteAfterDays?: number;
  readonly coldAfterDays?: number;
  readonly continuous: boolean;
  /** Resolved vault name or ARN. */
  readonly vault?: string;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The checks of one stack: an index of its vaults and buckets, then each rule. */
class StackChecks {
  private readonly all: IConstruct[];
  private readonly vaults = new Map<string, VaultFacts>();
  private readonly buckets = new Map<string, BucketFacts>();

  constructor(
    private readonly stack: TerraformStack,
    private readonly report: Report,
  ) {
    this.all = stack.node.findAll();
  }

  /** The library's vaults of the whole app: a vault named by string may live in another stack. */
  private appVaults(): IConstruct[] {
    return this.stack.node.root.node
      .findAll()
      .filter((n) => n instanceof EncryptedVault || n instanceof ImmutableVault);
  }

  public run(): void {
    this.indexVaults();
    this.indexBuckets();
    for (const n of this.all) {
      this.guarded(n, () => {
        if (n instanceof TierBackupPlan) {
          this.checkPlan(n, n.backupRules.map((r) => this.writesOf(r)).flat(), n.plan.tagsInput);
          this.checkTier(n);
        } else if (n instanceof AppBackup) this.checkAppRpo(n);
        else if (n instanceof BackupPlan && !(n.node.scope instanceof TierBackupPlan))
          this.checkPlan(n, this.rawWrites(n), n.tagsInput);
        else if (n instanceof BackupVaultLockConfiguration) this.checkLockRange(n);
        else if (n instanceof BackupSelection) this.checkSelection(n);
        else if (n instanceof S3BucketReplicationConfigurationA) this.checkReplication(n);
      });
    }
    this.guarded(this.stack, () => this.checkHosts());
  }

  /** A check that throws is reported (GOV-000, a warning) instead of failing synthesis, as the catalog engine does. */
  private guarded(at: IConstruct, check: () => void): void {
    try {
      check();
    } catch (e) {
      this.report(
        NOT_EVALUATED,
        at,
        `a governance check could not be evaluated here: ${(e as Error).message}`,
        "report this as a bug; the other findings stand",
      );
    }
  }

  private resolve<T>(v: T): unknown {
    return Token.isUnresolved(v) ? Tokenization.resolve(v, { scope: this.stack, resolver: RESOLVER }) : v;
  }

  private key(v: unknown): string | undefined {
    const r = this.resolve(v);
    return typeof r === "string" ? r : undefined;
  }

  private indexVaults(): void {
    for (const n of this.all) {
      if (n instanceof EncryptedVault || n instanceof ImmutableVault || isImportedVault(n)) {
        const v = n as IBackupVault;
        if (n instanceof ImmutableVault && !n.hasVault) continue;
        const facts: VaultFacts = {
          label: v.node.path,
          lock: v.lock && { minDays: v.lock.minRetentionDays, maxDays: v.lock.maxRetentionDays },
          region: v.region,
        };
        for (const k of [v.vaultName, v.vaultArn, v.literalName]) {
          const key = this.key(k);
          if (key && !this.vaults.has(key)) this.vaults.set(key, facts);
        }
      } else if (n instanceof BackupVault && !(n.node.scope instanceof EncryptedVault)) {
        const facts: VaultFacts = { label: n.node.path };
        for (const k of [
          n.nameInput,
          `\${${n.terraformResourceType}.${n.friendlyUniqueId}.name}`,
          `\${${n.terraformResourceType}.${n.friendlyUniqueId}.arn}`,
          `\${${n.terraformResourceType}.${n.friendlyUniqueId}.id}`,
        ]) {
          const key = this.key(k);
          if (key) this.vaults.set(key, facts);
        }
      }
    }
    // A vault of the library elsewhere in the app, named by string (`targetVaultName`): known by its literal name.
    for (const n of this.appVaults()) {
      const v = n as IBackupVault;
      if (n instanceof ImmutableVault && !n.hasVault) continue;
      const facts: VaultFacts = {
        label: v.node.path,
        lock: v.lock && { minDays: v.lock.minRetentionDays, maxDays: v.lock.maxRetentionDays },
        region: v.region,
      };
      for (const k of [v.literalName, this.key(v.vaultArn)]) if (k && !this.vaults.has(k)) this.vaults.set(k, facts);
    }
    // Raw lock configurations lock the vault they name.
    for (const n of this.all) {
      if (!(n instanceof BackupVaultLockConfiguration) || n.node.scope instanceof EncryptedVault) continue;
      const v = this.vaults.get(this.key(n.backupVaultNameInput) ?? "");
      const min = n.minRetentionDaysInput;
      if (v && typeof min === "number")
        v.lock = {
          minDays: min,
          maxDays: typeof n.maxRetentionDaysInput === "number" ? n.maxRetentionDaysInput : undefined,
        };
    }
  }

  private indexBuckets(): void {
    for (const n of this.all) {
      if (!(n instanceof S3Bucket)) continue;
      const facts: BucketFacts = {
        resource: n,
        label: n.node.scope instanceof TerraformStack ? n.node.path : n.node.scope!.node.path,
        versioned: false,
        locked: this.resolve(n.objectLockEnabledInput) === true,
      };
      const addr = `${n.terraformResourceType}.${n.friendlyUniqueId}`;
      const name = this.key(n.bucketInput);
      for (const k of [name, name && `arn:aws:s3:::${name}`, `\${${addr}.bucket}`, `\${${addr}.id}`, `\${${addr}.arn}`])
        if (k) this.buckets.set(k, facts);
    }
    for (const n of this.all) {
      if (n instanceof S3BucketVersioningA) {
        const b = this.bucketOf(n.bucketInput);
        if (b && this.resolve(n.versioningConfigurationInput?.status) === "Enabled") b.versioned = true;
      } else if (n instanceof S3BucketObjectLockConfigurationA) {
        const b = this.bucketOf(n.bucketInput);
        const days = n.ruleInput?.defaultRetention?.days;
        if (b) {
          b.locked = true;
          if (typeof days === "number") b.lockDays = days;
        }
      }
    }
  }

  private bucketOf(ref: unknown): BucketFacts | undefined {
    const k = this.key(ref);
    return k === undefined ? undefined : this.buckets.get(k);
  }

  private writesOf(r: BackupRuleProps): Write[] {
    return [
      {
        what: `rule \`${r.ruleName}\``,
        deleteAfterDays: r.deleteAfterDays,
        coldAfterDays: r.coldStorageAfterDays,
        continuous: !!r.continuous,
        vault: this.key(r.targetVault?.vaultName ?? r.targetVaultName),
      },
      ...(r.copyActions ?? []).map((c, i) => ({
        what: `rule \`${r.ruleName}\` copy action ${i + 1}`,
        deleteAfterDays: c.deleteAfterDays,
        coldAfterDays: c.coldStorageAfterDays,
        continuous: false,
        vault: this.key(c.destinationVault?.vaultArn ?? c.destinationVaultArn),
      })),
    ];
  }

  private rawWrites(plan: BackupPlan): Write[] {
    const rules = this.resolveConfig(plan.ruleInput) as BackupPlanRule[] | undefined;
    if (!Array.isArray(rules)) return [];
    return rules.flatMap((r) => [
      {
        what: `rule \`${r.ruleName}\``,
        deleteAfterDays: num(r.lifecycle?.deleteAfter),
        coldAfterDays: num(r.lifecycle?.coldStorageAfter),
        continuous: r.enableContinuousBackup === true,
        vault: this.key(r.targetVaultName),
      },
      ...(Array.isArray(r.copyAction) ? r.copyAction : []).map((c, i) => ({
        what: `rule \`${r.ruleName}\` copy action ${i + 1}`,
        deleteAfterDays: num(c.lifecycle?.deleteAfter),
        coldAfterDays: num(c.lifecycle?.coldStorageAfter),
        continuous: false,
        vault: this.key(c.destinationVaultArn),
      })),
    ]);
  }

  /** Config blocks as given (literal), or nothing when they are produced lazily. */
  private resolveConfig(v: unknown): unknown {
    return Token.isUnresolved(v) ? undefined : v;
  }

  private checkPlan(
    at: IConstruct,
    writes: readonly Write[],
    tags: Readonly<Record<string, string>> | undefined,
  ): void {
    for (const w of writes) {
      if (w.deleteAfterDays === undefined) continue;
      const vault = w.vault === undefined ? undefined : this.vaults.get(w.vault);
      const breach = vault?.lock && lockBreach(w.deleteAfterDays, vault.lock);
      if (breach) {
        this.report(
          RULES.insideLock,
          at,
          `${w.what} keeps points ${w.deleteAfterDays} days, ${breach.bound === "minimum" ? "below" : "above"} the lock ${breach.bound} of ${breach.limitDays} days of vault ${vault!.label}; AWS Backup would fail every job`,
          `keep the points ${breach.bound === "minimum" ? "at least" : "at most"} ${breach.limitDays} days, or write them to another vault`,
        );
      }
      const left = coldStorageShortfall(w.deleteAfterDays, w.coldAfterDays);
      if (left !== undefined) {
        this.report(
          RULES.coldStorage,
          at,
          `${w.what} keeps points ${w.deleteAfterDays} days and moves them to cold storage after ${w.coldAfterDays}: only ${left} days in cold storage, AWS requires at least 90`,
          `lower coldStorageAfterDays to at most ${Math.max(0, w.deleteAfterDays - 90)}, or keep points longer`,
        );
      }
      if (w.continuous) {
        const c = continuousBreach(w.deleteAfterDays, w.coldAfterDays);
        if (c.retention)
          this.report(
            RULES.continuous,
            at,
            `${w.what} is continuous and keeps points ${w.deleteAfterDays} days; AWS allows 1–35`,
            "keep continuous points 1–35 days; keep older points with snapshot rules",
          );
        if (c.cold)
          this.report(
            RULES.continuous,
            at,
            `${w.what} is continuous and moves points to cold storage, which AWS does not allow`,
            "drop coldStorageAfterDays from the continuous rule",
          );
      }
    }
    const regimes = complianceRegimes(tags);
    if (regimes.length && writes.length) {
      const oldest = Math.max(0, ...writes.map((w) => w.deleteAfterDays ?? 0));
      for (const regime of regimes) {
        const b = complianceBreach(regime, oldest);
        if (!b) continue;
        this.report(
          RULES.compliance,
          at,
          `${b.requirement.title} ${b.bound === "minimum" ? "needs recovery points kept at least" : "allows recovery points at most"} ${b.limitDays} days (${b.requirement.basis}); the plan's oldest point is kept ${oldest} days`,
          b.bound === "minimum"
            ? `add or lengthen a rule so that points live ${b.limitDays} days`
            : `shorten the rules so that no point lives beyond ${b.limitDays} days`,
        );
      }
    }
  }

  /**
   * A tier preset carries its tier (the `backup:tier` tag): a critical plan needs what a
   * critical service of the catalog needs, an offsite copy (GOV-010) and a locked copy (GOV-023).
   */
  private checkTier(plan: TierBackupPlan): void {
    const tags = plan.plan.tagsInput;
    const tier = tags?.[TIER_TAG];
    if (tier !== Classification.CRITICAL || plan.backupRules.length === 0) return;
    const writes = plan.backupRules.flatMap((r) => this.writesOf(r));
    const facts = writes.map((w) => (w.vault === undefined ? undefined : this.vaults.get(w.vault)));
    const copies = plan.backupRules.flatMap((r) => r.copyActions ?? []);
    if (copies.length === 0) {
      this.report(
        RULES.criticalOffsite,
        plan,
        `plan ${plan.node.id} is of the critical tier but copies no point to another Region or account`,
        "give the preset `copyTo` (a vault in the offsite Region), as a critical service of the catalog gets",
      );
    }
    if (!facts.some((f) => f?.lock)) {
      this.report(
        RULES.immutableCopy,
        plan,
        `plan ${plan.node.id} is of the critical tier, but none of the vaults it writes to is locked: nothing of it is immutable`,
        "write to an ImmutableVault (Vault Lock), or acknowledge GOV-023 naming the append-only or offline copy",
      );
    }
  }

  /** An app-level backup whose runs are further apart than its RPO, without continuous archiving (GOV-013). */
  private checkAppRpo(n: AppBackup): void {
    const spec = n.spec;
    if (spec.pitr) return;
    const interval = n.schedule.cadence.intervalMinutes;
    if (interval <= spec.rpo.toMinutes()) return;
    this.report(
      RULES.rpoFeasible,
      n,
      `app backup of ${spec.serviceId} runs ${n.schedule.describe()}, further apart than its rpo ${spec.rpo}, and nothing archives continuously`,
      spec.rpo.toMinutes() < Cadence.shortest().intervalMinutes
        ? "set `pitr: true` on a database backup, or raise `rpo` to at least 1h"
        : `schedule it at least every ${spec.rpo.toHuman()}, or raise \`rpo\``,
    );
  }

  private checkLockRange(n: BackupVaultLockConfiguration): void {
    const min = n.minRetentionDaysInput;
    if (typeof min !== "number") return;
    const max = typeof n.maxRetentionDaysInput === "number" ? n.maxRetentionDaysInput : undefined;
    for (const p of lockRangeProblems(min, max)) {
      const fix =
        p === LockRangeProblem.MIN_ABOVE_MAX
          ? "make minRetentionDays at most maxRetentionDays"
          : "keep the lock range within 36500 days";
      this.report(
        RULES.lockRange,
        n,
        `vault lock min_retention_days ${min}, max_retention_days ${max ?? "none"}: ${p}`,
        fix,
      );
    }
  }

  private checkSelection(n: BackupSelection): void {
    const tags = this.resolveConfig(n.selectionTagInput) as BackupSelectionSelectionTag[] | undefined;
    if (Array.isArray(tags) && tags.length > 1) {
      this.report(
        RULES.tagsAnd,
        n,
        `selection \`${n.nameInput}\` lists ${tags.length} selection_tag blocks, which AWS Backup ORs: a resource with any one of them is selected`,
        "select with `condition { string_equals }` (TierBackupPlan.addSelection with `tags`), or acknowledge GOV-160 if OR is meant",
      );
    }
    const resources = this.resolveConfig(n.resourcesInput);
    if (!Array.isArray(resources)) return;
    for (const arn of resources) {
      if (typeof arn !== "string" || resourceTypeOfArn(arn) !== AwsResourceType.S3) continue;
      const b = this.buckets.get(arn);
      const name = parseArn(arn)!.resource;
      if (!b) {
        this.report(
          RULES.s3Versioning,
          n,
          `AWS Backup needs versioning on \`${name}\`, which this app does not create and cannot verify`,
          `run \`aws s3api get-bucket-versioning --bucket ${name}\` (expect Enabled), then acknowledge GOV-029`,
        );
      } else if (!b.versioned) {
        this.report(
          RULES.s3Versioning,
          n,
          `bucket ${b.label} is backed up by AWS Backup but has no S3 versioning enabled in this app; every job would fail`,
          "add an aws_s3_bucket_versioning with status Enabled (every BackupBucket has one)",
        );
      }
    }
  }

  private checkReplication(n: S3BucketReplicationConfigurationA): void {
    const source = this.bucketOf(n.bucketInput);
    const rules = this.resolveConfig(n.ruleInput) as S3BucketReplicationConfigurationRule[] | undefined;
    const destinations = (Array.isArray(rules) ? rules : [])
      .map((r) => this.bucketOf(r.destination?.bucket))
      .filter((b): b is BucketFacts => !!b);
    for (const [side, b] of [["source", source], ...destinations.map((d) => ["destination", d] as const)] as const) {
      if (b && !b.versioned)
        this.report(
          RULES.replicationVersioning,
          n,
          `the replication's ${side} bucket ${b.label} has no versioning enabled; S3 refuses the replication configuration`,
          "add an aws_s3_bucket_versioning with status Enabled to both buckets (BackupBucket has one)",
        );
    }
    if (!source?.locked) return;
    for (const d of destinations) {
      if (!d.locked) {
        this.report(
          RULES.lockParity,
          n,
          `bucket ${source.label} has Object Lock, its replica ${d.label} has none; S3 refuses to replicate locked objects there (DstBucketObjectLockConfigMissing)`,
          "create the replica with object_lock_enabled and the source's default retention (OffsiteReplica does)",
        );
      } else if (source.lockDays !== undefined && d.lockDays !== undefined && d.lockDays < source.lockDays) {
        this.report(
          RULES.lockParity,
          n,
          `replica ${d.label} locks objects ${d.lockDays} days, shorter than its source ${source.label} (${source.lockDays} days)`,
          `lock the replica at least ${source.lockDays} days`,
        );
      }
    }
  }

  /** Proxmox: a guest once per host, and the host's jobs starting apart. */
  private checkHosts(): void {
    const jobs = this.all.filter((n): n is VzdumpJob => n instanceof VzdumpJob);
    const byHost = new Map<string, VzdumpJob[]>();
    for (const j of jobs) byHost.set(j.provider.node.path, [...(byHost.get(j.provider.node.path) ?? []), j]);
    for (const [host, list] of byHost) {
      const claims = list.flatMap((j) =>
        j.guests.map((g) => ({ host, vmid: g.vmid, owner: `${j.node.path} (${g.label})`, job: j })),
      );
      for (const { claim, first } of repeatedClaims(claims)) {
        this.report(
          RULES.guestOnce,
          claim.job,
          `guest ${claim.vmid} on host ${host} is also enrolled by ${first}`,
          "enroll each guest once per host (ProxmoxHostBackups refuses a second enrollment)",
        );
      }
      const starts = new Map<number, VzdumpJob>();
      for (const j of list) {
        for (const minute of j.schedule.startsInWeek()) {
          const other = starts.get(minute);
          if (other && other !== j) {
            this.report(
              RULES.staggered,
              j,
              `vzdump job ${j.jobId} starts at the same time as ${other.jobId} on host ${host} (${j.schedule.describe()})`,
              "move one start time (ProxmoxHostBackups staggers its jobs 30 minutes apart)",
            );
            break;
          }
          starts.set(minute, j);
        }
      }
    }
  }
}

function isImportedVault(n: IConstruct): boolean {
  const v = n as Partial<IBackupVault>;
  return (
    !(n instanceof EncryptedVault) &&
    !(n instanceof ImmutableVault) &&
    typeof v.vaultName === "string" &&
    typeof v.vaultArn === "string" &&
    Array.isArray(v.dependables)
  );
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

function complianceRegimes(tags: Readonly<Record<string, string>> | undefined): ComplianceRegime[] {
  const known = Object.values(ComplianceRegime) as string[];
  const out = new Set<ComplianceRegime>();
  for (const k of COMPLIANCE_TAG_KEYS) {
    const v = tags?.[k];
    if (typeof v !== "string" || Token.isUnresolved(v)) continue;
    for (const word of v.toLowerCase().split(/[\s,;:+/]+/)) if (known.includes(word)) out.add(word as ComplianceRegime);
  }
  return [...out];
}
