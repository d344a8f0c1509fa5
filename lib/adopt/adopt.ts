import { Patterns } from "../catalog/schema/common";
import { readCapped } from "../private/read-capped";
import { type Answer, MAX_ANSWER_BYTES, parseAnswer, splitAttribution, Subject, SUBJECT_OF } from "./answers";
import { type Draft, draftCatalog, type DraftOptions, type Gap } from "./draft";
import { AdoptErrors } from "./errors";
import { observe } from "./observe";

/** What each attribution must look like: a catalog host / cluster key, or a bucket name. */
const SUBJECT_PATTERN: Record<Subject, { re: RegExp; text: string }> = {
  [Subject.HOST]: {
    re: Patterns.hostKey,
    text: "a host key: lowercase letters, digits and '-', starting with a letter",
  },
  [Subject.CLUSTER]: {
    re: Patterns.hostKey,
    text: "a cluster key: lowercase letters, digits and '-', starting with a letter",
  },
  [Subject.BUCKET]: { re: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, text: "an S3 bucket name" },
};

/** Reads saved answers (`FILE` or `NAME=FILE`); every file is read and checked before anything is drafted. */
export function readAnswers(args: readonly string[]): Answer[] {
  const out: Answer[] = [];
  for (const arg of args) {
    const { subject, file } = splitAttribution(arg);
    const bytes = readCapped(file, MAX_ANSWER_BYTES);
    const answer = parseAnswer(bytes, file, subject);
    if (!answer) continue;
    const needs = SUBJECT_OF[answer.kind];
    if (needs && subject !== undefined && !SUBJECT_PATTERN[needs].re.test(subject))
      throw AdoptErrors.adoptBadOption(`${needs}= of ${file}`, subject, SUBJECT_PATTERN[needs].text);
    out.push(answer);
  }
  return out;
}

/** Adopts saved answers: the draft catalog, its adopted ids and the gap report. */
export function adoptAnswers(answers: readonly Answer[], opts: DraftOptions = {}): Draft {
  if (answers.length === 0) throw AdoptErrors.adoptNoAnswers();
  return draftCatalog(observe(answers), opts);
}

/** One gap as a report line: `GOV-253 catalog.yaml:41 services[3].retention: ... → settle`. */
export function formatGap(g: Gap, catalogFile: string): string {
  const where = g.line !== undefined ? `${catalogFile}:${g.line} ${g.path}` : `${catalogFile} ${g.path}`;
  return `${g.id}  ${where}: ${g.message}\n    settle: ${g.settle}`;
}
