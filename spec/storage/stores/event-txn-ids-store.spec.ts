import { expect } from "chai";
import { EventTxnIdsStore } from "../../../src/storage/stores/event-txn-ids-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

withAllDatabases("EventTxnIdsStore", (getDb) => {
  let store: EventTxnIdsStore;
  beforeEach(() => {
    store = new EventTxnIdsStore(getDb());
  });

  it("maps (user, device, txn) to the event, per device", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await store.insertEventTxnId(tx, { userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$one", createdTs: 100 });
      await store.insertEventTxnId(tx, { userId: "@a:hs.test", deviceId: "D2", txnId: "t1", eventId: "$two", createdTs: 200 });
    });
    expect(await store.selectEventIdByTxnId("@a:hs.test", "D1", "t1")).to.equal("$one");
    expect(await store.selectEventIdByTxnId("@a:hs.test", "D2", "t1")).to.equal("$two");
    expect(await store.selectEventIdByTxnId("@a:hs.test", "D1", "t2")).to.equal(null);
  });

  it("refuses a reused transaction ID and forgets old ones", async () => {
    await runInTransaction(getDb(), (tx) => store.insertEventTxnId(tx, { userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$one", createdTs: 100 }));
    expect(await rejection(runInTransaction(getDb(), (tx) => store.insertEventTxnId(tx, { userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$x", createdTs: 150 })))).to.be.instanceOf(UniqueViolationError);
    expect(await runInTransaction(getDb(), (tx) => store.deleteEventTxnIdsBefore(tx, 101))).to.equal(1);
    expect(await store.selectEventIdByTxnId("@a:hs.test", "D1", "t1")).to.equal(null);
  });
});
