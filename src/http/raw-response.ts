/**
 * A handler's escape hatch from "return the JSON body": another status code, extra headers, or a
 * non-JSON body (media bytes, a stream). Branded so that a JSON response that happens to have
 * `status` and `body` keys is never mistaken for one.
 */
import type { Readable } from "node:stream";

const RAW = Symbol("hearth.rawResponse");

export interface RawResponse {
  readonly [RAW]: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** A Buffer, string or stream is sent as is; anything else is sent as JSON. */
  readonly body: Buffer | string | Readable | object | null;
}

export function rawResponse(
  status: number,
  body: RawResponse["body"],
  headers: Readonly<Record<string, string>> = {},
): RawResponse {
  return { [RAW]: true, status, headers, body };
}

export function isRawResponse(value: unknown): value is RawResponse {
  return typeof value === "object" && value !== null && (value as { [RAW]?: unknown })[RAW] === true;
}
