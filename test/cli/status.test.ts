import { parseDocument } from "yaml";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { renderVzdumpHook } from "../../lib/artifacts/vzdump-hook";
import { formatAge } from "../../lib/cli/commands/status";
import { MetricSource, sourceEngine, watchedServices } from "../../lib/policy/freshness";
import { cli } from "../support/cli";
import { freePort } from "../support/node-exporter";
import { DEFAULT_CATALOG, loadValid, ROOT } from "../support/catalogs";
import { writeTextfile } from "../support/textfiles";
import { run, scratch } from "../support/tools";

const NOW = 1_800_000_000;
const { catalog, policies } = loadValid();
const watched = watchedServices(policies, catalog);

/** Every watched service backed up `ageOf(id)` seconds before NOW. */
function estateMetrics(ageOf: (id: string) => number | undefined): string {
  const dir = scratch("status");
  for (const w of watched) {
    const age = ageOf(w.policy.service.id);
    // One file per source: the app script's and the vzdump hook's, as on real hosts.
    for (const source of w.sources) {
      const engine = sourceEngine(w.policy, source);
      const kind = source === MetricSource.APP ? "backup" : "vzdump";
      writeTextfile(dir, {
        service: w.policy.service.id,
        engine,
        target: "s3",
        kind,
        lastRun: NOW - (age ?? 0),
        lastSuccess: age === undefined ? undefined : NOW - age,
        ok: age !== undefined,
      });
    }
  }
  return dir;
}

describe("backup-gov status --metrics-dir", () => {
  it("exits 0 with one row per service when every watched service is fresh", async () => {
    const dir = estateMetrics(() => 3600);
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+LAST SUCCESS \(UTC\)\s+AGE\s+RPO\s+STALE AFTER\s+STATE$/);
    expect(lines).toHaveLength(1 + catalog.services.length);
    expect(r.out).toMatch(/vaultwarden\s+2027-01-15 07:00:00Z\s+1h00m\s+4h\s+5h\s+ok/);
    expect(r.out).toMatch(/billing\s+-\s+-\s+15m\s+-\s+not watched here/);
  });

  it("exits 1 and names the service when one is older than RPO + margin", async () => {
    const dir = estateMetrics((id) => (id === "gitea" ? 15 * 3600 + 60 : 600));
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/gitea\s+\S+ \S+\s+15h01m\s+12h\s+15h\s+STALE/);
    expect(r.err).toMatch(/1 service\(s\) stale or without metrics: gitea/);
  });

  it("exits 1 for a service that never reported a success, keeping the failed run visible", async () => {
    const dir = estateMetrics((id) => (id === "unifi" ? undefined : 600));
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/unifi\s+-\s+-\s+1d\s+28h\s+MISSING: no success reported \(last run failed\)/);
  });

  it("reports a file that is not metrics, reads the others, and does not pretend the service is fine", async () => {
    const dir = estateMetrics(() => 600);
    writeFileSync(
      join(dir, "backup_photos_backup.prom"),
      'backup_last_success_timestamp_seconds{service="photos" 17\n',
    );
    writeFileSync(join(dir, "backup_garbage.prom"), 'backup_last_success_timestamp_seconds{service="jellyfin"} soon\n');
    writeFileSync(join(dir, ".backup_tmp.prom.123"), "half a fi");
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.err).toMatch(/backup_photos_backup\.prom: not in the Prometheus text format/);
    expect(r.err).toMatch(/backup_garbage\.prom: backup_last_success_timestamp_seconds: value "soon" is not a number/);
    expect(r.out).toMatch(/photos\s+-\s+-\s+1d\s+28h\s+MISSING/);
    expect(r.code).toBe(1);
  });

  it("mentions metrics of services the catalog does not know", async () => {
    const dir = estateMetrics(() => 600);
    writeTextfile(dir, {
      service: "ghost",
      engine: "files",
      target: "s3",
      kind: "backup",
      lastRun: NOW,
      lastSuccess: NOW,
      ok: true,
    });
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.err).toMatch(/metrics name service ghost, which is not in/);
    expect(r.code).toBe(0);
  });

  it("prints JSON with --format json", async () => {
    const dir = estateMetrics(() => 600);
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW), "--format", "json");
    const json = JSON.parse(r.out);
    expect(json.services.find((s: { service: string }) => s.service === "vaultwarden")).toEqual({
      service: "vaultwarden",
      state: "ok",
      lastSuccess: NOW - 600,
      ageSeconds: 600,
      rpoSeconds: 14400,
      staleAfterSeconds: 18000,
      lastRunFailed: false,
    });
  });

  it("is a usage error (exit 2) without a source, with a folder that does not exist, or with a bad --now", async () => {
    expect((await cli("status", DEFAULT_CATALOG)).err).toMatch(/MON-005/);
    const missing = await cli("status", DEFAULT_CATALOG, "--metrics-dir", join(ROOT, ".tmp", "no-such-dir"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/MON-004/);
    expect((await cli("status", DEFAULT_CATALOG, "--metrics-dir", ROOT, "--now", "yesterday")).err).toMatch(/MON-007/);
  });

  it("reads what the generated vzdump hook writes (round trip through the real script)", async () => {
    const dir = scratch("status-hook");
    // The default catalog runs the hook on both hosts; a variant without it, for comparison.
    const unhooked = parseDocument(readFileSync(DEFAULT_CATALOG, "utf8"));
    for (const h of ["pve", "proxmox-home"]) unhooked.setIn(["proxmox", "hosts", h, "vzdumpHook"], false);
    const unhookedCatalog = join(dir, "catalog.yaml");
    writeFileSync(unhookedCatalog, unhooked.toString());
    const hook = join(dir, "hook.sh");
    writeFileSync(hook, renderVzdumpHook(catalog, catalog.proxmox!.hosts["proxmox-home"], policies, false), {
      mode: 0o755,
    });
    const env = {
      ...process.env,
      BACKUP_GOV_TEXTFILE_DIR: join(dir, "tf"),
      BACKUP_GOV_STATE_DIR: join(dir, "state"),
      STOREID: "nas-backup",
    };
    for (const vmid of ["120", "130", "140", "150", "160"]) {
      expect(run("bash", [hook, "backup-start", "snapshot", vmid], { env }).code).toBe(0);
      expect(run("bash", [hook, vmid === "140" ? "backup-abort" : "backup-end", "snapshot", vmid], { env }).code).toBe(
        0,
      );
    }
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", join(dir, "tf"));
    for (const id of ["homeassistant"])
      expect(r.out).toMatch(new RegExp(`${id}\\s+\\S+ \\S+\\s+\\d+s\\s+\\S+\\s+\\S+\\s+ok`));
    expect(r.out).toMatch(/jellyfin\s+-\s+-\s+7d\s+172h\s+MISSING: no success reported \(last run failed\)/);
    // unifi, photos and gitea have app-level backups too: a fresh vzdump does not make them fresh.
    for (const id of ["unifi", "photos", "gitea"]) expect(r.out).toMatch(new RegExp(`${id}\\s+-\\s+-.*MISSING`));
    expect(r.code).toBe(1); // pve's guests, the app-level backups and the failed jellyfin have no success
    // Without the hook, vzdump-only guests are not watched, and status says how to change that.
    const plain = await cli("status", unhookedCatalog, "--metrics-dir", join(dir, "tf"));
    expect(plain.out).toMatch(
      /homeassistant.*not watched: vzdump runs report nothing without the hook \(set proxmox\.hosts\.proxmox-home\.vzdumpHook\)/,
    );
  });

  // Real metrics written by the generated scripts are read in test/roundtrip/postgresql.test.ts.
  it("reads metrics in the contract's format for every service of the default catalog", async () => {
    const source = estateMetrics(() => 600);
    // At the samples' time: judged at the real clock, samples dated NOW lie in the future (a FUTURE finding).
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", source, "--format", "json", "--now", String(NOW));
    expect(r.err).not.toMatch(/not in the Prometheus text format|is not a number/);
    expect([0, 1]).toContain(r.code);
    const reported = new Set(
      readdirSync(source).flatMap((f) =>
        [
          ...readFileSync(join(source, f), "utf8").matchAll(
            /backup_last_success_timestamp_seconds\{[^}]*service="([^"]+)"/g,
          ),
        ].map((m) => m[1]),
      ),
    );
    expect(reported.size).toBeGreaterThan(0);
    for (const s of JSON.parse(r.out).services) if (reported.has(s.service)) expect(["ok", "stale"]).toContain(s.state);
  });
});

describe("backup-gov status --prometheus (a real Prometheus server scraping the textfiles)", () => {
  let exporter: Server;
  let prometheus: ChildProcess | undefined;
  let url = "";
  const dir = scratch("prometheus");

  beforeAll(async () => {
    const metricsDir = estateMetrics((id) => (id === "gitea" ? 20 * 3600 : 600));
    const now = Math.floor(Date.now() / 1000);
    // Re-base the samples to the present: the server judges with its own clock.
    const body = readdirSync(metricsDir)
      .map((f) =>
        readFileSync(join(metricsDir, f), "utf8").replace(/ (\d{10})$/gm, (_, ts) => ` ${Number(ts) - NOW + now}`),
      )
      .join("");
    exporter = createServer((_, res) => res.end(body.replace(/^# (HELP|TYPE) .*\n/gm, "")));
    await new Promise<void>((ok) => exporter.listen(0, "127.0.0.1", ok));
    const exporterPort = (exporter.address() as AddressInfo).port;
    const promPort = await freePort();
    mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: textfile\n    static_configs: [{ targets: ["127.0.0.1:${exporterPort}"] }]\n`,
    );
    prometheus = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: "ignore" },
    );
    url = `http://127.0.0.1:${promPort}`;
    // Wait (bounded) until the first scrape is queryable.
    for (let i = 0; i < 60; i++) {
      try {
        const res = await fetch(`${url}/api/v1/query?query=count(backup_last_success_timestamp_seconds)`);
        const json = (await res.json()) as { data?: { result?: unknown[] } };
        if (json.data?.result?.length) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("prometheus did not scrape the test exporter in 15 s");
  }, 30_000);

  afterAll(async () => {
    if (prometheus?.pid) prometheus.kill("SIGTERM");
    await new Promise<void>((ok) => exporter?.close(() => ok()));
  });

  it("judges freshness from the server's data", async () => {
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", url);
    expect(r.out).toMatch(/vaultwarden\s+\S+ \S+\s+1\dm\s+4h\s+5h\s+ok/);
    expect(r.out).toMatch(/gitea\s+\S+ \S+\s+20h0\dm\s+12h\s+15h\s+STALE/);
    expect(r.code).toBe(1);
  });

  it("is a usage error when the server cannot be asked", async () => {
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", `${url}/no-such-prefix`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MON-004/);
  });
});

describe("formatAge", () => {
  it.each([
    [59, "59s"],
    [600, "10m"],
    [3660, "1h01m"],
    [47 * 3600, "47h00m"],
    [50 * 3600, "2d02h"],
  ])("%i s is %s", (s, text) => expect(formatAge(s)).toBe(text));
});
