import { expect } from "chai";
import { clientRoutes } from "../../../src/api/client/index.js";
import { startTestHttp } from "../../helpers/test-http.js";

describe("api/client/index", () => {
  it("clientRoutes serves /versions and the client well-known document", async () => {
    const server = await startTestHttp({
      routes: clientRoutes({ versions: { versions: ["v1.11"], unstableFeatures: {} }, wellKnown: { clientBaseUrl: "https://hs.example/" } }),
    });
    try {
      expect((await server.request("GET", "/_matrix/client/versions")).body).to.deep.equal({ versions: ["v1.11"], unstable_features: {} });
      expect((await server.request("GET", "/.well-known/matrix/client")).body).to.deep.equal({ "m.homeserver": { base_url: "https://hs.example/" } });
    } finally {
      await server.close();
    }
  });
});
