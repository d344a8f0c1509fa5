import type { CatalogPath } from "../../core/finding";
import type { RetentionClass } from "../../core/retention";
import type { EffectivePolicy } from "../../policy/effective";
import { servicePath } from "../rule";

/**
 * Where a retention value comes from: the service's own `retention.<class>`, or its
 * `classification` when the tier default applies (that is the line to change).
 */
export function retentionSource(policy: EffectivePolicy, cls: RetentionClass): { path: CatalogPath; phrase: string } {
  const s = policy.service;
  if (s.retention[cls] !== undefined)
    return { path: servicePath(s, "retention", cls), phrase: `\`retention.${cls}: ${s.retention[cls]}\`` };
  return {
    path: servicePath(s, "classification"),
    phrase: `the ${s.classification} tier's ${cls} retention (${policy.retention.count(cls)})`,
  };
}
