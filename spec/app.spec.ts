import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { openCliServices } from "../src/app.js";
import { canonicalJson } from "../src/crypto/canonical-json.js";
import { decodeBase64 } from "../src/crypto/base64.js";
import { generateConfig } from "../src/config/generate-config.js";
import { loadConfig } from "../src/config/load-config.js";
import { startTestHomeserver, type TestHomeserver } from "./helpers/test-homeserver.js";
import { testEngines } from "./helpers/with-all-databases.js";

for (const engine of testEngines()) {
  describe(`app: a running homeserver [${engine}]`, () => {
    let hs: TestHomeserver;
    before(async () => {
      hs = await startTestHomeserver({ engine, serverName: "hearth.test" });
    });
    after(async () => {
      await hs.stop();
    });

    it("answers /_matrix/client/versions", async () => {
      const res = await fetch(`${hs.baseUrl}/_matrix/client/versions`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { versions: string[]; unstable_features: Record<string, boolean> };
      expect(body.versions).to.include.members(["r0.6.1", "v1.1", "v1.19"]);
      expect(body.unstable_features["org.hearth.stream"]).to.equal(true);
    });

    it("serves self-signed server keys that verify independently (tweetnacl over our canonical JSON)", async () => {
      const res = await fetch(`${hs.baseUrl}/_matrix/key/v2/server`);
      const body = (await res.json()) as {
        server_name: string;
        verify_keys: Record<string, { key: string }>;
        signatures: Record<string, Record<string, string>>;
        valid_until_ts: number;
      };
      expect(body.server_name).to.equal("hearth.test");
      const [keyId, { key }] = Object.entries(body.verify_keys)[0]!;
      expect(keyId).to.equal(hs.homeserver.signingKeys[0]!.keyId);
      const { signatures, ...unsigned } = body;
      const sig = signatures["hearth.test"]![keyId]!;
      const ok = nacl.sign.detached.verify(Buffer.from(canonicalJson(unsigned)), decodeBase64(sig), decodeBase64(key));
      expect(ok).to.equal(true);
      expect(body.valid_until_ts).to.be.greaterThan(Date.now());
    });

    it("answers unknown endpoints with M_UNRECOGNIZED", async () => {
      const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/nonexistent`);
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { errcode: string }).errcode).to.equal("M_UNRECOGNIZED");
    });
  });
}

describe("app: openCliServices (hearth migrate / user)", () => {
  it("migrates, then creates, lists, deactivates users and resets passwords", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-cli-app-"));
    const configPath = join(dir, "config.yaml");
    generateConfig({ serverName: "cli.test", outPath: configPath, dataDir: join(dir, "data") });
    const services = await openCliServices(loadConfig(configPath));
    try {
      expect((await services.migrate()).length).to.be.greaterThan(0);
      expect(await services.migrate()).to.deep.equal([]);
      expect(await services.addUser("alice", "pw", true)).to.equal("@alice:cli.test");
      await services.addUser("bob", null, false);
      let error: unknown = null;
      await services.addUser("alice", "pw", false).catch((err: unknown) => (error = err));
      expect(String(error)).to.match(/already taken/);
      await services.deactivateUser("@bob:cli.test");
      await services.resetPassword("alice", "new");
      expect(await services.listUsers()).to.deep.equal([
        { userId: "@alice:cli.test", admin: true, deactivated: false },
        { userId: "@bob:cli.test", admin: false, deactivated: true },
      ]);
      error = null;
      await services.resetPassword("@carol:other.server", "x").catch((err: unknown) => (error = err));
      expect(String(error)).to.match(/not a user of this server/);
    } finally {
      await services.close();
    }
  });
});
