import type { EstateContext } from "./context";

/** App-level backups (AppBackup): scripts, units and host bundles, S3 identities. */
export function buildAppBackups(ctx: EstateContext): void {
  void ctx;
}
