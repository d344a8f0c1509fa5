/**
 * The restore chains the inventory and the SOPs name are the ones the runtime keeps whole:
 * the names come from lib/artifacts/app/chains.ts, the runtime's from CHAIN_HEAD and CHAIN_NAMES
 * in its engine scripts; a rename on either side fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { restoreChain } from "../../lib/artifacts/app/chains";
import { Testing } from "../../lib/core/cdk";
import { AppEngine } from "../../lib/core/vocabulary";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";

const SH = join(__dirname, "..", "..", "lib", "artifacts", "app", "sh", "engines");

/** The runtime's chain of an engine script, with $SERVICE as `svc`. */
function runtimeChain(engine: string): { head: string; names: string[] } {
  const text = readFileSync(join(SH, `${engine}.sh`), "utf8");
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Z_]+)=\$SERVICE(\.[a-z.]+)$/gm)) vars.set(m[1], `svc${m[2]}`);
  const value = (v: string) => vars.get(v.replace(/^"?\$/, "").replace(/"$/, ""))!;
  const head = value(/^CHAIN_HEAD=(\S+)$/m.exec(text)![1]);
  const names = /^CHAIN_NAMES=\(([^)]*)\)$/m.exec(text)![1].split(/\s+/).map(value);
  return { head, names };
}

describe("restore chains", () => {
  it.each([
    [AppEngine.POSTGRESQL, "postgresql"],
    [AppEngine.MYSQL, "mysql"],
  ])("%s: the chain the documents name is the runtime's", (engine, script) => {
    const c = restoreChain(engine, "svc", true)!;
    const r = runtimeChain(script);
    expect(c.head).toBe(r.head);
    expect([c.head, ...c.follows]).toEqual(r.names);
  });

  it("services without pitr, and files, have no chain", () => {
    expect(restoreChain(AppEngine.POSTGRESQL, "svc", false)).toBeUndefined();
    expect(restoreChain(AppEngine.FILES, "svc", true)).toBeUndefined();
  });

  it("the inventory and the SOP name the chain of a pitr service", () => {
    const estate = Estate.fromReport(
      Testing.app(),
      validateCatalogFile(join(__dirname, "..", "fixtures", "every-section.yaml")),
    );
    const inv = parse(String(estate.artifacts.get("inventory.yaml")!.content)) as {
      services: Array<{ id: string; app?: { pitr?: boolean; chain?: unknown } }>;
    };
    const pitr = inv.services.filter((s) => s.app?.pitr);
    expect(pitr.length).toBeGreaterThan(0);
    for (const s of pitr) {
      const chain = s.app!.chain as { head: string; follows: string[] };
      expect(chain.head.startsWith(`${s.id}.`)).toBe(true);
      const sop = estate.artifacts.get(`sop/${s.id}.md`);
      expect(String(sop?.content)).toContain(`\`${chain.head}\``);
      for (const f of chain.follows) expect(String(sop?.content)).toContain(`\`${f}\``);
    }
    for (const s of inv.services.filter((x) => x.app && !x.app.pitr)) expect(s.app!.chain).toBeUndefined();
  });
});
