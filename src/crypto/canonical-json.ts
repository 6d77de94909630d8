/**
 * Canonical JSON: the byte form that Matrix signs and hashes.
 * https://spec.matrix.org/v1.19/appendices/#canonical-json
 *
 * > the shortest UTF-8 JSON encoding with dictionary keys lexicographically sorted by Unicode
 * > codepoint. Numbers in the JSON must be integers in the range [-(2**53)+1, (2**53)-1],
 * > represented without exponents or decimal places, and negative zero -0 MUST NOT appear.
 *
 * Strings (values and keys) go through JSON.stringify, whose escapes are exactly the grammar's:
 * `\b \t \n \f \r \" \\`, lower-case `\u00XX` for the other control characters, everything else
 * literal (lone surrogates become `\udXXX`, the only representable form in UTF-8).
 *
 * Accepted values: null, booleans, safe integers, strings, arrays and plain objects (prototype
 * Object.prototype or null). Keys whose value is `undefined` are left out, as JSON.stringify does;
 * anything else (floats, NaN, ±Infinity, unsafe integers, bigint, functions, symbols, `undefined`
 * in an array or at the top, class instances such as Date or Buffer) throws CanonicalJsonError.
 */

/** Deeper nesting than this is refused (it also turns a reference cycle into a clean error). */
const MAX_DEPTH = 512;

/** Any UTF-16 surrogate: only then can UTF-16 unit order differ from code point order. */
const SURROGATE = /[\uD800-\uDFFF]/;

export class CanonicalJsonError extends Error {
  override name = "CanonicalJsonError";
  /** Where the bad value sits, as a list of object keys and array indexes from the top. */
  readonly path: Array<string | number> = [];
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }

  /** Called while unwinding so the message names the offending value's location. */
  prependPath(step: string | number): void {
    this.path.unshift(step);
    this.message = `${this.reason} at ${formatPath(this.path)}`;
  }
}

/** The canonical JSON text of `value` (encode with Buffer.from(text, "utf8") for the bytes). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new CanonicalJsonError("undefined is not a JSON value");
  return encodeValue(value, 0);
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), "utf8");
}

/**
 * Canonical JSON of a plain object with some top-level keys left out, without copying the object
 * (signing drops `signatures` and `unsigned`; content hashes also drop `hashes`).
 */
export function canonicalJsonWithout(value: object, omittedKeys: readonly string[]): string {
  if (!isPlainObject(value)) throw new CanonicalJsonError(`expected a plain object, got ${describe(value)}`);
  const keys = Object.keys(value).filter((key) => !omittedKeys.includes(key));
  return encodeObject(value as Record<string, unknown>, keys, 0);
}

function encodeValue(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (Number.isSafeInteger(value)) return "" + (value as number); // -0 prints as "0"
      throw new CanonicalJsonError(`number ${String(value)} is not an integer in [-(2**53)+1, (2**53)-1]`);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_DEPTH) throw new CanonicalJsonError(`nested more than ${MAX_DEPTH} levels deep (or cyclic)`);
      if (Array.isArray(value)) return encodeArray(value, depth + 1);
      if (!isPlainObject(value)) throw new CanonicalJsonError(`${describe(value)} is not a plain object`);
      return encodeObject(value as Record<string, unknown>, Object.keys(value), depth + 1);
    default:
      throw new CanonicalJsonError(`${describe(value)} is not a JSON value`);
  }
}

function encodeArray(array: readonly unknown[], depth: number): string {
  const length = array.length;
  if (length === 0) return "[]";
  let index = 0;
  try {
    let out = "[";
    for (; index < length; index++) {
      const item = array[index];
      if (item === undefined) throw new CanonicalJsonError("undefined (or a hole) in an array");
      if (index > 0) out += ",";
      out += encodeValue(item, depth);
    }
    return out + "]";
  } catch (err) {
    if (err instanceof CanonicalJsonError) err.prependPath(index);
    throw err;
  }
}

function encodeObject(object: Record<string, unknown>, keys: string[], depth: number): string {
  const count = keys.length;
  if (count === 0) return "{}";
  if (count > 1) {
    keys.sort(); // UTF-16 unit order: equal to code point order unless a key holds a surrogate
    if (keys.some(hasSurrogate)) keys.sort(compareCodePoints);
  }
  let key = "";
  try {
    let out = "{";
    let first = true;
    for (let i = 0; i < count; i++) {
      key = keys[i] as string;
      const item = object[key];
      if (item === undefined) continue;
      out += first ? JSON.stringify(key) : "," + JSON.stringify(key);
      out += ":" + encodeValue(item, depth);
      first = false;
    }
    return out + "}";
  } catch (err) {
    if (err instanceof CanonicalJsonError) err.prependPath(key);
    throw err;
  }
}

function hasSurrogate(key: string): boolean {
  return SURROGATE.test(key);
}

/**
 * Orders strings by Unicode code point. At the first differing UTF-16 unit, surrogates (which
 * encode U+10000 and above) must rank after U+E000..U+FFFF, so both ranges are shifted before the
 * units are compared.
 */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `bigint ${value}n`;
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return typeof value;
}

function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "$";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : `[${JSON.stringify(step)}]`;
  return out;
}
