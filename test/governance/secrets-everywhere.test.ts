/**
 * Issue 20, item 2: a secret anywhere in the catalog, not only under `services[]`, is
 * GOV-025 at its line, and no finding (message, fix, path) ever repeats it: not a value
 * that failed its format, not an unknown key, not a rule quoting the catalog.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { findingToJson, formatFinding } from "../../lib/core/finding";
import { looksLikeSecret, REDACTED, redactSecrets } from "../../lib/core/secrets";
import { ROOT, validate } from "../support/catalogs";

/** Each secret and the part of it that must never be printed. */
const SECRETS = {
  awsKey: ["AKIAQWERTYUIOPASDFGH", "QWERTYUIOPASDFGH"],
  privateKey: [
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEZZZ\n-----END OPENSSH PRIVATE KEY-----",
    "b3BlbnNzaC1rZXktdjEZZZ",
  ],
  urlPassword: ["https://deploy:Tr0ub4dor3@git.example.com/x", "Tr0ub4dor3"],
  webhook: ["https://hooks.slack.com/services/T0AAA/B0BBB/SeKrItWeBhOoK", "SeKrItWeBhOoK"],
  cmdPassword: ["mysql -uroot -pCorrectHorse9 -e 'select 1'", "CorrectHorse9"],
  bearer: ["curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9tok' https://x", "eyJhbGciOiJIUzI1NiJ9tok"],
} as const;

/** The Kubernetes example, with every optional section this case needs. */
function estate(): Record<string, any> {
  const c = parse(readFileSync(join(ROOT, "examples", "kubernetes.yaml"), "utf8")) as Record<string, any>;
  c.aws.tags = { team: "platform" };
  c.proxmox.hosts.pve.storages = [
    {
      id: "nas",
      type: "nfs",
      server: "nas.kubeshop.internal",
      export: "/backup",
      options: "vers=4.2",
      description: "the NAS",
    },
  ];
  c.notifications.chatbot = [
    {
      type: "teams",
      name: "it",
      tenantId: "11111111-2222-3333-4444-555555555555",
      teamId: "66666666-7777-8888-9999-000000000000",
      channelId: "19:0123456789abcdef0123456789abcdef@thread.tacv2",
    },
  ];
  c.state = { backend: "s3", bucket: "kubeshop-tfstate", region: "us-east-1", keyPrefix: "backup-gov/" };
  return c;
}

function everyText(report: ReturnType<typeof validate>): string {
  return report.findings.map((f) => `${formatFinding(f)}\n${JSON.stringify(findingToJson(f))}`).join("\n");
}

describe("GOV-025: a secret in any section of the catalog", () => {
  const cases: Array<[string, keyof typeof SECRETS, (c: Record<string, any>, s: string) => void, string]> = [
    ["aws.tags value", "awsKey", (c, s) => (c.aws.tags.team = s), "aws.tags.team"],
    ["aws.tags key", "awsKey", (c, s) => (c.aws.tags = { [s]: "x" }), `aws.tags.${REDACTED}`],
    [
      "NFS options",
      "cmdPassword",
      (c) => (c.proxmox.hosts.pve.storages[0].options = "vers=4,password=x -pS3cretNfs9"),
      "proxmox.hosts.pve.storages[0].options",
    ],
    [
      "a storage description",
      "webhook",
      (c, s) => (c.proxmox.hosts.pve.storages[0].description = `alerts: ${s}`),
      "proxmox.hosts.pve.storages[0].description",
    ],
    [
      "a cluster's context",
      "awsKey",
      (c, s) => (c.kubernetes.clusters.prod.context = s),
      "kubernetes.clusters.prod.context",
    ],
    ["a contact's phone", "bearer", (c, s) => (c.contacts[0].phone = s), "contacts[0].phone"],
    ["a contact's role", "privateKey", (c, s) => (c.contacts[0].role = s), "contacts[0].role"],
    ["the catalog owner", "urlPassword", (c, s) => (c.owner = s), "owner"],
    [
      "a hook command",
      "cmdPassword",
      (c, s) => (c.services[0].kubernetes.hooks[0].pre = [s]),
      "services[0].kubernetes.hooks[0].pre[0]",
    ],
    [
      "a service's AWS tag key",
      "awsKey",
      (c, s) => (c.services[0].aws = { tags: { [s]: "1" } }),
      `services[0].aws.tags.${REDACTED}`,
    ],
    [
      "an acknowledgement's reason",
      "urlPassword",
      (c, s) => (c.services[0].acknowledge = [{ rule: "GOV-013", reason: `see ${s} for why` }]),
      "services[0].acknowledge[0].reason",
    ],
  ];
  it.each(cases)("%s: GOV-025 at its line, the secret never printed", (_what, kind, put, path) => {
    const [secret, core] = SECRETS[kind];
    const c = estate();
    put(c, secret);
    const report = validate(c);
    expect(report.ok).toBe(false);
    const hit = report.findings.filter((f) => f.ruleId === "GOV-025");
    expect(hit.map((f) => findingToJson(f).path)).toEqual([path]);
    expect(hit[0].position.line).toBeGreaterThan(1);
    expect(everyText(report)).not.toContain(core);
  });

  it("the estate without the secrets validates (the cases are about the secret alone)", () => {
    expect(validate(estate()).findings.filter((f) => f.severity === "error" && !f.acknowledged)).toEqual([]);
  });
});

describe("no finding repeats a secret", () => {
  it.each<[string, (c: Record<string, any>) => void, string, string]>([
    [
      "a value that fails its format (accountId)",
      (c) => (c.aws.accountId = SECRETS.awsKey[0]),
      "CAT-007",
      SECRETS.awsKey[1],
    ],
    [
      "a value that fails its format (endpoint with a password)",
      (c) => (c.proxmox.hosts.pve.endpoint = "https://root:Pa55w0rdX@pve:8006"),
      "CAT-007",
      "Pa55w0rdX",
    ],
    [
      "a long value that fails its format: not even its start",
      (c) => (c.kubernetes.clusters.prod.snapshots = `${"x".repeat(40)} ${SECRETS.awsKey[0]}`),
      "CAT-006",
      "AKIAQWER",
    ],
    ["an unknown key", (c) => (c.aws[SECRETS.awsKey[0]] = 1), "CAT-003", SECRETS.awsKey[1]],
    [
      "an unknown key holding a webhook",
      (c) => (c.notifications[SECRETS.webhook[0]] = true),
      "CAT-003",
      SECRETS.webhook[1],
    ],
    [
      "a rule quoting a repository",
      (c) =>
        (c.services[2] = {
          ...c.services[2],
          app: {
            decision: "required",
            rationale: "files",
            engine: "files",
            host: "bc.test",
            paths: ["/srv"],
            tool: "borg",
            repository: "ssh://u:Hunter22x@nas/./r",
          },
        }),
      "GOV-025",
      "Hunter22x",
    ],
  ])("%s", (_what, put, rule, core) => {
    const c = estate();
    put(c);
    const report = validate(c);
    expect(report.findings.map((f) => f.ruleId)).toContain(rule);
    expect(everyText(report)).not.toContain(core);
  });
});

describe("redactSecrets", () => {
  it.each(Object.entries(SECRETS))("cuts out %s and keeps the words around it", (_kind, [secret, core]) => {
    const text = `before ${JSON.stringify(secret)} after`;
    expect(looksLikeSecret(secret)).toBe(true);
    const out = redactSecrets(text);
    expect(out).not.toContain(core);
    expect(out).toContain(REDACTED);
    expect(out.startsWith("before ")).toBe(true);
  });
  it("leaves ordinary text alone", () => {
    for (const text of ["mkdir -p /tmp/x", "psql -h db -p 5432", "ssh://backup@nas/./r", "https://pve:8006/"])
      expect(redactSecrets(text)).toBe(text);
  });
});
