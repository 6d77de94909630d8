/**
 * The filter's `event_fields`: which fields of each returned event to keep.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter_request_filter
 *   "The entries are dot-separated paths for each property to include. So `['content.body']`
 *   will include the `body` field of the `content` object."
 * https://spec.matrix.org/v1.19/appendices/#dot-separated-property-paths
 *   "any literal dot or backslash found in a property name should be escaped with a backslash
 *   … Other escape sequences are left as-is, e.g. a `\x` would be treated as a literal
 *   backslash followed by 'x'."
 *
 * The paths are compiled once into a tree; a path that names an object keeps all of it, and a
 * path that leads nowhere in an event adds nothing (no empty parents).
 */
import { parseDottedPath } from "../matrix/dotted-path.js";

export { parseDottedPath };

/** A path's remaining segments: `true` keeps the whole value. */
type FieldTree = Map<string, FieldTree | true>;

function buildTree(paths: readonly string[]): FieldTree {
  const root: FieldTree = new Map();
  for (const path of paths) {
    const segments = parseDottedPath(path);
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      const key = segments[i] as string;
      const existing = node.get(key);
      if (existing === true) break; // an ancestor is already kept whole
      if (i === segments.length - 1) {
        node.set(key, true);
      } else {
        let child = existing;
        if (child === undefined) {
          child = new Map();
          node.set(key, child);
        }
        node = child;
      }
    }
  }
  return root;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    // Plain assignment would replace the prototype instead of adding a field.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function project(source: Record<string, unknown>, tree: FieldTree): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (sub === true) {
      setField((out ??= {}), key, value);
    } else if (isObject(value)) {
      const inner = project(value, sub);
      if (inner !== null) setField((out ??= {}), key, inner);
    }
  }
  return out;
}

/** A compiled `event_fields` list. */
export class EventFields {
  private readonly tree: FieldTree;

  constructor(readonly paths: readonly string[]) {
    this.tree = buildTree(paths);
  }

  /** A new object holding only the listed fields of `event` (which is not modified). */
  apply<T extends object>(event: T): Partial<T> {
    return (project(event as Record<string, unknown>, this.tree) ?? {}) as Partial<T>;
  }
}
