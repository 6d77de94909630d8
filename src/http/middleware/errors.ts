/**
 * The one place errors become responses (STYLE.md "Errors").
 * https://spec.matrix.org/v1.19/client-server-api/#standard-error-response
 *
 * - MatrixError → its status and `{errcode, error, ...extra}`; a 429 with `retry_after_ms` also
 *   gets the `Retry-After` header (in whole seconds) the spec's rate-limiting section asks for;
 * - anything else → 500 M_UNKNOWN with a log line. The response never carries a stack trace or
 *   the internal message.
 */
import type { Middleware } from "koa";
import type { Logger } from "pino";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { RequestAbortedError } from "./body.js";

export function errorResponses(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof RequestAbortedError) {
        logger.debug({ method: ctx.method, path: ctx.path }, "client went away while sending the request");
        return;
      }
      if (ctx.headerSent || !ctx.writable) {
        logger.error({ err, method: ctx.method, path: ctx.path }, "error after the response started");
        return;
      }
      if (err instanceof MatrixError) {
        ctx.status = err.status;
        ctx.body = err.toJSON();
        const retryAfterMs = err.extra.retry_after_ms;
        if (err.status === 429 && typeof retryAfterMs === "number") ctx.set("Retry-After", String(Math.ceil(retryAfterMs / 1000)));
        // An unread body: do not keep the connection alive only to drain it.
        if (!ctx.req.complete) ctx.set("Connection", "close");
        return;
      }
      logger.error({ err, method: ctx.method, path: ctx.path }, "unhandled error in request");
      ctx.status = 500;
      ctx.body = { errcode: ErrCode.Unknown, error: "Internal server error" };
    }
  };
}
