import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { Heartbeat } from "../../lib/core/metrics";
import { Estate } from "../../lib/estate/estate";
import { parseDocument } from "yaml";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";
import { DEFAULT_CATALOG } from "../support/catalogs";

/**
 * The heartbeat's writers (the app-level backup script and the vzdump hook) and the CloudWatch
 * alarms must agree on the series, and each source must have its own: vaultwarden is backed up
 * by a nightly vzdump image and by an app-level PostgreSQL backup; a vzdump success must not
 * keep the PostgreSQL heartbeat alarm OK.
 */
describe("heartbeat series per source", () => {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(DEFAULT_CATALOG));
  const aws = JSON.parse(Testing.synth(estate.awsStack!));
  const alarms = Object.values(aws.resource.aws_cloudwatch_metric_alarm) as Array<{
    alarm_name: string;
    metric_name?: string;
    dimensions?: Record<string, string>;
    metric_query?: Array<{ metric?: { dimensions: Record<string, string> } }>;
  }>;
  const file = (suffix: string) => estate.artifacts.list().find((a) => a.path.endsWith(suffix))!.content as string;

  /** Runs shell text with a fake `aws` on PATH; returns the Dimensions of every put-metric-data datapoint. */
  function putDimensions(
    script: string,
    env: Record<string, string>,
    args: string[] = [],
  ): Array<Record<string, string>> {
    const dir = mkdtempSync(join(tmpdir(), "hb-"));
    mkdirSync(join(dir, "bin"));
    writeFileSync(
      join(dir, "bin", "aws"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> "${dir}/calls"\n`,
    );
    chmodSync(join(dir, "bin", "aws"), 0o755);
    writeFileSync(join(dir, "run.sh"), script);
    const r = spawnSync("bash", [join(dir, "run.sh"), ...args], {
      env: { PATH: `${dir}/bin:/usr/bin:/bin`, ...env, TMPDIR: dir },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const calls = readFileSync(join(dir, "calls"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("MetricName="));
    return calls.map((c) =>
      Object.fromEntries([...c.matchAll(/\{Name=([^,]+),Value=([^}]*)\}/g)].map((m) => [m[1], m[2]])),
    );
  }

  it("gives each source its own Source dimension, the Prometheus engine label", () => {
    expect(Heartbeat.dimensions).toEqual(["Estate", "Service", "Source"]);
  });

  it("alarms on the PostgreSQL series of vaultwarden, with the dimensions its backup script puts", () => {
    const hb = alarms.find(
      (a) => a.metric_name === Heartbeat.successMetric && a.dimensions?.Service === "vaultwarden",
    )!;
    expect(hb).toMatchObject({
      alarm_name: "homelab-vaultwarden-postgresql-backup-heartbeat",
      dimensions: { Estate: "homelab", Service: "vaultwarden", Source: "postgresql" },
    });
    // The runtime's own heartbeat function, loaded as the entry point loads it: the host bundle's runtime and the service's service.conf.
    const bundle = mkdtempSync(join(tmpdir(), "hb-bundle-"));
    for (const a of estate.artifacts
      .list()
      .filter(
        (x) =>
          (x.path.startsWith("hosts/vaultwarden.internal/") || x.path.startsWith("hosts/_runtime/")) &&
          !x.path.endsWith(".tar.gz"),
      )) {
      mkdirSync(join(bundle, a.path, ".."), { recursive: true });
      writeFileSync(join(bundle, a.path), a.content);
    }
    const host = join(bundle, "hosts", "vaultwarden.internal");
    expect(file("vaultwarden.internal/vaultwarden/backup.sh")).toBe(file("_runtime/entry/entry.sh"));
    const put = putDimensions(
      `. "${host}/vaultwarden/service.conf"\nRUNTIME="${host}/../_runtime"\n. "$RUNTIME/lib/load.sh"\nAWS_REGION=us-east-1\nheartbeat 123\n`,
      {},
    );
    expect(put).toHaveLength(2);
    for (const d of put) expect(d).toEqual(hb.dimensions);
    // The size anomaly band watches the same series, not a mix of dump and image sizes.
    const size = alarms.find((a) => a.alarm_name === "homelab-vaultwarden-postgresql-backup-size-anomaly")!;
    expect(size.metric_query!.find((q) => q.metric)!.metric!.dimensions).toEqual(hb.dimensions);
  });

  it("puts vzdump successes on their own series, which no app-level alarm watches", () => {
    const hook = file("proxmox/pve/vzdump-hook.sh");
    const dir = mkdtempSync(join(tmpdir(), "hbv-"));
    writeFileSync(join(dir, "heartbeat.env"), "AWS_REGION=us-east-1\n");
    writeFileSync(join(dir, "vm.vma.zst"), Buffer.alloc(10));
    const env = {
      BACKUP_GOV_TEXTFILE_DIR: join(dir, "tf"),
      BACKUP_GOV_STATE_DIR: join(dir, "st"),
      BACKUP_GOV_HEARTBEAT_ENV: join(dir, "heartbeat.env"),
      TARGET: join(dir, "vm.vma.zst"),
    };
    const put = putDimensions(hook, env, ["backup-end", "snapshot", "204"]);
    expect(put.length).toBeGreaterThan(0);
    for (const d of put) expect(d).toEqual({ Estate: "homelab", Service: "vaultwarden", Source: "vzdump" });
    const watched = alarms
      .filter((a) => a.metric_name === Heartbeat.successMetric)
      .map((a) => JSON.stringify(a.dimensions));
    expect(watched).not.toContain(JSON.stringify(put[0]));
    expect(watched).toContain(JSON.stringify({ Estate: "homelab", Service: "vaultwarden", Source: "postgresql" }));
  });

  it("alarms on the vzdump series too where the host's nodes put the heartbeat (vzdumpHeartbeat): every source the service relies on", () => {
    const doc = parseDocument(readFileSync(DEFAULT_CATALOG, "utf8"));
    doc.setIn(["proxmox", "hosts", "pve", "vzdumpHeartbeat"], true);
    const e = Estate.fromReport(Testing.app(), validateCatalogText(doc.toString(), "catalog.yaml"));
    const all = Object.values(JSON.parse(Testing.synth(e.awsStack!)).resource.aws_cloudwatch_metric_alarm) as Array<{
      alarm_name: string;
      metric_name?: string;
      dimensions?: Record<string, string>;
    }>;
    const vw = all.filter((a) => a.metric_name === Heartbeat.successMetric && a.dimensions?.Service === "vaultwarden");
    expect(vw.map((a) => a.dimensions!.Source).sort()).toEqual(["postgresql", "vzdump"]);
    expect(vw.find((a) => a.dimensions!.Source === "vzdump")!.alarm_name).toBe(
      "homelab-vaultwarden-vzdump-backup-heartbeat",
    );
    // A guest of a host without it (proxmox-home) keeps Prometheus only.
    const home = e.context.catalog.services.filter((s) => s.vm?.host === "proxmox-home").map((s) => s.id);
    expect(home.length).toBeGreaterThan(0);
    for (const id of home)
      expect(all.some((a) => a.dimensions?.Service === id && a.dimensions?.Source === "vzdump")).toBe(false);
  });
});
