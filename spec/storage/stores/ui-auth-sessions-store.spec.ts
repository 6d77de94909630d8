import { expect } from "chai";
import { UiAuthSessionsStore } from "../../../src/storage/stores/ui-auth-sessions-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

withAllDatabases("UiAuthSessionsStore", (getDb) => {
  let store: UiAuthSessionsStore;
  beforeEach(() => {
    store = new UiAuthSessionsStore(getDb());
  });

  it("inserts a session with nothing completed and refuses a duplicate ID", async () => {
    await runInTransaction(getDb(), (tx) => store.insertUiAuthSession(tx, { sessionId: "s1", operation: "register", userId: null, createdTs: 10 }));
    expect(await store.selectUiAuthSession("s1")).to.deep.equal({
      sessionId: "s1", operation: "register", userId: null, flows: [], completed: [], registrationToken: null, createdTs: 10,
    });
    expect(await store.selectUiAuthSession("nope")).to.equal(null);
    const again = runInTransaction(getDb(), (tx) => store.insertUiAuthSession(tx, { sessionId: "s1", operation: "x", userId: null, createdTs: 11 }));
    expect(await rejection(again)).to.be.instanceOf(UniqueViolationError);
  });

  it("keeps the flows a session was offered", async () => {
    const flows = [["m.login.registration_token", "m.login.dummy"], ["m.login.password"]];
    await runInTransaction(getDb(), (tx) => store.insertUiAuthSession(tx, { sessionId: "s1", operation: "op", userId: null, flows, createdTs: 10 }));
    expect((await store.selectUiAuthSession("s1"))?.flows).to.deep.equal(flows);
    const deleted = await runInTransaction(getDb(), (tx) => store.deleteUiAuthSession(tx, "s1"));
    expect(deleted?.flows).to.deep.equal(flows);
  });

  it("records progress only when the completed stages are still the expected ones", async () => {
    await runInTransaction(getDb(), (tx) => store.insertUiAuthSession(tx, { sessionId: "s1", operation: "op", userId: "@a:x", createdTs: 10 }));
    const step = { completed: ["m.login.registration_token"], userId: "@a:x", registrationToken: "tok" };
    expect(await runInTransaction(getDb(), (tx) => store.updateUiAuthSession(tx, "s1", [], step))).to.equal(true);
    // A second request that read the session before the first one wrote loses the race.
    expect(await runInTransaction(getDb(), (tx) => store.updateUiAuthSession(tx, "s1", [], { ...step, registrationToken: "other" }))).to.equal(false);
    expect(await store.selectUiAuthSession("s1")).to.include({ registrationToken: "tok" });
    expect((await store.selectUiAuthSession("s1"))?.completed).to.deep.equal(["m.login.registration_token"]);
  });

  it("deletes a session, returning it once", async () => {
    await runInTransaction(getDb(), (tx) => store.insertUiAuthSession(tx, { sessionId: "s1", operation: "op", userId: null, createdTs: 10 }));
    const deleted = await runInTransaction(getDb(), (tx) => store.deleteUiAuthSession(tx, "s1"));
    expect(deleted).to.include({ sessionId: "s1", operation: "op" });
    expect(await runInTransaction(getDb(), (tx) => store.deleteUiAuthSession(tx, "s1"))).to.equal(null);
  });

  it("deletes expired sessions and hands back the registration tokens they held", async () => {
    await runInTransaction(getDb(), async (tx) => {
      for (const [id, ts] of [["old1", 1], ["old2", 2], ["old3", 3], ["new", 100]] as const) {
        await store.insertUiAuthSession(tx, { sessionId: id, operation: "register", userId: null, createdTs: ts });
      }
      await store.updateUiAuthSession(tx, "old1", [], { completed: ["m.login.registration_token"], userId: null, registrationToken: "t1" });
      await store.updateUiAuthSession(tx, "new", [], { completed: ["m.login.registration_token"], userId: null, registrationToken: "t2" });
    });
    expect(await runInTransaction(getDb(), (tx) => store.deleteUiAuthSessionsCreatedBefore(tx, 50))).to.deep.equal(["t1"]);
    expect(await store.selectUiAuthSession("old2")).to.equal(null);
    expect(await store.selectUiAuthSession("new")).to.not.equal(null);
  });
});
