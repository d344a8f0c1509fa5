import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptAnswers, readAnswers } from "../../lib/adopt/adopt";
import { readKubeLive } from "../../lib/adopt/kube-live";
import { cli } from "../support/cli";
import { ESTATE, estateArgs } from "./support";

const BIN = join(__dirname, "fake-kubectl");
/** The draft without the names of the sources (a saved file's name, or the live call's command line). */
const sourcesOut = (text: string) => text.replace(/\((?:[^()\n]*\.json|kubectl [^()\n]*)\)/g, "(source)");

/** Live Kubernetes mode against a stand-in kubectl on PATH (test/adopt/fake-kubectl/kubectl). */
describe("live mode: adopt runs the read-only kubectl get itself", () => {
  const dir = mkdtempSync(join(tmpdir(), "adopt-kube-"));
  const log = join(dir, "kubectl.log");
  const saveEnv = { ...process.env };
  beforeEach(() => {
    writeFileSync(log, "");
    Object.assign(process.env, {
      PATH: `${BIN}:${process.env.PATH}`,
      FAKE_KUBECTL_LOG: log,
      FAKE_KUBECTL_ANSWER: join(ESTATE, "velero.json"),
      FAKE_KUBECTL_MODE: "ok",
    });
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saveEnv)) delete process.env[k];
    Object.assign(process.env, saveEnv);
  });
  const calls = () => readFileSync(log, "utf8").split("\n").filter(Boolean);

  it("drafts the same catalog as the saved answer, with the one documented get", async () => {
    const out = join(dir, "live.yaml");
    const rest = estateArgs().filter((a) => !a.startsWith("prod="));
    const r = await cli("adopt", "--name", "acme", "--out", out, "--k8s", "prod=prod-admin", ...rest);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const saved = parse(sourcesOut(adoptAnswers(readAnswers(estateArgs()), { name: "acme" }).text));
    expect(parse(sourcesOut(readFileSync(out, "utf8")))).toEqual(saved);
    expect(calls()).toEqual([
      "--context prod-admin --request-timeout=60s get schedules.velero.io,backupstoragelocations.velero.io -A -o json",
    ]);
  });

  it.each([
    [
      "forbidden",
      /ADOPT-054: the live call `kubectl get schedules.velero.io,backupstoragelocations.velero.io -A -o json` failed: Error from server \(Forbidden\)[\s\S]*grant get and list on schedules.velero.io/,
    ],
    ["no-velero", /ADOPT-054: .*doesn't have a resource type[\s\S]*Velero is not installed/],
  ])("kubectl answering %s is ADOPT-054 with the fix; no catalog", async (mode, expected) => {
    process.env.FAKE_KUBECTL_MODE = mode;
    const out = join(dir, `${mode}.yaml`);
    const r = await cli("adopt", "--out", out, "--k8s", "prod");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(expected);
    expect(() => readFileSync(out)).toThrow();
  });

  it("a kubectl that never answers is stopped at the bound", async () => {
    process.env.FAKE_KUBECTL_MODE = "hang";
    const t0 = Date.now();
    await expect(readKubeLive("prod", { timeoutMs: 1000 })).rejects.toThrow(
      /ADOPT-054: .*failed: no answer within 1.5 s/,
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it("without kubectl on PATH: ADOPT-053; a context that looks like an option is refused before running anything", async () => {
    await expect(readKubeLive("prod", { kubectl: join(dir, "no-such-kubectl") })).rejects.toThrow(
      /ADOPT-053: .*kubectl is not on PATH/,
    );
    const r = await cli("adopt", "--k8s", "prod=--kubeconfig=/etc/shadow");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ADOPT-010: --k8s is not valid/);
    expect(calls()).toEqual([]);
  });
});
