import { miniCatalog, PROXMOX, validateText } from "../support/catalogs";

function ids(text: string): string[] {
  return validateText(text).findings.map((f) => f.ruleId);
}

describe("GOV-060: webhook-names-unique", () => {
  it("non-compliant: two webhooks with one name", () => {
    const r = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  webhooks: [{ name: slack-ops }, { name: teams }, { name: slack-ops }]\n` }));
    const f = r.findings.filter((x) => x.ruleId === "GOV-060");
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "webhooks", 2, "name"]);
    expect(f[0].message).toMatch(/already used by webhooks\[0\]/);
    expect(r.ok).toBe(false);
  });

  it("compliant: distinct names", () => {
    const r = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  webhooks: [{ name: slack-ops }, { name: slack-dev }]\n` }));
    expect(r.findings.map((f) => f.ruleId)).not.toContain("GOV-060");
    expect(r.ok).toBe(true);
  });
});

describe("GOV-061: heartbeat-needs-aws", () => {
  it("non-compliant: heartbeat on, no aws section", () => {
    const r = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  heartbeat: true\n` }));
    const f = r.findings.filter((x) => x.ruleId === "GOV-061");
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "heartbeat"]);
    expect(r.ok).toBe(false);
  });

  it("compliant: heartbeat on with aws, or left at its default without aws", () => {
    const aws = 'aws: { region: us-east-1, accountId: "123456789012" }\n';
    expect(ids(miniCatalog({ top: `${PROXMOX}${aws}notifications:\n  email: [ops@example.com]\n  heartbeat: true\n` }))).not.toContain("GOV-061");
    const r = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n` }));
    expect(r.ok).toBe(true);
    expect(r.catalog!.notifications.heartbeat).toBe(false);
  });

  it("the default resolves to on when the catalog has aws", () => {
    const r = validateText(miniCatalog({ top: `${PROXMOX}aws: { region: us-east-1 }\nnotifications:\n  email: [ops@example.com]\n` }));
    expect(r.catalog!.notifications.heartbeat).toBe(true);
  });
});

describe("notifications.staleMargin", () => {
  it("parses as a duration and rejects anything else", () => {
    expect(validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  staleMargin: 90m\n` })).catalog!.notifications.staleMargin!.toMinutes()).toBe(90);
    const bad = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  staleMargin: soon\n` }));
    expect(bad.ok).toBe(false);
    expect(bad.findings.some((f) => f.path.join(".") === "notifications.staleMargin")).toBe(true);
  });
});
