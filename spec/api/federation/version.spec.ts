import { expect } from "chai";
import { readFileSync } from "node:fs";
import { handleGetFederationVersion } from "../../../src/api/federation/version.js";
import { getFederationVersion } from "../../../src/matrix/endpoints/federation/version.js";
import { route } from "../../../src/http/route.js";
import { startTestHttp } from "../../helpers/test-http.js";

describe("api/federation/version", () => {
  it("GET /_matrix/federation/v1/version names Hearth and the package version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    const server = await startTestHttp({ routes: [route(getFederationVersion, handleGetFederationVersion())] });
    try {
      const res = await server.request("GET", "/_matrix/federation/v1/version");
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ server: { name: "Hearth", version } });
    } finally {
      await server.close();
    }
  });
});
