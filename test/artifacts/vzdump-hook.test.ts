import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runtimeSourceDir } from "../../lib/artifacts/app/runtime";
import { renderVzdumpHook, renderVzdumpHookData, VZDUMP_HOOK_PATH } from "../../lib/artifacts/vzdump-hook";
import { parseTextfile } from "../../lib/cli/metrics-source";
import { Heartbeat, Metrics, textfileName } from "../../lib/core/metrics";
import { loadValid } from "../support/catalogs";
import { run, scratch } from "../support/tools";

const { catalog, policies } = loadValid();
const script = renderVzdumpHook(catalog, catalog.proxmox!.hosts.pve, policies, true);

/** A host in a folder: the hook, a fake aws CLI that records its calls, the textfile and state folders. */
function host(opts: { heartbeat?: boolean } = {}) {
  const dir = scratch("hook");
  const hook = join(dir, "vzdump-hook.sh");
  writeFileSync(hook, script);
  chmodSync(hook, 0o755);
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "aws"), `#!/bin/sh\nprintf '%s\\n' "$AWS_REGION $*" >> "${dir}/aws.calls"\n`);
  chmodSync(join(dir, "bin", "aws"), 0o755);
  if (opts.heartbeat !== false) writeFileSync(join(dir, "heartbeat.env"), "AWS_REGION=us-east-1\n");
  const env = {
    PATH: `${join(dir, "bin")}:${process.env.PATH}`,
    BACKUP_GOV_TEXTFILE_DIR: join(dir, "textfile"),
    BACKUP_GOV_STATE_DIR: join(dir, "state"),
    BACKUP_GOV_HEARTBEAT_ENV: join(dir, "heartbeat.env"),
    STOREID: "pbs-main",
  };
  const call = (args: string[], extra: Record<string, string> = {}) =>
    run("bash", [hook, ...args], { env: { ...env, ...extra } });
  const metrics = (service: string) => {
    const file = join(dir, "textfile", textfileName(service, "vzdump"));
    return existsSync(file) ? parseTextfile(readFileSync(file, "utf8")).samples : [];
  };
  return { dir, hook, call, metrics, env };
}

const value = (samples: ReturnType<ReturnType<typeof host>["metrics"]>, name: string) =>
  samples.find((s) => s.name === name)?.value;

describe("the vzdump hook", () => {
  it("is the real file lib/artifacts/app/sh/vzdump/vzdump-hook.sh with the runtime's library and this host's data inlined", () => {
    const real = readFileSync(join(runtimeSourceDir(), "vzdump", "vzdump-hook.sh"), "utf8");
    // Every line of the real file's code is in the artifact, except the lines that source what is now inline.
    for (const line of real.split("\n").filter((l) => !/# @(inline|data)$|^HOOK_LIB=|^# shellcheck source/.test(l)))
      expect(script).toContain(line);
    for (const lib of ["lib/log.sh", "lib/metrics.sh", "lib/heartbeat.sh"]) {
      const body = readFileSync(join(runtimeSourceDir(), lib), "utf8").replace(/^# shellcheck shell=bash\n/, "");
      expect(script).toContain(body.trimEnd());
    }
    expect(script).not.toMatch(/^\. /m);
  });

  it("the real hook file runs as it is, sourcing the runtime's library from the source tree", () => {
    const h = host();
    const conf = join(h.dir, "vzdump-hook.conf");
    writeFileSync(conf, renderVzdumpHookData(catalog, catalog.proxmox!.hosts.pve, policies, false) + "\n");
    const r = run("bash", [join(runtimeSourceDir(), "vzdump", "vzdump-hook.sh"), "backup-end", "snapshot", "204"], {
      env: { ...h.env, BACKUP_GOV_HOOK_CONF: conf },
    });
    expect(r.stderr).toBe("");
    expect(value(h.metrics("vaultwarden"), Metrics.lastRunSuccess)).toBe(1);
  });

  it("passes shellcheck", () => {
    const { hook } = host();
    const r = run("shellcheck", ["-s", "bash", "-f", "gcc", hook]);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });

  it("is meant for the documented path and names only this host's guests", () => {
    expect(script).toContain(VZDUMP_HOOK_PATH);
    // The guest table is data: one quoted column per field, read by the real hook file.
    expect(script).toMatch(/^GUEST_VMIDS=\(204 210 220\)$/m);
    expect(script).toMatch(/^GUEST_SERVICES=\(vaultwarden nextcloud paperless\)$/m);
    expect(script).toMatch(/^GUEST_RPO_SECONDS=\(14400 /m);
    expect(script).not.toMatch(/\b120\b/); // unifi lives on proxmox-home
  });

  it("writes the service's metrics in the contract's format after a successful backup, and puts the heartbeat", () => {
    const h = host();
    writeFileSync(join(h.dir, "vm-204.vma.zst"), Buffer.alloc(4321));
    const before = Math.floor(Date.now() / 1000);
    expect(h.call(["job-start"]).code).toBe(0);
    expect(h.call(["backup-start", "snapshot", "204"]).code).toBe(0);
    const r = h.call(["backup-end", "snapshot", "204"], { TARGET: join(h.dir, "vm-204.vma.zst") });
    expect(r.code).toBe(0);
    const m = h.metrics("vaultwarden");
    expect(
      m.every(
        (s) => s.labels.service === "vaultwarden" && s.labels.engine === "vzdump" && s.labels.target === "pve/pbs-main",
      ),
    ).toBe(true);
    expect(value(m, Metrics.lastSuccess)).toBeGreaterThanOrEqual(before);
    expect(value(m, Metrics.lastRunSuccess)).toBe(1);
    expect(value(m, Metrics.size)).toBe(4321);
    expect(value(m, Metrics.rpo)).toBe(4 * 3600);
    expect(value(m, Metrics.rto)).toBe(2 * 3600);
    const calls = readFileSync(join(h.dir, "aws.calls"), "utf8");
    expect(calls).toContain(`us-east-1 cloudwatch put-metric-data --namespace ${Heartbeat.namespace}`);
    expect(calls).toContain(
      `MetricName=${Heartbeat.successMetric},Dimensions=[{Name=Estate,Value=homelab},{Name=Service,Value=vaultwarden},{Name=Source,Value=vzdump}],Value=1,Unit=Count`,
    );
    expect(calls).toContain(
      `MetricName=${Heartbeat.sizeMetric},Dimensions=[{Name=Estate,Value=homelab},{Name=Service,Value=vaultwarden},{Name=Source,Value=vzdump}],Value=4321,Unit=Bytes`,
    );
    // promtool reads it as valid exposition text.
    const lint = run("promtool", ["check", "metrics"], {
      input: readFileSync(join(h.dir, "textfile", textfileName("vaultwarden", "vzdump")), "utf8"),
    });
    expect(lint.code).toBe(0);
  });

  it("records a failed backup without forgetting the last success, and puts no heartbeat", () => {
    const h = host();
    h.call(["backup-start", "snapshot", "204"]);
    h.call(["backup-end", "snapshot", "204"]);
    const first = value(h.metrics("vaultwarden"), Metrics.lastSuccess);
    h.call(["backup-start", "snapshot", "204"]);
    expect(h.call(["backup-abort", "snapshot", "204"]).code).toBe(0);
    const m = h.metrics("vaultwarden");
    expect(value(m, Metrics.lastRunSuccess)).toBe(0);
    expect(value(m, Metrics.lastSuccess)).toBe(first);
    expect(readFileSync(join(h.dir, "aws.calls"), "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("has no success metric for a guest that never succeeded (so it reads as missing, not fresh)", () => {
    const h = host({ heartbeat: false });
    h.call(["backup-abort", "snapshot", "210"]);
    const m = h.metrics("nextcloud");
    expect(value(m, Metrics.lastSuccess)).toBeUndefined();
    expect(value(m, Metrics.lastRunSuccess)).toBe(0);
    expect(existsSync(join(h.dir, "aws.calls"))).toBe(false);
  });

  it("ignores guests outside the catalog and phases it does not handle", () => {
    const h = host();
    const r = h.call(["backup-end", "snapshot", "999"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/guest 999 is not in the catalog/);
    expect(h.call(["log-end", "snapshot", "204"]).code).toBe(0);
    expect(existsSync(join(h.dir, "textfile"))).toBe(false);
  });

  it("never fails the backup when the metrics cannot be written", () => {
    const h = host();
    writeFileSync(join(h.dir, "textfile"), "a file where the folder should be");
    const r = h.call(["backup-end", "snapshot", "204"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/could not publish the metrics/);
  });
});
