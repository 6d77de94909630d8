import { expect } from "chai";
import { federationRoutes } from "../../../src/api/federation/index.js";
import { startTestHttp } from "../../helpers/test-http.js";

describe("api/federation/index", () => {
  it("federationRoutes serves the version and the server well-known document", async () => {
    const server = await startTestHttp({ routes: federationRoutes({ wellKnown: { serverDelegation: "fed.example:443" }, openId: { userOf: async () => "@nobody:fed.example" } }) });
    try {
      const version = await server.request("GET", "/_matrix/federation/v1/version");
      expect((version.body?.server as { name: string }).name).to.equal("Hearth");
      expect((await server.request("GET", "/.well-known/matrix/server")).body).to.deep.equal({ "m.server": "fed.example:443" });
    } finally {
      await server.close();
    }
  });
});
