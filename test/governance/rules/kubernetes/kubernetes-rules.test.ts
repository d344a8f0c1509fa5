import { loadCatalogText } from "../../../../lib/catalog/load";
import { evaluateRules } from "../../../../lib/governance/engine";
import type { GovernanceRule } from "../../../../lib/governance/rule";
import { platformOnlyNeedsPlatform } from "../../../../lib/governance/rules/app-level/platform-only-needs-platform";
import { immutableCopyPossible } from "../../../../lib/governance/rules/immutability/immutable-copy-possible";
import { kubernetesClusterDeclared } from "../../../../lib/governance/rules/kubernetes/kubernetes-cluster-declared";
import { kubernetesNeedsAws } from "../../../../lib/governance/rules/kubernetes/kubernetes-needs-aws";
import { snapshotNeedsCsi } from "../../../../lib/governance/rules/kubernetes/snapshot-needs-csi";
import { offsiteDestination } from "../../../../lib/governance/rules/offsite/offsite-destination";
import { validateCatalogText } from "../../../../lib/governance/validate";

/** A one-service Kubernetes catalog; lines of `k8s` go inside the service's kubernetes block. */
function catalog(
  opts: { k8s?: string; clusters?: string; aws?: boolean; classification?: string; offsite?: boolean } = {},
): string {
  return `version: 1
name: test
owner: "@ops"
notifications: { email: [ops@example.com] }
${opts.aws === false ? "" : "aws: { region: us-east-1, offsiteRegion: us-west-2 }"}
${opts.clusters ?? "kubernetes:\n  clusters:\n    prod: { context: prod-admin, snapshots: csi }"}
services:
  - id: shop
    classification: ${opts.classification ?? "important"}
    rpo: 1d
    rto: 4h
    app: { decision: platform-only, rationale: "Velero backs up the namespace" }
    kubernetes:
${(opts.k8s ?? "cluster: prod\nnamespaces: [shop]")
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
    offsite: { required: ${opts.offsite ? "true" : "false"}, reason: "decided" }
    restore: { secrets: "vault:kv/shop", validate: ["true"] }
`;
}

function findings(rule: GovernanceRule, text: string): string[] {
  const loaded = loadCatalogText(text);
  expect(loaded.findings).toEqual([]);
  return evaluateRules(loaded.catalog!, loaded.source!, [rule]).map((f) => `${f.position.line}: ${f.message}`);
}

describe("GOV-130: kubernetes-cluster-declared", () => {
  it("non-compliant: a misspelt cluster, with a suggestion", () => {
    const text = catalog({ k8s: "cluster: prd\nnamespaces: [shop]" });
    expect(findings(kubernetesClusterDeclared, text)).toEqual([
      "16: `kubernetes.cluster` `prd` is not declared under `kubernetes.clusters` (declared: prod)",
    ]);
    expect(validateCatalogText(text).findings.find((f) => f.ruleId === "GOV-130")!.fix).toBe("did you mean `prod`?");
  });
  it("non-compliant: no kubernetes section at all", () => {
    expect(findings(kubernetesClusterDeclared, catalog({ clusters: "" }))).toEqual([
      "14: `kubernetes.cluster` `prod` needs a top-level `kubernetes` section, and the catalog has none",
    ]);
  });
  it("compliant", () => expect(findings(kubernetesClusterDeclared, catalog())).toEqual([]));
});

describe("GOV-131: kubernetes-needs-aws", () => {
  it("non-compliant: no aws section for the storage location", () => {
    expect(findings(kubernetesNeedsAws, catalog({ aws: false }))).toEqual([
      "15: service `shop` is backed up by Velero, but the catalog has no `aws` section for its backup storage location",
    ]);
  });
  it("compliant", () => expect(findings(kubernetesNeedsAws, catalog())).toEqual([]));
});

describe("GOV-132: snapshot-needs-csi", () => {
  const noCsi = "kubernetes:\n  clusters:\n    prod: { context: prod-admin }";
  it("non-compliant: snapshot volumes on a cluster without CSI snapshots", () => {
    expect(
      findings(
        snapshotNeedsCsi,
        catalog({ clusters: noCsi, k8s: "cluster: prod\nnamespaces: [shop]\nvolumes: snapshot" }),
      ),
    ).toEqual(["18: `kubernetes.volumes: snapshot` but cluster `prod` does not declare `snapshots: csi`"]);
  });
  it("compliant: snapshot on csi, fs anywhere", () => {
    expect(
      findings(snapshotNeedsCsi, catalog({ k8s: "cluster: prod\nnamespaces: [shop]\nvolumes: snapshot" })),
    ).toEqual([]);
    expect(
      findings(snapshotNeedsCsi, catalog({ clusters: noCsi, k8s: "cluster: prod\nnamespaces: [shop]\nvolumes: fs" })),
    ).toEqual([]);
  });
});

describe("Velero satisfies the platform, immutability and offsite rules", () => {
  it("GOV-008: platform-only is satisfied by a kubernetes block, and still fails without one", () => {
    expect(findings(platformOnlyNeedsPlatform, catalog())).toEqual([]);
    const without = catalog().replace(/    kubernetes:\n      cluster: prod\n      namespaces: \[shop\]\n/, "");
    expect(findings(platformOnlyNeedsPlatform, without)).toHaveLength(1);
  });
  it("GOV-023 and GOV-011: a critical Velero service is lockable and replicated", () => {
    const text = catalog({ classification: "critical", offsite: true });
    expect(findings(immutableCopyPossible, text)).toEqual([]);
    expect(findings(offsiteDestination, text)).toEqual([]);
  });
  it("the whole baseline accepts the catalog", () => {
    expect(validateCatalogText(catalog({ classification: "critical", offsite: true })).ok).toBe(true);
  });
});

describe("catalog schema of the new sections", () => {
  it("refuses a kubeconfig context that is not a plain name (it is pasted into the SOPs' commands)", () => {
    const r = loadCatalogText(
      catalog({ clusters: 'kubernetes:\n  clusters:\n    prod: { context: "prod; rm -rf /" }' }),
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.position.line} ${f.message}`)).toEqual([
      "CAT-007 8 `context` must be a kubeconfig context name (letters, digits, '.', '_', '@', ':', '/', '+', '-'); got \"prod; rm -rf /\"",
    ]);
    expect(
      loadCatalogText(
        catalog({
          clusters:
            'kubernetes:\n  clusters:\n    prod: { context: "arn:aws:eks:us-east-1:123456789012:cluster/prod" }',
        }),
      ).findings,
    ).toEqual([]);
  });

  it.each([
    ["namespaces: []", /namespaces.*at least 1/],
    ["namespaces: [Shop_1]", /Kubernetes name/],
    ["namespaces: [shop]\nvolumes: snapshots", /did you mean "snapshot"/],
    ["namespaces: [shop]\nhooks: [{ container: db, pre: [x], timeout: 5 minutes }]", /timeout.*duration/],
  ])("refuses %s at its line", (k8s, message) => {
    const r = loadCatalogText(catalog({ k8s: `cluster: prod\n${k8s}` }));
    expect(r.findings.map((f) => `${f.ruleId} ${f.message} ${f.fix}`).join("\n")).toMatch(message);
    expect(r.findings[0].position.line).toBeGreaterThan(13);
  });
});
