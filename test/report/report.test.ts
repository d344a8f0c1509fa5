import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { parse, stringify } from "yaml";
import { join } from "node:path";
import { findOverlaps } from "../../lib/artifacts/calendar";
import { html } from "../../lib/core/escape/html";
import { Metrics } from "../../lib/core/metrics";
import { estateEstimate, uplinkLoad } from "../../lib/policy/estimate";
import { freshnessWindow, MetricSource, sourceEngine, watchedServices } from "../../lib/policy/freshness";
import { reportData } from "../../lib/report/data";
import { renderReportHtml } from "../../lib/report/html";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG, ROOT } from "../support/catalogs";
import { writeDrillTextfile, writeTextfile } from "../support/textfiles";
import { scratch } from "../support/tools";
import { estateOf, reportHtml, reportJson, tableRows } from "./support";

const NOW = 1_800_000_000;
const ctx = estateOf(DEFAULT_CATALOG);
const byId = <T extends { id: string }>(list: readonly T[], id: string): T => list.find((x) => x.id === id)!;

/** Textfiles for the default catalog: every watched source an hour old except nextcloud (3 days), and drills. */
function defaultMetrics(): string {
  const dir = scratch("report-metrics");
  for (const w of watchedServices(ctx.policies, ctx.catalog)) {
    const id = w.policy.service.id;
    const age = id === "nextcloud" ? 3 * 86400 : 3600;
    for (const source of w.sources) {
      const kind = source === MetricSource.APP ? "backup" : "vzdump";
      writeTextfile(dir, {
        service: id,
        engine: sourceEngine(w.policy, source),
        target: "s3",
        kind,
        lastRun: NOW - age,
        lastSuccess: NOW - age,
        ok: true,
      });
    }
  }
  writeDrillTextfile(dir, {
    service: "vaultwarden",
    engine: "postgresql",
    target: "s3",
    ok: true,
    lastSuccess: NOW - 86400,
    seconds: 600,
    items: 42,
  });
  writeDrillTextfile(dir, {
    service: "gitea",
    engine: "postgresql",
    target: "s3",
    ok: false,
    lastSuccess: NOW - 40 * 86400,
    seconds: 300,
  });
  writeDrillTextfile(dir, {
    service: "unifi",
    engine: "mongodb",
    target: "s3",
    ok: true,
    lastSuccess: NOW - 86400,
    seconds: 2 * 86400,
  });
  return dir;
}

describe("html() (lib/core/escape/html.ts)", () => {
  it("escapes the five characters that end a text node or a quoted attribute, and nothing else", () => {
    expect(html(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
    );
    expect(html("</style>")).toBe("&lt;/style&gt;");
    // Escaping twice shows the entity as text: callers escape once, at the boundary.
    expect(html("&amp;")).toBe("&amp;amp;");
    expect(html("plain text, ümlaut → arrow ${x} %{y}")).toBe("plain text, ümlaut → arrow ${x} %{y}");
    expect(html(42)).toBe("42");
  });
});

describe("report data: coverage (3-2-1-1-0)", () => {
  const data = reportData(ctx);

  it("lists every service once, in catalog order", () => {
    expect(data.services.map((s) => s.id)).toEqual(ctx.catalog.services.map((s) => s.id));
    expect(data.summary.services).toBe(ctx.catalog.services.length);
    expect(data.summary.meets + data.summary.gaps + data.summary.unverified).toBe(data.services.length);
  });

  it("meets 3-2-1 for a service with vzdump, an app-level copy in S3 and its locked replica; without metrics the 0 is unverified", () => {
    const v = byId(data.services, "vaultwarden");
    expect(v.copies.map((c) => c.kind).sort()).toEqual(["app", "offsite", "vzdump"]);
    expect(v.checks.filter((c) => c.rule !== "0 errors").map((c) => c.ok)).toEqual([true, true, true, true]);
    expect(
      byId(
        v.checks.map((c) => ({ ...c, id: c.rule })),
        "0 errors",
      ),
    ).toMatchObject({ ok: null, reason: expect.stringContaining("no metrics given") });
    expect(v.verdict).toBe("unverified");
  });

  it("names the reason of each gap: one medium, no offsite (with the catalog's own reason), too few copies, no lock, no drill", () => {
    const rule = (id: string, r: string) => byId(data.services, id).checks.find((c) => c.rule === r)!;
    expect(rule("billing", "2 media")).toEqual({
      rule: "2 media",
      ok: false,
      reason: "every backup is on backup vault",
    });
    const paperless = ctx.policyOf("paperless");
    expect(paperless.offsite.required).toBe(false);
    expect(rule("paperless", "1 offsite")).toMatchObject({
      ok: false,
      reason: expect.stringContaining(paperless.offsite.reason!),
    });
    const jellyfin = byId(data.services, "jellyfin");
    expect(jellyfin.copies.map((c) => c.kind)).toEqual(["vzdump"]);
    expect(rule("jellyfin", "3 copies")).toMatchObject({
      ok: false,
      reason: "2 copies: production and vzdump; 3 need 1 more backup copy",
    });
    expect(rule("jellyfin", "0 errors")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no restore drill is scheduled"),
    });
    expect(rule("nextcloud", "1 immutable")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no locked copy"),
    });
    for (const s of data.services) {
      expect(s.verdict).toBe(
        s.checks.some((c) => c.ok === false) ? "gap" : s.checks.some((c) => c.ok === null) ? "unverified" : "meets",
      );
      for (const c of s.checks) expect(c.reason.length).toBeGreaterThan(5);
    }
  });

  it("counts AWS Backup restore testing as a scheduled drill whose results live in AWS, not as a missing one", () => {
    const billing = byId(data.services, "billing");
    expect(billing.drill).toMatchObject({ how: "AWS Backup restore testing", scheduled: true, lastResultOk: null });
  });
});

describe("report data: freshness and drills", () => {
  it("without metrics, every watched service is unknown and no age, result or restore time is made up", () => {
    const data = reportData(ctx);
    expect(data.now).toBeNull();
    const watched = new Set(watchedServices(ctx.policies, ctx.catalog).map((w) => w.policy.service.id));
    for (const s of data.services) {
      expect(s.freshness.state).toBe(watched.has(s.id) ? "unknown" : "not-watched");
      expect(s.freshness.ageSeconds).toBeNull();
      expect(s.freshness.lastSuccess).toBeNull();
      expect(s.drill.lastResultOk).toBeNull();
      expect(s.drill.measuredRtoSeconds).toBeNull();
      expect(s.freshness.sources.every((x) => x.state === "unknown" && x.ageSeconds === null)).toBe(true);
    }
    expect(data.summary).toMatchObject({ stale: 0, missing: 0 });
  });

  it("from textfile metrics: age per source, the detection bound `status` uses, stale services, drill results against the RTO", async () => {
    const dir = defaultMetrics();
    const data = await reportJson(DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    const status = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW), "--format", "json");
    const statusRows = (
      JSON.parse(status.out) as {
        services: Array<{
          service: string;
          state: string;
          ageSeconds: number | null;
          staleAfterSeconds: number | null;
        }>;
      }
    ).services;
    expect(data.now).toBe(NOW);
    for (const row of statusRows) {
      const s = byId(data.services, row.service);
      // One reader, one judgement: the report shows what `status` says.
      expect({
        state: s.freshness.state,
        age: s.freshness.ageSeconds,
        staleAfter: s.freshness.staleAfterSeconds,
      }).toEqual({ state: row.state, age: row.ageSeconds, staleAfter: row.staleAfterSeconds });
    }
    const nextcloud = byId(data.services, "nextcloud");
    expect(nextcloud.freshness).toMatchObject({
      state: "stale",
      ageSeconds: 3 * 86400,
      staleAfterSeconds: freshnessWindow(ctx.policyOf("nextcloud")).threshold.toMinutes() * 60,
    });
    expect(nextcloud.freshness.sources.map((x) => x.state)).toEqual(nextcloud.freshness.sources.map(() => "stale"));
    expect(data.summary.stale).toBe(1);
    // vaultwarden ships WAL: its shipping is a source of its own, reported missing when nothing reports it.
    expect(byId(data.services, "vaultwarden").freshness.sources.find((x) => x.source === "log shipping")).toMatchObject(
      { state: "missing", lastSuccess: null },
    );

    expect(byId(data.services, "vaultwarden").drill).toMatchObject({
      lastResultOk: true,
      lastSuccess: NOW - 86400,
      measuredRtoSeconds: 600,
      rtoSeconds: 7200,
      withinRto: true,
      itemsCompared: 42,
    });
    expect(byId(data.services, "unifi").drill.itemsCompared).toBeNull();
    expect(byId(data.services, "vaultwarden").verdict).toBe("meets");
    const unifi = byId(data.services, "unifi");
    expect(unifi.drill).toMatchObject({ lastResultOk: true, measuredRtoSeconds: 2 * 86400, withinRto: false });
    const gitea = byId(data.services, "gitea");
    expect(gitea.drill.lastResultOk).toBe(false);
    expect(gitea.checks.find((c) => c.rule === "0 errors")).toEqual({
      rule: "0 errors",
      ok: false,
      reason: "the last restore drill failed",
    });
    // A service with a drill timer whose metrics never arrived stays unknown.
    expect(byId(data.services, "nextcloud").drill).toMatchObject({
      scheduled: true,
      lastResultOk: null,
      note: expect.stringContaining("no drill metrics"),
    });
  });

  it("reads drill and shipping results from Prometheus with the same reader `status` uses (its HTTP query API)", async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      const q = new URL(req.url!, "http://x").searchParams.get("query")!;
      asked.push(q);
      const result = q.includes(Metrics.drillSuccess)
        ? [{ metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, "1"] }]
        : q.includes(Metrics.drillDuration)
          ? [{ metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, "900"] }]
          : q.includes(Metrics.lastSuccess)
            ? [{ metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, String(NOW - 60)] }]
            : [];
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const port = (server.address() as { port: number }).port;
      const data = await reportJson(DEFAULT_CATALOG, "--prometheus", `http://127.0.0.1:${port}`, "--now", String(NOW));
      expect(byId(data.services, "vaultwarden").drill).toMatchObject({
        lastResultOk: true,
        measuredRtoSeconds: 900,
        withinRto: true,
      });
      expect(byId(data.services, "vaultwarden").freshness.sources.find((x) => x.source === "postgresql")).toMatchObject(
        { ageSeconds: 60, state: "ok" },
      );
      expect(asked.some((q) => q.includes(Metrics.drillLastSuccess))).toBe(true);
      expect(asked.some((q) => q.includes(Metrics.shipLastSuccess))).toBe(true);
      expect(asked.some((q) => q.includes(Metrics.drillItems))).toBe(true);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe("report data: the week on each host", () => {
  const data = reportData(ctx);

  it("has every job once, in its group, with the calendar's starts, durations and overlaps", () => {
    const all = data.weeks
      .flatMap((w) => w.jobs.map((j) => ({ ...j, group: w.group })))
      .filter((j) => j.activity !== "ship");
    expect(all.map((j) => `${j.group} ${j.id}`).sort()).toEqual(ctx.jobs.map((j) => `${j.group} ${j.id}`).sort());
    for (const job of ctx.jobs) {
      const j = all.find((x) => x.id === job.id && x.group === job.group)!;
      expect(j.starts).toEqual(job.schedule.startsInWeek());
      expect(j.activity).toBe(job.drill ? "drill" : "backup");
    }
    expect(all.filter((j) => j.activity === "drill").map((j) => j.id)).toEqual(
      expect.arrayContaining(["backup-gov-vaultwarden-drill.timer", "homelab_weekly"]),
    );
    // Log shipping (pitr) is a lane of its own on the app host, all week, at the cadence the units use.
    const ships = data.weeks.flatMap((w) =>
      w.jobs.filter((j) => j.activity === "ship").map((j) => ({ group: w.group, when: j.when, services: j.services })),
    );
    const pitr = ctx.targets.filter((t) => t.kind === "app" && t.details?.pitr === true);
    expect(ships).toEqual(
      pitr.map((t) => ({
        group: t.details!.host,
        when: `every ${t.details!.shipEveryMinutes} minutes`,
        services: [t.serviceId],
      })),
    );
    expect(ships.length).toBeGreaterThan(0);
    expect(data.weeks.flatMap((w) => w.overlaps.map((o) => `${o.first}|${o.second}|${o.at}`)).sort()).toEqual(
      findOverlaps(ctx.jobs)
        .map((o) => `${o.first}|${o.second}|${o.at}`)
        .sort(),
    );
  });

  it("flags overlapping jobs of one host and draws the overlap", () => {
    const file = join(scratch("report-overlap"), "catalog.yaml");
    // Two 12-hourly app backups on one host: their runs are 30 minutes long, staggered 15 minutes apart at most in a 2-service host.
    const text = readFileSync(DEFAULT_CATALOG, "utf8").replace(/host: gitea\.internal/, "host: vaultwarden.internal");
    writeFileSync(file, text);
    const c = estateOf(file);
    const d = reportData(c);
    const host = d.weeks.find((w) => w.group === "vaultwarden.internal")!;
    const expected = findOverlaps(c.jobs).filter((o) => o.group === "vaultwarden.internal");
    expect(host.overlaps.map((o) => [o.first, o.second])).toEqual(expected.map((o) => [o.first, o.second]));
    const page = renderReportHtml(d);
    expect((page.match(/<path class="overlap"/g) ?? []).length).toBe(
      d.weeks.reduce((a, w) => a + w.overlaps.length, 0),
    );
  });

  it("names the jobs that start outside the host's backup window, and shades the window", () => {
    const doc = parse(readFileSync(DEFAULT_CATALOG, "utf8")) as {
      proxmox: { hosts: Record<string, Record<string, unknown>> };
    };
    doc.proxmox.hosts.pve.backupWindow = "00:30-02:00";
    const file = join(scratch("report-window"), "catalog.yaml");
    writeFileSync(file, stringify(doc));
    const c = estateOf(file);
    const pve = reportData(c).weeks.find((w) => w.group === "pve")!;
    expect(pve.backupWindow).toEqual({ text: "00:30-02:00", startMinutes: 30, minutes: 90 });
    // pve-1d starts at 01:00 (inside); the 4-hourly job of the critical guest runs around the clock.
    const expected = c.jobs
      .filter((j) => j.group === "pve" && j.schedule.startsInWeek().some((t) => t % 1440 < 30 || t % 1440 >= 120))
      .map((j) => j.id);
    expect(pve.outsideWindow).toEqual(expected);
    expect(expected).toEqual(["pve-4h-h12d14w8m12y1-rm"]);
    const page = renderReportHtml(reportData(c));
    expect(page).toContain("1 job(s) start outside the backup window");
    expect((page.match(/<path class="window"/g) ?? []).length).toBe(7);
  });

  it("checks the uplink: a day's change against the backup window, from the estimate's own figures", async () => {
    const kube = join(ROOT, "examples", "kubernetes.yaml");
    const c = estateOf(kube);
    const load = uplinkLoad(estateEstimate(c.policies, c.catalog));
    const d = reportData(c);
    const withUplink = d.weeks.filter((w) => w.uplink);
    expect(withUplink.map((w) => w.uplink!.via).sort()).toEqual([...load.keys()].sort());
    for (const w of withUplink) {
      const l = load.get(w.uplink!.via)!;
      expect(w.uplink).toMatchObject({
        dailyHours: l.dailyHours,
        fits: l.dailyHours <= l.check.windowHours,
        uplink: l.check.uplink,
      });
    }
    // A slower uplink: the day's change no longer crosses in the window, and the page draws the late part.
    const slow = join(scratch("report-uplink"), "kubernetes.yaml");
    writeFileSync(slow, readFileSync(kube, "utf8").replace(/uplink: [^\n]+/g, "uplink: 1Mbit/s"));
    const sd = await reportJson(slow);
    const late = sd.weeks.filter((w) => w.uplink && !w.uplink.fits);
    expect(late.length).toBeGreaterThan(0);
    const page = await reportHtml(slow);
    expect((page.match(/<path class="late"/g) ?? []).length).toBe(late.length);
    expect(page).toContain("a day&#39;s change needs");
  });
});

describe("backup-gov report", () => {
  it("writes one self-contained file: inline style and script, no external URL, font, script or image", async () => {
    const page = await reportHtml(DEFAULT_CATALOG);
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/@import|\burl\(/);
    expect(page).not.toMatch(/https?:\/\//i);
    for (const m of page.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page.match(/<style\b/g)).toHaveLength(1);
  });

  it("--format json and the HTML carry the same services, verdicts, states and week", async () => {
    const dir = defaultMetrics();
    const args = [DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW)];
    const data = await reportJson(...args);
    const page = await reportHtml(...args);
    for (const table of ["coverage-table", "freshness-table", "drill-table"]) {
      const rows = tableRows(page, table);
      expect(rows.map((r) => [r.id, r.tier, r.verdict, r.fresh, r.hosts])).toEqual(
        data.services.map((s) => [s.id, s.tier, s.verdict, s.freshness.state, s.hosts.join(" ")]),
      );
    }
    const ages = tableRows(page, "freshness-table").map((r) => (r.age === "" ? null : Number(r.age)));
    expect(ages).toEqual(data.services.map((s) => s.freshness.ageSeconds));
    const measured = tableRows(page, "drill-table").map((r) => (r.measured === "" ? null : Number(r.measured)));
    expect(measured).toEqual(data.services.map((s) => s.drill.measuredRtoSeconds));
    expect([...page.matchAll(/<details class="week[^"]*" data-group="([^"]*)"/g)].map((m) => m[1])).toEqual(
      data.weeks.map((w) => html(w.group)),
    );
    expect(page.match(/<svg class="timeline"/g)).toHaveLength(data.weeks.length);
  });

  it("writes --out whole and says where; refuses an unknown --format (RPT-001) and two metrics sources (MON-005)", async () => {
    const out = join(scratch("report-out"), "report.html");
    const r = await cli("report", DEFAULT_CATALOG, "--out", out);
    expect(r).toMatchObject({ code: 0, out: `report: ${out}\n` });
    expect(readFileSync(out, "utf8")).toBe(await reportHtml(DEFAULT_CATALOG));
    expect(readdirSync(join(out, "..")).sort()).toEqual(["report.html"]);
    const missing = await cli("report", DEFAULT_CATALOG, "--out", join(out, "..", "no-such-folder", "r.html"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("IO-003");
    expect(missing.err).toContain("no-such-folder does not exist");
    const folder = await cli("report", DEFAULT_CATALOG, "--out", join(out, ".."));
    expect(folder.code).toBe(2);
    expect(folder.err).toContain("it is a folder");
    expect(readdirSync(join(out, "..")).sort()).toEqual(["report.html"]);
    const bad = await cli("report", DEFAULT_CATALOG, "--format", "pdf");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("RPT-001");
    const two = await cli("report", DEFAULT_CATALOG, "--metrics-dir", "x", "--prometheus", "http://127.0.0.1:1");
    expect(two.code).toBe(2);
    expect(two.err).toContain("MON-005");
    const now = await cli("report", DEFAULT_CATALOG, "--now", "yesterday");
    expect(now.code).toBe(2);
    expect(now.err).toContain("MON-007");
  });

  it("refuses a catalog with errors, naming each finding", async () => {
    const file = join(scratch("report-invalid"), "catalog.yaml");
    writeFileSync(file, readFileSync(DEFAULT_CATALOG, "utf8").replace("rpo: 4h", "rpo: soon"));
    const r = await cli("report", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/catalog\.yaml:\d+:\d+/);
    expect(r.err).toContain("IO-004");
    expect(r.out).toBe("");
  });

  it.each(readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")))(
    "renders for examples/%s",
    async (name) => {
      const file = join(ROOT, "examples", name);
      const data = await reportJson(file);
      const page = await reportHtml(file);
      expect(tableRows(page, "coverage-table").map((r) => r.id)).toEqual(data.services.map((s) => s.id));
      expect(data.services.length).toBeGreaterThan(0);
    },
  );

  it("synth writes artifacts/report.html from the catalog alone", () => {
    const artifact = ctx.artifacts.get("report.html");
    expect(artifact?.content).toBe(renderReportHtml(reportData(ctx)));
    expect(artifact!.content as string).toContain("No metrics were given");
  });
});
