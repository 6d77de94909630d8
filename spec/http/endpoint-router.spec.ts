import http from "node:http";
import { Router } from "@koa/router";
import type { JSONSchemaType } from "ajv";
import { expect } from "chai";
import type { EndpointDefinition, Requester } from "../../src/matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { buildRouter, createEndpointEnvironment, mountEndpoint } from "../../src/http/endpoint-router.js";
import type { AuthHooks, BaseRequest } from "../../src/http/endpoint-types.js";
import { rawResponse } from "../../src/http/raw-response.js";
import { route, type Route } from "../../src/http/route.js";
import { startTestHttp, testEndpoint, type TestHttp } from "../helpers/test-http.js";

const alice: Requester = { userId: "@alice:example.org", deviceId: "ADEVICE", isGuest: false, appserviceId: null };

const authHooks: AuthHooks = {
  async authenticateAccessToken(token) {
    if (token === "alice-token") return alice;
    throw new MatrixError(401, ErrCode.UnknownToken, "Unknown access token");
  },
  async authenticateServer(request) {
    const header = request.headers.authorization ?? "";
    const origin = /origin="?([^",]+)/.exec(header)?.[1];
    if (origin === undefined) throw new MatrixError(401, ErrCode.Unauthorized, "Missing X-Matrix signature");
    return origin;
  },
};

interface AliasBody {
  room_id: string;
  options?: { visibility: string; limit?: number };
}
const aliasBodySchema: JSONSchemaType<AliasBody> = {
  type: "object",
  properties: {
    room_id: { type: "string", format: "mx-room-id" },
    options: {
      type: "object",
      properties: { visibility: { type: "string" }, limit: { type: "integer", nullable: true } },
      required: ["visibility"],
      nullable: true,
    },
  },
  required: ["room_id"],
};

const putAlias: EndpointDefinition<{ params: { roomAlias: string }; body: AliasBody }, object, "accessToken"> = {
  name: "putAlias",
  method: "PUT",
  paths: ["/_matrix/client/r0/directory/room/:roomAlias", "/_matrix/client/v3/directory/room/:roomAlias"],
  auth: "accessToken",
  rateLimited: "aliases",
  bodySchema: aliasBodySchema,
};

const getAlias: EndpointDefinition<{ params: { roomAlias: string } }, object, "optional"> = {
  name: "getAlias",
  method: "GET",
  paths: ["/_matrix/client/r0/directory/room/:roomAlias", "/_matrix/client/v3/directory/room/:roomAlias"],
  auth: "optional",
};

interface SearchQuery {
  limit: number;
  full?: boolean;
  server?: string[];
}
const searchQuerySchema: JSONSchemaType<SearchQuery> = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 1 },
    full: { type: "boolean", nullable: true },
    server: { type: "array", items: { type: "string" }, nullable: true },
  },
  required: ["limit"],
  additionalProperties: false,
};
const getSearch: EndpointDefinition<{ query: SearchQuery }, object, "accessToken"> = {
  name: "getSearch",
  method: "GET",
  paths: ["/_matrix/client/v3/search-test"],
  auth: "accessToken",
  querySchema: searchQuerySchema,
};

const getFederationThing = testEndpoint<object, "serverSignature">("PUT", "/_matrix/federation/v1/thing/:id", { auth: "serverSignature" });
const getPrivateNoQueryToken = testEndpoint<object, "accessToken">("GET", "/_matrix/client/v3/header-only", {
  auth: "accessToken",
  accessTokenInQuery: false,
});
const getAdminThing = testEndpoint<object, "accessToken">("GET", "/_synapse/admin/v1/thing", { auth: "accessToken" });
const postRaw = testEndpoint<object>("POST", "/_matrix/media/v3/raw-test", { body: "raw", maxBodySize: 16 });
const getPublicThing = testEndpoint<object>("GET", "/_matrix/client/v3/public-thing");

describe("http/endpoint-router", () => {
  let server: TestHttp;
  let seen: BaseRequest[];
  let rateChecks: Array<{ bucket: string; userId: string | undefined }>;

  const echo = (request: BaseRequest & { params?: unknown; query?: unknown; requester?: unknown; origin?: unknown }) => {
    seen.push(request);
    return { params: request.params, query: request.query, body: request.body, requester: request.requester, origin: request.origin };
  };

  const routes: Route[] = [
    route(putAlias, echo),
    route(getAlias, echo),
    route(getSearch, echo),
    route(getFederationThing, echo),
    route(getPrivateNoQueryToken, echo),
    route(getAdminThing, echo),
    route(getPublicThing, echo),
    route(postRaw, (request) =>
      rawResponse(201, Buffer.from(`got ${request.rawBody?.length} bytes`), { "content-type": "text/plain", "x-test": "1" }),
    ),
  ];

  beforeEach(async () => {
    seen = [];
    rateChecks = [];
    server = await startTestHttp({
      routes,
      authHooks,
      rateLimiter: {
        check(bucket, request) {
          rateChecks.push({ bucket, userId: request.requester?.userId });
          if (request.headers["x-exhausted"] === "1") {
            throw new MatrixError(429, ErrCode.LimitExceeded, "Too many requests", { retry_after_ms: 500 });
          }
        },
      },
    });
  });
  afterEach(() => server.close());

  describe("paths", () => {
    it("serves every path in the definition's history (r0 and v3)", async () => {
      for (const version of ["r0", "v3"]) {
        const res = await server.request("GET", `/_matrix/client/${version}/directory/room/%23a:example.org`);
        expect(res.status, version).to.equal(200);
      }
      expect(seen).to.have.length(2);
    });

    it("URI-decodes path parameters", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/directory/room/%23caf%C3%A9%3Aexample.org");
      expect(res.body?.params).to.deep.equal({ roomAlias: "#café:example.org" });
    });

    it("decodes an escaped slash inside a parameter without splitting the path", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/directory/room/%23a%2Fb%3Aexample.org");
      expect(res.body?.params).to.deep.equal({ roomAlias: "#a/b:example.org" });
    });

    it("refuses to mount two definitions on one method and path", () => {
      const env = createEndpointEnvironment({ maxRequestSize: 1000 });
      const router = new Router();
      mountEndpoint(router, getAlias, echo, env);
      expect(() => mountEndpoint(router, { ...getAlias, name: "again" }, echo, env)).to.throw(/already mounted/);
    });
  });

  describe("access tokens", () => {
    it("refuses a request without a token with 401 M_MISSING_TOKEN", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body: { room_id: "!r:b" } });
      expect(res.status).to.equal(401);
      expect(res.body?.errcode).to.equal("M_MISSING_TOKEN");
      expect(seen).to.have.length(0);
    });

    it("passes the requester authenticated from an Authorization: Bearer header", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body: { room_id: "!r:b" }, accessToken: "alice-token" });
      expect(res.status).to.equal(200);
      expect(res.body?.requester).to.deep.equal(alice);
      expect(seen[0]?.accessToken).to.equal("alice-token");
    });

    it("returns the authenticator's error for a bad token", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body: { room_id: "!r:b" }, accessToken: "wrong" });
      expect(res.status).to.equal(401);
      expect(res.body?.errcode).to.equal("M_UNKNOWN_TOKEN");
    });

    it("accepts the deprecated access_token query parameter on client-server paths", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b?access_token=alice-token", { body: { room_id: "!r:b" } });
      expect(res.status).to.equal(200);
      expect(res.body?.requester).to.deep.equal(alice);
    });

    it("ignores the query parameter where the definition turns it off", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/header-only?access_token=alice-token");
      expect(res.status).to.equal(401);
      expect(res.body?.errcode).to.equal("M_MISSING_TOKEN");
    });

    it("ignores the query parameter outside the client-server API by default", async () => {
      const res = await server.request("GET", "/_synapse/admin/v1/thing?access_token=alice-token");
      expect(res.status).to.equal(401);
      const ok = await server.request("GET", "/_synapse/admin/v1/thing", { accessToken: "alice-token" });
      expect(ok.status).to.equal(200);
    });

    it("optional auth: no token gives a null requester, a token is still checked", async () => {
      const anonymous = await server.request("GET", "/_matrix/client/v3/directory/room/%23a:b");
      expect(anonymous.status).to.equal(200);
      expect(anonymous.body?.requester).to.equal(null);
      const withToken = await server.request("GET", "/_matrix/client/v3/directory/room/%23a:b", { accessToken: "alice-token" });
      expect(withToken.body?.requester).to.deep.equal(alice);
      const badToken = await server.request("GET", "/_matrix/client/v3/directory/room/%23a:b", { accessToken: "wrong" });
      expect(badToken.status).to.equal(401);
    });

    it("no auth: a token is not checked, but the handler sees it (header, else query)", async () => {
      const header = await server.request("GET", "/_matrix/client/v3/public-thing", { accessToken: "wrong" });
      const query = await server.request("GET", "/_matrix/client/v3/public-thing?access_token=from-query");
      const none = await server.request("GET", "/_matrix/client/v3/public-thing");
      expect([header.status, query.status, none.status]).to.deep.equal([200, 200, 200]);
      expect(seen.map((r) => [r.accessToken, (r as { requester?: unknown }).requester])).to.deep.equal([
        ["wrong", null],
        ["from-query", null],
        [null, null],
      ]);
    });

    it("refuses every authenticated request when no auth hooks are given (fail closed)", async () => {
      const bare = await startTestHttp({ routes: [route(getAdminThing, () => ({}))] });
      try {
        const res = await bare.request("GET", "/_synapse/admin/v1/thing", { accessToken: "alice-token" });
        expect(res.status).to.equal(401);
      } finally {
        await bare.close();
      }
    });
  });

  describe("server signatures", () => {
    it("passes the origin returned by authenticateServer, which sees the raw and parsed body", async () => {
      const res = await server.request("PUT", "/_matrix/federation/v1/thing/1", {
        body: { pdus: [] },
        headers: { authorization: 'X-Matrix origin="remote.example",key="ed25519:a",sig="x"' },
      });
      expect(res.status).to.equal(200);
      expect(res.body?.origin).to.equal("remote.example");
      expect(seen[0]?.rawBody?.toString()).to.equal('{"pdus":[]}');
      expect(seen[0]?.uri).to.equal("/_matrix/federation/v1/thing/1");
    });

    it("refuses a federation request the hook rejects", async () => {
      const res = await server.request("PUT", "/_matrix/federation/v1/thing/1", { body: {} });
      expect(res.status).to.equal(401);
      expect(res.body?.errcode).to.equal("M_UNAUTHORIZED");
      expect(seen).to.have.length(0);
    });
  });

  describe("body validation", () => {
    const put = (body: unknown) =>
      server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body, accessToken: "alice-token" });

    it("passes a valid body through", async () => {
      const res = await put({ room_id: "!r:b", options: { visibility: "public", limit: 3 } });
      expect(res.body?.body).to.deep.equal({ room_id: "!r:b", options: { visibility: "public", limit: 3 } });
    });

    it("names a missing required field in 400 M_BAD_JSON", async () => {
      const res = await put({});
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_BAD_JSON");
      expect(res.body?.error).to.include("room_id");
    });

    it("names a nested missing field with its path", async () => {
      const res = await put({ room_id: "!r:b", options: {} });
      expect(res.body?.errcode).to.equal("M_BAD_JSON");
      expect(res.body?.error).to.include("options.visibility");
    });

    it("names a field of the wrong type", async () => {
      const res = await put({ room_id: "!r:b", options: { visibility: "public", limit: "three" } });
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_BAD_JSON");
      expect(res.body?.error).to.include("options.limit");
    });

    it("checks the spec's mx-* formats", async () => {
      const res = await put({ room_id: "not-a-room-id" });
      expect(res.body?.errcode).to.equal("M_BAD_JSON");
      expect(res.body?.error).to.include("room_id");
    });

    it("refuses JSON that is not an object with 400 M_BAD_JSON", async () => {
      const res = await put([1, 2]);
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_BAD_JSON");
    });

    it("treats an empty body as an empty object", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { accessToken: "alice-token" });
      expect(res.status).to.equal(400);
      expect(res.body?.error).to.include("room_id");
    });

    it("authenticates before validating, so a stranger learns nothing about the schema", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body: {} });
      expect(res.body?.errcode).to.equal("M_MISSING_TOKEN");
    });
  });

  describe("query validation", () => {
    const search = (query: string) => server.request("GET", `/_matrix/client/v3/search-test${query}`, { accessToken: "alice-token" });

    it("coerces query strings to the schema's types", async () => {
      const res = await search("?limit=10&full=true&server=a&server=b");
      expect(res.status).to.equal(200);
      expect(res.body?.query).to.deep.equal({ limit: 10, full: true, server: ["a", "b"] });
    });

    it("makes a single value an array where the schema wants one", async () => {
      const res = await search("?limit=1&server=a");
      expect(res.body?.query).to.deep.equal({ limit: 1, server: ["a"] });
    });

    it("does not count access_token as an unknown parameter", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/search-test?limit=2&access_token=alice-token");
      expect(res.status).to.equal(200);
      expect(res.body?.query).to.deep.equal({ limit: 2 });
    });

    it("answers a missing parameter with 400 M_MISSING_PARAM naming it", async () => {
      const res = await search("");
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_MISSING_PARAM");
      expect(res.body?.error).to.include("limit");
    });

    it("answers a bad value with 400 M_INVALID_PARAM naming it", async () => {
      const res = await search("?limit=lots");
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_INVALID_PARAM");
      expect(res.body?.error).to.include("limit");
    });
  });

  describe("rate limiting", () => {
    it("checks the definition's bucket with the authenticated requester", async () => {
      await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", { body: { room_id: "!r:b" }, accessToken: "alice-token" });
      expect(rateChecks).to.deep.equal([{ bucket: "aliases", userId: "@alice:example.org" }]);
    });

    it("does not check endpoints without a bucket", async () => {
      await server.request("GET", "/_matrix/client/v3/directory/room/%23a:b");
      expect(rateChecks).to.deep.equal([]);
    });

    it("answers with the limiter's error and does not run the handler", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/directory/room/%23a:b", {
        body: { room_id: "!r:b" },
        accessToken: "alice-token",
        headers: { "x-exhausted": "1" },
      });
      expect(res.status).to.equal(429);
      expect(res.body).to.deep.equal({ errcode: "M_LIMIT_EXCEEDED", error: "Too many requests", retry_after_ms: 500 });
      expect(seen).to.have.length(0);
    });
  });

  describe("responses", () => {
    it("sends returned objects as JSON with status 200", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/directory/room/%23a:b");
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^application\/json/);
    });

    it("sends a raw response's status, headers and bytes; raw bodies get the raw bytes", async () => {
      const res = await server.request("POST", "/_matrix/media/v3/raw-test", { body: Buffer.from("0123456789") });
      expect(res.status).to.equal(201);
      expect(res.headers.get("content-type")).to.equal("text/plain");
      expect(res.headers.get("x-test")).to.equal("1");
      expect(res.text).to.equal("got 10 bytes");
    });

    it("applies a definition's own body size limit", async () => {
      const res = await server.request("POST", "/_matrix/media/v3/raw-test", { body: Buffer.alloc(17) });
      expect(res.status).to.equal(413);
      expect(res.body?.errcode).to.equal("M_TOO_LARGE");
    });
  });

  it("buildRouter mounts every route of a table", () => {
    const router = buildRouter(routes, { maxRequestSize: 100 });
    expect(router.match("/_matrix/client/r0/directory/room/x", "GET").route).to.equal(true);
    expect(router.match("/_matrix/federation/v1/thing/1", "PUT").route).to.equal(true);
    expect(router.match("/_matrix/federation/v1/other", "GET").route).to.equal(false);
  });
});

describe("http/endpoint-router: the request's abort signal", () => {
  let server: TestHttp;
  let signals: AbortSignal[];
  let finished: () => void;
  let handled: Promise<void>;

  const waitForAbort = testEndpoint<object>("GET", "/_matrix/client/v3/wait-for-abort");
  const quick = testEndpoint<object>("GET", "/_matrix/client/v3/quick");

  beforeEach(async () => {
    signals = [];
    handled = new Promise((resolve) => (finished = resolve));
    server = await startTestHttp({
      routes: [
        route(waitForAbort, async (request) => {
          signals.push(request.signal);
          await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
          finished();
          return {};
        }),
        route(quick, (request) => {
          signals.push(request.signal);
          return {};
        }),
      ],
    });
  });
  afterEach(() => server.close());

  it("aborts when the client disconnects before the response", async () => {
    const req = http.get(`${server.baseUrl}/_matrix/client/v3/wait-for-abort`);
    req.on("error", () => undefined);
    while (signals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signals[0]!.aborted).to.equal(false);
    req.destroy();
    await handled;
    expect(signals[0]!.aborted).to.equal(true);
  });

  it("stays quiet for a request answered normally", async () => {
    expect((await server.request("GET", "/_matrix/client/v3/quick")).status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signals[0]!.aborted).to.equal(false);
  });
});
