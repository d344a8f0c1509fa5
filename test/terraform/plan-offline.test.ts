/**
 * `backup-gov plan --offline DIR`: the documented, shipped form of what these tests do to plan
 * without an AWS account, run on a real synth output with the real terraform.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../support/cli";
import { ROOT } from "./offline";

jest.setTimeout(240_000);

describe("backup-gov plan --offline", () => {
  const tmp = mkdtempSync(join(tmpdir(), "plan-offline-"));
  const out = join(tmp, "cdktf.out");

  beforeAll(async () => {
    const synth = await cli("synth", join(ROOT, "examples", "aws-only.yaml"), "--out", out);
    expect(synth.code).toBe(0);
  });

  it("plans every AWS stack of a synth output: exit 0, creates, writes plan.json", async () => {
    const r = await cli("plan", "--offline", out, "--work", join(tmp, "work"), "--format", "json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out) as Array<{
      stack: string;
      ok: boolean;
      valid: boolean;
      changes?: { create: number; delete: number };
    }>;
    expect(results.length).toBeGreaterThan(0);
    for (const s of results) {
      expect(s).toMatchObject({ ok: true, valid: true });
      expect(s.changes!.create).toBeGreaterThan(0);
      expect(s.changes!.delete).toBe(0);
    }
    const plan = JSON.parse(readFileSync(join(tmp, "work", results[0].stack, "plan.json"), "utf8"));
    expect(plan.format_version).toBeDefined();
    // The DynamoDB table selected by ARN gets the estate's freshness tag through aws_dynamodb_tag (GOV-223): its
    // AWS Config rule is scoped by that tag, and the tag resource plans offline with the pinned provider.
    const tags = (plan.resource_changes as Array<{ type: string; change: { after: Record<string, unknown> } }>)
      .filter((c) => c.type === "aws_dynamodb_tag")
      .map((c) => c.change.after);
    expect(tags).toEqual([
      expect.objectContaining({
        resource_arn: "arn:aws:dynamodb:eu-central-1:345678901234:table/products",
        key: "backup-gov:freshness",
        value: expect.stringMatching(/^[a-z0-9-]+\/\d+[hd]$/),
      }),
    ]);
    // The override lifted the pinned account and used fake keys: nothing in it is a real credential.
    const override = JSON.parse(readFileSync(join(tmp, "work", results[0].stack, "offline_override.tf.json"), "utf8"));
    expect(override.provider.aws[0]).toMatchObject({
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      allowed_account_ids: null,
    });
  });

  it("reports a stack terraform refuses: exit 1 with terraform's error", async () => {
    const name = readdirSync(join(out, "stacks")).find((d) => d.endsWith("-aws"))!;
    const stack = JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8"));
    const broken = join(tmp, "broken", name);
    mkdirSync(broken, { recursive: true });
    // An attribute hashicorp/aws 5.100 does not have.
    const vault = Object.keys(stack.resource.aws_backup_vault)[0];
    stack.resource.aws_backup_vault[vault].no_such_argument = true;
    writeFileSync(join(broken, "cdk.tf.json"), JSON.stringify(stack));
    const r = await cli("plan", "--offline", broken, "--work", join(tmp, "work-broken"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`stack ${name}: FAILED[\\s\\S]*no_such_argument`));
  });

  it("usage errors exit 2: without --offline, or a folder without stacks", async () => {
    expect((await cli("plan", out)).err).toMatch(/IO-042/);
    const empty = mkdtempSync(join(tmpdir(), "plan-empty-"));
    const r = await cli("plan", "--offline", empty);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-040/);
  });
});
