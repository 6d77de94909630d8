/**
 * The shape of an endpoint definition: one object per endpoint, as Ruma's `metadata!` blocks.
 * A definition says what the wire looks like (method, path history, authentication, rate-limit
 * bucket, schemas); it holds no handler. `http/endpoint-router.ts` mounts definitions and
 * `api/` supplies the handlers.
 */
import type { AnySchemaObject, JSONSchemaType } from "ajv";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/**
 * How a request proves who sent it.
 * - `none`: anyone; a supplied access token is not checked (the handler still sees it as
 *   `accessToken`: `POST /register` and `POST /login` take an appservice's `as_token` there).
 * - `optional`: an access token is checked when present (an invalid one is still an error).
 * - `accessToken`: a valid access token is required (401 M_MISSING_TOKEN when absent).
 * - `serverSignature`: an `X-Matrix` request signature from another homeserver.
 */
export type AuthKind = "none" | "optional" | "accessToken" | "serverSignature";

/**
 * What the router does with a request body.
 * - `json`: read it, require a JSON object (an empty body counts as `{}`), validate `bodySchema`.
 * - `raw`: read the bytes (media uploads); the handler gets `rawBody`.
 * - `none`: leave the body unread.
 */
export type BodyKind = "json" | "raw" | "none";

/** The user (or appservice acting as a user) an access token belongs to. */
export interface Requester {
  readonly userId: string;
  /** Null for appservice tokens that name no device. */
  readonly deviceId: string | null;
  readonly isGuest: boolean;
  /** The appservice making the request, when the token is an `as_token`. */
  readonly appserviceId: string | null;
}

/**
 * The typed parts of a request. Definitions name the parts they have; absent parts default to
 * empty params, the raw query and an unknown body.
 */
export interface EndpointRequestShape {
  params?: object;
  query?: object;
  body?: unknown;
}

/** The request of an endpoint with no path parameters, no typed query and no body. */
export type EmptyRequest = Record<never, never>;

/** A schema for `T`: checked by TypeScript when written as `JSONSchemaType<T>`, free-form otherwise. */
export type SchemaFor<T> = JSONSchemaType<T> | AnySchemaObject;

export interface EndpointDefinition<
  Req extends EndpointRequestShape = EndpointRequestShape,
  /** The response JSON; read through `typeof definition` by http/route.ts to type the handler. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a type-level tag, read by inference only
  Res = unknown,
  A extends AuthKind = AuthKind,
> {
  /** The spec's operation name, e.g. `getVersions`. */
  readonly name: string;
  readonly method: HttpMethod;
  /**
   * Every path this endpoint has had, oldest first (e.g. the `r0` then the `v3` form), in
   * path-to-regexp syntax (`:roomAlias`). All of them are served.
   */
  readonly paths: readonly string[];
  readonly auth: A;
  /** The rate-limit bucket requests count against; unlimited when absent. */
  readonly rateLimited?: string;
  /**
   * Whether the deprecated `access_token` query parameter is accepted. Defaults to true for
   * client-server paths (`/_matrix/client/`, `/_matrix/media/`), false elsewhere.
   */
  readonly accessTokenInQuery?: boolean;
  /** Defaults to `json` for POST, PUT, PATCH and DELETE, `none` for GET. */
  readonly body?: BodyKind;
  /** Overrides the server-wide request size limit (media uploads). */
  readonly maxBodySize?: number;
  readonly bodySchema?: SchemaFor<Req extends { body: infer B } ? B : unknown>;
  /** Checked against the query string with type coercion (`"10"` → 10 for an integer). */
  readonly querySchema?: SchemaFor<Req extends { query: infer Q } ? Q : unknown>;
}
