/**
 * validate on one wide mapping (issue 20, item 8): `npm run bench:wide`. Prints a table;
 * nothing here asserts a time (test/catalog/load.test.ts checks the scaling as a ratio).
 *
 * Three catalogs per size n: n unknown keys at the top (every one a CAT-003 finding, 1 in 8
 * a duplicate: CAT-002), n valid keys under `aws.tags`, and both at once. Each is validated
 * three times in this process after a warm-up; the fastest run is shown.
 *
 *   WIDE_SIZES=8000,16000,32000   keys per mapping (default)
 */
import { validateCatalogText } from "../lib/governance/validate";

const sizes = (process.env.WIDE_SIZES ?? "8000,16000,32000").split(",").map(Number);

const head = "version: 1\nname: w-lab\nnotifications: { email: [ops@example.com] }\nservices: []\n";
const unknown = (n: number) => Array.from({ length: n }, (_, i) => `k${i % (n - n / 8)}: v`).join("\n");
const tags = (n: number) =>
  `aws:\n  region: us-east-1\n  tags:\n${Array.from({ length: n }, (_, i) => `    t${i}: v`).join("\n")}`;
const catalogs: Record<string, (n: number) => string> = {
  "unknown keys": (n) => `${head}${unknown(n)}\n`,
  "aws.tags": (n) => `${head}${tags(n)}\n`,
  both: (n) => `${head}${tags(n)}\n${unknown(n)}\n`,
};

function best(text: string): { ms: number; findings: number } {
  let ms = Infinity;
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    findings = validateCatalogText(text, "wide.yaml").findings.length;
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms, findings };
}

best(catalogs.both(2000));
console.log("| keys | catalog | size KB | findings | validate s | s per 1,000 keys |");
console.log("|---|---|---|---|---|---|");
for (const n of sizes) {
  for (const [name, make] of Object.entries(catalogs)) {
    const text = make(n);
    const r = best(text);
    console.log(
      `| ${n} | ${name} | ${Math.round(Buffer.byteLength(text) / 1024)} | ${r.findings} | ${(r.ms / 1000).toFixed(2)} | ${(r.ms / n).toFixed(3)} |`,
    );
  }
}
