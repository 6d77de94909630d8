/**
 * Mounts endpoint definitions on @koa/router (Ruma-style definitions, Conduit's `ruma_route`).
 * For each request, in order:
 * 1. read the body bytes within the size limit (413 M_TOO_LARGE);
 * 2. access-token endpoints: find the token (401 M_MISSING_TOKEN) and authenticate it; endpoints
 *    without authentication only find it (their handler may read it);
 * 3. parse the JSON body (400 M_NOT_JSON);
 * 4. federation endpoints: check the X-Matrix signature, which covers the parsed body;
 * 5. rate-limit by bucket;
 * 6. validate the query and the body with ajv validators compiled once, here, at startup
 *    (400 M_MISSING_PARAM / M_INVALID_PARAM / M_BAD_JSON naming the field);
 * 7. call the handler with a typed request (no koa ctx; its `signal` aborts when the client goes
 *    away) and send what it returns.
 */
import { Router, type RouterContext } from "@koa/router";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { AuthKind, BodyKind, EndpointDefinition } from "../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import { extractAccessToken } from "./auth/access-token.js";
import { HttpEndpointRequest } from "./endpoint-request.js";
import type { AuthHooks, EndpointHandler, RateLimiter, RawQuery } from "./endpoint-types.js";
import { parseJsonObject, readRawBody } from "./middleware/body.js";
import { isRawResponse } from "./raw-response.js";
import type { Route } from "./route.js";
import { createSchemaAjv, type SchemaAjv } from "./schema-ajv.js";

export interface EndpointRouterOptions {
  /** Largest request body in bytes, unless a definition sets its own `maxBodySize`. */
  maxRequestSize: number;
  /** Without hooks, every authenticated endpoint refuses (fail closed). */
  authHooks?: AuthHooks;
  rateLimiter?: RateLimiter;
}

/** What mountEndpoint needs besides the definition: shared validators and hooks. */
export interface EndpointEnvironment {
  readonly bodyAjv: SchemaAjv;
  readonly queryAjv: SchemaAjv;
  readonly authHooks: AuthHooks;
  readonly rateLimiter: RateLimiter | null;
  readonly maxRequestSize: number;
  /** "METHOD path" already mounted, to refuse two definitions claiming one route. */
  readonly mounted: Set<string>;
}

const refuseAll: AuthHooks = {
  authenticateAccessToken: () => Promise.reject(new MatrixError(401, ErrCode.UnknownToken, "Access tokens are not accepted by this server")),
  authenticateServer: () => Promise.reject(new MatrixError(401, ErrCode.Unauthorized, "Federation requests are not accepted by this server")),
};

const CLIENT_PREFIXES = ["/_matrix/client/", "/_matrix/media/"];

export function createEndpointEnvironment(options: EndpointRouterOptions): EndpointEnvironment {
  return {
    bodyAjv: createSchemaAjv({ coerce: false }),
    queryAjv: createSchemaAjv({ coerce: true }),
    authHooks: options.authHooks ?? refuseAll,
    rateLimiter: options.rateLimiter ?? null,
    maxRequestSize: options.maxRequestSize,
    mounted: new Set(),
  };
}

/** A router serving every path of every route's definition. */
export function buildRouter(routes: readonly Route[], options: EndpointRouterOptions): Router {
  const router = new Router();
  const env = createEndpointEnvironment(options);
  for (const { definition, handler } of routes) mountEndpoint(router, definition, handler, env);
  return router;
}

export function mountEndpoint<D extends EndpointDefinition>(
  router: Router,
  definition: D,
  handler: EndpointHandler<D>,
  env: EndpointEnvironment,
): void {
  for (const path of definition.paths) {
    const key = `${definition.method} ${path}`;
    if (env.mounted.has(key)) throw new Error(`endpoint ${definition.name}: ${key} is already mounted`);
    env.mounted.add(key);
  }
  const middleware = endpointMiddleware(definition, handler as (request: unknown) => unknown, env);
  router.register([...definition.paths], [definition.method], middleware, { name: definition.name });
}

function endpointMiddleware(
  definition: EndpointDefinition,
  handler: (request: unknown) => unknown,
  env: EndpointEnvironment,
): (ctx: RouterContext) => Promise<void> {
  const auth: AuthKind = definition.auth;
  const bodyKind: BodyKind = definition.body ?? (definition.method === "GET" ? "none" : "json");
  const maxBodySize = definition.maxBodySize ?? env.maxRequestSize;
  const tokenInQuery = definition.accessTokenInQuery ?? definition.paths.some((p) => CLIENT_PREFIXES.some((c) => p.startsWith(c)));
  const usesToken = auth === "accessToken" || auth === "optional";
  // Compiled once here; ajv also caches by schema object, so shared schemas compile once overall.
  const validateBody = definition.bodySchema && bodyKind === "json" ? env.bodyAjv.compile(definition.bodySchema) : null;
  const validateQuery = definition.querySchema ? env.queryAjv.compile(definition.querySchema) : null;
  const { authHooks, rateLimiter } = env;

  return async (ctx) => {
    const rawQuery = ctx.query as RawQuery;
    const rawBody = bodyKind === "none" ? null : await readRawBody(ctx.req, maxBodySize);
    const request = new HttpEndpointRequest(ctx, rawBody, rawQuery);

    if (usesToken) {
      request.accessToken = extractAccessToken(ctx.headers, rawQuery, tokenInQuery);
      if (request.accessToken !== null) {
        request.requester = await authHooks.authenticateAccessToken(request.accessToken, request);
      } else if (auth === "accessToken") {
        throw new MatrixError(401, ErrCode.MissingToken, "Missing access token");
      }
    } else if (auth === "none") {
      // Not checked, but handed over: /register and /login take an appservice's as_token.
      request.accessToken = extractAccessToken(ctx.headers, rawQuery, tokenInQuery);
    }
    if (bodyKind === "json") request.body = parseJsonObject(rawBody as Buffer);
    if (auth === "serverSignature") request.origin = await authHooks.authenticateServer(request);
    if (definition.rateLimited !== undefined && rateLimiter !== null) await rateLimiter.check(definition.rateLimited, request);

    if (validateQuery !== null) {
      const query: Record<string, unknown> = { ...rawQuery };
      if (tokenInQuery) delete query.access_token;
      if (!validateQuery(query)) throw queryError(validateQuery);
      request.query = query;
    }
    if (validateBody !== null && !validateBody(request.body)) throw bodyError(validateBody);

    const result = await handler(request);
    sendResult(ctx, result);
  };
}

function sendResult(ctx: RouterContext, result: unknown): void {
  if (!isRawResponse(result)) {
    ctx.status = 200;
    ctx.body = result ?? {};
    return;
  }
  ctx.status = result.status;
  for (const [name, value] of Object.entries(result.headers)) ctx.set(name, value);
  ctx.body = result.body;
}

/** `/content/body` → `content.body`, JSON-pointer escapes undone. */
function fieldPath(instancePath: string, child?: unknown): string {
  const parts = instancePath === "" ? [] : instancePath.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (typeof child === "string") parts.push(child);
  return parts.join(".");
}

function firstError(validate: ValidateFunction): ErrorObject {
  return (validate.errors?.[0] ?? { instancePath: "", keyword: "", params: {}, schemaPath: "", message: "is invalid" }) as ErrorObject;
}

function bodyError(validate: ValidateFunction): MatrixError {
  const error = firstError(validate);
  switch (error.keyword) {
    case "required":
      return new MatrixError(400, ErrCode.BadJson, `Missing required field '${fieldPath(error.instancePath, error.params.missingProperty)}'`);
    case "additionalProperties":
      return new MatrixError(400, ErrCode.BadJson, `Unexpected field '${fieldPath(error.instancePath, error.params.additionalProperty)}'`);
    default: {
      const field = fieldPath(error.instancePath);
      return new MatrixError(400, ErrCode.BadJson, field === "" ? `Request body ${error.message}` : `Invalid field '${field}': ${error.message}`);
    }
  }
}

function queryError(validate: ValidateFunction): MatrixError {
  const error = firstError(validate);
  if (error.keyword === "required") {
    return new MatrixError(400, ErrCode.MissingParam, `Missing required query parameter '${fieldPath(error.instancePath, error.params.missingProperty)}'`);
  }
  if (error.keyword === "additionalProperties") {
    return new MatrixError(400, ErrCode.InvalidParam, `Unknown query parameter '${fieldPath(error.instancePath, error.params.additionalProperty)}'`);
  }
  return new MatrixError(400, ErrCode.InvalidParam, `Invalid query parameter '${fieldPath(error.instancePath)}': ${error.message}`);
}
