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
    await runInTransaction(getDb(), (tx) =>
      store.insertEventTxnIds(tx, [
        { userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$one", createdTs: 100 },
        { userId: "@a:hs.test", deviceId: "D1", txnId: "t2", eventId: "$two", createdTs: 100 },
        { userId: "@a:hs.test", deviceId: "D2", txnId: "t1", eventId: "$three", createdTs: 200 },
        { userId: "@b:hs.test", deviceId: "D1", txnId: "t3", eventId: "$four", createdTs: 200 },
      ]),
    );
    expect(await store.selectEventIdsByTxnIds("@a:hs.test", "D1", ["t1", "t2", "t3"])).to.deep.equal(new Map([["t1", "$one"], ["t2", "$two"]]));
    expect(await store.selectEventIdsByTxnIds("@a:hs.test", "D2", ["t1", "t2"])).to.deep.equal(new Map([["t1", "$three"]]));
    expect(await store.selectEventIdsByTxnIds("@a:hs.test", "D1", [])).to.deep.equal(new Map());
  });

  it("reads inside a transaction what it wrote there", async () => {
    const found = await runInTransaction(getDb(), async (tx) => {
      await store.insertEventTxnIds(tx, [{ userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$one", createdTs: 100 }]);
      return store.selectEventIdsByTxnIds("@a:hs.test", "D1", ["t1"], tx);
    });
    expect(found.get("t1")).to.equal("$one");
  });

  it("refuses a reused transaction ID and forgets old ones", async () => {
    const row = { userId: "@a:hs.test", deviceId: "D1", txnId: "t1", eventId: "$one", createdTs: 100 };
    await runInTransaction(getDb(), (tx) => store.insertEventTxnIds(tx, [row]));
    expect(await rejection(runInTransaction(getDb(), (tx) => store.insertEventTxnIds(tx, [{ ...row, eventId: "$x", createdTs: 150 }])))).to.be.instanceOf(UniqueViolationError);
    expect(await runInTransaction(getDb(), (tx) => store.deleteEventTxnIdsBefore(tx, 101))).to.equal(1);
    expect((await store.selectEventIdsByTxnIds("@a:hs.test", "D1", ["t1"])).size).to.equal(0);
  });
});
