/**
 * Finding the access token in a request.
 * https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens
 *
 * > Access tokens may be provided via a request header, using the Authentication Bearer scheme:
 * > `Authorization: Bearer TheTokenHere`.
 *
 * The `access_token` query parameter is deprecated but still accepted by the client-server API
 * of v1.19; the caller says whether this endpoint accepts it. The header wins when both are sent.
 */
import type { IncomingHttpHeaders } from "node:http";

const BEARER = /^Bearer +(\S+) *$/i;

export function extractAccessToken(
  headers: IncomingHttpHeaders,
  query: Record<string, string | string[] | undefined>,
  allowQueryParameter: boolean,
): string | null {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (match !== null) return match[1] as string;
  }
  if (allowQueryParameter) {
    const fromQuery = query.access_token;
    const token = Array.isArray(fromQuery) ? fromQuery[0] : fromQuery;
    if (token !== undefined && token !== "") return token;
  }
  return null;
}
