import { z } from "zod";
import { LockMode } from "../../core/vocabulary";
import { DURATION_PATTERN } from "../../core/duration";
import {
  DATABASE_NAME,
  HOSTNAME,
  HTTPS_API_URL,
  PVE_STORAGE_ID,
  REPOSITORY,
  SECRET_REF,
  SERVICE_ID,
} from "../../core/formats";

/**
 * Patterns and small building blocks shared by the catalog's sections.
 *
 * The zod schemas in this folder are the single source of truth for the catalog format:
 * the loader validates with them, `schema/catalog.schema.json` and `docs/catalog.md` are
 * generated from them (npm run gen). String unions live here and nowhere else; the model
 * turns them into enums and value classes.
 */
export const Patterns = {
  estateName: /^[a-z][a-z0-9-]{1,30}$/,
  serviceId: SERVICE_ID,
  hostKey: /^[a-z][a-z0-9-]{0,62}$/,
  hostname: HOSTNAME,
  awsRegion: /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$/,
  accountId: /^[0-9]{12}$/,
  arn: /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12})?:\S+$/,
  // Shared with the constructs (lib/core/formats.ts): the schema accepts what they accept.
  httpsUrl: HTTPS_API_URL,
  pveStorageId: PVE_STORAGE_ID,
  absolutePath: /^\/\S*$/,
  secretRef: SECRET_REF,
  ruleId: /^[A-Z]{3}-[0-9]{3}$/,
  channelName: /^[a-z][a-z0-9-]{0,62}$/,
  bandwidth: /^[1-9][0-9]{0,6}(KiB|MiB|GiB)\/s$/,
  size: /^[1-9][0-9]{0,6}(KiB|MiB|GiB|TiB)$/,
  repository: REPOSITORY,
  database: DATABASE_NAME,
  replicaSet: /^[A-Za-z0-9_-]{1,64}$/,
  pbsName: /^[A-Za-z0-9_][A-Za-z0-9._-]{2,31}$/,
  pbsNamespace: /^[A-Za-z0-9_][A-Za-z0-9._-]{0,30}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,30}){0,6}$/,
  pbsUser: /^[^\s:@!]{1,64}@[A-Za-z][A-Za-z0-9._-]{0,31}(![A-Za-z][A-Za-z0-9._-]{0,31})?$/,
  pbsFingerprint: /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/,
  uplink: /^[1-9][0-9]{0,6}(Kbit|Mbit|Gbit|KiB|MiB|GiB)\/s$/,
  backupWindow: /^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$/,
  percent: /^(100(\.0{1,2})?|[1-9]?[0-9](\.[0-9]{1,2})?)%$/,
  k8sName: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  kubeContext: /^[A-Za-z0-9][A-Za-z0-9._@:/+-]{0,252}$/,
  k8sLabelKey:
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
  k8sLabelValue: /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
  k8sResource: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
} as const;

/** Lock modes of S3 Object Lock and AWS Backup Vault Lock, in the catalog's words. */
export const LOCK_MODES: readonly LockMode[] = Object.values(LockMode);

export const duration = (what: string) =>
  z
    .string()
    .regex(DURATION_PATTERN)
    .describe(
      `${what}: a whole number and a unit, \`m\` (minutes), \`h\` (hours) or \`d\` (days), e.g. \`15m\`, \`4h\`, \`1d\`.`,
    );

export const nonEmpty = (what: string) => z.string().trim().min(1).describe(what);

export const awsRegion = (what: string) => z.string().regex(Patterns.awsRegion).describe(what);

export const tagMap = (what: string) => z.record(z.string().min(1).max(128), z.string().max(256)).describe(what);

/** A reference to where a secret lives (`vault:kv/path`, `aws-sm:name`, `file:/etc/...`), never the secret. */
export const secretRef = (what: string) =>
  z
    .string()
    .regex(Patterns.secretRef)
    .describe(
      `${what} A reference of the form \`<store>:<path>\` (for example \`vault:kv/backup/app\`, \`aws-sm:backup/app\`, \`file:/etc/backup/app.key\`); never the secret itself.`,
    );
