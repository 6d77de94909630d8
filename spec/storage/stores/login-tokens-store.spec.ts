import { expect } from "chai";
import { hashToken } from "../../../src/storage/stores/access-tokens-store.js";
import { LoginTokensStore } from "../../../src/storage/stores/login-tokens-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

const ALICE = "@alice:hs.test";

withAllDatabases("LoginTokensStore", (getDb) => {
  let store: LoginTokensStore;
  beforeEach(() => {
    store = new LoginTokensStore(getDb());
  });

  const insert = (token: string, expiresTs: number, userId = ALICE) => runInTransaction(getDb(), (tx) => store.insertLoginToken(tx, { token, userId, expiresTs }));
  const redeem = (token: string) => runInTransaction(getDb(), (tx) => store.deleteLoginToken(tx, token));

  it("stores only the SHA-256 of a token, and refuses a duplicate", async () => {
    await insert("hlt_secret", 1_800_000_000_000);
    expect(await getDb().query("SELECT token_hash, user_id FROM login_tokens")).to.deep.equal([{ token_hash: hashToken("hlt_secret"), user_id: ALICE }]);
    expect(await rejection(insert("hlt_secret", 5))).to.be.instanceOf(UniqueViolationError);
  });

  it("redeems a token once: the first delete returns its user and expiry, the next finds nothing", async () => {
    await insert("hlt_a", 1_800_000_000_000);
    await insert("hlt_b", 7, "@bob:hs.test");
    expect(await redeem("hlt_a")).to.deep.equal({ userId: ALICE, expiresTs: 1_800_000_000_000 });
    expect(await redeem("hlt_a")).to.equal(null);
    expect(await redeem("hlt_unknown")).to.equal(null);
    expect(await redeem("hlt_b")).to.deep.equal({ userId: "@bob:hs.test", expiresTs: 7 });
  });

  it("sweeps the tokens expired by a time, keeping the others", async () => {
    await insert("t1", 100);
    await insert("t2", 200);
    await insert("t3", 300);
    expect(await runInTransaction(getDb(), (tx) => store.deleteLoginTokensExpiredBy(tx, 200))).to.equal(2);
    expect(await redeem("t2")).to.equal(null);
    expect(await redeem("t3")).to.deep.equal({ userId: ALICE, expiresTs: 300 });
  });
});
