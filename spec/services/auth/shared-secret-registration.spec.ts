import { createHmac } from "node:crypto";
import { expect } from "chai";
import { NONCE_LIFETIME_MS, SharedSecretRegistration } from "../../../src/services/auth/shared-secret-registration.js";
import type { IssuedSession } from "../../../src/services/auth/session-service.js";
import type { NewAccount } from "../../../src/services/users/user-service.js";
import { MatrixError } from "../../../src/matrix/errors.js";

async function errorOf(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return [err.status, err.errcode];
    throw err;
  }
  throw new Error("expected an error");
}

describe("SharedSecretRegistration", () => {
  let now: number;
  let created: NewAccount[];
  let registration: SharedSecretRegistration;

  beforeEach(() => {
    now = 0;
    created = [];
    registration = new SharedSecretRegistration({
      sharedSecret: "secret",
      users: {
        createUserWith: async <T>(account: NewAccount, then: (tx: never, userId: string) => Promise<T>) => {
          created.push(account);
          const userId = `@${account.localpart}:hs.test`;
          return { userId, result: await then(undefined as never, userId) };
        },
      },
      sessions: { issueSession: async (_tx, s): Promise<IssuedSession> => ({ userId: s.userId, deviceId: "DEV", accessToken: "tok", refreshToken: null, expiresInMs: null }) },
      now: () => now,
    });
  });

  const mac = (nonce: string, parts: string[]) => createHmac("sha1", "secret").update([nonce, ...parts].join("\0")).digest("hex");
  const request = (nonce: string, extra: Partial<Parameters<SharedSecretRegistration["register"]>[0]> = {}) => ({
    nonce,
    username: "Alice",
    password: "pw",
    admin: false,
    mac: mac(nonce, ["Alice", "pw", "notadmin"]),
    ip: null,
    ...extra,
  });

  it("registers the lower-cased user named by a correctly MACed request, the display name defaulting to the localpart", async () => {
    const nonce = registration.newNonce();
    const session = await registration.register(request(nonce));
    expect(session.userId).to.equal("@alice:hs.test");
    expect(created).to.deep.equal([{ localpart: "alice", password: "pw", admin: false, displayname: "alice" }]);
  });

  it("a nonce works once, and only within its lifetime", async () => {
    const nonce = registration.newNonce();
    await registration.register(request(nonce));
    expect(await errorOf(registration.register(request(nonce)))).to.deep.equal([400, "M_UNKNOWN"]);
    const late = registration.newNonce();
    now += NONCE_LIFETIME_MS;
    expect(await errorOf(registration.register(request(late)))).to.deep.equal([400, "M_UNKNOWN"]);
    expect(created).to.have.length(1);
  });

  it("a wrong MAC is 403 M_FORBIDDEN and still uses the nonce up", async () => {
    const nonce = registration.newNonce();
    expect(await errorOf(registration.register(request(nonce, { admin: true })))).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(await errorOf(registration.register(request(nonce)))).to.deep.equal([400, "M_UNKNOWN"]);
  });

  it("includes user_type in the MAC when given, and refuses NUL characters", async () => {
    const nonce = registration.newNonce();
    await registration.register(request(nonce, { userType: "bot", mac: mac(nonce, ["Alice", "pw", "notadmin", "bot"]) }));
    const other = registration.newNonce();
    expect(await errorOf(registration.register(request(other, { password: "p\0w" })))).to.deep.equal([400, "M_INVALID_PARAM"]);
  });

  it("without a shared secret neither hands out nonces nor registers (400)", async () => {
    const closed = new SharedSecretRegistration({ sharedSecret: null, users: { createUserWith: async () => Promise.reject(new Error("unused")) }, sessions: { issueSession: async () => Promise.reject(new Error("unused")) } });
    expect(() => closed.newNonce()).to.throw(MatrixError);
    expect(await errorOf(closed.register(request("n")))).to.deep.equal([400, "M_UNKNOWN"]);
  });
});
