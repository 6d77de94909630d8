/**
 * What handlers see: a typed, koa-free request built from an endpoint definition, and what they
 * may return. Also the hooks the router calls for authentication and rate limiting, which app.ts
 * fills with services (Dendrite's narrow-interface style: the router knows only these shapes).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { AuthKind, EndpointDefinition, EndpointRequestShape, Requester } from "../matrix/endpoints/types.js";
import type { RawResponse } from "./raw-response.js";

export type RawQuery = Record<string, string | string[] | undefined>;

type ParamsOf<Req> = Req extends { params: infer P } ? P : Record<string, never>;
type QueryOf<Req> = Req extends { query: infer Q } ? Q : RawQuery;
type BodyOf<Req> = Req extends { body: infer B } ? B : unknown;
type RequesterOf<A extends AuthKind> = A extends "accessToken" ? Requester : A extends "optional" ? Requester | null : null;
type OriginOf<A extends AuthKind> = A extends "serverSignature" ? string : null;

/** The parts of a request every handler may read, whatever its definition. */
export interface BaseRequest {
  readonly method: string;
  /** The request target as sent: path and query string (what an X-Matrix signature covers). */
  readonly uri: string;
  readonly headers: IncomingHttpHeaders;
  /** The client address (the proxy's, unless the app trusts X-Forwarded-For). */
  readonly ip: string;
  /** The body bytes as received (signature checks need them); null when the body was not read. */
  readonly rawBody: Buffer | null;
  /** The parsed JSON body, before schema checks; undefined when the body was not parsed. */
  readonly body: unknown;
  /** The access token supplied, if any (header or, where allowed, query). */
  readonly accessToken: string | null;
}

export interface EndpointRequest<Req extends EndpointRequestShape = EndpointRequestShape, A extends AuthKind = AuthKind>
  extends BaseRequest {
  /** Path parameters, URI-decoded. */
  readonly params: ParamsOf<Req>;
  /** The query string, validated and coerced by `querySchema` when the definition has one. */
  readonly query: QueryOf<Req>;
  readonly body: BodyOf<Req>;
  readonly requester: RequesterOf<A>;
  /** The authenticated origin server, for `serverSignature` endpoints. */
  readonly origin: OriginOf<A>;
  /**
   * Aborted when the client goes away before the response is sent: a handler that waits (a
   * long-poll) stops at once instead of holding its resources until its timeout.
   */
  readonly signal: AbortSignal;
}

/** A JSON response body, or a raw response for anything else (status codes, media bytes). */
export type HandlerResult<Res> = Res | RawResponse;

export type EndpointHandler<D> =
  D extends EndpointDefinition<infer Req, infer Res, infer A>
    ? (request: EndpointRequest<Req, A>) => HandlerResult<Res> | Promise<HandlerResult<Res>>
    : never;

/**
 * Authentication, supplied by app.ts. Each function throws a MatrixError (401 M_UNKNOWN_TOKEN,
 * 401 M_UNAUTHORIZED, 403 …) when it refuses the request.
 */
export interface AuthHooks {
  authenticateAccessToken(token: string, request: BaseRequest): Promise<Requester>;
  /** Checks the `X-Matrix` Authorization header and returns the origin server name. */
  authenticateServer(request: BaseRequest): Promise<string>;
}

/** Rate limiting, supplied by app.ts: throws 429 M_LIMIT_EXCEEDED when the bucket is empty. */
export interface RateLimiter {
  check(bucket: string, request: BaseRequest & { readonly requester: Requester | null; readonly origin: string | null }): void | Promise<void>;
}
