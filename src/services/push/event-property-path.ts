/**
 * The value of an event property named by a dot-separated path (`content.m\.relates_to.rel_type`,
 * split by parseDottedPath), as push rule conditions read it.
 * https://spec.matrix.org/v1.19/appendices/#dot-separated-property-paths
 */
import { isJsonObject } from "../../room/is-json-object.js";

/** The value at `names` in `root`, or undefined when a step is missing or not an object. */
export function lookupProperty(root: unknown, names: readonly string[]): unknown {
  let value = root;
  for (const name of names) {
    if (!isJsonObject(value) || !Object.hasOwn(value, name)) return undefined;
    value = value[name];
  }
  return value;
}
