/**
 * Federation request signatures: the `Authorization: X-Matrix …` header.
 * https://spec.matrix.org/v1.19/server-server-api/#request-authentication
 *
 * > The request method, target and body are signed by wrapping them in a JSON object and signing
 * > it using the JSON signing algorithm.
 *
 * The signed object is `{method, uri, origin, destination, content?}`, `uri` being the full path
 * from `/_matrix/…` with the query string. `content` is left out when the request has no body
 * (`undefined`, or `null` as Synapse's `None`).
 */
import { CanonicalJsonError, canonicalJson } from "./canonical-json.js";
import type { SigningKey, VerifyKey } from "./signing-key.js";

export interface XMatrixRequest {
  method: string;
  /** Path and query, starting at "/_matrix/". */
  uri: string;
  origin: string;
  /**
   * The receiving server's name. When verifying a header without a `destination` parameter
   * (older servers), pass our own server name.
   */
  destination: string;
  /** The parsed JSON body, if any. */
  content?: unknown;
}

export interface XMatrixAuth {
  origin: string;
  /** Null when the header has no `destination` parameter (servers before spec v1.3). */
  destination: string | null;
  key: string;
  sig: string;
}

export class XMatrixHeaderError extends Error {
  override name = "XMatrixHeaderError";
}

const SCHEME = /^X-Matrix[ ]+/i;
/** RFC 9110 `tchar`. */
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** Characters that force quoting when formatting a value. */
const NEEDS_ESCAPE = /["\\]/g;
const KNOWN_PARAMS = new Set(["origin", "destination", "key", "sig"]);

/** The `Authorization` header value signing `request` with `key`. */
export function signRequest(request: XMatrixRequest, key: SigningKey): string {
  const sig = key.sign(Buffer.from(canonicalJson(requestJson(request)), "utf8"));
  return (
    `X-Matrix origin=${quote(request.origin)},destination=${quote(request.destination)},` +
    `key=${quote(key.keyId)},sig=${quote(sig)}`
  );
}

/** Whether `sig` (from the header) is `key`'s signature of `request`; false when malformed. */
export function verifyRequestSignature(request: XMatrixRequest, sig: string, key: VerifyKey): boolean {
  let text: string;
  try {
    text = canonicalJson(requestJson(request));
  } catch (err) {
    if (err instanceof CanonicalJsonError) return false;
    throw err;
  }
  return key.verify(Buffer.from(text, "utf8"), sig);
}

function requestJson(request: XMatrixRequest): Record<string, unknown> {
  const json: Record<string, unknown> = {
    method: request.method,
    uri: request.uri,
    origin: request.origin,
    destination: request.destination,
  };
  if (request.content !== undefined && request.content !== null) json.content = request.content;
  return json;
}

/** Quotes a header value, escaping `"` and `\` (which server names, key IDs and base64 never hold). */
function quote(value: string): string {
  return `"${value.replace(NEEDS_ESCAPE, "\\$&")}"`;
}

/**
 * Parses an `Authorization: X-Matrix …` value (RFC 9110 §11.4 as the spec summarises it):
 * the scheme (case-insensitive), one or more spaces, then comma-separated `name=value` pairs with
 * optional spaces and tabs around commas; names are case-insensitive; values are tokens or quoted
 * strings with backslash escapes; for older servers unquoted values may also hold ":" (and other
 * visible characters but `,`, `"` and `\`). Unknown parameters are ignored; a repeated known one,
 * or a missing `origin`, `key` or `sig`, throws XMatrixHeaderError.
 */
export function parseXMatrixHeader(header: string): XMatrixAuth {
  const scheme = SCHEME.exec(header);
  if (scheme === null) throw new XMatrixHeaderError("Authorization header is not of the X-Matrix scheme");
  const params = new Map<string, string>();
  const parser = new ParamParser(header, scheme[0].length);
  while (parser.skipSeparators()) {
    const name = parser.readName().toLowerCase();
    const value = parser.readValue();
    if (KNOWN_PARAMS.has(name)) {
      if (params.has(name)) throw new XMatrixHeaderError(`X-Matrix parameter "${name}" appears twice`);
      params.set(name, value);
    }
    parser.expectSeparatorOrEnd();
  }
  return {
    origin: required(params, "origin"),
    destination: params.get("destination") ?? null,
    key: required(params, "key"),
    sig: required(params, "sig"),
  };
}

function required(params: Map<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new XMatrixHeaderError(`X-Matrix header has no "${name}" parameter`);
  return value;
}

class ParamParser {
  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  /** Skips whitespace and empty list elements; false at the end of the header. */
  skipSeparators(): boolean {
    while (this.pos < this.text.length && isSeparator(this.text[this.pos] as string)) this.pos++;
    return this.pos < this.text.length;
  }

  readName(): string {
    const start = this.pos;
    while (this.pos < this.text.length && TOKEN_CHAR.test(this.text[this.pos] as string)) this.pos++;
    if (this.pos === start) this.fail("expected a parameter name");
    const name = this.text.slice(start, this.pos);
    this.skipWhitespace();
    if (this.text[this.pos] !== "=") this.fail(`expected "=" after "${name}"`);
    this.pos++;
    this.skipWhitespace();
    return name;
  }

  readValue(): string {
    if (this.text[this.pos] === '"') return this.readQuoted();
    const start = this.pos;
    while (this.pos < this.text.length && isUnquotedChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail("expected a parameter value");
    return this.text.slice(start, this.pos);
  }

  expectSeparatorOrEnd(): void {
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text[this.pos] !== ",") this.fail('expected "," between parameters');
  }

  private readQuoted(): string {
    let value = "";
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      const char = this.text[this.pos] as string;
      if (char === '"') {
        this.pos++;
        return value;
      }
      if (char === "\\") {
        this.pos++;
        if (this.pos >= this.text.length) break;
        value += this.text[this.pos];
      } else {
        value += char;
      }
    }
    return this.fail("unterminated quoted value");
  }

  private skipWhitespace(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  private fail(problem: string): never {
    throw new XMatrixHeaderError(`malformed X-Matrix header at character ${this.pos}: ${problem}`);
  }
}

function isSeparator(char: string): boolean {
  return char === "," || char === " " || char === "\t";
}

/** Visible ASCII except `"`, `,` and `\`. */
function isUnquotedChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x22 && code !== 0x2c && code !== 0x5c;
}
