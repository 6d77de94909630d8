/**
 * Turns ajv's errors for config.yaml into one ConfigError naming the dotted key path and what was
 * expected: `listeners.client.port: must be an integer from 1 to 65535 (got 70000)`.
 *
 * ajv must run with `verbose: true` (so each error carries its schema and data) and `allErrors`
 * (so the most useful error can be picked: a misspelt key first, since it usually explains the
 * "missing" key that follows from it).
 */
import type { ErrorObject } from "ajv";
import { ConfigError } from "./config-error.js";

interface SchemaLike {
  type?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  description?: string;
  items?: SchemaLike;
}

const MAX_SHOWN_LENGTH = 60;

/** The ConfigError for the most relevant of `errors` (which must not be empty). */
export function describeSchemaError(file: string, errors: readonly ErrorObject[]): ConfigError {
  const error = pickError(errors);
  const keyPath = toKeyPath(error.instancePath);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const where = keyPath === null ? "at top level" : `in ${keyPath}`;
      return new ConfigError(`${file}: unknown key ${JSON.stringify(key)} ${where}`, joinKey(keyPath, key));
    }
    case "required": {
      const key = joinKey(keyPath, String(error.params.missingProperty));
      return ConfigError.at(file, key, "is required");
    }
    default:
      return ConfigError.at(
        file,
        keyPath,
        `must be ${expectation(error.parentSchema as SchemaLike)} (got ${showValue(error.data)})`,
      );
  }
}

function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const rank = (error: ErrorObject): number =>
    error.keyword === "additionalProperties" ? 0 : error.keyword === "required" ? 2 : 1;
  let best = errors[0] as ErrorObject;
  for (const error of errors) if (rank(error) < rank(best)) best = error;
  return best;
}

/** "/listeners/client/port" → "listeners.client.port"; "/federation/allow/2" → "federation.allow[2]". */
export function toKeyPath(instancePath: string): string | null {
  if (instancePath === "") return null;
  let out = "";
  for (const raw of instancePath.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

function joinKey(parent: string | null, key: string): string {
  return parent === null ? key : `${parent}.${key}`;
}

/** What a value of `schema` looks like, in words. */
export function expectation(schema: SchemaLike): string {
  if (schema.description !== undefined) return schema.description;
  if (schema.enum !== undefined) return `one of ${schema.enum.map(String).join(", ")}`;
  switch (schema.type) {
    case "integer":
    case "number": {
      const noun = schema.type === "integer" ? "an integer" : "a number";
      if (schema.minimum !== undefined && schema.maximum !== undefined) {
        return `${noun} from ${schema.minimum} to ${schema.maximum}`;
      }
      if (schema.minimum !== undefined) return `${noun} of at least ${schema.minimum}`;
      if (schema.exclusiveMinimum !== undefined) return `${noun} greater than ${schema.exclusiveMinimum}`;
      return noun;
    }
    case "string":
      return schema.minLength !== undefined && schema.minLength > 0 ? "a non-empty string" : "a string";
    case "boolean":
      return "true or false";
    case "array":
      return schema.items?.type === "string" ? "a list of strings" : "a list";
    case "object":
      return "a mapping of keys to values";
    default:
      return "valid";
  }
}

/** A short rendering of a config value for error messages. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = JSON.stringify(value);
    return shown.length > MAX_SHOWN_LENGTH ? `${shown.slice(0, MAX_SHOWN_LENGTH - 4)}…"` : shown;
  }
  return String(value);
}
