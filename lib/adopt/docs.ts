import type { FindingDoc } from "../governance/catalog-rules";

const GAP = "adoption: gap report";
const BEFORE_APPLY = "adoption: before apply";

/**
 * The ids `backup-gov adopt` (gaps, GOV-250..257) and synth of an adopted catalog (notices,
 * GOV-260..264) report: documented with the rules, so that `backup-gov explain` knows them.
 * They are reports, not findings of validate.
 */
export const ADOPTION_DOCS: readonly FindingDoc[] = [
  {
    id: "GOV-250",
    name: "guest-not-backed-up",
    step: GAP,
    summary: "A guest Proxmox lists in /cluster/backup-info/not-backed-up: the service to add.",
    explanation:
      "A guest in no job has no backup at all; adoption is when it is found, and a service with `vm:` enrolls it.",
  },
  {
    id: "GOV-251",
    name: "resource-unreached",
    step: GAP,
    summary:
      "A resource no selection reaches: a bucket no selection lists, a namespace a schedule excludes, a plan with no selection.",
    explanation: "Configuration that protects nothing looks like protection; the catalog names what is protected.",
  },
  {
    id: "GOV-252",
    name: "mixed-policy",
    step: GAP,
    summary:
      "A job that mixes policies: a guest in two jobs, a job over every guest, one host's jobs on several storages.",
    explanation:
      "The catalog gives a guest one policy and enrolls guests one service at a time: what the jobs did must be decided into that shape.",
  },
  {
    id: "GOV-253",
    name: "retention-below-tier",
    step: GAP,
    summary: "Retention shorter than the tier adopt suggests.",
    explanation:
      "The draft keeps the retention found; the tier says what the class of service keeps. The settling line is the retention the tier implies.",
  },
  {
    id: "GOV-254",
    name: "bucket-versioning-off",
    step: GAP,
    summary: "A selected bucket without versioning.",
    explanation: "AWS Backup for S3 and replication need versioning on; without it the bucket's backup fails.",
  },
  {
    id: "GOV-255",
    name: "bucket-lock-missing",
    step: GAP,
    summary: "A bucket without Object Lock in a service that looks critical.",
    explanation:
      "Critical services keep an immutable copy; the locked vault's copy or the bucket's own lock provides it.",
  },
  {
    id: "GOV-256",
    name: "not-understood",
    step: GAP,
    summary: "Something adopt could not read into the catalog: a schedule, an OR-ed tag selection, a missing answer.",
    explanation: "Never guessed: the report names the line to write by hand.",
  },
  {
    id: "GOV-257",
    name: "job-disabled",
    step: GAP,
    summary: "A disabled job.",
    explanation: "Its guests are not backed up today; the catalog's jobs replace it.",
  },
  {
    id: "GOV-260",
    name: "existing-left-beside",
    step: BEFORE_APPLY,
    summary:
      "An existing object the catalog generates nothing for under its name (or, for jobs, for its guests): left alone, never deleted.",
    explanation:
      "Apply creates the catalog's own object beside it; the notice names the step that retires the old one after the new one has run.",
  },
  {
    id: "GOV-261",
    name: "selection-replaced",
    step: BEFORE_APPLY,
    summary: "A backup selection that would differ from the existing one.",
    explanation:
      "AWS Backup cannot update a selection in place: every argument forces a new one. Writing the existing resources into the catalog keeps it.",
  },
  {
    id: "GOV-262",
    name: "bucket-lock-in-place",
    step: BEFORE_APPLY,
    summary:
      "Object Lock is enabled on an existing bucket through its lock configuration, never with `object_lock_enabled`.",
    explanation:
      "`object_lock_enabled` on an existing bucket forces a new bucket; the Object Lock configuration resource enables the lock in place.",
  },
  {
    id: "GOV-263",
    name: "vault-lock-kept",
    step: BEFORE_APPLY,
    summary: "An existing Vault Lock is imported and left exactly as it is.",
    explanation:
      "A compliance lock past its date can never change or be removed; `changeable_for_days` is not read back, so setting it again would be a replacement AWS refuses.",
  },
  {
    id: "GOV-264",
    name: "vault-key-kept",
    step: BEFORE_APPLY,
    summary: "An imported vault keeps the KMS key it was created with.",
    explanation: "A vault's key cannot change; another key would force a new vault.",
  },
  {
    id: "GOV-265",
    name: "vault-notifications-replaced",
    step: BEFORE_APPLY,
    summary: "An imported vault's notifications are set to the estate's topic and events.",
    explanation:
      "A vault has one notification configuration: importing it and applying the estate's replaces the topic it goes to today.",
  },
];
