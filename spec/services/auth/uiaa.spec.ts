import { expect } from "chai";
import { UiaResponseError } from "../../../src/services/auth/uia-response-error.js";
import { UiaService, UiaStageFailure, type UiaRequest } from "../../../src/services/auth/uiaa.js";
import { RegistrationTokensStore } from "../../../src/storage/stores/registration-tokens-store.js";
import { UiAuthSessionsStore } from "../../../src/storage/stores/ui-auth-sessions-store.js";
import type { UserRow } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { matrixFailure } from "../../helpers/matrix-failure.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ALICE = "@alice:hs.test";
const DUMMY = "m.login.dummy";
const PASSWORD = "m.login.password";
const TOKEN = "m.login.registration_token";

function user(overrides: Partial<UserRow> = {}): UserRow {
  return { userId: ALICE, localpart: "alice", passwordHash: "h", isAdmin: false, isGuest: false, deactivated: false, createdTs: 0, displayname: null, avatarUrl: null, ...overrides };
}


function passwordAuth(session: string | undefined, password = "right", name = "alice"): Record<string, unknown> {
  return { type: PASSWORD, session, identifier: { type: "m.id.user", user: name }, password };
}

withAllDatabases("UiaService", (getDb) => {
  let now: number;
  let sessions: UiAuthSessionsStore;
  let tokens: RegistrationTokensStore;
  let deactivated: boolean;
  let uia: UiaService;

  function build(store: Pick<UiAuthSessionsStore, keyof UiAuthSessionsStore> = sessions): UiaService {
    return new UiaService({
      db: getDb(),
      serverName: "hs.test",
      sessions: store,
      registrationTokens: tokens,
      users: { checkPassword: async (userId, password) => (userId === ALICE && password === "right" ? user({ deactivated }) : null) },
      now: () => now,
      sessionLifetimeMs: 1000,
    });
  }

  beforeEach(async () => {
    now = 10_000;
    deactivated = false;
    sessions = new UiAuthSessionsStore(getDb());
    tokens = new RegistrationTokensStore(getDb());
    await runInTransaction(getDb(), (tx) => tokens.insertRegistrationToken(tx, { token: "tok", usesAllowed: 5, expiryTime: null }));
    uia = build();
  });

  const request = (auth: unknown, overrides: Partial<UiaRequest> = {}): UiaRequest => ({ auth, operation: "op", flows: [[PASSWORD]], userId: ALICE, ...overrides });
  const challenge = async (promise: Promise<unknown>) => {
    const err = await matrixFailure(promise);
    expect(err).to.be.instanceOf(UiaResponseError);
    expect(err.status).to.equal(401);
    return err.toJSON();
  };
  const pending = async () => (await tokens.selectRegistrationToken("tok"))!.pending;

  it("answers a request without auth with a new session and the flows, and remembers the operation and user", async () => {
    const body = await challenge(uia.authenticate(request(undefined, { params: { [PASSWORD]: { hint: 1 } } })));
    expect(Object.keys(body).sort()).to.deep.equal(["flows", "params", "session"]);
    expect(body.flows).to.deep.equal([{ stages: [PASSWORD] }]);
    expect(body.params).to.deep.equal({ [PASSWORD]: { hint: 1 } });
    expect(await sessions.selectUiAuthSession(body.session as string)).to.include({ operation: "op", userId: ALICE, createdTs: 10_000 });
  });

  it("completes with the password stage, naming the user; a wrong password is a retryable 401 with M_FORBIDDEN", async () => {
    const session = (await challenge(uia.authenticate(request(undefined)))).session as string;
    const wrong = await challenge(uia.authenticate(request(passwordAuth(session, "wrong"))));
    expect(wrong).to.include({ errcode: "M_FORBIDDEN", session });
    const done = await uia.authenticate(request(passwordAuth(session)));
    expect(done).to.deep.equal({ sessionId: session, userId: ALICE, registrationToken: null });
  });

  it("for an anonymous request, the password stage decides the user", async () => {
    const done = await uia.authenticate(request(passwordAuth(undefined), { userId: null }));
    expect(done.userId).to.equal(ALICE);
  });

  it("fails the password stage for another user, a missing password, a deactivated account or a third-party identifier", async () => {
    const bobRequest = request(passwordAuth(undefined), { userId: "@bob:hs.test" });
    expect((await challenge(uia.authenticate(bobRequest))).errcode).to.equal("M_FORBIDDEN");
    expect((await challenge(uia.authenticate(request({ type: PASSWORD, identifier: { type: "m.id.user", user: "alice" } })))).errcode).to.equal("M_MISSING_PARAM");
    const thirdParty = { type: PASSWORD, identifier: { type: "m.id.thirdparty", medium: "email", address: "a@b" }, password: "right" };
    expect((await challenge(uia.authenticate(request(thirdParty)))).errcode).to.equal("M_FORBIDDEN");
    deactivated = true;
    expect((await challenge(uia.authenticate(request(passwordAuth(undefined))))).errcode).to.equal("M_USER_DEACTIVATED");
  });

  it("walks a multi-stage flow in order, listing the completed stages in between", async () => {
    const flows = [[DUMMY, TOKEN]];
    const first = await challenge(uia.authenticate(request({ type: TOKEN, token: "tok" }, { flows, userId: null })));
    expect(first.errcode).to.equal("M_FORBIDDEN"); // the token stage is not first in any flow
    const session = first.session as string;
    const afterDummy = await challenge(uia.authenticate(request({ type: DUMMY, session }, { flows, userId: null })));
    expect(afterDummy).to.not.have.key("errcode");
    expect(afterDummy.completed).to.deep.equal([DUMMY]);
    const done = await uia.authenticate(request({ type: TOKEN, token: "tok", session }, { flows, userId: null }));
    expect(done.registrationToken).to.equal("tok");
  });

  it("accepts any one of several flows", async () => {
    const flows = [[PASSWORD], [DUMMY]];
    expect((await uia.authenticate(request({ type: DUMMY }, { flows }))).userId).to.equal(ALICE);
  });

  it("does not run a completed stage again, and completes with the session alone", async () => {
    const flows = [[TOKEN, PASSWORD]];
    const session = (await challenge(uia.authenticate(request({ type: TOKEN, token: "tok" }, { flows })))).session as string;
    expect(await pending()).to.equal(1);
    const again = await challenge(uia.authenticate(request({ type: TOKEN, token: "tok", session }, { flows })));
    expect(again.completed).to.deep.equal([TOKEN]);
    expect(await pending()).to.equal(1);
    await uia.authenticate(request(passwordAuth(session), { flows }));
    expect((await uia.authenticate(request({ session }, { flows }))).registrationToken).to.equal("tok");
  });

  it("refuses registration tokens that are missing, malformed, unknown or used up", async () => {
    const flows = [[TOKEN]];
    const attempt = (auth: Record<string, unknown>) => challenge(uia.authenticate(request({ type: TOKEN, ...auth }, { flows, userId: null })));
    expect((await attempt({})).errcode).to.equal("M_MISSING_PARAM");
    expect((await attempt({ token: "not a token!" })).errcode).to.equal("M_UNAUTHORIZED");
    expect((await attempt({ token: "unknown" })).errcode).to.equal("M_UNAUTHORIZED");
    await runInTransaction(getDb(), (tx) => tokens.insertRegistrationToken(tx, { token: "once", usesAllowed: 1, expiryTime: null }));
    await uia.authenticate(request({ type: TOKEN, token: "once" }, { flows, userId: null }));
    expect((await attempt({ token: "once" })).errcode).to.equal("M_UNAUTHORIZED");
  });

  it("binds a session to its operation and user (403), and forgets unknown or expired ones (400 M_INVALID_PARAM)", async () => {
    const session = (await challenge(uia.authenticate(request(undefined)))).session as string;
    const otherOp = await matrixFailure(uia.authenticate(request(passwordAuth(session), { operation: "other" })));
    expect([otherOp.status, otherOp.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    const otherUser = await matrixFailure(uia.authenticate(request({ type: DUMMY, session }, { userId: "@bob:hs.test", flows: [[DUMMY]] })));
    expect([otherUser.status, otherUser.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    const unknown = await matrixFailure(uia.authenticate(request(passwordAuth("nope"))));
    expect([unknown.status, unknown.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
    now += 1000;
    const expired = await matrixFailure(uia.authenticate(request(passwordAuth(session))));
    expect([expired.status, expired.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
  });

  it("refuses auth that is not an object, or whose type or session is not a string (M_BAD_JSON)", async () => {
    for (const auth of ["x", { type: 5 }, { session: 5 }]) expect((await matrixFailure(uia.authenticate(request(auth)))).errcode).to.equal("M_BAD_JSON");
  });

  it("finish ends the session and counts the token use; a session gone meanwhile aborts with 400", async () => {
    const completion = await uia.authenticate(request({ type: TOKEN, token: "tok" }, { flows: [[TOKEN]], userId: null }));
    await runInTransaction(getDb(), (tx) => uia.finish(tx, completion));
    expect(await tokens.selectRegistrationToken("tok")).to.include({ pending: 0, completed: 1 });
    expect(await sessions.selectUiAuthSession(completion.sessionId)).to.equal(null);
    expect((await matrixFailure(uia.finishAlone(completion))).errcode).to.equal("M_INVALID_PARAM");
  });

  it("sweeps expired sessions when a new one starts, releasing the token uses they held", async () => {
    const held = await uia.authenticate(request({ type: TOKEN, token: "tok" }, { flows: [[TOKEN]], userId: null }));
    expect(await pending()).to.equal(1);
    now += 60_000;
    await challenge(uia.authenticate(request(undefined)));
    expect(await pending()).to.equal(0);
    expect(await sessions.selectUiAuthSession(held.sessionId)).to.equal(null);
  });

  describe("fallback", () => {
    it("completes a stage of a session out of band; the request then completes with the session alone", async () => {
      const session = (await challenge(uia.authenticate(request(undefined)))).session as string;
      expect(await uia.describeFallbackStage(session, PASSWORD)).to.deep.equal({ userId: ALICE, completed: false });
      await uia.completeFallbackStage(session, passwordAuth(undefined) as { type: string });
      expect(await uia.describeFallbackStage(session, PASSWORD)).to.deep.equal({ userId: ALICE, completed: true });
      expect(await uia.authenticate(request({ session }))).to.deep.equal({ sessionId: session, userId: ALICE, registrationToken: null });
    });

    it("runs the stage's own checks: a wrong password is a UiaStageFailure (401 M_FORBIDDEN) and the stage stays open", async () => {
      const session = (await challenge(uia.authenticate(request(undefined)))).session as string;
      const wrong = await matrixFailure(uia.completeFallbackStage(session, passwordAuth(undefined, "wrong") as { type: string }));
      expect(wrong).to.be.instanceOf(UiaStageFailure);
      expect([wrong.status, wrong.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
      const bob = await matrixFailure(uia.completeFallbackStage(session, passwordAuth(undefined, "right", "bob") as { type: string }));
      expect(bob.errcode).to.equal("M_FORBIDDEN");
      expect((await challenge(uia.authenticate(request({ session })))).completed).to.equal(undefined);
    });

    it("takes a registration token use like the request does, once", async () => {
      const flows = [[TOKEN]];
      const session = (await challenge(uia.authenticate(request(undefined, { flows, userId: null })))).session as string;
      await uia.completeFallbackStage(session, { type: TOKEN, token: "tok" });
      await uia.completeFallbackStage(session, { type: TOKEN, token: "tok" });
      expect(await pending()).to.equal(1);
      expect((await uia.authenticate(request({ session }, { flows, userId: null }))).registrationToken).to.equal("tok");
    });

    it("follows the session's flows in order: a stage that is not next is 403 M_FORBIDDEN", async () => {
      const flows = [[DUMMY, TOKEN]];
      const session = (await challenge(uia.authenticate(request(undefined, { flows, userId: null })))).session as string;
      for (const attempt of [uia.describeFallbackStage(session, TOKEN), uia.completeFallbackStage(session, { type: TOKEN, token: "tok" })]) {
        const err = await matrixFailure(attempt);
        expect([err.status, err.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
      }
      expect((await matrixFailure(uia.describeFallbackStage(session, PASSWORD))).status).to.equal(403);
      await uia.completeFallbackStage(session, { type: DUMMY });
      await uia.completeFallbackStage(session, { type: TOKEN, token: "tok" });
      expect((await uia.authenticate(request({ session }, { flows, userId: null }))).registrationToken).to.equal("tok");
    });

    it("refuses an unknown or expired session (400 M_INVALID_PARAM), and one that kept no flows (403)", async () => {
      const unknown = await matrixFailure(uia.describeFallbackStage("nope", PASSWORD));
      expect([unknown.status, unknown.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
      const session = (await challenge(uia.authenticate(request(undefined)))).session as string;
      now += 1000;
      const expired = await matrixFailure(uia.completeFallbackStage(session, passwordAuth(undefined) as { type: string }));
      expect([expired.status, expired.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
      // A session opened before sessions kept their flows.
      await runInTransaction(getDb(), (tx) => sessions.insertUiAuthSession(tx, { sessionId: "old", operation: "op", userId: null, createdTs: now }));
      expect((await matrixFailure(uia.describeFallbackStage("old", DUMMY))).status).to.equal(403);
    });
  });

  it("when another request completed the stage first, carries on from its result and takes no second token use", async () => {
    const flows = [[TOKEN]];
    const session = (await challenge(uia.authenticate(request(undefined, { flows, userId: null })))).session as string;
    const stale = (await sessions.selectUiAuthSession(session))!;
    await uia.authenticate(request({ type: TOKEN, token: "tok", session }, { flows, userId: null }));
    expect(await pending()).to.equal(1);
    // This request read the session before the other one wrote it.
    let reads = 0;
    const staleFirst = Object.create(sessions) as UiAuthSessionsStore;
    staleFirst.selectUiAuthSession = async (id, em) => (reads++ === 0 ? stale : sessions.selectUiAuthSession(id, em));
    const done = await build(staleFirst).authenticate(request({ type: TOKEN, token: "tok", session }, { flows, userId: null }));
    expect(done.registrationToken).to.equal("tok");
    expect(await pending()).to.equal(1);
  });
});
