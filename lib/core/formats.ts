/**
 * Formats that both the catalog schema and the constructs check, defined once so that they
 * cannot disagree: whatever `validate` accepts, a construct accepts too (a construct that
 * rejected it would fail synth with no catalog line). The schema (lib/catalog/schema/
 * common.ts) uses these regexes as its patterns, the constructs and provider bindings test
 * against the same objects.
 */

/** A TCP port, 1..65535, as a regex fragment (no leading zeros). */
const PORT = "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";

/**
 * PVE's `pve-storage-id`: a letter, then letters, digits, `-`, `_` or `.`, not ending in
 * `-`, `_` or `.` (PVE/JSONSchema.pm `parse_storage_id`, matched case-insensitively).
 */
export const PVE_STORAGE_ID = /^[A-Za-z][A-Za-z0-9\-_.]*[A-Za-z0-9]$/;

/**
 * An `ssh://[user@]host[:port]/path` repository; the groups are user@, host, port, path.
 * Neither the user nor the host may start with `-`: restic and borg hand `user@host` to
 * ssh as an argument, and ssh reads `-oProxyCommand=...` there as an option (every backup
 * would fail, or run the command).
 */
export const SSH_REPOSITORY = new RegExp(`^ssh://((?!-)[^@/\\s]+@)?((?!-)[^:/\\s@]+)(?::${PORT})?/(\\S+)$`);

/** A repository: an absolute path, or an {@link SSH_REPOSITORY} URL. */
export const REPOSITORY = new RegExp(`^(/\\S+|${SSH_REPOSITORY.source.slice(1, -1)})$`);

/**
 * The path Proxmox's API lives under, which the provider appends itself: an endpoint that
 * already ends in it fails every call (501).
 */
export const PVE_API_SUFFIX = /\/api2\/json\/?$/;

/**
 * An https URL of an API: no credentials, a port in range, not ending in {@link PVE_API_SUFFIX}.
 * The lookahead sits at the start, where it runs once: after the host it ran again at every
 * character the host gave back, and a 20 KB value took over a second.
 */
export const HTTPS_API_URL = new RegExp(`^(?!\\S*/api2/json/?$)https://[^\\s/:@]+(:${PORT})?(/\\S*)?$`);

/** A host name (RFC 1123 labels): the app-backup host, which names a bundle folder and a certificate CN. */
export const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A service id: lowercase letters, digits and `-`, 2-41 characters (names, tags, units, paths). */
export const SERVICE_ID = /^[a-z][a-z0-9-]{1,40}$/;

/**
 * A database name the generated SQL and pg_hba.conf can carry as written: no quote, backtick
 * or space (PostgreSQL and MySQL identifiers of 63 characters at most).
 */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/** A reference to where a secret lives (`vault:kv/gitea`, `op://ops/gitea`): never the secret, and one word. */
export const SECRET_REF = /^[a-z][a-z0-9+.-]*:\S+$/;
