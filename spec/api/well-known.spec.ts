import { expect } from "chai";
import { deriveWellKnown, handleGetWellKnownClient, handleGetWellKnownServer } from "../../src/api/well-known.js";
import { getWellKnownClient, getWellKnownServer } from "../../src/matrix/endpoints/well-known.js";
import { route } from "../../src/http/route.js";
import { startTestHttp, type TestHttp } from "../helpers/test-http.js";

describe("api/well-known", () => {
  let server: TestHttp | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  const serve = async (deps: { clientBaseUrl: string | null; serverDelegation: string | null }) => {
    server = await startTestHttp({
      routes: [route(getWellKnownClient, handleGetWellKnownClient(deps)), route(getWellKnownServer, handleGetWellKnownServer(deps))],
    });
    return server;
  };

  it("GET /.well-known/matrix/client points at the homeserver's base URL", async () => {
    const s = await serve({ clientBaseUrl: "https://matrix.example.org/", serverDelegation: null });
    const res = await s.request("GET", "/.well-known/matrix/client");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ "m.homeserver": { base_url: "https://matrix.example.org/" } });
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
  });

  it("GET /.well-known/matrix/server names the delegated server", async () => {
    const s = await serve({ clientBaseUrl: null, serverDelegation: "matrix.example.org:443" });
    const res = await s.request("GET", "/.well-known/matrix/server");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ "m.server": "matrix.example.org:443" });
  });

  it("answers 404 M_NOT_FOUND for a document with nothing to say", async () => {
    const s = await serve({ clientBaseUrl: null, serverDelegation: null });
    for (const path of ["/.well-known/matrix/client", "/.well-known/matrix/server"]) {
      const res = await s.request("GET", path);
      expect(res.status, path).to.equal(404);
      expect(res.body?.errcode, path).to.equal("M_NOT_FOUND");
    }
  });

  describe("deriveWellKnown", () => {
    it("prefers configured values", () => {
      expect(
        deriveWellKnown({
          serverName: "example.org",
          publicBaseurl: "https://hs.example.org/",
          federationPort: 8448,
          configured: { client: "https://client.example.org/", server: "fed.example.org:443" },
        }),
      ).to.deep.equal({ clientBaseUrl: "https://client.example.org/", serverDelegation: "fed.example.org:443" });
    });

    it("derives the client URL from public_baseurl and the server from the federation port", () => {
      expect(deriveWellKnown({ serverName: "example.org", publicBaseurl: "https://hs.example.org/", federationPort: 8449 })).to.deep.equal({
        clientBaseUrl: "https://hs.example.org/",
        serverDelegation: "example.org:8449",
      });
    });

    it("replaces a port already in the server name", () => {
      expect(deriveWellKnown({ serverName: "example.org:8000", publicBaseurl: null, federationPort: 8448 }).serverDelegation).to.equal(
        "example.org:8448",
      );
      expect(deriveWellKnown({ serverName: "[::1]", publicBaseurl: null, federationPort: 8448 }).serverDelegation).to.equal("[::1]:8448");
      expect(deriveWellKnown({ serverName: "[::1]:80", publicBaseurl: null, federationPort: 8448 }).serverDelegation).to.equal("[::1]:8448");
    });

    it("has no server document without a federation listener", () => {
      expect(deriveWellKnown({ serverName: "example.org", publicBaseurl: null, federationPort: null })).to.deep.equal({
        clientBaseUrl: null,
        serverDelegation: null,
      });
    });
  });
});
