import { expect } from "chai";
import type { EndpointDefinition } from "../../src/matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { route } from "../../src/http/route.js";
import { rawRequest, startTestHttp, testEndpoint, type TestHttp } from "../helpers/test-http.js";

const getThing = testEndpoint<{ ok: boolean }>("GET", "/_matrix/client/v3/thing");
const putThing: EndpointDefinition<{ body: Record<string, unknown> }, { received: unknown }, "none"> = {
  ...testEndpoint("PUT", "/_matrix/client/v3/thing"),
};
const getBroken = testEndpoint<never>("GET", "/_matrix/client/v3/broken");
const getForbidden = testEndpoint<never>("GET", "/_matrix/client/v3/forbidden");

const LIMIT = 1024;

describe("http/http-server", () => {
  let server: TestHttp;
  let handlerCalls: number;

  beforeEach(async () => {
    handlerCalls = 0;
    server = await startTestHttp({
      maxRequestSize: LIMIT,
      routes: [
        route(getThing, () => {
          handlerCalls++;
          return { ok: true };
        }),
        route(putThing, (request) => {
          handlerCalls++;
          return { received: request.body };
        }),
        route(getBroken, () => {
          throw new Error("secret internal detail");
        }),
        route(getForbidden, () => {
          throw new MatrixError(403, ErrCode.Forbidden, "Not yours", { retry: false });
        }),
      ],
    });
  });
  afterEach(() => server.close());

  describe("error mapping", () => {
    it("answers an unknown path with 404 M_UNRECOGNIZED", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/nothing-here");
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    });

    it("answers a known path with the wrong method with 405 M_UNRECOGNIZED and an Allow header", async () => {
      const res = await server.request("POST", "/_matrix/client/v3/thing", { body: {} });
      expect(res.status).to.equal(405);
      expect(res.body?.errcode).to.equal("M_UNRECOGNIZED");
      expect(res.headers.get("allow")).to.include("GET").and.include("PUT");
    });

    it("answers a MatrixError with its status, errcode, message and extra fields", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/forbidden");
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.equal({ errcode: "M_FORBIDDEN", error: "Not yours", retry: false });
      expect(res.headers.get("content-type")).to.match(/^application\/json/);
    });

    it("answers an unparsable body with 400 M_NOT_JSON", async () => {
      const res = await server.request("PUT", "/_matrix/client/v3/thing", { body: "{not json", headers: { "content-type": "application/json" } });
      expect(res.status).to.equal(400);
      expect(res.body?.errcode).to.equal("M_NOT_JSON");
      expect(handlerCalls).to.equal(0);
    });

    it("answers a body declared larger than the limit with 413 M_TOO_LARGE before it is sent", async () => {
      // Only the headers go out: the server must answer from Content-Length alone.
      const res = await rawRequest(server.port, {
        method: "PUT",
        path: "/_matrix/client/v3/thing",
        headers: { "content-type": "application/json", "content-length": String(LIMIT + 1) },
        end: false,
      });
      expect(res.status).to.equal(413);
      expect(JSON.parse(res.body)).to.include({ errcode: "M_TOO_LARGE" });
      expect(handlerCalls).to.equal(0);
    });

    it("answers a chunked body that grows past the limit with 413 M_TOO_LARGE", async () => {
      const chunk = Buffer.from(`{"pad":"${"x".repeat(400)}`);
      const res = await rawRequest(server.port, {
        method: "PUT",
        path: "/_matrix/client/v3/thing",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        chunks: [chunk, chunk, chunk],
        end: false,
      });
      expect(res.status).to.equal(413);
      expect(JSON.parse(res.body)).to.include({ errcode: "M_TOO_LARGE" });
      expect(handlerCalls).to.equal(0);
    });

    it("accepts a chunked body within the limit", async () => {
      const res = await rawRequest(server.port, {
        method: "PUT",
        path: "/_matrix/client/v3/thing",
        headers: { "transfer-encoding": "chunked" },
        chunks: [Buffer.from('{"a":'), Buffer.from("1}")],
      });
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.body)).to.deep.equal({ received: { a: 1 } });
    });

    it("answers an unexpected error with 500 M_UNKNOWN, no internals in the body, and a logged error", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/broken");
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ errcode: "M_UNKNOWN", error: "Internal server error" });
      expect(res.text).not.to.include("secret internal detail");
      expect(res.text).not.to.include(" at ");
      const logged = server.logs.find((record) => record.level === 50);
      expect(logged, "an error log record").to.not.equal(undefined);
      expect((logged?.err as { message: string }).message).to.equal("secret internal detail");
      expect(logged?.path).to.equal("/_matrix/client/v3/broken");
    });
  });

  describe("CORS", () => {
    const expectCors = (headers: Headers): void => {
      expect(headers.get("access-control-allow-origin")).to.equal("*");
      expect(headers.get("access-control-allow-methods")).to.equal("GET, POST, PUT, DELETE, OPTIONS");
      expect(headers.get("access-control-allow-headers")).to.equal("X-Requested-With, Content-Type, Authorization");
    };

    it("sets the CORS headers on normal responses", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/thing");
      expect(res.status).to.equal(200);
      expectCors(res.headers);
    });

    it("sets the CORS headers on error responses", async () => {
      const res = await server.request("GET", "/_matrix/client/v3/forbidden");
      expect(res.status).to.equal(403);
      expectCors(res.headers);
    });

    it("answers a pre-flight request without running the endpoint", async () => {
      const res = await server.request("OPTIONS", "/_matrix/client/v3/thing", {
        headers: { origin: "https://app.example", "access-control-request-method": "PUT" },
      });
      expect(res.status).to.equal(204);
      expectCors(res.headers);
      expect(handlerCalls).to.equal(0);
    });

    it("answers a pre-flight request for an unknown path too", async () => {
      const res = await server.request("OPTIONS", "/_matrix/client/v3/unknown/path");
      expect(res.status).to.equal(204);
      expectCors(res.headers);
    });
  });

  describe("request log", () => {
    it("logs method, path, status and duration once the response is sent", async () => {
      await server.request("GET", "/_matrix/client/v3/thing");
      const record = await waitForLog(server, (r) => r.msg === "request");
      expect(record).to.include({ method: "GET", path: "/_matrix/client/v3/thing", status: 200 });
      expect(record.ms).to.be.a("number");
    });

    it("never logs the value of an access_token query parameter", async () => {
      await server.request("GET", "/_matrix/client/v3/thing?a=1&access_token=sekrit&b=2");
      const record = await waitForLog(server, (r) => r.msg === "request");
      expect(record.path).to.equal("/_matrix/client/v3/thing?a=1&access_token=<redacted>&b=2");
      expect(JSON.stringify(server.logs)).not.to.include("sekrit");
    });

    it("logs the status of error responses", async () => {
      await server.request("GET", "/_matrix/client/v3/nothing-here");
      const record = await waitForLog(server, (r) => r.msg === "request");
      expect(record.status).to.equal(404);
    });
  });
});

async function waitForLog(server: TestHttp, match: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const found = server.logs.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("no matching log record");
}
