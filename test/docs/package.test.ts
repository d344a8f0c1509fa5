import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, normalize } from "node:path";

const ROOT = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const shipped = (path: string) =>
  path === "README.md" ||
  path === "package.json" ||
  (pkg.files as string[]).some((f) => path === f || path.startsWith(`${f}/`));

describe("what the package ships", () => {
  it("the README and the shipped docs link only to files the package ships", () => {
    const docs = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];
    const broken: string[] = [];
    for (const doc of docs) {
      const dir = doc.includes("/") ? doc.slice(0, doc.lastIndexOf("/")) : "";
      for (const m of readFileSync(join(ROOT, doc), "utf8").matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target) || !/^[\w./-]+$/.test(target)) continue; // https:, mailto:, or not a path (a regex in a table)
        const path = normalize(join(dir, target));
        if (!existsSync(join(ROOT, path)) || !shipped(path)) broken.push(`${doc} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("declares its repository, homepage and license, and ships a LICENSE that matches it", () => {
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.files).toEqual(expect.arrayContaining(["LICENSE", "examples", "dist/lib"]));
  });

  it("ships source maps with their sources (inlined), and no stale build output", () => {
    const tsconfig = readFileSync(join(ROOT, "tsconfig.json"), "utf8");
    expect(tsconfig).toMatch(/"sourceMap": true/);
    expect(tsconfig).toMatch(/"inlineSources": true/);
    expect(pkg.scripts.build).toMatch(/rmSync\('dist'/);
    expect(pkg.scripts.prepack).toBe("npm run build");
  });

  it("takes cdktf, constructs and the @cdktf providers as peers (one copy in the user's project), the tests pinning one", () => {
    expect(pkg.peerDependencies).toEqual({
      "@cdktf/provider-aws": "^20.1.0",
      "@cdktf/provider-kubernetes": "^12.1.1",
      cdktf: "0.21.0",
      constructs: "^10.4.2",
    });
    for (const provider of ["@cdktf/provider-aws", "@cdktf/provider-kubernetes"])
      expect(pkg.dependencies[provider]).toBeUndefined();
    expect(pkg.devDependencies["@cdktf/provider-aws"]).toBe("20.1.0");
    expect(pkg.devDependencies["@cdktf/provider-kubernetes"]).toBe("12.1.1");
    // Only Velero needs the Kubernetes bindings (about 145 MB): npm installs an optional peer only when asked.
    expect(pkg.peerDependenciesMeta).toEqual({ "@cdktf/provider-kubernetes": { optional: true } });
  });
});
