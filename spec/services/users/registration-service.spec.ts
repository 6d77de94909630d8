import { expect } from "chai";
import type { IssuedSession, NewSession } from "../../../src/services/auth/session-service.js";
import { RegistrationService, type RegistrationServiceDeps } from "../../../src/services/users/registration-service.js";
import type { NewAccount } from "../../../src/services/users/user-service.js";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { AppserviceRegistry } from "../../../src/services/appservices/appservice-registry.js";
import { ns, testAppservice } from "../appservices/appservice-fixture.js";

/** Only the collaborators' behaviour that registration decides on; HTTP tests cover the real ones. */
function deps(overrides: Partial<RegistrationServiceDeps> = {}) {
  const created: NewAccount[] = [];
  const issued: NewSession[] = [];
  const finished: string[] = [];
  let collisions = 0;
  const d: RegistrationServiceDeps = {
    serverName: "hs.test",
    settings: { enabled: true, requireToken: false, allowGuests: true },
    users: {
      checkLocalpart: (localpart) => {
        if (!/^[a-z0-9]+$/.test(localpart)) throw new MatrixError(400, ErrCode.InvalidUsername, "bad");
      },
      getUser: async (name) => (name === "taken" ? ({ userId: "@taken:hs.test" } as never) : null),
      createUserWith: async (account, then) => {
        if (collisions-- > 0) throw new MatrixError(400, ErrCode.UserInUse, "taken");
        created.push(account);
        const userId = `@${account.localpart}:hs.test`;
        return { userId, result: await then(undefined as never, userId) };
      },
      upgradeGuest: async (userId, _password, then) => then(undefined as never, userId),
    },
    sessions: {
      issueSession: async (_tx, session): Promise<IssuedSession> => {
        issued.push(session);
        return { userId: session.userId, deviceId: session.deviceId ?? "GEN", accessToken: "t", refreshToken: null, expiresInMs: null };
      },
    },
    uia: { authenticate: async () => ({ sessionId: "s", userId: null, registrationToken: null }), finish: async (_tx, c) => void finished.push(c.sessionId) },
    tokens: { isTokenValid: async (token) => token === "good" },
    authenticate: async (token) => ({ userId: "@guest1:hs.test", deviceId: "G", isGuest: token === "guest", appserviceId: null }),
    ...overrides,
  };
  return { d, created, issued, finished, collide: (n: number) => void (collisions = n) };
}

describe("RegistrationService", () => {
  it("tries another generated localpart when the one drawn is taken", async () => {
    const t = deps();
    t.collide(2);
    const registered = await new RegistrationService(t.d).register({ auth: {}, password: "pw", ip: null });
    expect(registered.userId).to.match(/^@[a-z0-9]{12}:hs\.test$/);
    expect(t.created).to.have.length(1);
    expect(t.finished).to.deep.equal(["s"]);
  });

  it("draws another generated localpart when the one drawn is in an appservice's exclusive namespace", async () => {
    let reserved = 2;
    const checked: string[] = [];
    const t = deps({
      appservices: {
        findByToken: () => null,
        checkUserNamespace: (userId) => {
          checked.push(userId);
          if (reserved-- > 0) throw new MatrixError(400, ErrCode.Exclusive, "reserved");
        },
      },
    });
    const registered = await new RegistrationService(t.d).register({ auth: {}, password: "pw", ip: null });
    expect(checked).to.have.length(3);
    expect(registered.userId).to.equal(checked[2]);
    expect(t.created).to.have.length(1);
  });

  it("gives up after five taken localparts with M_USER_IN_USE", async () => {
    const t = deps();
    t.collide(5);
    const err = await new RegistrationService(t.d).register({ auth: {}, password: "pw", ip: null }).catch((e: unknown) => e);
    expect((err as MatrixError).errcode).to.equal("M_USER_IN_USE");
  });

  it("checks the username before UIA runs", async () => {
    let asked = false;
    const t = deps({ uia: { authenticate: async () => ((asked = true), { sessionId: "s", userId: null, registrationToken: null }), finish: async () => undefined } });
    const service = new RegistrationService(t.d);
    for (const username of ["taken", "Bad!"]) {
      const err = await service.register({ auth: undefined, username, password: "pw", ip: null }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MatrixError);
    }
    expect(asked).to.equal(false);
  });

  it("gives the device, display name and refreshability asked for, and no session with inhibit_login", async () => {
    const t = deps();
    const service = new RegistrationService(t.d);
    await service.register({ auth: {}, username: "Neo", password: "pw", deviceId: "D", initialDeviceDisplayName: "N", refreshToken: true, ip: "1.2.3.4" });
    expect(t.created[0]).to.include({ localpart: "neo", displayname: "neo" });
    expect(t.issued).to.deep.equal([{ userId: "@neo:hs.test", deviceId: "D", initialDeviceDisplayName: "N", refreshable: true, ip: "1.2.3.4" }]);
    expect((await service.register({ auth: {}, username: "trin", password: "pw", inhibitLogin: true, ip: null })).session).to.equal(null);
    expect(t.finished).to.deep.equal(["s", "s"]);
  });

  it("registers guests without a password or a display name, on a generated device that does not refresh", async () => {
    const t = deps();
    const registered = await new RegistrationService(t.d).registerGuest("tab", null);
    expect(t.created[0]).to.include({ password: null, guest: true, displayname: null });
    expect(t.issued[0]).to.deep.include({ deviceId: null, initialDeviceDisplayName: "tab", refreshable: false });
    expect(registered.session?.deviceId).to.equal("GEN");
  });

  it("registers appservice users, passwordless and without UIA, even with registration disabled", async () => {
    let uiaAsked = false;
    const registry = new AppserviceRegistry([testAppservice({ id: "irc", namespaces: { users: [ns(true, "@irc")] } })]);
    const t = deps({
      appservices: registry,
      uia: { authenticate: async () => ((uiaAsked = true), { sessionId: "s", userId: null, registrationToken: null }), finish: async () => undefined },
    });
    t.d.settings = { enabled: false, requireToken: true, allowGuests: false };
    const registered = await new RegistrationService(t.d).registerAppservice({ accessToken: "irc-as-token", username: "IRCNeo", deviceId: "D", ip: null });
    expect(registered.userId).to.equal("@ircneo:hs.test");
    expect(t.created).to.deep.equal([{ localpart: "ircneo", password: null, displayname: "ircneo" }]);
    expect(t.issued[0]).to.deep.include({ userId: "@ircneo:hs.test", deviceId: "D" });
    expect(uiaAsked).to.equal(false);
  });

  it("wants a username from an appservice (400 M_MISSING_PARAM)", async () => {
    const registry = new AppserviceRegistry([testAppservice({ id: "irc", namespaces: { users: [ns(true, "@irc")] } })]);
    const err = await new RegistrationService(deps({ appservices: registry }).d).registerAppservice({ accessToken: "irc-as-token", ip: null }).catch((e: unknown) => e);
    expect([(err as MatrixError).status, (err as MatrixError).errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
  });

  it("answers token validity only while registration is enabled", async () => {
    expect(await new RegistrationService(deps().d).isTokenValid("good")).to.equal(true);
    const closed = deps();
    closed.d.settings = { enabled: false, requireToken: false, allowGuests: false };
    const err = await new RegistrationService(closed.d).isTokenValid("good").catch((e: unknown) => e);
    expect((err as MatrixError).errcode).to.equal("M_FORBIDDEN");
  });
});
