import { execFileSync } from "node:child_process";
import { planCatalog, plannedCatalogs } from "./offline";

/** Plans every catalog once before the terraform test files read the results. */
export default function globalSetup(): void {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
  } catch {
    throw new Error("terraform is not installed: the terraform checks need terraform 1.11 and a provider mirror (see README)");
  }
  const started = Date.now();
  for (const c of plannedCatalogs()) planCatalog(c);
  process.stderr.write(`\nterraform: planned ${plannedCatalogs().length} catalogs offline in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
