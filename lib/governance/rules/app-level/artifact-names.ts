import type { Service } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { sortedEntries } from "../../../private/sorted-entries";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/** Longest file name most file systems take (ext4, xfs, btrfs, tmpfs: 255 bytes). */
export const MAX_NAME_BYTES = 255;
/** Suffix of a host's bundle, `artifacts/hosts/<host>.tar.gz`, beside its folder `hosts/<host>/`. */
const BUNDLE_SUFFIX = ".tar.gz";

export const artifactNames: GovernanceRule = {
  id: "GOV-110",
  name: "artifact-names",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "Every `app.host` gives a file name the output can hold: at most 255 bytes with `.tar.gz`, and no host's bundle name is another host's folder.",
  explanation:
    "Each app host gets a folder `artifacts/hosts/<host>/` and a bundle `artifacts/hosts/<host>.tar.gz`. A 253-character host name is a valid DNS name, but with `.tar.gz` it is longer than a file name may be (ENAMETOOLONG); a host named `nas.tar.gz` next to a host `nas` wants a folder where `nas`'s bundle is (ENOTDIR); two spellings of one host (`NAS`, `nas`) collide on case-insensitive file systems and split one host's jobs. Synth would fail half-way; validation says so first, at the line.",
  check({ catalog }) {
    const apps = catalog.services.flatMap((s) =>
      s.app?.decision === AppDecision.REQUIRED && s.app.engine !== undefined && s.app.host !== undefined
        ? [{ s, host: s.app.host }]
        : [],
    );
    const hosts = new Map<string, Service>();
    for (const { s, host } of apps) if (!hosts.has(host)) hosts.set(host, s);
    const out: Violation[] = [];
    const byFolded = new Map<string, { readonly host: string; readonly s: Service }>();
    for (const [host, s] of sortedEntries(hosts)) {
      const at = servicePath(s, "app", "host");
      const bytes = Buffer.byteLength(host + BUNDLE_SUFFIX);
      if (bytes > MAX_NAME_BYTES) {
        out.push({
          path: at,
          message: `\`app.host\` is ${host.length} characters: its bundle name \`<host>${BUNDLE_SUFFIX}\` would be ${bytes} bytes, more than a file name may be (${MAX_NAME_BYTES})`,
          fix: `use a host name of at most ${MAX_NAME_BYTES - BUNDLE_SUFFIX.length} characters (the short name the host is reached by)`,
        });
      }
      const folded = host.toLowerCase();
      const twin = byFolded.get(folded);
      if (twin !== undefined) {
        out.push({
          path: at,
          message: `\`app.host: ${host}\` and \`${twin.host}\` (service ${twin.s.id}) are one host spelled two ways: their bundles collide on case-insensitive file systems`,
          fix: `spell the host as \`${twin.host}\` everywhere`,
        });
      } else {
        byFolded.set(folded, { host, s });
      }
      if (folded.endsWith(BUNDLE_SUFFIX)) {
        const stemEntry = [...hosts].find(([h]) => h.toLowerCase() === folded.slice(0, -BUNDLE_SUFFIX.length));
        if (stemEntry !== undefined) {
          const [stem, stemService] = stemEntry;
          out.push({
            path: at,
            message: `\`app.host: ${host}\` needs the folder \`hosts/${host}/\` where host \`${stem}\` (service ${stemService.id}) has its bundle \`hosts/${stem}${BUNDLE_SUFFIX}\``,
            fix: "use the host's fully qualified name, or another name that does not end in .tar.gz",
          });
        }
      }
    }
    return out;
  },
};
