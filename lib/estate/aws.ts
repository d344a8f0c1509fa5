import type { AwsSettings, Service } from "../catalog/model";
import type { IConstruct } from "../core/cdk";
import { GovernanceChecks } from "../governance/checks";
import { AuditTrail } from "../constructs/audit-trail";
import { BackupBucket, ObjectLockMode } from "../constructs/backup-bucket";
import { BackupKey } from "../constructs/backup-key";
import { BackupServiceRole } from "../constructs/backup-service-role";
import { EncryptedVault } from "../constructs/encrypted-vault";
import { ImmutableVault } from "../constructs/immutable-vault";
import { OffsiteReplica } from "../constructs/offsite-replica";
import { RecoveryPointType, RestoreTestingPlan } from "../constructs/restore-testing-plan";
import { TierBackupPlan } from "../constructs/tier-backup-plan";
import { VeleroIdentity } from "../constructs/velero-identity";
import { Token } from "../core/cdk";
import { partitionOf } from "../core/iam-policy";
import { Cadence } from "../core/schedule";
import { LockMode } from "../core/vocabulary";
import { renderImmutabilityDrill, type LockedBucket } from "../artifacts/immutability-drill";
import {
  AwsNames,
  type PlanRuleSpec,
  type PlanSpec,
  type RestoreTestPlanSpec,
  START_WINDOW_MINUTES,
  type VaultSpec,
  awsBackupPlans,
  awsBackupVaults,
  resourceTypeOfKey,
  resourceTypeOfArn,
  AwsResourceType,
  restoreTestPlans,
} from "../policy/aws-backup";
import { type AppBucketSpec, appBucketPrefix, appBucketSpecs } from "../policy/aws-s3";
import { stagger } from "../policy/stagger";
import { RestoreTestFrequency } from "../policy/tiers";
import { adoptedNames, type AdoptedNames } from "./adoption";
import type { AwsEstateStack } from "./aws-stack";
import { BuildRecord, type EstatePolicies, type S3Destination, TargetKind, type VeleroDestination } from "./context";
import { TIER_TAG } from "../policy/audit";
import { tfLiteral, tfLiteralMap } from "../core/escape/terraform";
import { type VeleroBucketSpec, VeleroNames, veleroBucketSpecs } from "../policy/velero";

/** What the AWS builder made: handles on its constructs and what the other builders need from it. */
export interface AwsProtection {
  /** Every AWS Backup vault it created (locked ones included), in creation order. */
  readonly vaults: readonly EncryptedVault[];
  /** The vaults each service's AWS Backup rules write to (copies included), by service id. */
  readonly vaultsByService: ReadonlyMap<string, readonly EncryptedVault[]>;
  /** The AWS Backup plans, by plan name. */
  readonly plans: ReadonlyMap<string, TierBackupPlan>;
  /** The role AWS Backup assumes for the selections; absent without plans. */
  readonly backupRole?: BackupServiceRole;
  /** The customer-managed key of each Region it uses. */
  readonly keys: ReadonlyMap<string, BackupKey>;
  /** The app-level backup bucket of each service that writes to one, by service id. */
  readonly appBuckets: ReadonlyMap<string, BackupBucket>;
  /** The S3 location of each service's app-level backups, by service id. */
  readonly s3Destinations: ReadonlyMap<string, S3Destination>;
  /** Where each cluster's Velero writes, by cluster name. */
  readonly veleroDestinations: ReadonlyMap<string, VeleroDestination>;
  /** Targets, jobs and the immutability drill it registered. */
  readonly record: BuildRecord;
}

/** What the AWS builder makes of an estate without AWS protection: nothing. */
function emptyAwsProtection(): AwsProtection {
  return {
    vaults: [],
    vaultsByService: new Map(),
    plans: new Map(),
    keys: new Map(),
    appBuckets: new Map(),
    s3Destinations: new Map(),
    veleroDestinations: new Map(),
    record: new BuildRecord(),
  };
}

/**
 * AWS protection of the estate: immutable vaults and buckets, offsite replicas, AWS Backup
 * plans by tier, the audit trail, in `stack`. Returns what it built: the vaults and buckets
 * per service, the S3 destinations of app-level backups, Velero's destinations, and each
 * service's targets and AWS Backup jobs.
 *
 * Everything is derived from the policy layer (plans, vaults, buckets, restore tests), so the
 * number of plans, vaults and buckets grows with the number of distinct policies; only
 * selections grow with the services.
 */
export function buildAwsProtection(input: EstatePolicies, stack: AwsEstateStack | undefined): AwsProtection {
  const aws = input.catalog.aws;
  if (!stack || !aws) return emptyAwsProtection();
  const plans = awsBackupPlans(input.policies, input.catalog);
  const buckets = appBucketSpecs(input.policies, input.catalog);
  const velero = veleroBucketSpecs(input.policies, input.catalog);
  if (plans.length === 0 && buckets.length === 0 && velero.length === 0) return emptyAwsProtection();
  // Existing plans, vaults and selections lend their names (`adopted`): imported, not recreated.
  const names = adoptedNames(plans, input.catalog.adopted);
  return new AwsBuilder(input, stack, aws, names.plans, buckets, velero, names).build();
}

class AwsBuilder {
  private readonly estate: string;
  private readonly partition: string;
  private readonly protect: boolean;
  private readonly keys = new Map<string, BackupKey>();
  private readonly vaults = new Map<string, EncryptedVault>();
  private readonly lockedBuckets: Array<LockedBucket & { repositories?: string[] }> = [];
  private readonly dataEventBuckets: string[] = [];
  private readonly record = new BuildRecord();
  private readonly vaultList: EncryptedVault[] = [];
  private readonly vaultsByService = new Map<string, EncryptedVault[]>();
  private readonly planMap = new Map<string, TierBackupPlan>();
  private readonly appBuckets = new Map<string, BackupBucket>();
  private readonly s3Destinations = new Map<string, S3Destination>();
  private readonly veleroDestinations = new Map<string, VeleroDestination>();
  private role?: BackupServiceRole;

  constructor(
    private readonly ctx: EstatePolicies,
    private readonly stack: AwsEstateStack,
    private readonly aws: AwsSettings,
    private readonly plans: readonly PlanSpec[],
    private readonly buckets: readonly AppBucketSpec[],
    private readonly veleroBuckets: readonly VeleroBucketSpec[] = [],
    private readonly names?: AdoptedNames,
  ) {
    this.estate = ctx.catalog.name;
    this.partition = partitionOf(aws.region);
    this.protect = aws.deletionProtection;
  }

  public build(): AwsProtection {
    for (const v of awsBackupVaults(this.plans)) this.createVault(v);
    if (this.plans.length) {
      this.role = new BackupServiceRole(this.stack, "BackupRole", {
        roleName: AwsNames.backupRole(this.estate),
        s3: this.needsS3Policies(),
        partition: this.partition,
        provider: this.stack.primary,
      });
    }
    for (const p of this.plans) this.createPlan(p);
    for (const rt of restoreTestPlans(this.ctx.policies, this.ctx.catalog)) this.createRestoreTests(rt);
    for (const b of this.buckets) this.createAppBucket(b);
    for (const b of this.veleroBuckets) this.createVeleroBucket(b);
    if (this.aws.audit.enabled) this.createAuditTrail();
    if (this.lockedBuckets.length) {
      this.record.addArtifact({
        path: "immutability-drill.sh",
        content: renderImmutabilityDrill(this.estate, this.lockedBuckets),
        mode: 0o755,
      });
    }
    return {
      vaults: this.vaultList,
      vaultsByService: this.vaultsByService,
      plans: this.planMap,
      backupRole: this.role,
      keys: this.keys,
      appBuckets: this.appBuckets,
      s3Destinations: this.s3Destinations,
      veleroDestinations: this.veleroDestinations,
      record: this.record,
    };
  }

  /** The account id: the catalog's literal, or the stack's `aws_account_id` variable. */
  private get account(): string {
    return this.stack.accountId;
  }

  /** One customer-managed key per region for the estate's vaults, buckets and replicas. */
  private keyFor(region: string): BackupKey {
    let key = this.keys.get(region);
    if (!key) {
      key = new BackupKey(this.stack, `Key-${region}`, {
        accountId: this.account,
        alias: AwsNames.keyAlias(this.estate, "backup"),
        description: `Encrypts the ${this.estate} estate's backups in ${region}`,
        preventDestroy: this.protect,
        partition: this.partition,
        provider: this.stack.providerFor(region),
      });
      this.keys.set(region, key);
    }
    return key;
  }

  private createVault(v: VaultSpec): void {
    const provider = this.stack.providerFor(v.region);
    const id = `Vault-${v.region}-${v.name}`;
    const common = {
      kmsKey: this.keyFor(v.region),
      preventDestroy: this.protect,
      region: v.region,
      accountId: this.aws.accountId,
      partition: this.partition,
      provider,
    };
    const vault = v.lock
      ? new ImmutableVault(this.stack, id, {
          ...common,
          mode: objectLockMode(v.lock.mode),
          days: v.lock.minDays,
          maxRetentionDays: v.lock.maxDays,
          createBucket: false,
          vaultName: v.name,
        }).vault
      : new EncryptedVault(this.stack, id, {
          vaultName: v.name,
          kmsKeyArn: common.kmsKey.keyArn,
          preventDestroy: this.protect,
          region: v.region,
          accountId: this.aws.accountId,
          partition: this.partition,
          provider,
        });
    this.vaults.set(vaultId(v), vault);
    this.vaultList.push(vault);
  }

  /** The vault built for a spec, under its adopted name when it has one. */
  private vaultOf(v: VaultSpec): EncryptedVault {
    return this.vaults.get(vaultId(this.names ? this.names.vault(v) : v))!;
  }

  /** S3 backup/restore policies only when S3 may be selected: by ARN, or by tags of undeclared or S3 type. */
  private needsS3Policies(): boolean {
    return this.ctx.policies.some((p) => {
      const a = p.service.aws;
      if (!a) return false;
      if (a.resources.some((arn) => resourceTypeOfArn(arn) === AwsResourceType.S3)) return true;
      if (Object.keys(a.tags).length === 0) return false;
      return (
        a.tagResourceTypes.length === 0 || a.tagResourceTypes.some((k) => resourceTypeOfKey(k) === AwsResourceType.S3)
      );
    });
  }

  private createPlan(spec: PlanSpec): void {
    // The tier tag scopes Audit Manager's per-tier frequency/retention controls to this plan.
    const plan = new TierBackupPlan(this.stack, `Plan-${spec.key}`, {
      planName: spec.name,
      provider: this.stack.primary,
      tags: { [TIER_TAG]: spec.classification },
    });
    this.planMap.set(spec.name, plan);
    carryAcknowledgement(
      plan,
      spec.serviceIds.map((id) => this.ctx.policyOf(id).service),
      IMMUTABLE_COPY_RULE,
    );
    const written: EncryptedVault[] = [];
    for (const r of spec.rules) {
      const target = this.vaults.get(vaultId(r.vault))!;
      const copy = r.copy && this.vaults.get(vaultId(r.copy.vault))!;
      for (const v of [target, copy]) if (v && !written.includes(v)) written.push(v);
      plan.addRule({
        ruleName: r.name,
        targetVault: target,
        schedule: r.schedule,
        startWindowMinutes: r.startWindowMinutes,
        completionWindowMinutes: r.completionWindowMinutes,
        deleteAfterDays: r.deleteAfterDays,
        coldStorageAfterDays: r.coldAfterDays,
        continuous: r.continuous,
        copyActions:
          r.copy && copy
            ? [
                {
                  destinationVault: copy,
                  deleteAfterDays: r.copy.deleteAfterDays,
                  coldStorageAfterDays: r.copy.coldAfterDays,
                },
              ]
            : undefined,
      });
      this.record.addJob({
        id: `${spec.name}/${r.name}`,
        kind: TargetKind.AWS_BACKUP,
        group: vaultId(r.vault),
        schedule: r.schedule,
        serviceIds: spec.serviceIds,
        durationMinutes: START_WINDOW_MINUTES,
        batch: spec.name,
        description: `AWS Backup plan ${spec.name}, rule ${r.name}: ${r.continuous ? "continuous backup" : "snapshot"} into ${r.vault.name}, kept ${r.deleteAfterDays} days${r.copy ? `, copied to ${r.copy.vault.name} (${r.copy.vault.region})` : ""}`,
      });
    }
    for (const serviceId of spec.serviceIds) {
      const a = this.ctx.policyOf(serviceId).service.aws!;
      const selectionName = (byTags: boolean) =>
        this.names?.selection(AwsNames.selection(this.estate, serviceId, byTags), serviceId, byTags) ??
        AwsNames.selection(this.estate, serviceId, byTags);
      if (a.resources.length)
        plan.addSelection(`Selection-${serviceId}`, {
          selectionName: selectionName(false),
          role: this.role!,
          resources: a.resources.map(tfLiteral),
        });
      if (Object.keys(a.tags).length)
        plan.addSelection(`Selection-${serviceId}-tags`, {
          selectionName: selectionName(true),
          role: this.role!,
          tags: tfLiteralMap(a.tags),
        });
      this.registerAwsBackupTargets(serviceId, spec);
      this.vaultsByService.set(serviceId, [
        ...(this.vaultsByService.get(serviceId) ?? []),
        ...written.filter((v) => !this.vaultsByService.get(serviceId)?.includes(v)),
      ]);
    }
  }

  private createRestoreTests(spec: RestoreTestPlanSpec): void {
    const weekly = spec.frequency === RestoreTestFrequency.WEEKLY;
    const slot = stagger(
      [{ key: spec.name, group: "restore-testing", cadence: weekly ? Cadence.weekly() : Cadence.daily() }],
      { windowStartMinutes: 8 * 60 },
    ).get(spec.name)!;
    // Monthly drills run on the 2nd, clear of the monthly backups of the 1st.
    const schedule = weekly ? slot : slot.onDayOfMonth(2);
    const rt = new RestoreTestingPlan(this.stack, `RestoreTests-${spec.frequency}`, {
      planName: spec.name,
      schedule,
      includeVaults: spec.vaults.map((v) => this.vaultOf(v).vaultArn),
      recoveryPointTypes: spec.continuous
        ? [RecoveryPointType.SNAPSHOT, RecoveryPointType.CONTINUOUS]
        : [RecoveryPointType.SNAPSHOT],
      selectionWindowDays: spec.selectionWindowDays,
      provider: this.stack.primary,
    });
    for (const v of spec.vaults) rt.addDependency(this.vaultOf(v).vault);
    for (const sel of spec.selections) {
      rt.addSelection(`Selection-${sel.name}`, {
        selectionName: sel.name,
        resourceType: sel.type,
        role: this.role!,
        protectedResourceArns: sel.arns.length ? sel.arns.map(tfLiteral) : undefined,
        tags: sel.arns.length ? undefined : sel.tags && tfLiteralMap(sel.tags),
      });
    }
    this.record.addJob({
      id: spec.name,
      kind: TargetKind.AWS_BACKUP,
      group: `${this.aws.region}/restore-testing`,
      schedule,
      serviceIds: [...new Set(spec.selections.map((s) => s.serviceId))],
      durationMinutes: 24 * 60,
      drill: true,
      description: `AWS Backup restore test ${spec.name}: restores the latest recovery point of ${spec.selections.length} selection(s), keeps it 24 hours for validation, then deletes it`,
    });
  }

  /** A versioned, KMS-encrypted, TLS-only bucket (Object Lock when asked), with its offsite replica. */
  private createEstateBucket(
    b: Omit<AppBucketSpec, "serviceIds">,
    bucketId: string,
    replicaId: string,
  ): { bucket: BackupBucket; replica?: OffsiteReplica } {
    const provider = this.stack.primary;
    const key = this.keyFor(b.region);
    const id = `${bucketId}-${b.purpose}`;
    const bucket = b.lock
      ? new ImmutableVault(this.stack, id, {
          mode: objectLockMode(b.lock.mode),
          days: b.lock.days,
          createVault: false,
          bucketName: b.name,
          kmsKey: key,
          noncurrentVersionExpirationDays: b.noncurrentDays,
          preventDestroy: this.protect,
          region: b.region,
          partition: this.partition,
          provider,
        }).bucket
      : new BackupBucket(this.stack, id, {
          bucketName: b.name,
          kmsKeyArn: key.keyArn,
          noncurrentVersionExpirationDays: b.noncurrentDays,
          preventDestroy: this.protect,
          region: b.region,
          partition: this.partition,
          provider,
        });
    this.dataEventBuckets.push(bucket.bucketArn);
    if (b.lock)
      this.lockedBuckets.push({
        name: b.name,
        region: b.region,
        mode: objectLockMode(b.lock.mode),
        days: b.lock.days,
        repositories: [],
      });
    let replica: OffsiteReplica | undefined;
    if (b.replica) {
      const replicaKey = this.keyFor(b.replica.region);
      replica = new OffsiteReplica(this.stack, `${replicaId}-${b.purpose}`, {
        source: bucket,
        destinationRegion: b.replica.region,
        destinationProvider: this.stack.providerFor(b.replica.region),
        destinationBucketName: b.replica.name,
        destinationKey: replicaKey,
        replicationTimeControl: b.replica.replicationTimeControl,
        roleName: AwsNames.replicationRole(b.name),
        preventDestroy: this.protect,
        partition: this.partition,
      });
      this.dataEventBuckets.push(replica.destination.bucketArn);
      if (b.lock)
        this.lockedBuckets.push({
          name: b.replica.name,
          region: b.replica.region,
          mode: objectLockMode(b.lock.mode),
          days: b.lock.days,
        });
    }
    return { bucket, replica };
  }

  private createAppBucket(b: AppBucketSpec): void {
    const key = this.keyFor(b.region);
    const { bucket, replica } = this.createEstateBucket(b, "AppBucket", "AppReplica");
    for (const serviceId of b.serviceIds) {
      const prefix = appBucketPrefix(serviceId);
      this.appBuckets.set(serviceId, bucket);
      this.s3Destinations.set(serviceId, {
        bucketName: b.name,
        bucketArn: bucket.bucketArn,
        prefix,
        region: b.region,
        kmsKeyArn: key.keyArn,
        offsite: replica && {
          bucketName: b.replica!.name,
          bucketArn: replica.destination.bucketArn,
          region: b.replica!.region,
          kmsKeyArn: this.keyFor(b.replica!.region).keyArn,
        },
        objectLock: b.lock && {
          mode: objectLockMode(b.lock.mode) === ObjectLockMode.COMPLIANCE ? "COMPLIANCE" : "GOVERNANCE",
          days: b.lock.days,
        },
      });
      // The drill reads the oldest object each repository still holds, not only a fresh probe.
      if (b.lock) this.lockedBuckets.find((l) => l.name === b.name)?.repositories?.push(prefix);
      this.registerS3Targets(serviceId, b, prefix);
    }
  }

  /** A Velero bucket and, per cluster using it, the IAM identity confined to the cluster's prefix. */
  private createVeleroBucket(b: VeleroBucketSpec): void {
    const key = this.keyFor(b.region);
    const { bucket, replica } = this.createEstateBucket(b, "VeleroBucket", "VeleroReplica");
    for (const cluster of b.clusters) {
      const prefix = VeleroNames.prefix(cluster);
      const userName = VeleroNames.iamUser(this.estate, cluster);
      new VeleroIdentity(this.stack, `Velero-${cluster}`, {
        userName,
        bucket: { bucketArn: bucket.bucketArn, kmsKeyArn: key.keyArn, region: b.region },
        prefix,
        offsite: replica &&
          b.replica && {
            bucketArn: replica.destination.bucketArn,
            kmsKeyArn: this.keyFor(b.replica.region).keyArn,
            region: b.replica.region,
          },
        provider: this.stack.primary,
      });
      this.veleroDestinations.set(cluster, {
        bucketName: b.name,
        prefix,
        region: b.region,
        kmsKeyAlias: AwsNames.keyAlias(this.estate, "backup"),
        iamUser: userName,
        lock: b.lock && { mode: b.lock.mode, days: b.lock.days },
        offsite: b.replica && { bucketName: b.replica.name, region: b.replica.region },
      });
    }
  }

  private createAuditTrail(): void {
    const audit = this.aws.audit;
    const name = AwsNames.bucket(this.estate, "audit", this.aws.accountId);
    const mode = objectLockMode(audit.lockMode);
    new AuditTrail(this.stack, "AuditTrail", {
      trailName: AwsNames.trail(this.estate),
      bucketName: name,
      accountId: this.account,
      region: this.aws.region,
      lockMode: mode,
      retentionDays: audit.retentionDays,
      dataEventBucketArns: this.dataEventBuckets,
      preventDestroy: this.protect,
      partition: this.partition,
      provider: this.stack.primary,
    });
    this.lockedBuckets.push({ name, region: this.aws.region, mode, days: audit.retentionDays });
  }

  // --- targets (inventory, SOPs) -----------------------------------------------------------

  private registerAwsBackupTargets(serviceId: string, spec: PlanSpec): void {
    const a = this.ctx.policyOf(serviceId).service.aws!;
    const primary = this.aws.region;
    const roleArn = this.roleArnText();
    const primaryVaults = unique(spec.rules.map((r) => r.vault.name));
    const lock = spec.rules.find((r) => r.vault.lock)?.vault.lock;
    const find = findSteps(a.resources, a.tags, primary);
    this.record.addTarget({
      serviceId,
      kind: TargetKind.AWS_BACKUP,
      id: spec.name,
      location: `AWS Backup plan ${spec.name} → vault${primaryVaults.length > 1 ? "s" : ""} ${primaryVaults.join(", ")} (${primary})`,
      details: {
        plan: spec.name,
        region: primary,
        vaults: primaryVaults.join(", "),
        rules: describeRules(spec.rules),
        selection: selectionText(a.resources, a.tags),
        ...(lock ? { lock: `${lock.mode} ${lock.minDays} days${lock.maxDays ? ` (max ${lock.maxDays})` : ""}` } : {}),
        ...unlockedDetails(spec.rules),
      },
      restoreSteps: [
        ...find,
        `Pick the recovery point: \`aws backup list-recovery-points-by-resource --region ${primary} --resource-arn <resource-arn>\` (the newest one before the incident${spec.rules.some((r) => r.continuous) ? "; continuous backup restores to any second inside its window" : ""}).`,
        `Read its restore metadata: \`aws backup get-recovery-point-restore-metadata --region ${primary} --backup-vault-name <vault> --recovery-point-arn <recovery-point-arn> --query RestoreMetadata > metadata.json\`, and give the restored resource a new name in metadata.json (a restore never overwrites the original).`,
        `Start the restore: \`aws backup start-restore-job --region ${primary} --recovery-point-arn <recovery-point-arn> --iam-role-arn ${roleArn} --metadata file://metadata.json\`.`,
        `Wait for it: \`aws backup describe-restore-job --region ${primary} --restore-job-id <restore-job-id> --query Status\` until COMPLETED; then point the service at the restored resource.`,
      ],
    });
    const copies = spec.rules.filter((r) => r.copy);
    if (!copies.length) return;
    const offsite = copies[0].copy!.vault;
    const offsiteVaults = unique(copies.map((r) => r.copy!.vault.name));
    this.record.addTarget({
      serviceId,
      kind: TargetKind.OFFSITE,
      id: offsiteVaults.join(", "),
      location: `AWS Backup copies in ${offsite.region}: vault${offsiteVaults.length > 1 ? "s" : ""} ${offsiteVaults.join(", ")}`,
      details: {
        region: offsite.region,
        vaults: offsiteVaults.join(", "),
        rules: copies.map((r) => `${r.name} ${r.copy!.deleteAfterDays}d`).join(", "),
      },
      restoreSteps: [
        `List the copies: \`aws backup list-recovery-points-by-backup-vault --region ${offsite.region} --backup-vault-name ${offsite.name} --by-resource-arn <resource-arn>\` (copies of continuous points are snapshots).`,
        `Restore in ${offsite.region} (when ${primary} is down): \`aws backup start-restore-job --region ${offsite.region} --recovery-point-arn <recovery-point-arn> --iam-role-arn ${roleArn} --metadata file://metadata.json\`, with metadata from \`aws backup get-recovery-point-restore-metadata --region ${offsite.region} --backup-vault-name ${offsite.name} --recovery-point-arn <recovery-point-arn>\`.`,
        `Or copy the point back first: \`aws backup start-copy-job --region ${offsite.region} --source-backup-vault-name ${offsite.name} --recovery-point-arn <recovery-point-arn> --destination-backup-vault-arn <primary-vault-arn> --iam-role-arn ${roleArn}\`, then restore in ${primary}.`,
      ],
    });
  }

  private registerS3Targets(serviceId: string, b: AppBucketSpec, prefix: string): void {
    // Default retention locks each object version for `days` from its own upload, never longer: a deduplicating
    // repository keeps referencing packs written long before (S3 user guide, "Object Lock"). The service's
    // lock-extend.sh (AppBackup, daily) extends the objects the repository still holds on the primary; the
    // replica's copies keep the retention they were replicated with.
    const lockText = b.lock
      ? `Object Lock ${b.lock.mode} ${b.lock.days} days from each object's upload, extended daily by lock-extend.sh to at least ${b.lock.days} days from now for every object the repository still holds`
      : "no Object Lock";
    const replicaLockText = b.lock
      ? `Object Lock ${b.lock.mode} ${b.lock.days} days from each object's upload only (the extension runs on the primary: older objects a repository still references are not locked here)`
      : "no Object Lock";
    this.record.addTarget({
      serviceId,
      kind: TargetKind.S3,
      id: `s3://${b.name}/${prefix}`,
      location: `s3://${b.name}/${prefix} (${b.region})`,
      details: {
        bucket: b.name,
        prefix,
        region: b.region,
        encryption: `SSE-KMS ${AwsNames.keyAlias(this.estate, "backup")}`,
        lock: lockText,
        noncurrentVersionDays: b.noncurrentDays,
      },
      restoreSteps: [
        `The app-level backups of ${serviceId} are under s3://${b.name}/${prefix} in ${b.region}; restore them with the service's backup tool (see the app-level restore steps).`,
        `To undo a deletion or an overwrite (older versions stay ${b.noncurrentDays} days): \`aws s3api list-object-versions --region ${b.region} --bucket ${b.name} --prefix ${prefix}\`, then \`aws s3api copy-object --region ${b.region} --bucket ${b.name} --key <key> --copy-source "${b.name}/<key>?versionId=<version-id>"\`.`,
        ...(b.lock
          ? [
              `What the lock protects: each object version for ${b.lock.days} days from its upload (${b.lock.mode}); until then it cannot be deleted or its retention shortened by anyone${b.lock.mode === LockMode.GOVERNANCE ? " without s3:BypassGovernanceRetention" : ""}. A deduplicating repository (restic) keeps referencing packs written earlier: the service's lock-extend.sh (a daily timer on its host, alerting as ObjectLockExtensionStale / ObjectLockEndsTooSoon) extends the retention of every object the repository still holds to at least ${b.lock.days} days from now, so the packs kept snapshots need stay locked. Objects prune removed are no longer extended: their lock ends, then the noncurrent-version lifecycle removes them. If the extension stopped, older packs are protected by versioning only (a deletion adds a delete marker): bring deleted versions back as above.`,
            ]
          : []),
      ],
    });
    if (!b.replica) return;
    this.record.addTarget({
      serviceId,
      kind: TargetKind.OFFSITE,
      id: `s3://${b.replica.name}/${prefix}`,
      location: `s3://${b.replica.name}/${prefix} (${b.replica.region}, S3 replication${b.replica.replicationTimeControl ? " with a 15-minute RTC" : ""})`,
      details: {
        bucket: b.replica.name,
        prefix,
        region: b.replica.region,
        lock: replicaLockText,
        replicationTimeControl: b.replica.replicationTimeControl,
      },
      restoreSteps: [
        `When ${b.region} is unavailable, read the replica: point the backup tool at s3://${b.replica.name}/${prefix} in ${b.replica.region} (read only: never write backups to the replica).`,
        `Check replication is current first: \`aws s3api head-object --region ${b.region} --bucket ${b.name} --key <key> --query ReplicationStatus\` reports COMPLETED for the newest objects.`,
      ],
    });
  }

  private roleArnText(): string {
    const name = AwsNames.backupRole(this.estate);
    return this.aws.accountId && !Token.isUnresolved(name)
      ? `arn:${this.partition}:iam::${this.aws.accountId}:role/${name}`
      : `arn:${this.partition}:iam::<account-id>:role/${name}`;
  }
}

/** GOV-023, which GovernanceChecks also judges on a critical plan. */
const IMMUTABLE_COPY_RULE = "GOV-023";

/**
 * The catalog's acknowledgement of a rule, on the construct GovernanceChecks judges for the
 * same rule: when every service the construct serves acknowledges it (a shared construct is
 * accepted only when all its services accept the finding).
 */
export function carryAcknowledgement(scope: IConstruct, services: readonly Service[], ruleId: string): void {
  const reasons = services.map((s) => s.acknowledge.find((a) => a.rule === ruleId)?.reason);
  if (!reasons.length || reasons.some((r) => r === undefined)) return;
  GovernanceChecks.acknowledge(scope, ruleId, [...new Set(reasons)].join("; "));
}

function vaultId(v: VaultSpec): string {
  return `${v.region}/${v.name}`;
}

function objectLockMode(mode: LockMode): ObjectLockMode {
  return mode === LockMode.COMPLIANCE ? ObjectLockMode.COMPLIANCE : ObjectLockMode.GOVERNANCE;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function describeRules(rules: readonly PlanRuleSpec[]): string {
  return rules.map((r) => `${r.name} ${r.deleteAfterDays}d (${r.schedule.describe()} UTC)`).join(", ");
}

function selectionText(resources: readonly string[], tags: Readonly<Record<string, string>>): string {
  const t = Object.entries(tags).map(([k, v]) => `${k}=${v}`);
  return [resources.length ? `${resources.length} ARN(s)` : "", t.length ? `tags ${t.join(" AND ")}` : ""]
    .filter(Boolean)
    .join(" + ");
}

function findSteps(resources: readonly string[], tags: Readonly<Record<string, string>>, region: string): string[] {
  const out: string[] = [];
  if (resources.length) out.push(`Resources selected by ARN: ${resources.map((r) => `\`${r}\``).join(", ")}.`);
  const t = Object.entries(tags);
  if (t.length) {
    out.push(
      `Resources selected by tags (all must match): \`aws resourcegroupstaggingapi get-resources --region ${region} --tag-filters ${t.map(([k, v]) => `Key=${k},Values=${v}`).join(" ")} --query 'ResourceTagMappingList[].ResourceARN'\`.`,
    );
  }
  return out;
}

/**
 * The inventory's word on the points of an immutable service that are not locked, and why
 * (their retention lies outside the vault lock's range): `unlocked` names the rules, and
 * `unlockedWhy` says why each is there.
 */
function unlockedDetails(rules: PlanSpec["rules"]): Record<string, string> {
  const unlocked = rules.filter((r) => r.unlockedReason);
  if (!unlocked.length) return {};
  return {
    unlocked: unlocked.map((r) => `${r.name} → ${r.vault.name}`).join(", "),
    unlockedWhy: unlocked.map((r) => r.unlockedReason).join("; "),
  };
}
