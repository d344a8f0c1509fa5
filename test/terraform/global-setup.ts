import { execFileSync } from "node:child_process";
import { planCatalog, plannedCatalogs } from "./offline";

/** Plans every catalog once before the terraform test files read the results. */
export default function globalSetup(): void {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "terraform is not installed: the terraform checks need terraform 1.11 and a provider mirror (see README)",
    );
  }
  if (!process.env.TF_PLUGIN_MIRROR) {
    // Found once here instead of by every tf-offline.sh call (each `find /` costs seconds).
    const bin = execFileSync(
      "sh",
      [
        "-c",
        "find / -path '*registry.terraform.io/hashicorp/aws/5.100.0*' -name 'terraform-provider-aws*' -not -path '*/.terraform/*' 2>/dev/null | head -n 1",
      ],
      { encoding: "utf8" },
    ).trim();
    if (bin) process.env.TF_PLUGIN_MIRROR = bin.slice(0, bin.indexOf("/registry.terraform.io/"));
  }
  const started = Date.now();
  for (const c of plannedCatalogs()) planCatalog(c);
  process.stderr.write(
    `\nterraform: planned ${plannedCatalogs().length} catalogs offline in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
}
