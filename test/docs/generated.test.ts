import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedFiles } from "../../lib/private/generated-docs";

const root = join(__dirname, "..", "..");

describe("generated files are current (run `npm run gen` after changing schemas, rules or errors)", () => {
  const files = generatedFiles(readFileSync(join(root, "docs", "catalog.md"), "utf8"));
  it.each(Object.keys(files))("%s", (path) => {
    expect(readFileSync(join(root, path), "utf8")).toBe(files[path]);
  });

  it("docs/rules.md lists every rule id the code can produce", () => {
    const doc = files["docs/rules.md"];
    for (const id of ["CAT-001", "CAT-013", "GOV-000", "GOV-001", "GOV-026", "ACK-004"])
      expect(doc).toContain(`## ${id}`);
  });

  it("docs/catalog.md documents every catalog key", () => {
    const doc = files["docs/catalog.md"];
    for (const key of [
      "`services[].offsite.reason`",
      "`services[].app.engine`",
      "`proxmox.hosts.<name>.storage`",
      "`services[].acknowledge[].reason`",
    ])
      expect(doc).toContain(key);
  });
});
