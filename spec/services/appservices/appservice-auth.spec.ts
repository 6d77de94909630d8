import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import { AppserviceAuth, identityAssertionOf } from "../../../src/services/appservices/appservice-auth.js";
import { AppserviceRegistry } from "../../../src/services/appservices/appservice-registry.js";
import { ns, testAppservice } from "./appservice-fixture.js";

describe("AppserviceAuth", () => {
  const irc = testAppservice({ id: "irc", namespaces: { users: [ns(true, "@_irc_.*")] } });
  let userLookups: string[];
  let auth: AppserviceAuth;
  beforeEach(() => {
    userLookups = [];
    const users = new Set(["@_irc_alice:hs.test", "@_irc_bot:hs.test", "@bob:hs.test"]);
    const devices = new Set(["@_irc_alice:hs.test/PHONE", "@_irc_bot:hs.test/BOTDEV"]);
    auth = new AppserviceAuth({
      registry: new AppserviceRegistry([irc]),
      userExists: async (userId) => {
        userLookups.push(userId);
        return users.has(userId);
      },
      hasDevice: async (userId, deviceId) => devices.has(`${userId}/${deviceId}`),
    });
  });

  async function refusal(token: string, userId: string | null, deviceId: string | null = null): Promise<[number, string]> {
    const err = await auth.authenticate(token, { userId, deviceId }).catch((e: unknown) => e);
    if (!(err instanceof MatrixError)) throw new Error(`expected a refusal, got ${JSON.stringify(err)}`);
    return [err.status, err.errcode];
  }

  it("tells appservice tokens from others", () => {
    expect(auth.isAppserviceToken("irc-as-token")).to.equal(true);
    expect(auth.isAppserviceToken("irc-hs-token")).to.equal(false);
  });

  it("acts as the sender without user_id, with no device", async () => {
    expect(await auth.authenticate("irc-as-token", { userId: null, deviceId: null })).to.deep.equal({
      userId: "@_irc_bot:hs.test",
      deviceId: null,
      isGuest: false,
      appserviceId: "irc",
    });
  });

  it("acts as a registered user of its namespace named by user_id", async () => {
    const requester = await auth.authenticate("irc-as-token", { userId: "@_irc_alice:hs.test", deviceId: null });
    expect(requester).to.deep.equal({ userId: "@_irc_alice:hs.test", deviceId: null, isGuest: false, appserviceId: "irc" });
  });

  it("refuses a user outside its namespace, even a registered one, with 403 M_FORBIDDEN", async () => {
    expect(await refusal("irc-as-token", "@bob:hs.test")).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(await refusal("irc-as-token", "@_irc_alice:other.test")).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(await refusal("irc-as-token", "")).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("refuses a user of its namespace that has not been registered with 403 M_FORBIDDEN", async () => {
    expect(await refusal("irc-as-token", "@_irc_nobody:hs.test")).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("masquerades as a device of the user, and refuses an unknown one with 400 M_UNKNOWN_DEVICE", async () => {
    expect((await auth.authenticate("irc-as-token", { userId: "@_irc_alice:hs.test", deviceId: "PHONE" })).deviceId).to.equal("PHONE");
    expect((await auth.authenticate("irc-as-token", { userId: null, deviceId: "BOTDEV" })).deviceId).to.equal("BOTDEV");
    expect(await refusal("irc-as-token", "@_irc_alice:hs.test", "BOTDEV")).to.deep.equal([400, "M_UNKNOWN_DEVICE"]);
    expect(await refusal("irc-as-token", null, "PHONE")).to.deep.equal([400, "M_UNKNOWN_DEVICE"]);
  });

  it("looks a registered user up once", async () => {
    await auth.authenticate("irc-as-token", { userId: "@_irc_alice:hs.test", deviceId: null });
    await auth.authenticate("irc-as-token", { userId: "@_irc_alice:hs.test", deviceId: null });
    await refusal("irc-as-token", "@_irc_nobody:hs.test");
    await refusal("irc-as-token", "@_irc_nobody:hs.test");
    expect(userLookups).to.deep.equal(["@_irc_alice:hs.test", "@_irc_nobody:hs.test", "@_irc_nobody:hs.test"]);
  });

  it("refuses a token that is no appservice's with 401 M_UNKNOWN_TOKEN", async () => {
    expect(await refusal("user-token", null)).to.deep.equal([401, "M_UNKNOWN_TOKEN"]);
  });
});

describe("identityAssertionOf", () => {
  it("reads user_id and device_id from the request target, decoded", () => {
    expect(identityAssertionOf("/_matrix/client/v3/account/whoami?user_id=%40_irc_a%3Ahs.test&device_id=ABC")).to.deep.equal({
      userId: "@_irc_a:hs.test",
      deviceId: "ABC",
    });
    expect(identityAssertionOf("/_matrix/client/v3/account/whoami?access_token=x")).to.deep.equal({ userId: null, deviceId: null });
    expect(identityAssertionOf("/_matrix/client/v3/account/whoami")).to.deep.equal({ userId: null, deviceId: null });
    expect(identityAssertionOf("/x?user_id=@a:b&user_id=@c:d").userId).to.equal("@a:b");
  });
});
