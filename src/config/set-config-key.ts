/**
 * `hearth config set KEY VALUE` on the file's text: the value is read as YAML (so `8009` is a
 * number, `true` a boolean, `[a, b]` a list), comments and layout are kept, and the result must
 * pass loadConfig's checks or nothing is returned.
 *
 * Replacing an existing scalar splices the new value's text into the old one's place, so the rest
 * of the file stays byte for byte as it was. Anything else (a new key, a list, a mapping) goes
 * through the yaml Document API, which keeps comments but may normalise some spacing.
 */
import { isDeepStrictEqual } from "node:util";
import { type Document, isNode, isScalar, parseDocument } from "yaml";
import { ConfigError } from "./config-error.js";
import { isKnownKeyPath, parseKeyPath, type KeyPath } from "./config-key-path.js";
import { parseConfigText } from "./load-config.js";
import { parseConfigDocument } from "./parse-config-document.js";

/** The new text of the config file `file` (whose text is `text`) with `key` set to `valueText`. */
export function setConfigKey(text: string, file: string, key: string, valueText: string): string {
  const path = parseKeyPath(key);
  if (!isKnownKeyPath(path)) throw new ConfigError(`${file}: unknown key ${JSON.stringify(key)}`, key);
  const doc = parseConfigDocument(text, file);
  const valueDoc = parseDocument(valueText, { prettyErrors: false });
  const valueError = valueDoc.errors[0];
  if (valueError !== undefined) {
    throw ConfigError.at(file, key, `invalid YAML value ${JSON.stringify(valueText)}: ${valueError.message.split("\n")[0]}`);
  }
  const value: unknown = valueDoc.toJS();
  const updated = spliceScalar(text, doc, path, valueText, value) ?? setInDocument(doc, path, valueDoc, file, key);
  parseConfigText(updated, file);
  return updated;
}

/** The text with the existing scalar at `path` replaced by `valueText`, or null when that is not safe. */
function spliceScalar(text: string, doc: Document, path: KeyPath, valueText: string, value: unknown): string | null {
  const existing = doc.getIn(path, true);
  const replacement = valueText.trim();
  if (!isScalar(existing) || existing.range == null || /[\r\n]/.test(replacement) || replacement === "") return null;
  if (value !== null && typeof value === "object") return null;
  const [start, end] = existing.range;
  const updated = text.slice(0, start) + replacement + text.slice(end);
  // Check that the splice means what was asked (e.g. no comment or key swallowed by the new text).
  const check = parseDocument(updated, { prettyErrors: false });
  if (check.errors.length > 0 || !isDeepStrictEqual(check.getIn(path), value)) return null;
  return updated;
}

function setInDocument(doc: Document, path: KeyPath, valueDoc: Document, file: string, key: string): string {
  // An empty mapping on the way (`redis:` with nothing under it) becomes a collection to set into.
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const node = doc.getIn(prefix, true);
    if (isScalar(node) && node.value === null) doc.setIn(prefix, doc.createNode(typeof path[i] === "number" ? [] : {}));
  }
  const node = valueDoc.contents ?? doc.createNode(null);
  const existing = doc.getIn(path, true);
  if (isNode(existing)) {
    node.commentBefore = existing.commentBefore;
    node.comment = existing.comment;
    node.spaceBefore = existing.spaceBefore;
  }
  try {
    doc.setIn(path, node);
  } catch (err) {
    throw ConfigError.at(file, key, `cannot be set: ${(err as Error).message}`);
  }
  return doc.toString();
}
