import { parse } from "yaml";
import { generatedCatalog } from "../../bench/catalog";
import { validateCatalogText } from "../../lib/governance/validate";

describe("bench/catalog.ts (the benchmark's generated estates)", () => {
  it("generates a catalog that validates, so that `npm run bench` measures a synth and not a refusal", () => {
    const r = validateCatalogText(generatedCatalog(200), "bench-200.yaml");
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(r.catalog!.services).toHaveLength(200);
  });

  it("has the shapes the issue asks for: one large job, every engine, AWS resources, several hosts", () => {
    const doc = parse(generatedCatalog(1000)) as {
      proxmox: { hosts: Record<string, unknown> };
      services: Array<{ vm?: { host: string }; classification: string; app: { engine?: string }; aws?: unknown }>;
    };
    const onFirst = doc.services.filter((s) => s.vm?.host === "pve-00" && s.classification === "rebuildable");
    expect(onFirst.length).toBe(300);
    expect(new Set(doc.services.map((s) => s.app.engine).filter(Boolean))).toEqual(
      new Set(["postgresql", "mysql", "mongodb", "files"]),
    );
    expect(doc.services.filter((s) => s.aws).length).toBe(200);
    expect(Object.keys(doc.proxmox.hosts)).toHaveLength(10);
  });
});
