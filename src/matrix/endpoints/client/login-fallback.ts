/**
 * The login fallback: a web page that performs the whole login, for clients that do not know
 * the server's login types.
 * https://spec.matrix.org/v1.19/client-server-api/#login-fallback
 *
 * It answers HTML (a raw response), never JSON, except for the router's own refusals.
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";

/**
 * GET /_matrix/static/client/login/ (the spec's form, with the trailing slash). Written without
 * the slash because a path-to-regexp pattern without it matches both `…/login` and `…/login/`:
 * the same page answers both (it names every URL it uses in full, so its own URL does not matter).
 * The query string (`?device_id=…`) is read by the page's script, not by the server.
 */
export const getLoginFallback: EndpointDefinition<EmptyRequest, never, "none"> = {
  name: "getLoginFallback",
  method: "GET",
  paths: ["/_matrix/static/client/login"],
  auth: "none",
};
