/**
 * Third-party lookups over HTTP, answered by two registered application services (real HTTP
 * servers): forwarding, the hs_token, merging, failure isolation, errors, and matrix-js-sdk.
 * https://spec.matrix.org/v1.19/client-server-api/#third-party-lookups
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { accountsConfig, call, registerUser, type RegisteredUser } from "../../helpers/accounts.js";
import { FakeAppservice, okAnswer as ok } from "../../helpers/fake-appservice.js";
import { startTestHomeserver, type TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { expectError, V3 } from "./rooms-fixture.js";

const SERVER = "tp.test";
const APP = "/_matrix/app/v1/thirdparty";

const registration = (id: string, url: string, protocols: string[]) => `
id: ${id}
url: ${url}
as_token: ${id}-as-token
hs_token: ${id}-hs-token
sender_localpart: _${id}_bot
namespaces:
  users:
    - exclusive: true
      regex: "@_${id}_.*"
protocols: [${protocols.join(", ")}]
`;

const IRC = {
  user_fields: ["network", "nickname"],
  location_fields: ["network", "channel"],
  icon: "mxc://tp.test/irc",
  field_types: {
    network: { regexp: "[a-z.]+", placeholder: "irc.example.org" },
    nickname: { regexp: "[^\\s]+", placeholder: "username" },
    channel: { regexp: "#[^\\s]+", placeholder: "#foobar" },
  },
};
const libera = { alias: "#_irc_libera_matrix:tp.test", protocol: "irc", fields: { network: "libera", channel: "#matrix" } };
const oftc = { alias: "#_irc2_oftc_matrix:tp.test", protocol: "irc", fields: { network: "oftc", channel: "#matrix" } };
const bob = { userid: "@_irc_bob:tp.test", protocol: "irc", fields: { network: "libera", nickname: "bob" } };

for (const engine of testEngines()) {
  describe(`api/client third-party lookups [${engine}]`, function () {
    this.timeout(30_000);
    let hs: TestHomeserver;
    let dir: string;
    let alice: RegisteredUser;
    const irc = new FakeAppservice();
    const irc2 = new FakeAppservice();

    /** A GET with alice's token, another token, or (null) none. */
    const get = (path: string, token: string | null = alice.accessToken) =>
      call(hs, "GET", path.startsWith("/_matrix") ? path : V3 + path, { token: token ?? undefined });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "hearth-thirdparty-"));
      const files = [join(dir, "irc.yaml"), join(dir, "irc2.yaml")];
      writeFileSync(files[0]!, registration("irc", await irc.start(), ["irc"]));
      writeFileSync(files[1]!, registration("irc2", await irc2.start(), ["irc", "gitter"]));
      hs = await startTestHomeserver({
        engine,
        serverName: SERVER,
        configure: (config) => {
          accountsConfig(config);
          config.appservice.config_files = files;
          // Short enough that the test of an appservice that never answers ends well within its
          // own timeout (the default, 10 s, would not); no protocol cache, so that each test sees
          // its own answers (and the first test sees every request reach the appservices).
          config.appservice.third_party_lookup_timeout_ms = 300;
          config.appservice.third_party_protocol_cache_ms = 0;
        },
      });
      alice = await registerUser(hs, "alice");
    });
    after(async () => {
      await hs.stop();
      await irc.stop();
      await irc2.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
      irc.reset();
      irc2.reset();
    });

    it("lists the protocols, with instances merged across appservices and given instance_ids (v3 and r0)", async () => {
      irc.routes.set(`${APP}/protocol/irc`, ok({ ...IRC, instances: [{ desc: "Libera", network_id: "libera", fields: { network: "libera.chat" } }] }));
      irc2.routes.set(`${APP}/protocol/irc`, ok({ ...IRC, instances: [{ desc: "OFTC", network_id: "oftc", fields: { network: "irc.oftc.net" } }] }));
      const expected = {
        irc: {
          ...IRC,
          instances: [
            { desc: "Libera", network_id: "libera", fields: { network: "libera.chat" }, instance_id: "irc|libera" },
            { desc: "OFTC", network_id: "oftc", fields: { network: "irc.oftc.net" }, instance_id: "irc2|oftc" },
          ],
        },
      };
      for (const path of ["/_matrix/client/v3/thirdparty/protocols", "/_matrix/client/r0/thirdparty/protocols"]) {
        const res = await get(path);
        expect([res.status, res.body]).to.deep.equal([200, expected]);
      }
      expect(irc.seen.map((s) => s.authorization)).to.deep.equal(["Bearer irc-hs-token", "Bearer irc-hs-token"]);
      expect(irc2.seen.filter((s) => s.url.startsWith(APP)).map((s) => s.url).sort()).to.deep.equal([
        `${APP}/protocol/gitter`,
        `${APP}/protocol/gitter`,
        `${APP}/protocol/irc`,
        `${APP}/protocol/irc`,
      ]);
    });

    it("leaves out an appservice that does not answer within appservice.third_party_lookup_timeout_ms", async function () {
      this.timeout(5_000);
      irc.routes.set(`${APP}/protocol/irc`, "hang");
      irc2.routes.set(`${APP}/protocol/irc`, ok({ ...IRC, instances: [{ desc: "OFTC", network_id: "oftc", fields: {} }] }));
      const res = await get("/thirdparty/protocol/irc");
      expect([res.status, res.body]).to.deep.equal([200, { ...IRC, instances: [{ desc: "OFTC", network_id: "oftc", fields: {}, instance_id: "irc2|oftc" }] }]);
    });

    it("gives one protocol, and 404 M_NOT_FOUND for an unknown one", async () => {
      irc2.routes.set(`${APP}/protocol/gitter`, ok({ ...IRC, instances: [] }));
      const res = await get("/thirdparty/protocol/gitter");
      expect([res.status, res.body]).to.deep.equal([200, { ...IRC, instances: [] }]);
      expectError(await get("/thirdparty/protocol/xmpp"), 404, "M_NOT_FOUND");
      expectError(await get("/thirdparty/location/xmpp"), 404, "M_NOT_FOUND");
      expectError(await get("/thirdparty/user/xmpp?nickname=bob"), 404, "M_NOT_FOUND");
    });

    it("forwards the query as fields (not the access_token) and merges the locations of both appservices", async () => {
      const asked = `${APP}/location/irc?network=libera&channel=%23matrix`;
      irc.routes.set(asked, ok([libera]));
      irc2.routes.set(asked, ok([oftc]));
      const res = await get(`/thirdparty/location/irc?network=libera&channel=%23matrix&access_token=${alice.accessToken}`, null);
      expect([res.status, res.body]).to.deep.equal([200, [libera, oftc]]);
      expect(irc.seen).to.deep.equal([{ method: "GET", url: asked, authorization: "Bearer irc-hs-token" }]);
      expect(irc2.seen).to.deep.equal([{ method: "GET", url: asked, authorization: "Bearer irc2-hs-token" }]);
    });

    it("answers with the other appservice's users when one fails", async () => {
      irc.routes.set(`${APP}/user/irc?nickname=bob`, ok([bob]));
      irc2.routes.set(`${APP}/user/irc?nickname=bob`, { status: 500, body: { errcode: "M_UNKNOWN" } });
      const res = await get("/thirdparty/user/irc?nickname=bob");
      expect([res.status, res.body]).to.deep.equal([200, [bob]]);
    });

    it("keeps an appservice's identity assertion (user_id) out of the fields", async () => {
      irc.routes.set(`${APP}/user/irc?nickname=bob`, ok([bob]));
      const res = await get(`/thirdparty/user/irc?nickname=bob&user_id=${encodeURIComponent("@_irc_bot:tp.test")}`, "irc-as-token");
      expect([res.status, res.body]).to.deep.equal([200, [bob]]);
      expect(irc.seen.map((s) => s.url)).to.deep.equal([`${APP}/user/irc?nickname=bob`]);
    });

    it("reverse-looks up a room alias and a user ID at every appservice", async () => {
      const byAlias = `${APP}/location?alias=${encodeURIComponent(libera.alias)}`;
      irc.routes.set(byAlias, ok([libera]));
      irc2.routes.set(byAlias, ok([]));
      const locations = await get(`/thirdparty/location?alias=${encodeURIComponent(libera.alias)}`);
      expect([locations.status, locations.body]).to.deep.equal([200, [libera]]);
      expect(irc2.seen.map((s) => s.url)).to.deep.equal([byAlias]);

      irc.routes.set(`${APP}/user?userid=${encodeURIComponent(bob.userid)}`, ok([bob]));
      const users = await get(`/_matrix/client/r0/thirdparty/user?userid=${encodeURIComponent(bob.userid)}`);
      expect([users.status, users.body]).to.deep.equal([200, [bob]]);
    });

    it("is 400 M_MISSING_PARAM without alias or userid, and 401 without an access token", async () => {
      expectError(await get("/thirdparty/location"), 400, "M_MISSING_PARAM");
      expectError(await get("/thirdparty/user?nickname=bob"), 400, "M_MISSING_PARAM");
      expectError(await get("/thirdparty/location?alias=a&alias=b"), 400, "M_INVALID_PARAM");
      expectError(await get("/thirdparty/protocols", null), 401, "M_MISSING_TOKEN");
      expect([...irc.seen, ...irc2.seen]).to.deep.equal([]);
    });

    it("works through matrix-js-sdk's getThirdpartyProtocols and getThirdpartyLocation", async () => {
      sdkLogger.setLevel("silent");
      irc.routes.set(`${APP}/protocol/irc`, ok({ ...IRC, instances: [] }));
      irc.routes.set(`${APP}/location/irc?network=libera&channel=%23matrix`, ok([libera]));
      const client = createClient({ baseUrl: hs.baseUrl, userId: alice.userId, deviceId: alice.deviceId, accessToken: alice.accessToken });
      try {
        expect(await client.getThirdpartyProtocols()).to.deep.equal({ irc: { ...IRC, instances: [] } });
        // The js-sdk types `params` as `{ searchFields?: string[] }`, but sends it as the query
        // string, which is where the spec puts a location's fields (Element passes them so).
        const fields = { network: "libera", channel: "#matrix" } as unknown as Parameters<typeof client.getThirdpartyLocation>[1];
        expect(await client.getThirdpartyLocation("irc", fields)).to.deep.equal([libera]);
      } finally {
        client.stopClient();
      }
    });
  });
}
