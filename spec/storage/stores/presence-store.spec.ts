import { expect } from "chai";
import { PresenceStore, type PresenceRow } from "../../../src/storage/stores/presence-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("PresenceStore", (getDb) => {
  const write = (store: PresenceStore, row: Omit<PresenceRow, "streamId">) =>
    runInTransaction(getDb(), async (tx) => {
      const streamId = await store.nextStreamId(tx);
      await store.upsertPresence(tx, { ...row, streamId });
      return streamId;
    });
  const base = { statusMsg: null, lastActiveTs: 1000, lastUserSyncTs: 2000 };

  it("keeps one row per user with the latest state", async () => {
    const store = new PresenceStore(getDb());
    await write(store, { ...base, userId: "@a:x", state: "online" });
    const p = await write(store, { ...base, userId: "@a:x", state: "unavailable", statusMsg: "lunch" });
    expect(await store.selectPresence("@a:x")).to.deep.equal({ ...base, userId: "@a:x", state: "unavailable", statusMsg: "lunch", streamId: p });
    expect(await store.selectPresence("@nobody:x")).to.equal(null);
  });

  it("lists changes of the given users in (since, upTo] and the users not offline", async () => {
    const store = new PresenceStore(getDb());
    const p1 = await write(store, { ...base, userId: "@a:x", state: "online" });
    const p2 = await write(store, { ...base, userId: "@b:x", state: "offline" });
    const p3 = await write(store, { ...base, userId: "@c:x", state: "unavailable" });
    expect(await store.selectMaxStreamId()).to.equal(p3);
    const changed = await store.selectPresenceChangedSince(["@a:x", "@b:x"], 0, p3);
    expect(changed.map((r) => [r.userId, r.streamId])).to.deep.equal([["@a:x", p1], ["@b:x", p2]]);
    expect(await store.selectPresenceChangedSince(["@a:x", "@b:x", "@c:x"], p1, p2)).to.have.length(1);
    expect(await store.selectPresenceChangedSince([], 0, p3)).to.deep.equal([]);
    expect((await store.selectNotOffline()).map((r) => r.userId).sort()).to.deep.equal(["@a:x", "@c:x"]);
  });
});
