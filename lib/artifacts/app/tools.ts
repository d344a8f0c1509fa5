import { BackupTool } from "../../core/vocabulary";

/**
 * The catalog's exclude patterns in the tool's syntax, with one meaning for both: a pattern
 * with a leading `/` is anchored at that absolute path; any other matches a name (or path
 * tail) anywhere, the way restic does; a trailing `/` is ignored. borg's fnmatch style
 * anchors at the archive root, whose paths lack the leading `/`: there a bare `cache`
 * gets an `fm:` prefix and a leading star-slash.
 */
export function excludePatterns(tool: BackupTool, excludes: readonly string[]): string[] {
  return excludes.map((raw) => {
    const p = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    if (tool === BackupTool.RESTIC) return p;
    return p.startsWith("/") ? `fm:${p.slice(1)}` : `fm:*/${p}`;
  });
}
