import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { isBlocking } from "../../lib/core/finding";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { AdoptionNotice } from "../../lib/estate/adoption";
import { answersFromSynth } from "./synth-answers";

const ROOT = join(__dirname, "..", "..");
const DEFAULT = join(ROOT, "stacks", "catalog.yaml");
const KINDS = [
  "proxmox_backup_job",
  "aws_backup_plan",
  "aws_backup_selection",
  "aws_backup_vault",
  "aws_backup_vault_lock_configuration",
];
/** What only a person decides, taken from the original catalog (adopt marks these `decide`). */
const DECIDED = [
  "owner",
  "classification",
  "rto",
  "app",
  "offsite",
  "restore",
  "compliance",
  "acknowledge",
  "description",
  "immutable",
];

function resourcesOf(outdir: string, stacks: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of stacks) {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"));
    for (const kind of KINDS) {
      for (const [id, config] of Object.entries(
        (json.resource?.[kind] ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        const { "//": _meta, ...rest } = config;
        out[`${s}/${kind}.${id}`] = rest;
      }
    }
  }
  return out;
}

/** The person's decisions: every `decide` of the draft answered as the original catalog answers it. */
function decideAsOriginal(draftText: string, keepAdopted: boolean): string {
  const original = parseDocument(readFileSync(DEFAULT, "utf8")).toJS() as Record<string, any>;
  const doc = parseDocument(draftText);
  doc.set("owner", original.owner);
  doc.set("notifications", original.notifications);
  doc.set("contacts", original.contacts);
  // Who may pull the keys is a decision too: the estate's own.
  if (original.aws?.breakGlassPrincipal) doc.setIn(["aws", "breakGlassPrincipal"], original.aws.breakGlassPrincipal);
  const byId = new Map((original.services as any[]).map((s) => [s.id, s]));
  const services = doc.get("services") as any;
  for (const item of services.items) {
    const orig = byId.get(item.get("id"));
    if (!orig) throw new Error(`adopt drafted a service the estate does not have: ${String(item.get("id"))}`);
    for (const key of DECIDED) {
      if (orig[key] !== undefined) item.set(key, orig[key]);
      else if (item.get(key) === "decide") item.delete(key);
    }
    // The tag selection's resource types are not in any answer: the estate's own (a decision as well).
    if (orig.aws?.tagResourceTypes) (item.get("aws") as any).set("tagResourceTypes", orig.aws.tagResourceTypes);
  }
  if (!keepAdopted) doc.delete("adopted");
  return doc.toString();
}

describe("round trip: adopting what synth made gives back a catalog that synthesizes the same resources", () => {
  const dir = mkdtempSync(join(tmpdir(), "adopt-roundtrip-"));
  const first = synthesizeCatalog(DEFAULT, join(dir, "first"));
  const answers = answersFromSynth(join(dir, "first"), first.stacks);
  const answerDir = join(dir, "answers");
  mkdirSync(answerDir);
  const args = Object.entries(answers).map(([key, value]) => {
    const [subject, name] = key.includes("=") ? key.split("=") : [undefined, key];
    writeFileSync(join(answerDir, name), JSON.stringify(value, null, 2));
    return subject ? `${subject}=${join(answerDir, name)}` : join(answerDir, name);
  });
  const draft = adoptAnswers(readAnswers(args), { name: "homelab" });

  it("adopt drafts one service per guest and per selected service of the estate", () => {
    const ids = (parseDocument(draft.text).toJS().services as Array<{ id: string }>).map((s) => s.id).sort();
    const original = (parseDocument(readFileSync(DEFAULT, "utf8")).toJS().services as Array<{ id: string }>)
      .map((s) => s.id)
      .sort();
    expect(ids).toEqual(original);
  });

  it("the decided draft synthesizes the same jobs, plans, selections, vaults and vault locks", () => {
    const file = join(dir, "roundtrip.yaml");
    writeFileSync(file, decideAsOriginal(draft.text, false));
    const second = synthesizeCatalog(file, join(dir, "second"));
    expect(second.report.findings.filter(isBlocking).map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
    expect(second.stacks).toEqual(first.stacks);
    const before = resourcesOf(join(dir, "first"), first.stacks);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    expect(resourcesOf(join(dir, "second"), second.stacks)).toEqual(before);
  });

  it("with its adopted ids, every one of them is imported and none is left beside a new one", () => {
    const file = join(dir, "adopted.yaml");
    writeFileSync(file, decideAsOriginal(draft.text, true));
    const third = synthesizeCatalog(file, join(dir, "third"));
    const adoption = third.estate!.adoption!;
    const kinds = Object.keys(resourcesOf(join(dir, "first"), first.stacks));
    expect(adoption.imports.map((i) => `${i.stack}/${i.address}`).sort()).toEqual(kinds.sort());
    expect(adoption.notices.filter((n) => n.id === AdoptionNotice.NOT_MATCHED)).toEqual([]);
    // The locks the first apply set are left as they are: no changeable_for_days on an imported lock.
    const aws = JSON.parse(readFileSync(join(dir, "third", "stacks", "homelab-aws", "cdk.tf.json"), "utf8"));
    for (const lock of Object.values(aws.resource.aws_backup_vault_lock_configuration) as Array<Record<string, any>>) {
      expect(lock.changeable_for_days).toBeNull();
      expect(lock.lifecycle.ignore_changes).toEqual(
        expect.arrayContaining(["changeable_for_days", "min_retention_days", "max_retention_days"]),
      );
    }
  });
});
