import { expect } from "chai";
import { keyRoutes } from "../../../src/api/key/index.js";
import { SigningKey } from "../../../src/crypto/signing-key.js";
import { startTestHttp } from "../../helpers/test-http.js";

describe("api/key/index", () => {
  it("keyRoutes serves the key server", async () => {
    const key = SigningKey.generate();
    const server = await startTestHttp({
      routes: keyRoutes({ serverKeys: { serverName: "k.example", signingKeys: [key], oldVerifyKeys: async () => [], validityPeriodMs: 3600_000 } }),
    });
    try {
      const res = await server.request("GET", "/_matrix/key/v2/server");
      expect(res.status).to.equal(200);
      expect(res.body?.verify_keys).to.deep.equal({ [key.keyId]: { key: key.publicKeyBase64 } });
    } finally {
      await server.close();
    }
  });
});
