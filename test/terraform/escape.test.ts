/**
 * Catalog text reaches Terraform as literal text: every free-text catalog value that lands
 * in cdk.tf.json carries `${upper("x")}` and a `%{if}` directive, and the real terraform
 * (offline) shows the values unchanged. AWS stack: `plan` of the synthesized stack, read
 * back from `show -json`. Proxmox stack (no provider plugin offline): every string of the
 * stack that holds the payload is evaluated by terraform itself as an output value.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { hostileCatalog } from "../support/hostile";
import { planCatalog, resources, ROOT, TF_DIR } from "./offline";

jest.setTimeout(180_000);

/** Interpolated, this calls a function and runs a directive ("XT"): either changes the text. */
const PAYLOAD = '${upper("x")}%{if(true)}T%{endif}';

/** Every string (object keys included) of a JSON value. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (out.push(k), strings(x, out));
  return out;
}

/** What terraform should read the escaped text as. */
const unescape = (s: string) => s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");

describe("catalog text is never interpolated by terraform", () => {
  const dir = join(TF_DIR, "hostile");
  const file = join(ROOT, ".tmp", "hostile-catalog.yaml");
  let synthDir: string;

  beforeAll(() => {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    writeFileSync(file, stringify(hostileCatalog(PAYLOAD)));
    planCatalog({ name: "hostile", file });
    synthDir = join(dir, "synth", "stacks");
  });

  it("AWS stack: validate passes and the plan carries tags, selection tags and ARNs exactly as written", () => {
    const run = JSON.parse(readFileSync(join(dir, "testlab-aws.run.json"), "utf8"));
    expect(run.validate.valid).toBe(true);
    const vault = resources(run, "aws_backup_vault")[0];
    expect(vault.values.tags_all).toMatchObject({ [`k${PAYLOAD}`]: `v${PAYLOAD}` });
    const selections = resources(run, "aws_backup_selection");
    const byTags = selections.find((s) => JSON.stringify(s.values.condition ?? "").includes("billing"))!;
    expect(JSON.stringify(byTags.values.condition)).toContain(
      JSON.stringify(`aws:ResourceTag/app${PAYLOAD}`).slice(1, -1),
    );
    expect(JSON.stringify(byTags.values.condition)).toContain(JSON.stringify(`billing${PAYLOAD}`).slice(1, -1));
    const byArn = selections.find((s) =>
      (s.values.resources as string[] | undefined)?.some((r) => r.includes("billing")),
    )!;
    expect(byArn.values.resources).toEqual([`arn:aws:rds:us-east-1:123456789012:db:billing${PAYLOAD}`]);
  });

  it("Proxmox stack: every string with the payload evaluates to its literal text (storages, endpoint, variable descriptions)", () => {
    const json = JSON.parse(readFileSync(join(synthDir, "testlab-proxmox", "cdk.tf.json"), "utf8"));
    const hits = [...new Set(strings(json).filter((s) => s.includes('upper("x")')))].sort();
    // export, options, share, username, domain, subdirectory, path, three secret descriptions, endpoint and its variable description
    expect(hits.length).toBeGreaterThanOrEqual(12);
    const work = join(dir, "pve-eval");
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    // `control` is the payload unescaped: terraform must change it, or this test proves nothing.
    writeFileSync(
      join(work, "main.tf.json"),
      JSON.stringify({
        output: { control: { value: PAYLOAD }, ...Object.fromEntries(hits.map((s, i) => [`s${i}`, { value: s }])) },
      }),
    );
    const tf = (...args: string[]) =>
      execFileSync(join(ROOT, "scripts", "tf-offline.sh"), [work, ...args], { encoding: "utf8" });
    tf("init", "-input=false", "-no-color");
    tf("apply", "-auto-approve", "-input=false", "-no-color");
    const outputs = JSON.parse(tf("output", "-json")) as Record<string, { value: string }>;
    expect(outputs.control.value).toBe("XT");
    const values = hits.map((_, i) => outputs[`s${i}`].value);
    expect(values).toEqual(hits.map(unescape));
    for (const v of values) expect(v).toContain(PAYLOAD);
  });
});
