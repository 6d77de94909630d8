/**
 * Dot-separated property paths, as filters' `event_fields` and push rule conditions name event
 * properties. https://spec.matrix.org/v1.19/appendices/#dot-separated-property-paths
 *   "any literal dot or backslash found in a property name should be escaped with a backslash
 *   … Other escape sequences are left as-is, e.g. a `\x` would be treated as a literal
 *   backslash followed by 'x'."
 */

/** Splits `content.m\.relates_to` into `["content", "m.relates_to"]`. */
export function parseDottedPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === "\\") {
      const next = path[i + 1];
      if (next === "." || next === "\\") {
        current += next;
        i++;
      } else {
        current += ch;
      }
    } else if (ch === ".") {
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return segments;
}
