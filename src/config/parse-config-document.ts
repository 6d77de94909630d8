/**
 * YAML parsing for config files, shared by loadConfig and `hearth config set`: syntax errors
 * become one-line ConfigErrors with the line and column.
 */
import { type Document, LineCounter, parseDocument } from "yaml";
import { isMapping } from "./config-defaults.js";
import { ConfigError } from "./config-error.js";
import { showValue } from "./describe-schema-error.js";

/** Aliases expand to copies; this bounds "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

/** The parsed document (comments kept); throws ConfigError on the first syntax error. */
export function parseConfigDocument(text: string, file: string): Document {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    throw new ConfigError(`${file}: line ${line}, column ${col}: invalid YAML: ${firstLine(syntaxError.message)}`);
  }
  return doc;
}

/** The document's top-level mapping as plain JavaScript values. */
export function configDocumentToJs(doc: Document, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new ConfigError(`${file}: invalid YAML: ${firstLine((err as Error).message)}`);
  }
  if (value === null || value === undefined) throw new ConfigError(`${file}: the file is empty (server_name is required)`);
  if (!isMapping(value)) throw new ConfigError(`${file}: must be a mapping of keys to values (got ${showValue(value)})`);
  return value;
}

function firstLine(message: string): string {
  const newline = message.indexOf("\n");
  return newline < 0 ? message : message.slice(0, newline);
}
