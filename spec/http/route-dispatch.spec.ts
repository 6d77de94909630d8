import { Router } from "@koa/router";
import { expect } from "chai";
import type { Middleware } from "koa";
import { dispatchRoutes } from "../../src/http/route-dispatch.js";

interface FakeContext {
  path: string;
  method: string;
  params?: Record<string, string>;
  served?: string;
}

function routerWith(routes: Array<[method: string, path: string, name: string]>): Router {
  const router = new Router();
  for (const [method, path, name] of routes) {
    const endpoint: Middleware = (ctx) => {
      (ctx as unknown as FakeContext).served = name;
    };
    router.register(path, [method], endpoint, { name });
  }
  return router;
}

async function dispatch(router: Router, method: string, path: string): Promise<FakeContext & { next: boolean }> {
  const ctx: FakeContext = { path, method };
  let next = false;
  await dispatchRoutes(router)(ctx as never, async () => void (next = true));
  return { ...ctx, next };
}

describe("http/route-dispatch", () => {
  const router = routerWith([
    ["PUT", "/_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId", "send"],
    ["GET", "/_matrix/client/v3/rooms/:roomId/state/:eventType/:stateKey", "state-with-key"],
    ["GET", "/_matrix/client/v3/rooms/:roomId/state/:eventType", "state"],
    ["GET", "/_matrix/client/v3/sync", "sync"],
    ["GET", "/_matrix/client/v3/:anything", "catch-all"],
    ["GET", "/_matrix/client/v3/versions", "shadowed"],
    ["GET", "/:top", "top"],
  ]);

  it("serves the route whose pattern and method match, with decoded parameters", async () => {
    const ctx = await dispatch(router, "PUT", "/_matrix/client/v3/rooms/!r%3Aexample.org/send/m.room.message/t1");
    expect(ctx.served).to.equal("send");
    expect(ctx.params).to.deep.equal({ roomId: "!r:example.org", eventType: "m.room.message", txnId: "t1" });
    expect((await dispatch(router, "GET", "/_matrix/client/v3/rooms/!r/state/m.room.name")).served).to.equal("state");
    expect((await dispatch(router, "GET", "/_matrix/client/v3/rooms/!r/state/m.room.name/x")).served).to.equal("state-with-key");
  });

  it("among several matches takes the first mounted, as @koa/router does", async () => {
    expect((await dispatch(router, "GET", "/_matrix/client/v3/sync")).served).to.equal("sync");
    // "/:anything" was mounted before "/versions".
    expect((await dispatch(router, "GET", "/_matrix/client/v3/versions")).served).to.equal("catch-all");
  });

  it("finds routes whose parameters start early, and matches as the router does: any case, a trailing slash", async () => {
    expect((await dispatch(router, "GET", "/whatever")).served).to.equal("top");
    expect((await dispatch(router, "GET", "/_MATRIX/Client/v3/SYNC")).served).to.equal("sync");
    expect((await dispatch(router, "GET", "/_matrix/client/v3/sync/")).served).to.equal("sync");
    for (const path of ["/_matrix/client/v3/sync", "/_MATRIX/Client/v3/rooms/!r/state/t", "/x/"]) {
      const routed = (await dispatch(router, "GET", path)).served;
      const expected = router.match(path, "GET").pathAndMethod[0]?.name;
      expect(routed, path).to.equal(expected);
    }
  });

  it("leaves a request no route takes to the next middleware: unknown path or wrong method", async () => {
    for (const [method, path] of [
      ["GET", "/_matrix/client/v3/rooms/!r/send/m.room.message/t1"],
      ["DELETE", "/_matrix/client/v3/sync"],
      ["GET", "/_matrix/federation/v1/version/extra"],
    ] as const) {
      const ctx = await dispatch(router, method, path);
      expect([ctx.served, ctx.next], `${method} ${path}`).to.deep.equal([undefined, true]);
    }
  });
});
