import { expect } from "chai";
import type { Requester } from "../../../src/matrix/endpoints/types.js";
import { LOGIN_TOKEN_LIFETIME_MS, LoginTokenService } from "../../../src/services/auth/login-token-service.js";
import { UiaResponseError } from "../../../src/services/auth/uia-response-error.js";
import { UiaService } from "../../../src/services/auth/uiaa.js";
import { LoginTokensStore } from "../../../src/storage/stores/login-tokens-store.js";
import { RegistrationTokensStore } from "../../../src/storage/stores/registration-tokens-store.js";
import { UiAuthSessionsStore } from "../../../src/storage/stores/ui-auth-sessions-store.js";
import type { UserRow } from "../../../src/storage/stores/users-store.js";
import { matrixFailure } from "../../helpers/matrix-failure.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ALICE = "@alice:hs.test";
const alice: Requester = { userId: ALICE, deviceId: "DEV", isGuest: false, appserviceId: null };

function passwordAuth(session: unknown, password = "right"): Record<string, unknown> {
  return { type: "m.login.password", session, identifier: { type: "m.id.user", user: "alice" }, password };
}

withAllDatabases("LoginTokenService", (getDb) => {
  let now: number;
  let store: LoginTokensStore;
  let service: LoginTokenService;

  function build(): LoginTokenService {
    const user: UserRow = { userId: ALICE, localpart: "alice", passwordHash: "h", isAdmin: false, isGuest: false, deactivated: false, createdTs: 0, displayname: null, avatarUrl: null };
    const uia = new UiaService({
      db: getDb(),
      serverName: "hs.test",
      sessions: new UiAuthSessionsStore(getDb()),
      registrationTokens: new RegistrationTokensStore(getDb()),
      users: { checkPassword: async (userId, password) => (userId === ALICE && password === "right" ? user : null) },
      now: () => now,
    });
    return new LoginTokenService({ db: getDb(), tokens: store, uia, now: () => now });
  }

  beforeEach(() => {
    now = 1_000_000;
    store = new LoginTokensStore(getDb());
    service = build();
  });

  /** The UIA session of a first attempt without auth. */
  async function startSession(): Promise<string> {
    const err = await matrixFailure(service.issueLoginToken(alice, undefined));
    expect(err).to.be.instanceOf(UiaResponseError);
    const body = err.toJSON();
    expect(body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
    return body.session as string;
  }

  it("asks for the password first, then issues a token valid for two minutes that logs in its user once", async () => {
    const session = await startSession();
    const issued = await service.issueLoginToken(alice, passwordAuth(session));
    expect(issued.expiresInMs).to.equal(LOGIN_TOKEN_LIFETIME_MS).and.equal(120_000);
    expect(issued.token).to.match(/^hlt_/);
    expect(await service.redeemLoginToken(issued.token)).to.equal(ALICE);
    const again = await matrixFailure(service.redeemLoginToken(issued.token));
    expect([again.status, again.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("re-prompts every time: a wrong password is the 401 again, and a used session cannot issue a second token", async () => {
    const session = await startSession();
    const wrong = await matrixFailure(service.issueLoginToken(alice, passwordAuth(session, "wrong")));
    expect(wrong).to.be.instanceOf(UiaResponseError);
    expect(wrong.errcode).to.equal("M_FORBIDDEN");
    await service.issueLoginToken(alice, passwordAuth(session));
    const reused = await matrixFailure(service.issueLoginToken(alice, { session }));
    expect([reused.status, reused.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
  });

  it("refuses an expired token (403 M_FORBIDDEN) and an unknown one", async () => {
    const issued = await service.issueLoginToken(alice, passwordAuth(undefined));
    now += LOGIN_TOKEN_LIFETIME_MS;
    expect((await matrixFailure(service.redeemLoginToken(issued.token))).errcode).to.equal("M_FORBIDDEN");
    expect((await matrixFailure(service.redeemLoginToken("hlt_nope"))).errcode).to.equal("M_FORBIDDEN");
  });

  it("refuses guests before any authentication (403 M_GUEST_ACCESS_FORBIDDEN)", async () => {
    const err = await matrixFailure(service.issueLoginToken({ ...alice, isGuest: true }, passwordAuth(undefined)));
    expect([err.status, err.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
  });

  it("keeps tokens in the database: another instance redeems what this one issued", async () => {
    const issued = await service.issueLoginToken(alice, passwordAuth(undefined));
    const otherProcess = build();
    expect(await otherProcess.redeemLoginToken(issued.token)).to.equal(ALICE);
    expect((await matrixFailure(service.redeemLoginToken(issued.token))).errcode).to.equal("M_FORBIDDEN");
  });

  it("sweeps expired tokens when it issues one", async () => {
    await service.issueLoginToken(alice, passwordAuth(undefined));
    now += LOGIN_TOKEN_LIFETIME_MS;
    const fresh = await service.issueLoginToken(alice, passwordAuth(undefined));
    const rows = (await getDb().query("SELECT user_id FROM login_tokens")) as unknown[];
    expect(rows).to.have.length(1);
    expect(await service.redeemLoginToken(fresh.token)).to.equal(ALICE);
  });
});
