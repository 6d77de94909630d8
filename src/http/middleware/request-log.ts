/**
 * The access log: one line per request once its response is ready (or the client went away
 * first: status 499) with method, path (any `access_token` query value redacted), status and
 * milliseconds.
 *
 * Requests that failed (4xx and 5xx) are logged at `info`; the rest (successes, and clients that
 * went away, as abandoned long-polls do all the time) at `debug`. A busy server answers thousands
 * of requests a second, and a line for each cost more than many of the requests themselves; set
 * the log level to `debug` for a full access log. Nothing is formatted for a level that is off.
 */
import type { Middleware } from "koa";
import type { Logger } from "pino";

const TOKEN_IN_QUERY = /([?&]access_token=)[^&]*/gi;
const CLIENT_GONE = 499;

/** The request target with the value of every `access_token` parameter replaced. */
export function redactAccessToken(url: string): string {
  return url.includes("access_token=") ? url.replace(TOKEN_IN_QUERY, "$1<redacted>") : url;
}

/** The level a request's line is logged at. */
export function accessLogLevel(status: number): "info" | "debug" {
  return status >= 400 && status !== CLIENT_GONE ? "info" : "debug";
}

export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const status = failed ? 500 : ctx.writable ? ctx.status : CLIENT_GONE;
      const level = accessLogLevel(status);
      if (logger.isLevelEnabled(level)) {
        const ms = Math.round((performance.now() - started) * 10) / 10;
        logger[level]({ method: ctx.method, path: redactAccessToken(ctx.originalUrl), status, ms }, "request");
      }
    }
  };
}
