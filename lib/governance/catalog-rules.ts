import { ADOPTION_DOCS } from "../adopt/docs";
import { LoaderRules } from "../catalog/load";

/** A documented finding id that is not a governance rule (loader, acknowledgements, engine). */
export interface FindingDoc {
  readonly id: string;
  readonly name: string;
  readonly step: string;
  readonly summary: string;
  readonly explanation: string;
}

/** Acknowledgement findings. */
export const AckRules = {
  UNKNOWN_RULE: "ACK-001",
  REASON_TOO_SHORT: "ACK-002",
  NOT_ACKNOWLEDGEABLE: "ACK-003",
  UNUSED: "ACK-004",
} as const;

/** The engine's own finding when a rule throws instead of answering. */
export const RULE_FAILED = "GOV-000";

const LOADER = "catalog format";

/** Docs for every id the loader, the engine and acknowledgements produce. */
export const FINDING_DOCS: readonly FindingDoc[] = [
  {
    id: RULE_FAILED,
    name: "rule-not-evaluated",
    step: "engine",
    summary: "A rule could not be evaluated (a bug in the rule, reported instead of crashing).",
    explanation:
      "The finding names the rule and its error. It is a warning: the rest of the report stands, but the rule's verdict is missing.",
  },
  {
    id: LoaderRules.SYNTAX,
    name: "yaml-syntax",
    step: LOADER,
    summary: "The file is valid YAML.",
    explanation: "Nothing else can be checked until the file parses.",
  },
  {
    id: LoaderRules.DUPLICATE_KEY,
    name: "duplicate-key",
    step: LOADER,
    summary: "No key appears twice in one mapping.",
    explanation: "YAML parsers keep one of two duplicate keys silently; the other value would be lost.",
  },
  {
    id: LoaderRules.UNKNOWN_KEY,
    name: "unknown-key",
    step: LOADER,
    summary: "Every key is part of the catalog format (with a did-you-mean suggestion).",
    explanation: "A misspelt key (`offiste:`) would otherwise be ignored, and its decision lost.",
  },
  {
    id: LoaderRules.MISSING_KEY,
    name: "missing-key",
    step: LOADER,
    summary: "Required keys are present and have a value.",
    explanation: "id, classification, rpo and rto (and the keys of each block) are the intake minimum.",
  },
  {
    id: LoaderRules.WRONG_TYPE,
    name: "wrong-type",
    step: LOADER,
    summary: "Each value has the right type (text, number, list, mapping).",
    explanation: '`vmid: "abc"` or `services: {}` cannot mean anything.',
  },
  {
    id: LoaderRules.NOT_ALLOWED,
    name: "value-not-allowed",
    step: LOADER,
    summary: "Values of closed sets are one of the allowed words (with a did-you-mean suggestion).",
    explanation:
      "classification, decision, engine, tool, kind, mode, compliance and lock mode have fixed vocabularies.",
  },
  {
    id: LoaderRules.MALFORMED,
    name: "malformed-value",
    step: LOADER,
    summary: "Values match their format: durations, ids, ARNs, regions, URLs, paths, secret references.",
    explanation: "A malformed value is refused at its line instead of failing an apply later.",
  },
  {
    id: LoaderRules.OUT_OF_RANGE,
    name: "out-of-range",
    step: LOADER,
    summary: "Numbers, lists and texts are within their limits (vmid 100–999999999, non-empty lists, ...).",
    explanation: "Proxmox and AWS refuse values outside these ranges.",
  },
  {
    id: LoaderRules.EMPTY,
    name: "empty-catalog",
    step: LOADER,
    summary: "The catalog is not empty.",
    explanation: "An empty file is most likely the wrong file.",
  },
  {
    id: LoaderRules.ENCODING,
    name: "not-utf8",
    step: LOADER,
    summary: "The file is UTF-8, and no value holds a lone UTF-16 surrogate.",
    explanation:
      "Other encodings turn names into garbage in resources and documents. Overlong forms, encoded surrogates (CESU-8) and code points above U+10FFFF are not UTF-8 either; a lone surrogate (an escape such as `\\ud800` without its pair) cannot be written as UTF-8 at all.",
  },
  {
    id: LoaderRules.TOO_LARGE,
    name: "too-large",
    step: LOADER,
    summary: "The file is at most 5 MiB.",
    explanation:
      "A real estate's catalog is kilobytes; a huge file is the wrong file or an attack, and is refused before parsing.",
  },
  {
    id: LoaderRules.ALIASES,
    name: "alias-expansion",
    step: LOADER,
    summary: "YAML aliases expand to a bounded size.",
    explanation:
      'Nested aliases (a "billion laughs" document) would expand exponentially; at most 200 alias expansions are allowed.',
  },
  {
    id: LoaderRules.ROOT_NOT_MAPPING,
    name: "root-not-mapping",
    step: LOADER,
    summary: "The top level is a mapping (version, name, services, ...).",
    explanation: "A list or a scalar at the top is not a catalog.",
  },
  {
    id: LoaderRules.NESTING,
    name: "nesting-limit",
    step: LOADER,
    summary: "Mappings and lists nest at most 64 levels deep.",
    explanation:
      "A catalog nests a few levels; thousands of brackets or indents are a damaged or hostile file, and would exhaust the parser's stack.",
  },
  {
    id: LoaderRules.KEY_NOT_TEXT,
    name: "key-not-text",
    step: LOADER,
    summary: "Every key is text: not `~`, `null`, an empty key, a list or a mapping.",
    explanation:
      'Such a key becomes the key "" or "[a, b]" when the file is read: it could match nothing, and no finding about it could say where it is.',
  },
  {
    id: LoaderRules.YAML_TAG,
    name: "yaml-tag",
    step: LOADER,
    summary: "Values carry no YAML tag (`!!int`, `!!str`, `!custom`).",
    explanation:
      "The parser ignores a tag it cannot apply and keeps the text, so `rpo: !!int 1d` would read as `rpo: 1d` as if the tag were honoured. A catalog takes plain values; quoting makes a value text.",
  },
  {
    id: "CAT-060",
    name: "pending-decision",
    step: "adoption",
    summary: "No value is left as `decide` (a decision `backup-gov adopt` leaves to a person).",
    explanation:
      "An adopted draft marks what only a person can decide (classification, RTO, the app-level and offsite decisions with their reasons, who is alerted); validate lists exactly those until they are made.",
  },
  {
    id: AckRules.UNKNOWN_RULE,
    name: "ack-unknown-rule",
    step: "acknowledgement",
    summary: "`acknowledge[].rule` names an existing rule.",
    explanation: "An acknowledgement of a rule that does not exist accepts nothing and hides a typo.",
  },
  {
    id: AckRules.REASON_TOO_SHORT,
    name: "ack-reason",
    step: "acknowledgement",
    summary: "`acknowledge[].reason` has at least 10 characters.",
    explanation: "Acknowledgements are audited; the reason is the audit trail.",
  },
  {
    id: AckRules.NOT_ACKNOWLEDGEABLE,
    name: "ack-not-allowed",
    step: "acknowledgement",
    summary: "Only acknowledgeable rules can be acknowledged.",
    explanation:
      "Rules that guard hard limits (the provider would refuse, or the product could not work) must be fixed, not accepted.",
  },
  ...ADOPTION_DOCS,
  {
    id: AckRules.UNUSED,
    name: "ack-unused",
    step: "acknowledgement",
    summary: "An acknowledgement matches a finding of its service (warning).",
    explanation: "A stale acknowledgement would silently accept a future finding.",
  },
];
