import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, type Pair, type YAMLMap } from "yaml";
import type { CatalogPath, SourcePosition } from "../core/finding";

/**
 * A parsed catalog file that can answer "where is this YAML path?" for findings.
 */
export class CatalogSource {
  constructor(
    public readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of a character offset into the text. */
  public positionAt(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The start of the file. */
  public start(): SourcePosition {
    return { file: this.file, line: 1, column: 1 };
  }

  /**
   * Where the value at `path` starts; for a key with no value, the key. When the path
   * does not exist (a missing key), the nearest existing ancestor.
   */
  public valuePosition(path: CatalogPath): SourcePosition {
    const hit = this.walk(path);
    const node = hit.value ?? hit.key ?? hit.nearest;
    return node?.range ? this.positionAt(node.range[0]) : this.start();
  }

  /** The plain value at `path` (a scalar's value, or undefined for a missing path or a collection). */
  public scalarAt(path: CatalogPath): unknown {
    const hit = this.walk(path);
    return hit.value && isScalar(hit.value) ? hit.value.value : undefined;
  }

  /** Where the key of the last path segment starts (unknown keys, duplicate keys). */
  public keyPosition(path: CatalogPath): SourcePosition {
    const hit = this.walk(path);
    const node = hit.key ?? hit.value ?? hit.nearest;
    return node?.range ? this.positionAt(node.range[0]) : this.start();
  }

  /** The YAML path of the mapping key that starts at `offset`, if there is one. */
  public keyPathAt(offset: number): CatalogPath | undefined {
    const find = (node: unknown, path: Array<string | number>): CatalogPath | undefined => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (pair.key.range?.[0] === offset) return [...path, key];
          const hit = find(pair.value, [...path, key]);
          if (hit) return hit;
        }
      } else if (isSeq(node)) {
        for (let i = 0; i < node.items.length; i++) {
          const hit = find(node.items[i], [...path, i]);
          if (hit) return hit;
        }
      }
      return undefined;
    };
    return find(this.doc.contents, []);
  }

  /**
   * The pairs of a mapping by key text, built once per mapping: a finding per key of a
   * 32,000-key mapping looked its key up by scanning the mapping (quadratic, half a minute).
   * The first pair of a key text wins, as a scan would find it.
   */
  private keysOf(map: YAMLMap): Map<string, Pair> {
    let index = this.index.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items)
        if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p as Pair);
      this.index.set(map, index);
    }
    return index;
  }

  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  private walk(path: CatalogPath): { key?: Node; value?: Node; nearest?: Node } {
    let current: unknown = this.doc.contents;
    let nearest: Node | undefined = current instanceof Object ? (current as Node) : undefined;
    let key: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isAlias(current)) current = current.resolve(this.doc);
      key = undefined;
      if (isMap(current) && typeof seg === "string") {
        const pair = this.keysOf(current).get(seg);
        if (!pair) return { nearest };
        key = pair.key as Node;
        current = pair.value;
      } else if (isSeq(current) && typeof seg === "number") {
        current = current.items[seg];
        if (current === undefined) return { nearest };
      } else {
        return { nearest };
      }
      if (current && (current as Node).range) nearest = current as Node;
      else if (key) nearest = key;
      if (current === null || current === undefined) return { key, nearest };
    }
    const value = current && (current as Node).range ? (current as Node) : undefined;
    // An empty value (`reason:`) is a null scalar whose range sits after the key; point at the key.
    if (value && isScalar(value) && value.value === null && key) return { key, nearest: key };
    return { key, value, nearest };
  }
}
