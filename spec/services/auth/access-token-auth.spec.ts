import { expect } from "chai";
import { AccessTokenAuth } from "../../../src/services/auth/access-token-auth.js";
import type { AccessTokenInfo } from "../../../src/storage/stores/access-tokens-store.js";
import { matrixFailure } from "../../helpers/matrix-failure.js";

function store(rows: Record<string, AccessTokenInfo>) {
  return { selectAccessToken: async (token: string) => rows[token] ?? null };
}
const base: AccessTokenInfo = { tokenId: 1, userId: "@a:x", deviceId: "DEV", validUntilMs: null, refreshTokenId: null, isGuest: false, deactivated: false };


describe("AccessTokenAuth", () => {
  it("maps a token to its requester", async () => {
    const auth = new AccessTokenAuth({ tokens: store({ tok: base }) });
    expect(await auth.authenticate("tok")).to.deep.equal({ userId: "@a:x", deviceId: "DEV", isGuest: false, appserviceId: null });
  });
  it("refuses unknown tokens and deactivated users with M_UNKNOWN_TOKEN", async () => {
    const auth = new AccessTokenAuth({ tokens: store({ gone: { ...base, deactivated: true } }) });
    for (const t of ["nope", "gone"]) {
      const err = await matrixFailure(auth.authenticate(t));
      expect(err.status).to.equal(401);
      expect(err.toJSON()).to.include({ errcode: "M_UNKNOWN_TOKEN", soft_logout: false });
    }
  });
  it("marks expired refreshable tokens as soft logout", async () => {
    const auth = new AccessTokenAuth({ tokens: store({ old: { ...base, validUntilMs: 1000 } }), now: () => 1000 });
    expect((await matrixFailure(auth.authenticate("old"))).toJSON()).to.include({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });
    const fresh = new AccessTokenAuth({ tokens: store({ old: { ...base, validUntilMs: 1001 } }), now: () => 1000 });
    expect((await fresh.authenticate("old")).userId).to.equal("@a:x");
  });

  it("revokes the replaced refresh token at the first use of a refreshed token, once per process", async () => {
    const confirmed: Array<[string, string, number]> = [];
    const auth = new AccessTokenAuth({
      tokens: store({ fresh: { ...base, refreshTokenId: 7, validUntilMs: 5000 }, plain: base }),
      confirmRefresh: async (userId, deviceId, id) => void confirmed.push([userId, deviceId, id]),
      now: () => 1000,
    });
    await auth.authenticate("fresh");
    await auth.authenticate("fresh");
    await auth.authenticate("plain");
    expect(confirmed).to.deep.equal([["@a:x", "DEV", 7]]);
  });

  it("notes the device's activity with the client address, but not for device-less tokens", async () => {
    const noted: Array<[string, string, string | null]> = [];
    const auth = new AccessTokenAuth({
      tokens: store({ dev: base, appservice: { ...base, deviceId: null } }),
      noteActivity: (userId, deviceId, ip) => void noted.push([userId, deviceId, ip]),
    });
    await auth.authenticate("dev", "10.0.0.1");
    await auth.authenticate("appservice", "10.0.0.2");
    expect(noted).to.deep.equal([["@a:x", "DEV", "10.0.0.1"]]);
  });

  it("never notes activity or confirms refreshes for refused tokens", async () => {
    let calls = 0;
    const auth = new AccessTokenAuth({
      tokens: store({ old: { ...base, validUntilMs: 1, refreshTokenId: 3 } }),
      confirmRefresh: async () => void calls++,
      noteActivity: () => void calls++,
      now: () => 1000,
    });
    await matrixFailure(auth.authenticate("old"));
    expect(calls).to.equal(0);
  });
});
