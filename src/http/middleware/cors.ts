/**
 * CORS headers on every response, and pre-flight answered for any path without running an
 * endpoint.
 * https://spec.matrix.org/v1.19/client-server-api/#web-browser-clients
 *
 * > All endpoints in this specification support the `OPTIONS` method, however the server MUST
 * > NOT perform any logic defined for the endpoints when approached with an `OPTIONS` request.
 */
import type { Middleware } from "koa";

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
};

export function cors(): Middleware {
  return async (ctx, next) => {
    ctx.set(CORS_HEADERS);
    if (ctx.method === "OPTIONS") {
      ctx.status = 204;
      return;
    }
    await next();
  };
}
