import { InternalError } from "../../lib/errors";
import { must } from "../../lib/private/must";
import { sortedEntries } from "../../lib/private/sorted-entries";

describe("must: a value the library's own logic guarantees", () => {
  it("answers the value, falsy ones included", () => {
    expect(must(0, "a count")).toBe(0);
    expect(must("", "a name")).toBe("");
    expect(must(false, "a flag")).toBe(false);
  });

  it("stops with BUG-001 naming what is missing, instead of carrying undefined on", () => {
    expect(() => must(new Map<string, number>().get("x"), "the schedule of plan/daily")).toThrow(InternalError);
    expect(() => {
      must(undefined, "the schedule of plan/daily");
    }).toThrow(/^BUG-001: internal error: the schedule of plan\/daily is missing; fix: report it as a bug/);
    expect(() => must(null, "a value")).toThrow(/^BUG-001: /);
  });
});

describe("sortedEntries", () => {
  it("orders entries as [...keys()].sort() orders the keys (UTF-16 code units, not locale)", () => {
    const keys = ["b", "B", "a", "ä", "a-1", "a_1", "Z", "10", "9", "\u{1F600}", "\uFFFF"];
    const map = new Map(keys.map((k, i) => [k, i]));
    const entries = sortedEntries(map);
    expect(entries.map(([k]) => k)).toEqual([...map.keys()].sort());
    for (const [k, v] of entries) expect(map.get(k)).toBe(v);
  });
});
