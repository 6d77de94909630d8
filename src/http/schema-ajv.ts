/**
 * The ajv instances endpoint schemas are compiled with (once, at startup): JSON Schema 2020-12
 * as the spec's OpenAPI 3.1 documents use, not strict (the spec's schemas carry descriptions,
 * examples and `x-` keys), with ajv-formats and the spec's own `mx-*` string formats.
 *
 * The `mx-*` formats are lenient on purpose (STYLE.md habit 10): they check the sigil and
 * shape the spec's string-formats.yaml gives, not full grammar. Handlers parse IDs strictly
 * where it matters.
 * https://github.com/matrix-org/matrix-spec/blob/main/data/string-formats.yaml
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose
// `default` property is the plugin.
const addFormats = formatsModule.default;

/** Any non-empty string without whitespace or control characters, starting with `sigil`. */
function sigilled(sigil: string): (value: string) => boolean {
  return (value) => value.length > 1 && value.startsWith(sigil) && !/[\s\u0000-\u001f]/.test(value);
}

const MATRIX_FORMATS: Record<string, (value: string) => boolean> = {
  "mx-user-id": sigilled("@"),
  "mx-room-id": sigilled("!"),
  "mx-event-id": sigilled("$"),
  "mx-room-alias": sigilled("#"),
  // Hostname, IPv4 or [IPv6], with an optional port.
  "mx-server-name": (value) => /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(value),
  "mx-mxc-uri": (value) => /^mxc:\/\/[^/\s]+\/[^/\s]+$/.test(value),
  "mx-unpadded-base64": (value) => /^[A-Za-z0-9+/]*$/.test(value),
  "mx-urlsafe-unpadded-base64": (value) => /^[A-Za-z0-9_-]*$/.test(value),
};

export type SchemaAjv = Ajv2020;

/**
 * `coerce`: for query strings, whose values are all strings (`"10"` → 10, `"true"` → true, and
 * a repeated parameter ↔ an array). Request bodies are never coerced.
 *
 * `validateSchema: false`: the schemas are ours, and checked against the JSON Schema 2020-12
 * meta-schema by spec/http/schema-ajv.spec.ts; ajv would otherwise compile the meta-schema's own
 * validator in every instance, ~0.55 MiB of heap each for as long as the server runs.
 */
export function createSchemaAjv(options: { coerce: boolean }): SchemaAjv {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: false,
    useDefaults: true,
    coerceTypes: options.coerce ? "array" : false,
    validateSchema: false,
  });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(MATRIX_FORMATS)) ajv.addFormat(name, { type: "string", validate });
  return ajv;
}
