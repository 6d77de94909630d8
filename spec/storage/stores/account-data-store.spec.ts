import { expect } from "chai";
import { AccountDataStore } from "../../../src/storage/stores/account-data-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("AccountDataStore", (getDb) => {
  const put = (store: AccountDataStore, userId: string, roomId: string | null, type: string, content: Record<string, number | string>) =>
    runInTransaction(getDb(), async (tx) => {
      const streamId = await store.nextStreamId(tx);
      await store.upsertAccountData(tx, userId, roomId, type, content, streamId);
      return streamId;
    });

  it("keeps global and per-room entries apart, the latest content winning", async () => {
    const store = new AccountDataStore(getDb());
    await put(store, "@a:x", null, "org.example", { v: 1 });
    await put(store, "@a:x", "!r:x", "org.example", { v: 2 });
    await put(store, "@a:x", null, "org.example", { v: 3 });
    expect(await store.selectAccountData("@a:x", null, "org.example")).to.deep.equal({ v: 3 });
    expect(await store.selectAccountData("@a:x", "!r:x", "org.example")).to.deep.equal({ v: 2 });
    expect(await store.selectAccountData("@a:x", "!other:x", "org.example")).to.equal(null);
    expect(await store.selectAccountData("@b:x", null, "org.example")).to.equal(null);
  });

  it("hands out increasing positions and lists changes in (since, upTo]", async () => {
    const store = new AccountDataStore(getDb());
    expect(await store.selectMaxStreamId()).to.equal(0);
    const p1 = await put(store, "@a:x", null, "t1", { n: 1 });
    const p2 = await put(store, "@a:x", "!r:x", "t2", { n: 2 });
    const p3 = await put(store, "@b:x", null, "t1", { n: 3 });
    const p4 = await put(store, "@a:x", null, "t1", { n: 4 });
    expect([p1, p2, p3, p4]).to.deep.equal([1, 2, 3, 4]);
    expect(await store.selectMaxStreamId()).to.equal(4);

    const all = await store.selectAccountDataChangedSince("@a:x", 0, 4);
    // t1 was rewritten at 4: one row, at its latest position.
    expect(all).to.deep.equal([
      { roomId: "!r:x", type: "t2", content: { n: 2 }, streamId: 2 },
      { roomId: null, type: "t1", content: { n: 4 }, streamId: 4 },
    ]);
    expect(await store.selectAccountDataChangedSince("@a:x", 2, 4)).to.have.length(1);
    expect(await store.selectAccountDataChangedSince("@a:x", 0, 3)).to.deep.equal([{ roomId: "!r:x", type: "t2", content: { n: 2 }, streamId: 2 }]);
    expect(await store.selectAccountDataChangedSince("@b:x", 0, 4)).to.deep.equal([{ roomId: null, type: "t1", content: { n: 3 }, streamId: 3 }]);
  });

  it("round-trips nested JSON content", async () => {
    const store = new AccountDataStore(getDb());
    const content = { ignored_users: { "@x:y": {} }, list: [1, "two", null, true], nested: { deep: { value: 0.5 } } };
    await runInTransaction(getDb(), async (tx) => store.upsertAccountData(tx, "@a:x", null, "t", content, await store.nextStreamId(tx)));
    expect(await store.selectAccountData("@a:x", null, "t")).to.deep.equal(content);
  });
});
