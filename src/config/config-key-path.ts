/**
 * Dotted key paths into config.yaml, as `hearth config get/set` take them:
 * `listeners.client.port`, `federation.deny[0]` (or `federation.deny.0`).
 */
import type { Config } from "./config.js";
import { ConfigError } from "./config-error.js";
import { configSchema } from "./config-schema.js";

export type KeyPath = Array<string | number>;

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

const KEY_PATH = /^[^.[\]]+(?:\.[^.[\]]+|\[\d+\])*$/;
const SEGMENT = /[^.[\]]+|\[(\d+)\]/g;

/** Splits `a.b[2].c` into ["a", "b", 2, "c"]; all-digit segments become list indexes. */
export function parseKeyPath(key: string): KeyPath {
  if (!KEY_PATH.test(key)) {
    throw new ConfigError(`invalid key ${JSON.stringify(key)}: expected a dotted path such as listeners.client.port`);
  }
  const path: KeyPath = [];
  for (const match of key.matchAll(SEGMENT)) {
    const segment = match[1] ?? match[0];
    path.push(/^\d+$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

/** Whether config.yaml has a key at `path` (list indexes allowed where the schema has a list). */
export function isKnownKeyPath(path: KeyPath): boolean {
  let node: SchemaNode | undefined = configSchema as SchemaNode;
  for (const segment of path) {
    if (node === undefined) return false;
    node = typeof segment === "number" ? node.items : node.properties?.[segment];
  }
  return node !== undefined;
}

/**
 * The value of `key` in a loaded config (defaults included); throws ConfigError when config.yaml
 * has no such key or it is not set.
 */
export function getConfigValue(config: Config, file: string, key: string): unknown {
  const path = parseKeyPath(key);
  if (!isKnownKeyPath(path)) throw new ConfigError(`${file}: unknown key ${JSON.stringify(key)}`, key);
  let value: unknown = config;
  for (const segment of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  if (value === undefined) throw ConfigError.at(file, key, "is not set");
  return value;
}
