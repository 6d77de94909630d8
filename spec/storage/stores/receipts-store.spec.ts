import { expect } from "chai";
import { ReceiptsStore, type ReceiptRow } from "../../../src/storage/stores/receipts-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("ReceiptsStore", (getDb) => {
  const write = (store: ReceiptsStore, receipt: Omit<ReceiptRow, "streamId" | "ts">) =>
    runInTransaction(getDb(), async (tx) => {
      const streamId = await store.nextStreamId(tx);
      await store.upsertReceipt(tx, { ...receipt, ts: 1234, streamId });
      return streamId;
    });

  it("keeps one receipt per (room, type, user, thread), unthreaded apart from threaded", async () => {
    const store = new ReceiptsStore(getDb());
    await write(store, { roomId: "!r:x", receiptType: "m.read", userId: "@a:x", threadId: null, eventId: "$1" });
    await write(store, { roomId: "!r:x", receiptType: "m.read", userId: "@a:x", threadId: "main", eventId: "$2" });
    const p = await write(store, { roomId: "!r:x", receiptType: "m.read", userId: "@a:x", threadId: null, eventId: "$3" });
    await write(store, { roomId: "!r:x", receiptType: "m.read.private", userId: "@a:x", threadId: null, eventId: "$4" });
    expect(await store.selectReceipt("!r:x", "m.read", "@a:x", null)).to.deep.equal({
      roomId: "!r:x", receiptType: "m.read", userId: "@a:x", threadId: null, eventId: "$3", ts: 1234, streamId: p,
    });
    expect((await store.selectReceipt("!r:x", "m.read", "@a:x", "main"))?.eventId).to.equal("$2");
    expect((await store.selectReceipt("!r:x", "m.read.private", "@a:x", null))?.eventId).to.equal("$4");
    expect(await store.selectReceipt("!r:x", "m.read", "@b:x", null)).to.equal(null);
  });

  it("lists receipts of the given rooms written in (since, upTo]", async () => {
    const store = new ReceiptsStore(getDb());
    const p1 = await write(store, { roomId: "!r:x", receiptType: "m.read", userId: "@a:x", threadId: null, eventId: "$1" });
    const p2 = await write(store, { roomId: "!s:x", receiptType: "m.read", userId: "@a:x", threadId: null, eventId: "$2" });
    const p3 = await write(store, { roomId: "!t:x", receiptType: "m.read", userId: "@b:x", threadId: "$root", eventId: "$3" });
    expect(await store.selectMaxStreamId()).to.equal(p3);
    expect((await store.selectReceiptsChangedSince(["!r:x", "!t:x"], 0, p3)).map((r) => r.eventId)).to.deep.equal(["$1", "$3"]);
    expect((await store.selectReceiptsChangedSince(["!r:x", "!s:x", "!t:x"], p1, p2)).map((r) => r.eventId)).to.deep.equal(["$2"]);
    expect((await store.selectReceiptsChangedSince(["!t:x"], 0, p3))[0]?.threadId).to.equal("$root");
    expect(await store.selectReceiptsChangedSince([], 0, p3)).to.deep.equal([]);
  });
});
