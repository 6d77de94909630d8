import { expect } from "chai";
import { createHmac } from "node:crypto";
import { startTestHomeserver, type TestHomeserver } from "../../helpers/test-homeserver.js";
import { V3, createTestUser, openRegistration, request, type TestUser } from "./user-data-fixture.js";

describe("client API: GET /voip/turnServer", () => {
  describe("with a shared secret configured", () => {
    let hs: TestHomeserver;
    let alice: TestUser;
    before(async () => {
      hs = await startTestHomeserver({
        serverName: "hearth.test",
        configure: (config) => {
          openRegistration(config);
          config.voip = { turn_uris: ["turn:turn.hearth.test:3478?transport=udp"], turn_shared_secret: "coturn-secret", turn_user_lifetime_ms: 3_600_000 };
        },
      });
      alice = await createTestUser(hs, "alice");
    });
    after(() => hs.stop());

    it("hands out credentials a coturn with the same secret accepts", async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await alice.request("GET", `${V3}/voip/turnServer`);
      expect(res.status).to.equal(200);
      const { username, password, uris, ttl } = res.body as { username: string; password: string; uris: string[]; ttl: number };
      const [expiry, userId] = [Number(username.split(":")[0]), username.slice(username.indexOf(":") + 1)];
      expect(userId).to.equal(alice.userId);
      expect(expiry).to.be.within(before + 3600, before + 3602);
      expect(password).to.equal(createHmac("sha1", "coturn-secret").update(username).digest("base64"));
      expect(uris).to.deep.equal(["turn:turn.hearth.test:3478?transport=udp"]);
      expect(ttl).to.equal(3600);
    });

    it("requires an access token", async () => {
      expect((await request(hs, "GET", `${V3}/voip/turnServer`)).body.errcode).to.equal("M_MISSING_TOKEN");
    });
  });

  describe("with nothing configured", () => {
    let hs: TestHomeserver;
    before(async () => {
      hs = await startTestHomeserver({ serverName: "hearth.test", configure: openRegistration });
    });
    after(() => hs.stop());

    it("answers {}", async () => {
      const alice = await createTestUser(hs, "alice");
      expect(await alice.request("GET", `/_matrix/client/r0/voip/turnServer`)).to.deep.equal({ status: 200, body: {} });
    });
  });
});
