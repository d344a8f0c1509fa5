import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { queryPrometheus } from "../../lib/cli/metrics-source";
import { MetricSource, sourceEngine, watchedServices } from "../../lib/policy/freshness";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG, loadValid } from "../support/catalogs";
import { writeTextfile } from "../support/textfiles";
import { scratch } from "../support/tools";

/** `status` reads files and servers it does not control: every value and answer is hostile. */
jest.setTimeout(60_000);

const NOW = 1_800_000_000;
const { catalog, policies } = loadValid();
const watched = watchedServices(policies, catalog);

/** Every watched service fresh, except vaultwarden's app-level series, whose last success is `raw`. */
function metricsWith(raw: string): string {
  const dir = scratch("status-hostile");
  for (const w of watched) {
    for (const source of w.sources) {
      const engine = sourceEngine(w.policy, source);
      const kind = source === MetricSource.APP ? "backup" : "vzdump";
      const file = writeTextfile(dir, {
        service: w.policy.service.id,
        engine,
        target: "s3",
        kind,
        lastRun: NOW - 600,
        lastSuccess: NOW - 600,
        ok: true,
      });
      if (w.policy.service.id === "vaultwarden" && source === MetricSource.APP) {
        writeFileSync(
          file,
          readFileSync(file, "utf8").replace(/^(backup_last_success_timestamp_seconds\{[^}]*\}) .*$/m, `$1 ${raw}`),
        );
      }
    }
  }
  return dir;
}

describe("status: timestamps that are no time", () => {
  it.each(["9e15", "+Inf", "-Inf", "-1e300", "-5", "1e300"])(
    "last success %s: INVALID finding, exit 1, no stack trace",
    async (raw) => {
      const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", metricsWith(raw), "--now", String(NOW));
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/vaultwarden\s+-\s+-\s+4h\s+5h\s+INVALID: last success \S+ is no Unix time/);
      expect(r.err).toMatch(/stale or without metrics: vaultwarden/);
      const json = JSON.parse(
        (
          await cli(
            "status",
            DEFAULT_CATALOG,
            "--metrics-dir",
            metricsWith(raw),
            "--now",
            String(NOW),
            "--format",
            "json",
          )
        ).out,
      );
      expect(json.services.find((s: { service: string }) => s.service === "vaultwarden")).toMatchObject({
        state: "invalid",
        lastSuccess: null,
        ageSeconds: null,
      });
    },
  );

  it("a last success in the future is FUTURE (clock skew), not 'ok, age 0s'; a few minutes ahead is tolerated", async () => {
    const ahead = await cli(
      "status",
      DEFAULT_CATALOG,
      "--metrics-dir",
      metricsWith(String(NOW + 86400)),
      "--now",
      String(NOW),
    );
    expect(ahead.code).toBe(1);
    expect(ahead.out).toMatch(
      /vaultwarden\s+\S+ \S+\s+-\s+4h\s+5h\s+FUTURE: last success 24h00m ahead of now \(clock skew\?\)/,
    );
    const slightly = await cli(
      "status",
      DEFAULT_CATALOG,
      "--metrics-dir",
      metricsWith(String(NOW + 60)),
      "--now",
      String(NOW),
    );
    // (its vzdump series, 10 minutes old, is the older of its two sources)
    expect(slightly.out).toMatch(/vaultwarden\s+\S+ \S+\s+10m\s+4h\s+5h\s+ok/);
    expect(slightly.code).toBe(0);
  });

  it("onboard's verification fails for such a service instead of passing", async () => {
    const dir = scratch("status-hostile-onboard");
    const r = await cli(
      "onboard",
      "vaultwarden",
      DEFAULT_CATALOG,
      "--metrics-dir",
      metricsWith(String(NOW + 86400)),
      "--now",
      String(NOW),
      "--out",
      join(dir, "out"),
    );
    expect(r.out).toMatch(/\[failed \] verification\n\s+the last success lies 1440 min in the future/);
    expect(r.code).toBe(1);
  });

  it("--now beyond year 9999 is refused (MON-007)", async () => {
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", metricsWith("1"), "--now", "9".repeat(30));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MON-007/);
  });

  it("a series given twice (two files) is reported", async () => {
    const dir = metricsWith(String(NOW - 600));
    writeTextfile(join(dir, "copy"), {
      service: "vaultwarden",
      engine: "postgresql",
      target: "s3",
      kind: "backup",
      lastRun: NOW,
      lastSuccess: NOW - 60,
      ok: true,
    });
    renameSync(join(dir, "copy", "backup_vaultwarden_backup.prom"), join(dir, "zz_copy.prom"));
    const r = await cli("status", DEFAULT_CATALOG, "--metrics-dir", dir, "--now", String(NOW));
    expect(r.err).toMatch(
      /zz_copy\.prom: backup_last_success_timestamp_seconds\{engine="postgresql",service="vaultwarden",target="s3"\} is also in .*backup_vaultwarden_backup\.prom; node_exporter rejects a series given twice/,
    );
  });
});

describe("status --prometheus: a hostile server", () => {
  let server: Server;
  let base = "";
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_, res) => res.end();
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      open.add(res);
      res.on("close", () => open.delete(res));
      handler(req, res);
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const res of open) res.destroy();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  const vector = (result: unknown) => JSON.stringify({ status: "success", data: { resultType: "vector", result } });

  it.each<[string, string]>([
    ["result is a number", JSON.stringify({ status: "success", data: { resultType: "vector", result: 5 } })],
    ["data is missing", JSON.stringify({ status: "success" })],
    ["the body is null", "null"],
    ["a matrix instead of a vector", JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } })],
    ["not JSON", "<html>proxy error</html>"],
  ])("an answer of the wrong shape (%s): MON-004, exit 2, no stack trace", async (_, body) => {
    handler = (_req, res) => res.end(body);
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", base);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MON-004: cannot read metrics from/);
  });

  it("rows of the wrong shape are reported and skipped, the others read", async () => {
    handler = (_req, res) =>
      res.end(
        vector([
          { metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, String(NOW - 60)] },
          { metric: "x", value: 1 },
          { metric: { service: ["a"] }, value: [NOW, "1"] },
          { metric: { service: "gitea" }, value: "oops" },
          null,
        ]),
      );
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", base, "--now", String(NOW));
    expect(r.err).toMatch(
      /4 backup_last_success_timestamp_seconds result\(s\) without a service label or a number were ignored/,
    );
    expect(r.err).not.toMatch(/internal error/);
    expect([0, 1]).toContain(r.code);
  });

  it("duplicate series in an answer are reported, not silently last-wins", async () => {
    handler = (_req, res) =>
      res.end(
        vector([
          { metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, String(NOW - 60)] },
          { metric: { service: "vaultwarden", engine: "postgresql" }, value: [NOW, String(NOW - 99999)] },
        ]),
      );
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", base, "--now", String(NOW));
    expect(r.err).toMatch(
      /backup_last_success_timestamp_seconds\{engine="postgresql",service="vaultwarden"\} is answered more than once/,
    );
  });

  it("a silent server and a dripping one are cut off at --timeout", async () => {
    handler = () => undefined; // never answers
    let started = Date.now();
    let r = await cli("status", DEFAULT_CATALOG, "--prometheus", base, "--timeout", "0.5");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MON-004: cannot read metrics from .*no complete answer within 0.5 s/);
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      const t = setInterval(() => (res.writableEnded || res.destroyed ? clearInterval(t) : res.write(" ")), 50);
      res.on("close", () => clearInterval(t));
    };
    started = Date.now();
    r = await cli("status", DEFAULT_CATALOG, "--prometheus", base, "--timeout", "0.5");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.err).toMatch(/no complete answer within 0.5 s/);
    expect((await cli("status", DEFAULT_CATALOG, "--prometheus", base, "--timeout", "forever")).err).toMatch(
      /IO-057: --timeout is not a number of seconds/,
    );
  });

  it("a gzip bomb is cut off at the decompressed size cap", async () => {
    // 64 MiB of spaces compress to ~64 KiB; the cap is what is read after decompression.
    const bomb = gzipSync(
      Buffer.concat([
        Buffer.from('{"status":"success","data":{"resultType":"vector","result":[]}}'),
        Buffer.alloc(64 * 1024 * 1024, 0x20),
      ]),
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(bomb);
    };
    const before = process.memoryUsage().rss;
    await expect(queryPrometheus(base, { maxBytes: 1024 * 1024 })).rejects.toThrow(
      /MON-004: .*larger than 1048576 bytes \(decompressed\)/,
    );
    const r = await cli("status", DEFAULT_CATALOG, "--prometheus", base);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/larger than 16777216 bytes \(decompressed\)/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});
