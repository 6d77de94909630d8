import { expect } from "chai";
import { RegistrationTokensStore } from "../../../src/storage/stores/registration-tokens-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

withAllDatabases("RegistrationTokensStore", (getDb) => {
  let store: RegistrationTokensStore;
  beforeEach(() => {
    store = new RegistrationTokensStore(getDb());
  });

  it("inserts, selects and refuses duplicates", async () => {
    await runInTransaction(getDb(), (tx) => store.insertRegistrationToken(tx, { token: "abc", usesAllowed: 2, expiryTime: null }));
    expect(await store.selectRegistrationToken("abc")).to.deep.equal({ token: "abc", usesAllowed: 2, pending: 0, completed: 0, expiryTime: null });
    expect(await store.selectRegistrationToken("zzz")).to.equal(null);
    expect(await rejection(runInTransaction(getDb(), (tx) => store.insertRegistrationToken(tx, { token: "abc", usesAllowed: null, expiryTime: null })))).to.be.instanceOf(UniqueViolationError);
  });

  it("hands out uses only while the token is usable, and counts completions", async () => {
    await runInTransaction(getDb(), (tx) => store.insertRegistrationToken(tx, { token: "two", usesAllowed: 2, expiryTime: 1000 }));
    const take = (now: number) => runInTransaction(getDb(), (tx) => store.updateRegistrationTokenAddPending(tx, "two", now));
    expect(await take(500)).to.equal(true);
    expect(await take(500)).to.equal(true);
    expect(await take(500)).to.equal(false); // both uses are pending
    await runInTransaction(getDb(), async (tx) => {
      expect(await store.updateRegistrationTokenReleasePending(tx, "two")).to.equal(true);
      expect(await store.updateRegistrationTokenComplete(tx, "two")).to.equal(true);
    });
    expect(await store.selectRegistrationToken("two")).to.include({ pending: 0, completed: 1 });
    expect(await take(2000)).to.equal(false); // expired
    expect(await take(999)).to.equal(true);
    expect(await take(999)).to.equal(false); // used up
    expect(await runInTransaction(getDb(), (tx) => store.updateRegistrationTokenComplete(tx, "two"))).to.equal(true);
    expect(await runInTransaction(getDb(), (tx) => store.updateRegistrationTokenComplete(tx, "two"))).to.equal(false); // none pending
  });

  it("lists tokens, optionally only usable or unusable ones", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await store.insertRegistrationToken(tx, { token: "expired", usesAllowed: null, expiryTime: 10 });
      await store.insertRegistrationToken(tx, { token: "open", usesAllowed: null, expiryTime: null });
      await store.insertRegistrationToken(tx, { token: "spent", usesAllowed: 0, expiryTime: null });
    });
    const names = (rows: { token: string }[]) => rows.map((row) => row.token);
    expect(names(await store.selectRegistrationTokens())).to.deep.equal(["expired", "open", "spent"]);
    expect(names(await store.selectRegistrationTokens({ usable: true, nowMs: 100 }))).to.deep.equal(["open"]);
    expect(names(await store.selectRegistrationTokens({ usable: false, nowMs: 100 }))).to.deep.equal(["expired", "spent"]);
    expect(names(await store.selectRegistrationTokens({ usable: true, nowMs: 5 }))).to.deep.equal(["expired", "open"]);
  });

  it("updates limits, leaving unspecified ones alone, and deletes", async () => {
    await runInTransaction(getDb(), (tx) => store.insertRegistrationToken(tx, { token: "t", usesAllowed: 1, expiryTime: 50 }));
    await runInTransaction(getDb(), async (tx) => {
      expect(await store.updateRegistrationToken(tx, "t", { usesAllowed: null })).to.deep.equal({
        token: "t", usesAllowed: null, pending: 0, completed: 0, expiryTime: 50,
      });
      expect(await store.updateRegistrationToken(tx, "t", { expiryTime: null })).to.include({ usesAllowed: null, expiryTime: null });
      expect(await store.updateRegistrationToken(tx, "t", {})).to.include({ token: "t" });
      expect(await store.updateRegistrationToken(tx, "nope", { usesAllowed: 3 })).to.equal(null);
    });
    expect(await runInTransaction(getDb(), (tx) => store.deleteRegistrationToken(tx, "t"))).to.equal(true);
    expect(await runInTransaction(getDb(), (tx) => store.deleteRegistrationToken(tx, "t"))).to.equal(false);
  });
});
