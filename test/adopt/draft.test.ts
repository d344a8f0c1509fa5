import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { DECIDE, PENDING_DECISION } from "../../lib/adopt/decisions";
import { GapId } from "../../lib/adopt/draft";
import { isBlocking } from "../../lib/core/finding";
import { validateCatalogText } from "../../lib/governance/validate";
import { cli } from "../support/cli";
import { decideAll, estateArgs } from "./support";

const draft = () => adoptAnswers(readAnswers(estateArgs()), { name: "acme" });

describe("the draft catalog", () => {
  it("has one service per protected guest, resource selection and namespace, named from them", () => {
    const d = draft();
    const doc = parse(d.text) as {
      services: Array<{
        id: string;
        vm?: { vmid: number; kind: string };
        aws?: { resources: string[] };
        kubernetes?: { namespaces: string[] };
      }>;
    };
    expect(doc.services.map((s) => s.id)).toEqual(["web01", "db01", "wiki", "orders-db", "shop"]);
    expect(doc.services.find((s) => s.id === "wiki")!.vm).toEqual({
      host: "pve",
      vmid: 104,
      kind: "lxc",
      mode: "stop",
    });
    expect(doc.services.find((s) => s.id === "orders-db")!.aws!.resources).toEqual([
      "arn:aws:rds:eu-west-1:111122223333:db:orders",
      "arn:aws:s3:::acme-invoices",
    ]);
    expect(doc.services.find((s) => s.id === "shop")!.kubernetes!.namespaces).toEqual(["shop"]);
    // The template (9000) and the guest in no job (102) are not services.
    expect(doc.services.some((s) => s.vm?.vmid === 9000 || s.vm?.vmid === 102)).toBe(false);
  });

  it("takes hosts, storages, schedules, retention, vaults and regions as found", () => {
    const doc = parse(draft().text) as Record<string, any>;
    expect(doc.proxmox.hosts.pve).toMatchObject({ node: "pve1", storage: "pbs-main" });
    expect(doc.aws).toEqual({
      region: "eu-west-1",
      offsiteRegion: "eu-central-1",
      accountId: "111122223333",
      breakGlassPrincipal: "decide",
    });
    const byId = Object.fromEntries((doc.services as any[]).map((s) => [s.id, s]));
    expect(byId.web01).toMatchObject({ rpo: "1d", retention: { daily: 7, weekly: 4 } });
    expect(byId.wiki).toMatchObject({ rpo: "7d", retention: { weekly: 3 } });
    expect(byId["orders-db"]).toMatchObject({
      rpo: "1d",
      retention: { daily: 10 },
      immutable: { mode: "compliance", days: 7, maxDays: 365 },
    });
    expect(byId.shop).toMatchObject({ rpo: "1d", retention: { daily: 30 } });
  });

  it("every value line carries a comment naming the object and the answer it came from", () => {
    const lines = draft().text.split("\n");
    const values = lines.filter(
      (l) =>
        /^\s+(-\s)?[a-zA-Z]+: \S/.test(l) &&
        !/: decide\b/.test(l) &&
        !/^\s{6,}(planId|id|resources|tags|service|reason|rule):/.test(l),
    );
    expect(values.length).toBeGreaterThan(20);
    for (const l of values) expect(l).toMatch(/ {2}# \S/);
    expect(lines.find((l) => l.includes("retention: { daily: 7"))).toMatch(
      /prune-backups of job backup-6a1f03c2-71b4 \(pve-jobs\.json\)/,
    );
    expect(lines.find((l) => l.includes("immutable:"))).toMatch(
      /Vault Lock of prod-locked \(aws-list-backup-vaults\.json\)/,
    );
  });

  it("validate reports exactly the decisions left to a person, and nothing else", () => {
    const r = validateCatalogText(draft().text, "catalog.yaml");
    const blocking = r.findings.filter(isBlocking);
    expect(blocking.length).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.ruleId !== PENDING_DECISION)).toEqual([]);
    // Five services x (classification, rto, app, offsite, restore), plus owner, notifications and the break-glass principal.
    const keys = r.findings.map((f) => f.path.join("."));
    expect(keys.length).toBe(5 * 5 + 3);
    for (const k of ["classification", "rto", "app", "offsite", "restore"])
      expect(keys.filter((p) => p.endsWith(`.${k}`)).length).toBe(5);
    expect(keys).toEqual(expect.arrayContaining(["owner", "notifications", "aws.breakGlassPrincipal"]));
    // Each points at its own `decide` line.
    const lines = draft().text.split("\n");
    for (const f of r.findings) expect(lines[f.position.line - 1]).toContain(DECIDE);
  });

  it("once decided, the catalog validates (warnings only) and synthesizes", () => {
    const r = validateCatalogText(decideAll(draft().text, "important"), "catalog.yaml");
    expect(r.findings.filter(isBlocking).map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it("a decision left half made is still named: a `decide` inside a decided service", () => {
    const text = decideAll(draft().text).replace(/rto: 1d/, "rto: decide");
    const r = validateCatalogText(text, "catalog.yaml");
    expect(r.findings.filter(isBlocking).map((f) => [f.ruleId, f.path.join(".")])).toEqual([
      [PENDING_DECISION, "services.0.rto"],
    ]);
  });
});

describe("the gap report", () => {
  const gaps = () => draft().gaps;
  const lines = () => draft().text.split("\n");

  it("names guests in not-backed-up, with the service to add", () => {
    const g = gaps().find((x) => x.id === GapId.NOT_BACKED_UP)!;
    expect(g.message).toMatch(/guest 102 \(ci-runner\) on pve is in no backup job/);
    expect(g.settle).toContain("vm: { host: pve, vmid: 102, kind: lxc }");
  });

  it("names resources no selection reaches", () => {
    expect(
      gaps()
        .filter((x) => x.id === GapId.UNREACHED)
        .map((x) => x.message),
    ).toEqual([expect.stringMatching(/bucket acme-exports is in no backup selection/)]);
  });

  it("names jobs that mix policies: a guest in two jobs, a job over every guest", () => {
    const mixed = gaps().filter((x) => x.id === GapId.MIXED_POLICY);
    expect(mixed.map((x) => x.message)).toEqual([
      expect.stringMatching(/guest 100 on pve is in 2 jobs/),
      expect.stringMatching(/backs up every guest \(all=1\)/),
    ]);
    expect(lines()[mixed[0].line! - 1]).toMatch(/^\s+rpo: 1d/);
  });

  it("names retention shorter than the tier the draft suggests, pointing at the retention line", () => {
    const g = gaps().find((x) => x.id === GapId.SHORT_RETENTION)!;
    expect(g.message).toMatch(/service orders-db keeps daily 10; a critical service keeps daily 14/);
    expect(lines()[g.line! - 1]).toMatch(/^\s+retention: \{ daily: 10 \}/);
    expect(g.settle).toMatch(/^retention: \{ daily: 14 \}/);
  });

  it("names buckets without versioning or lock where the catalog will require them", () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-gaps-"));
    writeFileSync(join(dir, "v.json"), "{}");
    const args = estateArgs().filter((a) => !a.startsWith("acme-invoices="));
    const d = adoptAnswers(readAnswers([...args, `acme-invoices=${join(dir, "v.json")}`]), { name: "acme" });
    const noVersioning = d.gaps.find((x) => x.id === GapId.NO_VERSIONING)!;
    expect(noVersioning.message).toMatch(/bucket acme-invoices has versioning never enabled/);
    expect(noVersioning.settle).toContain("put-bucket-versioning --bucket acme-invoices");
    const noLock = d.gaps.find((x) => x.id === GapId.NO_LOCK)!;
    expect(noLock.message).toMatch(/acme-invoices has no Object Lock.*orders-db looks critical/);
    // With versioning proven, GOV-029 is acknowledged with the answer as its evidence.
    expect(draft().text).toMatch(
      /rule: GOV-029  # evidence: aws s3api get-bucket-versioning --bucket acme-invoices.*\n\s+reason: "get-bucket-versioning answered Status Enabled for acme-invoices/,
    );
  });

  it("the CLI prints each gap with its catalog line and never overwrites a catalog", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-cli-"));
    const out = join(dir, "catalog.yaml");
    const r = await cli("adopt", ...estateArgs(), "--name", "acme", "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(`GOV-253  ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+ services\\[3\\]\\.retention`),
    );
    expect(r.out).toMatch(/5 service\(s\) drafted, \d+ gap\(s\)/);
    const written = readFileSync(out, "utf8");
    const again = await cli("adopt", ...estateArgs(), "--out", out);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/ADOPT-009/);
    expect(readFileSync(out, "utf8")).toBe(written);
  });
});
