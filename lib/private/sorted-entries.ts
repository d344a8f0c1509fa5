/**
 * A map's entries in the order `[...map.keys()].sort()` gives its keys (UTF-16 code units),
 * each with its value: no lookup by key afterwards, so no value that might be missing.
 */
export function sortedEntries<V>(map: ReadonlyMap<string, V>): Array<[string, V]> {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
