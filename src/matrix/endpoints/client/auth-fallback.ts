/**
 * The User-Interactive Authentication fallback: a web page on which the user completes one stage
 * of a session in a browser, for clients that do not know how to.
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 *
 * Both answer HTML (a raw response), never JSON, except for the router's own refusals.
 */
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface AuthFallbackParams {
  /** The stage type, e.g. `m.login.password`. */
  authType: string;
}

/** The page's path: `?session=` names the session (read by the handler, which answers HTML). */
const FALLBACK_PATHS = clientPaths("/auth/:authType/fallback/web");

/** GET /_matrix/client/v3/auth/{authType}/fallback/web?session= */
export const getAuthFallback: EndpointDefinition<{ params: AuthFallbackParams }, never, "none"> = {
  name: "getAuthFallback",
  method: "GET",
  paths: FALLBACK_PATHS,
  auth: "none",
};

/**
 * POST /_matrix/client/v3/auth/{authType}/fallback/web?session=: the page's form
 * (`application/x-www-form-urlencoded`). Each submission may be a password guess, so it counts
 * against the `login` rate limit.
 */
export const submitAuthFallback: EndpointDefinition<{ params: AuthFallbackParams }, never, "none"> = {
  name: "submitAuthFallback",
  method: "POST",
  paths: FALLBACK_PATHS,
  auth: "none",
  rateLimited: "login",
  body: "raw",
  maxBodySize: 16 * 1024,
};
