import { miniCatalog, PROXMOX, validateText } from "../support/catalogs";

function ids(text: string): string[] {
  return validateText(text).findings.map((f) => f.ruleId);
}

describe("GOV-060: webhook-names-unique", () => {
  it("non-compliant: two webhooks with one name", () => {
    const r = validateText(
      miniCatalog({
        top: `${PROXMOX}notifications:\n  webhooks: [{ name: slack-ops }, { name: teams }, { name: slack-ops }]\n`,
      }),
    );
    const f = r.findings.filter((x) => x.ruleId === "GOV-060");
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "webhooks", 2, "name"]);
    expect(f[0].message).toMatch(/already used by webhooks\[0\]/);
    expect(r.ok).toBe(false);
  });

  it("compliant: distinct names", () => {
    const r = validateText(
      miniCatalog({ top: `${PROXMOX}notifications:\n  webhooks: [{ name: slack-ops }, { name: slack-dev }]\n` }),
    );
    expect(r.findings.map((f) => f.ruleId)).not.toContain("GOV-060");
    expect(r.ok).toBe(true);
  });
});

describe("GOV-061: heartbeat-needs-aws", () => {
  it("non-compliant: heartbeat on, no aws section", () => {
    const r = validateText(
      miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  heartbeat: true\n` }),
    );
    const f = r.findings.filter((x) => x.ruleId === "GOV-061");
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "heartbeat"]);
    expect(r.ok).toBe(false);
  });

  it("compliant: heartbeat on with aws, or left at its default without aws", () => {
    const aws = 'aws: { region: us-east-1, accountId: "123456789012" }\n';
    expect(
      ids(miniCatalog({ top: `${PROXMOX}${aws}notifications:\n  email: [ops@example.com]\n  heartbeat: true\n` })),
    ).not.toContain("GOV-061");
    const r = validateText(miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n` }));
    expect(r.ok).toBe(true);
    expect(r.catalog!.notifications.heartbeat).toBe(false);
  });

  it("the default resolves to on when the catalog has aws", () => {
    const r = validateText(
      miniCatalog({ top: `${PROXMOX}aws: { region: us-east-1 }\nnotifications:\n  email: [ops@example.com]\n` }),
    );
    expect(r.catalog!.notifications.heartbeat).toBe(true);
  });
});

describe("notifications.staleMargin", () => {
  it("parses as a duration and rejects anything else", () => {
    expect(
      validateText(
        miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  staleMargin: 90m\n` }),
      ).catalog!.notifications.staleMargin!.toMinutes(),
    ).toBe(90);
    const bad = validateText(
      miniCatalog({ top: `${PROXMOX}notifications:\n  email: [ops@example.com]\n  staleMargin: soon\n` }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.findings.some((f) => f.path.join(".") === "notifications.staleMargin")).toBe(true);
  });
});

describe("GOV-102: chat-webhook-over-sns", () => {
  // Source: SNS Developer Guide, "HTTP/HTTPS subscription confirmation JSON format": SNS POSTs a
  // SubscriptionConfirmation whose SubscribeURL must be visited, and "doesn't send notifications to this endpoint
  // until the subscription is confirmed"; a Slack or Teams incoming webhook never visits it.
  const chatbot = "  chatbot: [{ type: slack, name: ops, workspaceId: T0123ABCDE, channelId: C0123ABCDE }]\n";
  const of = (notifications: string) =>
    validateText(miniCatalog({ top: `${PROXMOX}notifications:\n${notifications}` })).findings.filter(
      (x) => x.ruleId === "GOV-102",
    );

  it("non-compliant 1: a webhook named for Slack, kind not said (it would be subscribed to SNS)", () => {
    const f = of("  webhooks: [{ name: slack-ops }]\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: "warning", path: ["notifications", "webhooks", 0, "name"] });
    expect(f[0].message).toMatch(/cannot confirm an SNS subscription/);
    expect(f[0].fix).toMatch(/notifications\.chatbot/);
  });

  it("non-compliant 2: a Teams webhook with no Teams chatbot channel (AWS alerts reach no chat)", () => {
    const f = of(`  webhooks: [{ name: it, kind: teams }]\n${chatbot}`);
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "webhooks", 0, "kind"]);
  });

  it("compliant: a Slack webhook for Alertmanager with a Slack chatbot channel; a generic relay", () => {
    expect(of(`  webhooks: [{ name: slack-ops, kind: slack }]\n${chatbot}`)).toEqual([]);
    expect(of("  webhooks: [{ name: slack-relay, kind: generic }]\n")).toEqual([]);
  });

  it("not applicable: no webhook", () => {
    expect(of("  email: [ops@example.com]\n")).toEqual([]);
  });
});

describe("GOV-103: chatbot-names-unique", () => {
  it("non-compliant: two chatbot channels with one name; compliant: distinct names", () => {
    const two = (b: string) =>
      validateText(
        miniCatalog({
          top: `${PROXMOX}notifications:\n  chatbot: [{ type: slack, name: ops, workspaceId: T1, channelId: C1 }, { type: slack, name: ${b}, workspaceId: T1, channelId: C2 }]\n`,
        }),
      );
    const f = two("ops").findings.filter((x) => x.ruleId === "GOV-103");
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["notifications", "chatbot", 1, "name"]);
    expect(two("dev").findings.map((x) => x.ruleId)).not.toContain("GOV-103");
    // A chatbot channel alone is an alert channel (GOV-012).
    expect(two("dev").ok).toBe(true);
  });
});
