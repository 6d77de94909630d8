import { expect } from "chai";
import { ForgottenRoomsStore } from "../../../src/storage/stores/forgotten-rooms-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("ForgottenRoomsStore", (getDb) => {
  it("records the membership event a room was forgotten at, the latest winning", async () => {
    const store = new ForgottenRoomsStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertForgottenRoom(tx, "@a:hs.test", "!r1:hs.test", "$leave1");
      await store.upsertForgottenRoom(tx, "@a:hs.test", "!r2:hs.test", "$leave2");
      await store.upsertForgottenRoom(tx, "@b:hs.test", "!r1:hs.test", "$ban");
    });
    await runInTransaction(getDb(), (tx) => store.upsertForgottenRoom(tx, "@a:hs.test", "!r1:hs.test", "$leave3"));
    expect(await store.selectForgottenRoom("@a:hs.test", "!r1:hs.test")).to.equal("$leave3");
    expect(await store.selectForgottenRoom("@a:hs.test", "!r3:hs.test")).to.equal(null);
    expect(await store.selectForgottenRooms("@a:hs.test")).to.deep.equal(new Map([["!r1:hs.test", "$leave3"], ["!r2:hs.test", "$leave2"]]));
  });
});
