import http from "node:http";
import { expect } from "chai";
import { accessLogLevel, redactAccessToken } from "../../../src/http/middleware/request-log.js";
import { route } from "../../../src/http/route.js";
import { startTestHttp, testEndpoint, type TestHttp } from "../../helpers/test-http.js";

describe("http/middleware/request-log", () => {
  it("redacts every access_token value in the query and leaves the rest", () => {
    expect(redactAccessToken("/_matrix/client/v3/sync?access_token=abc&since=s1")).to.equal(
      "/_matrix/client/v3/sync?access_token=<redacted>&since=s1",
    );
    expect(redactAccessToken("/x?a=1&access_token=abc&access_token=def")).to.equal("/x?a=1&access_token=<redacted>&access_token=<redacted>");
    expect(redactAccessToken("/x?my_access_token=abc")).to.equal("/x?my_access_token=abc");
    expect(redactAccessToken("/x?a=1")).to.equal("/x?a=1");
  });

  it("logs failures at info, successes and clients gone at debug", () => {
    expect([200, 204, 302, 400, 401, 404, 429, 499, 500].map(accessLogLevel)).to.deep.equal(["debug", "debug", "debug", "info", "info", "info", "info", "debug", "info"]);
  });

  describe("over HTTP", () => {
    let server: TestHttp;
    let release: () => void = () => undefined;
    before(async () => {
      server = await startTestHttp({
        routes: [
          route(testEndpoint<object>("GET", "/_matrix/client/v3/ok"), () => ({})),
          route(testEndpoint<object>("GET", "/_matrix/client/v3/slow"), async (request) => {
            await new Promise<void>((resolve) => {
              release = resolve;
              request.signal.addEventListener("abort", () => resolve(), { once: true });
            });
            return {};
          }),
        ],
      });
    });
    after(() => server.close());

    const lineFor = async (path: string): Promise<Record<string, unknown>> => {
      for (let i = 0; i < 100; i++) {
        const found = server.logs.find((r) => r.msg === "request" && r.path === path);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`no log line for ${path}`);
    };

    it("a success at debug (20), an unknown path at info (30)", async () => {
      await server.request("GET", "/_matrix/client/v3/ok");
      await server.request("GET", "/_matrix/client/v3/missing");
      expect(await lineFor("/_matrix/client/v3/ok")).to.include({ level: 20, status: 200 });
      expect(await lineFor("/_matrix/client/v3/missing")).to.include({ level: 30, status: 404 });
    });

    it("a client that went away before its response as 499 at debug", async () => {
      const req = http.get(`${server.baseUrl}/_matrix/client/v3/slow`);
      req.on("error", () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      req.destroy();
      expect(await lineFor("/_matrix/client/v3/slow")).to.include({ level: 20, status: 499 });
      release();
    });
  });
});
