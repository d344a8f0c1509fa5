import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { App } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogText } from "../../lib/governance/validate";
import { crdErrors } from "../support/velero-crds";
import { ROOT } from "../support/catalogs";

/** A small deterministic PRNG (mulberry32), so that every run checks the same variants. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = parse(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8"));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Variants of the example: RPOs, retention, volumes, snapshots, hooks, windows, data, tiers. */
function variant(seed: number): string {
  const r = rng(seed);
  const c = structuredClone(base);
  for (const cl of Object.values(c.kubernetes.clusters) as Array<Record<string, unknown>>) {
    cl.snapshots = pick(r, ["csi", "none", undefined]);
    cl.backupWindow = pick(r, ["00:30-05:30", "22:00-02:00", "03:00-03:30", undefined]);
    cl.uplink = pick(r, ["1Gbit/s", "10Mbit/s", "5MiB/s", undefined]);
  }
  for (const s of c.services as Array<Record<string, any>>) {
    if (r() < 0.3) delete s.data;
    if (!s.kubernetes) continue;
    s.rpo = pick(r, ["1h", "4h", "12h", "1d", "7d"]);
    s.classification = pick(r, ["critical", "important", "rebuildable"]);
    if (s.classification === "critical") s.offsite = { required: true, reason: "critical" };
    if (r() < 0.5)
      s.retention = {
        daily: 1 + Math.floor(r() * 30),
        weekly: Math.floor(r() * 10),
        monthly: Math.floor(r() * 13),
        yearly: Math.floor(r() * 3),
      };
    {
      // Snapshot volumes mostly where the cluster has CSI; sometimes not, which GOV-132 must refuse.
      const csi = c.kubernetes.clusters[s.kubernetes.cluster].snapshots === "csi";
      s.kubernetes.volumes = csi || r() < 0.2 ? pick(r, ["fs", "snapshot"]) : "fs";
      if (r() < 0.5)
        s.kubernetes.hooks = [
          {
            container: "app",
            pre: ["/bin/true"],
            post: r() < 0.5 ? ["/bin/true"] : [],
            onError: pick(r, ["fail", "continue"]),
            timeout: pick(r, ["30m", "2h", "90m"]),
          },
        ];
      if (r() < 0.3) delete s.kubernetes.labelSelector;
    }
  }
  return stringify(c);
}

describe("variants of the Kubernetes example: whatever validates synthesizes, and every Velero object fits its CRD", () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  let synthesized = 0;
  it.each(seeds)("seed %i", (seed) => {
    const report = validateCatalogText(variant(seed), `variant-${seed}.yaml`);
    if (!report.ok) {
      // A refusal must name a rule and a line.
      for (const f of report.findings.filter((x) => x.severity === "error"))
        expect([f.ruleId, f.position.line > 0]).toEqual([expect.stringMatching(/^[A-Z]{3}-\d{3}$/), true]);
      return;
    }
    const app = new App({ outdir: join(ROOT, ".tmp", "jest", `variant-${seed}`) });
    const estate = Estate.fromReport(app, report);
    for (const stack of estate.kubernetesStacks) {
      const manifests = Object.values(
        (stack.toTerraform() as { resource: { kubernetes_manifest: Record<string, { manifest: object }> } }).resource
          .kubernetes_manifest,
      );
      for (const m of manifests) expect(crdErrors(m.manifest)).toEqual([]);
    }
    expect(estate.artifacts.get("estimate.md")).toBeDefined();
    synthesized++;
  });
  afterAll(() => {
    // The variants are not all refused: most synthesize.
    expect(synthesized).toBeGreaterThan(10);
  });
});
