import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnswerKind, MAX_ANSWER_BYTES, parseAnswer, recognize, splitAttribution } from "../../lib/adopt/answers";
import { readAnswers } from "../../lib/adopt/adopt";
import { UsageError } from "../../lib/errors";
import { cli } from "../support/cli";
import { ESTATE, estateArgs } from "./support";

const bytes = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return { code: (e as UsageError).code, message: (e as Error).message };
  }
  throw new Error("expected an error");
};

describe("saved answers are recognized by content, not by file name", () => {
  const expected: Record<string, AnswerKind> = {
    "pve-jobs.json": AnswerKind.PVE_JOBS,
    "pve-resources.json": AnswerKind.PVE_GUESTS,
    "pve-not-backed-up.json": AnswerKind.PVE_NOT_BACKED_UP,
    "pve-storage.json": AnswerKind.PVE_STORAGE,
    "aws-list-backup-plans.json": AnswerKind.AWS_PLANS,
    "aws-get-backup-plan.json": AnswerKind.AWS_PLAN,
    "aws-list-backup-selections.json": AnswerKind.AWS_SELECTIONS,
    "aws-get-backup-selection.json": AnswerKind.AWS_SELECTION,
    "aws-list-backup-vaults.json": AnswerKind.AWS_VAULTS,
    "aws-get-backup-vault-notifications.json": AnswerKind.AWS_VAULT_NOTIFICATIONS,
    "s3-versioning-acme-invoices.json": AnswerKind.S3_VERSIONING,
    "velero.json": AnswerKind.VELERO,
  };

  it("every fixture answer, renamed to a meaningless name, is still recognized as its call", () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-names-"));
    let i = 0;
    for (const [name, kind] of Object.entries(expected)) {
      const renamed = join(dir, `answer-${i++}.txt`);
      writeFileSync(renamed, readFileSync(join(ESTATE, name)));
      const subject = [
        AnswerKind.PVE_JOBS,
        AnswerKind.PVE_GUESTS,
        AnswerKind.PVE_NOT_BACKED_UP,
        AnswerKind.PVE_STORAGE,
      ].includes(kind)
        ? "pve"
        : kind === AnswerKind.S3_VERSIONING
          ? "bucket-a"
          : kind === AnswerKind.VELERO
            ? "prod"
            : undefined;
      const [answer] = readAnswers([subject ? `${subject}=${renamed}` : renamed]);
      expect(answer.kind).toBe(kind);
    }
    expect(readdirSync(ESTATE).filter((f) => f.endsWith(".json")).length).toBeGreaterThanOrEqual(
      Object.keys(expected).length,
    );
  });

  it('Proxmox answers its prune-backups as an object ({"keep-daily": "7"}) and as a string: both are read', () => {
    const obj = parseAnswer(
      bytes([{ id: "j1", schedule: "02:00", storage: "s", vmid: "100", "prune-backups": { "keep-daily": "7" } }]),
      "a.json",
      "pve",
    );
    const str = parseAnswer(
      bytes([
        { id: "j1", schedule: "02:00", storage: "s", vmid: "100", "prune-backups": "keep-daily=7,keep-weekly=2" },
      ]),
      "b.json",
      "pve",
    );
    expect(obj?.kind).toBe(AnswerKind.PVE_JOBS);
    expect(str?.kind).toBe(AnswerKind.PVE_JOBS);
  });

  it('the API\'s own envelope ({"data": [...]}) is unwrapped, so live answers and pvesh answers read alike', () => {
    const a = parseAnswer(bytes({ data: [{ vmid: 100, type: "qemu", node: "n1", name: "x" }] }), "r.json", "pve");
    expect(a?.kind).toBe(AnswerKind.PVE_GUESTS);
  });

  it("an empty list is skipped (it could be any list call), an empty object only counts as get-bucket-versioning with a bucket named", () => {
    expect(parseAnswer(bytes([]), "e.json", "pve")).toBeUndefined();
    expect(recognize({}, "bucket")).toBe(AnswerKind.S3_VERSIONING);
    expect(recognize({})).toBeUndefined();
  });

  it("NAME=FILE attributes; a path with = after a slash stays a path", () => {
    expect(splitAttribution("pve=jobs.json")).toEqual({ subject: "pve", file: "jobs.json" });
    expect(splitAttribution("./a=b.json")).toEqual({ file: "./a=b.json" });
    expect(splitAttribution("jobs.json")).toEqual({ file: "jobs.json" });
  });
});

describe("every input is hostile: a coded error naming the file and what was expected, never a crash", () => {
  it("ADOPT-002: malformed JSON names the line and column", () => {
    const e = code(() => parseAnswer(bytes('[\n  {"id": "x",\n  oops]'), "broken.json", "pve"));
    expect(e.code).toBe("ADOPT-002");
    expect(e.message).toMatch(/broken\.json is not JSON: .*line 3, column 3/);
  });

  it("ADOPT-002: bytes that are not UTF-8", () => {
    expect(code(() => parseAnswer(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), "bin.json")).code).toBe("ADOPT-002");
  });

  it("ADOPT-003: JSON that no documented call answers lists the calls adopt reads", () => {
    const e = code(() => parseAnswer(bytes({ hello: "world" }), "other.json"));
    expect(e.code).toBe("ADOPT-003");
    expect(e.message).toContain("aws backup get-backup-plan");
    expect(e.message).toContain("pvesh get /cluster/backup");
    for (const v of [42, "text", null, true, [1, 2], [[]]])
      expect(code(() => parseAnswer(Buffer.from(JSON.stringify(v)), "x.json")).code).toBe("ADOPT-003");
  });

  it("ADOPT-004: a recognized answer of the wrong shape names the call and the path", () => {
    const e = code(() =>
      parseAnswer(bytes({ BackupPlan: { BackupPlanName: "p", Rules: "not a list" }, BackupPlanId: "id" }), "plan.json"),
    );
    expect(e.code).toBe("ADOPT-004");
    expect(e.message).toContain("aws backup get-backup-plan");
    expect(e.message).toContain(".BackupPlan.Rules");
    expect(code(() => parseAnswer(bytes([{ vmid: "abc", type: "qemu", node: "n" }]), "r.json", "pve")).code).toBe(
      "ADOPT-004",
    );
    expect(code(() => parseAnswer(bytes([{ vmid: 100, type: "docker", node: "n" }]), "r.json", "pve")).code).toBe(
      "ADOPT-004",
    );
  });

  it("ADOPT-005/006: attribution is required exactly where the answer does not name its host, bucket or cluster", () => {
    const jobs = bytes([{ id: "j1", schedule: "02:00", storage: "s", vmid: "100" }]);
    const e = code(() => parseAnswer(jobs, "jobs.json"));
    expect(e.code).toBe("ADOPT-005");
    expect(e.message).toContain("HOST=jobs.json");
    expect(code(() => parseAnswer(bytes({ Status: "Enabled" }), "v.json")).message).toContain("BUCKET=v.json");
    expect(
      code(() => parseAnswer(readFileSync(join(ESTATE, "aws-list-backup-vaults.json")), "vaults.json", "pve")).code,
    ).toBe("ADOPT-006");
  });

  it("ADOPT-001: a huge file is refused before parsing; ADOPT-010: an attribution that is no host key", () => {
    expect(code(() => parseAnswer(Buffer.alloc(MAX_ANSWER_BYTES + 1, 0x20), "huge.json")).code).toBe("ADOPT-001");
    const dir = mkdtempSync(join(tmpdir(), "adopt-subj-"));
    writeFileSync(join(dir, "j.json"), JSON.stringify([{ id: "j1", schedule: "02:00", storage: "s", vmid: "100" }]));
    expect(code(() => readAnswers([`PVE_Host=${join(dir, "j.json")}`])).code).toBe("ADOPT-010");
  });

  it("the CLI turns each into exit code 2 and one message; a directory or a missing file is an IO error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-cli-"));
    writeFileSync(join(dir, "bad.json"), "{");
    for (const [arg, codeRe] of [
      [join(dir, "bad.json"), /ADOPT-002/],
      [join(dir, "missing.json"), /IO-001/],
      [dir, /IO-002/],
      ["/dev/zero", /IO-002/],
    ] as const) {
      const r = await cli("adopt", arg);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(codeRe);
    }
  });

  it("ADOPT-008: the same job answered twice, differently, is a conflict", () => {
    const a = join(mkdtempSync(join(tmpdir(), "adopt-dup-")), "j.json");
    writeFileSync(a, JSON.stringify([{ id: "j1", schedule: "02:00", storage: "s", vmid: "100" }]));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { adoptAnswers } = require("../../lib/adopt/adopt") as typeof import("../../lib/adopt/adopt");
    expect(code(() => adoptAnswers(readAnswers([`pve=${a}`, `pve=${a}`]))).code).toBe("ADOPT-008");
  });

  it("adopt reads every answer before it writes anything: a bad last file leaves no catalog", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-atomic-"));
    writeFileSync(join(dir, "bad.json"), "[1,");
    const r = await cli("adopt", ...estateArgs(), join(dir, "bad.json"), "--out", join(dir, "catalog.yaml"));
    expect(r.code).toBe(2);
    expect(readdirSync(dir)).toEqual(["bad.json"]);
  });
});

describe("hostile structure", () => {
  it("deeply nested JSON is an error, not a stack overflow", () => {
    const deep = "[".repeat(200000) + "]".repeat(200000);
    const e = code(() => parseAnswer(Buffer.from(deep), "deep.json", "pve"));
    expect(["ADOPT-002", "ADOPT-003"]).toContain(e.code);
  });

  it("a __proto__ key in an answer changes nothing but the answer", () => {
    const a = parseAnswer(
      bytes('[{"id":"j1","schedule":"02:00","storage":"s","vmid":"100","__proto__":{"polluted":1}}]'),
      "p.json",
      "pve",
    );
    expect(a?.kind).toBe(AnswerKind.PVE_JOBS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
