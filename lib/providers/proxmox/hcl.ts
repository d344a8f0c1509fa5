/**
 * The attribute descriptions cdktf's HCL renderer reads (what generated bindings return from
 * `synthesizeHclAttributes`), in one place for the hand-written Proxmox bindings.
 */
import {
  booleanToHclTerraform,
  hashMapperHcl,
  listMapperHcl,
  numberToHclTerraform,
  stringToHclTerraform,
} from "../../core/cdk";

/** One attribute for cdktf's HCL renderer. */
export interface HclAttr {
  readonly value: unknown;
  readonly isBlock: boolean;
  readonly type: string;
  readonly storageClassType: string;
}

export function hclString(value: string | undefined): HclAttr {
  return { value: stringToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "string" };
}

export function hclNumber(value: number | undefined): HclAttr {
  return { value: numberToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "number" };
}

export function hclBool(value: unknown): HclAttr {
  return { value: booleanToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "boolean" };
}

export function hclStringList(value: string[] | undefined, type: "list" | "set" = "list"): HclAttr {
  return {
    value: listMapperHcl(stringToHclTerraform, false)(value),
    isBlock: false,
    type,
    storageClassType: "stringList",
  };
}

export function hclStringMap(value: Record<string, string> | undefined): HclAttr {
  return {
    value: hashMapperHcl(stringToHclTerraform)(value),
    isBlock: false,
    type: "map",
    storageClassType: "stringMap",
  };
}

/** A nested attribute (an object, not a block): rendered as `name = { ... }`. */
export function hclObject(value: Record<string, unknown> | undefined, storageClassType: string): HclAttr {
  return { value, isBlock: false, type: "any", storageClassType };
}

/** A block: one (`struct`) or a list of attribute maps. */
export function hclBlock(
  value: Record<string, HclAttr> | Array<Record<string, HclAttr>> | undefined,
  storageClassType: string,
): HclAttr {
  return { value, isBlock: true, type: Array.isArray(value) ? "list" : "struct", storageClassType };
}

/** The attributes that are set (cdktf leaves unset ones out). */
export function definedAttrs(attrs: Record<string, HclAttr>): Record<string, HclAttr> {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v.value !== undefined));
}
