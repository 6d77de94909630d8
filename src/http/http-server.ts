/**
 * The koa app every listener serves: request log, CORS, error mapping, then the endpoint router
 * and the 404/405 fallback. Business rules live in api/ and services/, never here.
 */
import Koa from "koa";
import type { Logger } from "pino";
import type { AuthHooks, RateLimiter } from "./endpoint-types.js";
import { buildRouter } from "./endpoint-router.js";
import { cors } from "./middleware/cors.js";
import { errorResponses } from "./middleware/errors.js";
import { requestLog } from "./middleware/request-log.js";
import { unrecognizedRequest } from "./middleware/unrecognized.js";
import { dispatchRoutes } from "./route-dispatch.js";
import type { Route } from "./route.js";

export interface HttpAppOptions {
  routes: readonly Route[];
  logger: Logger;
  /** Largest request body in bytes (config `max_request_size`). */
  maxRequestSize: number;
  authHooks?: AuthHooks;
  rateLimiter?: RateLimiter;
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy for the client address. */
  trustProxy?: boolean;
}

export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: options.trustProxy ?? false });
  const router = buildRouter(options.routes, {
    maxRequestSize: options.maxRequestSize,
    authHooks: options.authHooks,
    rateLimiter: options.rateLimiter,
  });
  app.use(requestLog(options.logger));
  app.use(cors());
  app.use(errorResponses(options.logger));
  app.use(dispatchRoutes(router));
  app.use(unrecognizedRequest(router));
  // errorResponses answers every error; this only sees what fails after a response started
  // (a body stream erroring), which koa would otherwise print to stderr.
  app.on("error", (err: unknown) => options.logger.error({ err }, "error while sending a response"));
  return app;
}
