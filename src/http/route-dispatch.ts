/**
 * Dispatches requests to the endpoints mounted on a @koa/router Router, testing only the routes
 * that can match. @koa/router's own middleware tests every route's pattern against every request
 * (170 of them for the client API) and builds a middleware chain per request; here each route is
 * filed under its leading static path segments (`/_matrix/client/v3/rooms/:roomId/send/…` under
 * `_matrix` → `client` → `v3` → `rooms`), so a lookup walks the request path's segments and tests
 * the few routes found on the way, in the order they were mounted (the router's order).
 *
 * The router stays the definition of the routes: its layers' patterns, parameter decoding and
 * methods are used as they are, and a request no route takes goes on to `next` (the 404/405
 * answer of unrecognized.ts, which asks the router).
 */
import type { Router, RouterContext } from "@koa/router";
import type { Middleware } from "koa";

type Layer = Router["stack"][number];

interface IndexedRoute {
  /** Position in the router's stack: among several matches, the first mounted wins. */
  readonly order: number;
  readonly layer: Layer;
  readonly methods: ReadonlySet<string>;
  readonly run: Middleware;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly routes: IndexedRoute[];
}

const PARAMETER = /[:*(?]/;

function newNode(): TrieNode {
  return { children: new Map(), routes: [] };
}

/** The leading segments of a route pattern that contain no parameter, lower-cased unless `sensitive`. */
function staticPrefix(pattern: string, sensitive: boolean): string[] {
  const prefix: string[] = [];
  for (const segment of pattern.split("/").slice(1)) {
    if (segment === "" || PARAMETER.test(segment)) break;
    prefix.push(sensitive ? segment : segment.toLowerCase());
  }
  return prefix;
}

function buildIndex(router: Router): { root: TrieNode; sensitive: boolean } {
  const sensitive = router.opts.sensitive === true;
  const root = newNode();
  router.stack.forEach((layer, order) => {
    if (typeof layer.path !== "string") throw new Error("route-dispatch: routes must have string paths");
    let node = root;
    for (const segment of staticPrefix(layer.path, sensitive)) {
      let child = node.children.get(segment);
      if (child === undefined) node.children.set(segment, (child = newNode()));
      node = child;
    }
    // mountEndpoint gives each route exactly one middleware: the endpoint.
    if (layer.stack.length !== 1) throw new Error(`route-dispatch: ${layer.path} has ${layer.stack.length} middleware, expected 1`);
    node.routes.push({ order, layer, methods: new Set(layer.methods), run: layer.stack[0] as Middleware });
  });
  return { root, sensitive };
}

/** The first route (in mount order) whose pattern and method match, or null. */
function findRoute(root: TrieNode, sensitive: boolean, path: string, method: string): IndexedRoute | null {
  let best: IndexedRoute | null = null;
  let node: TrieNode | undefined = root;
  let start = 1;
  for (;;) {
    for (const route of node.routes) {
      if ((best === null || route.order < best.order) && route.methods.has(method) && route.layer.match(path)) best = route;
    }
    if (start > path.length) break;
    let end = path.indexOf("/", start);
    if (end < 0) end = path.length;
    const segment = path.slice(start, end);
    node = node.children.get(sensitive ? segment : segment.toLowerCase());
    if (node === undefined) break;
    start = end + 1;
  }
  return best;
}

/**
 * The middleware serving `router`'s routes (in place of `router.routes()`). The index is built at
 * the first request, once every endpoint has been mounted.
 */
export function dispatchRoutes(router: Router): Middleware {
  let index: { root: TrieNode; sensitive: boolean } | null = null;
  return (ctx, next) => {
    index ??= buildIndex(router);
    const path = ctx.path;
    const route = findRoute(index.root, index.sensitive, path, ctx.method);
    if (route === null) return next();
    const params = route.layer.params(path, route.layer.captures(path), {});
    (ctx as RouterContext).params = params;
    return route.run(ctx, next);
  };
}
