import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { cli } from "../support/cli";
import { ESTATE, estateArgs } from "./support";

const TOKEN = "adopt@pve!readonly=11111111-2222-3333-4444-555555555555";
const ROUTES: Record<string, string> = {
  "/api2/json/cluster/backup": "pve-jobs.json",
  "/api2/json/cluster/resources?type=vm": "pve-resources.json",
  "/api2/json/cluster/backup-info/not-backed-up": "pve-not-backed-up.json",
  "/api2/json/storage": "pve-storage.json",
};

/** A local stand-in for the Proxmox VE API (TLS, self-signed) serving the saved answers in the API's envelope. */
describe("live mode: adopt makes the read-only Proxmox calls itself", () => {
  const dir = mkdtempSync(join(tmpdir(), "adopt-live-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const requests: Array<{ method: string; url: string; auth?: string }> = [];
  let server: Server;
  let url = "";

  beforeAll(async () => {
    server = createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (req, res) => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
        res.setHeader("content-type", "application/json");
        if (req.headers.authorization !== `PVEAPIToken=${TOKEN}`) {
          res.statusCode = 401;
          res.end(JSON.stringify({ data: null }));
          return;
        }
        const file = ROUTES[req.url ?? ""];
        if (req.method !== "GET" || !file) {
          res.statusCode = 501;
          res.end(JSON.stringify({ data: null }));
          return;
        }
        res.end(JSON.stringify({ data: JSON.parse(readFileSync(join(ESTATE, file), "utf8")) }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    delete process.env.PVE_TOKEN_PVE;
  });

  it("drafts the same Proxmox services and adopted jobs as the saved answers do, with GETs only", async () => {
    process.env.PVE_TOKEN_PVE = TOKEN;
    const out = join(dir, "live.yaml");
    const rest = estateArgs().filter((a) => !a.startsWith("pve="));
    const r = await cli(
      "adopt",
      "--name",
      "acme",
      "--out",
      out,
      "--pve",
      `pve=${url}`,
      "--ca",
      join(dir, "cert.pem"),
      ...rest,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const live = parse(readFileSync(out, "utf8"));
    const saved = parse(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text);
    expect(live.services).toEqual(saved.services);
    expect(live.adopted).toEqual(saved.adopted);
    expect(live.proxmox.hosts.pve.endpoint).toBe(url);
    expect(requests.map((q) => `${q.method} ${q.url}`)).toEqual(Object.keys(ROUTES).map((p) => `GET ${p}`));
    // The token reaches the API and nothing else.
    expect(r.out + readFileSync(out, "utf8")).not.toContain("11111111-2222");
  });

  it("a refused token is ADOPT-011 naming the call, without the token; no catalog is written", async () => {
    process.env.PVE_TOKEN_PVE = "adopt@pve!readonly=wrong";
    const out = join(dir, "refused.yaml");
    const r = await cli("adopt", "--out", out, "--pve", `pve=${url}`, "--ca", join(dir, "cert.pem"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /ADOPT-011: the live call `GET \/api2\/json\/cluster\/backup` failed: HTTP 401 \(the token was refused\)/,
    );
    expect(r.err).not.toContain("wrong");
    expect(() => readFileSync(out)).toThrow();
  });

  it("an endpoint whose certificate is not trusted is refused (no silent TLS bypass)", async () => {
    process.env.PVE_TOKEN_PVE = TOKEN;
    const r = await cli("adopt", "--pve", `pve=${url}`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ADOPT-011: .*self-signed certificate/);
  });

  it("without a token the command says which variable to set", async () => {
    delete process.env.PVE_API_TOKEN;
    const r = await cli("adopt", "--pve", `pve=${url}`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ADOPT-010: .*\$PVE_TOKEN_PVE or \$PVE_API_TOKEN/);
  });
});
