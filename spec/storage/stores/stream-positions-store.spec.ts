import { expect } from "chai";
import { StreamPositionsStore } from "../../../src/storage/stores/stream-positions-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("StreamPositionsStore", (getDb) => {
  it("starts counters at zero and moves them by a delta", async () => {
    const store = new StreamPositionsStore(getDb());
    expect(await store.selectStreamPosition("s")).to.equal(0);
    expect(await runInTransaction(getDb(), (tx) => store.updateStreamPositionBy(tx, "s", 5))).to.equal(5);
    expect(await runInTransaction(getDb(), (tx) => store.updateStreamPositionBy(tx, "s", -7))).to.equal(-2);
    expect(await runInTransaction(getDb(), (tx) => store.updateStreamPositionBy(tx, "t", -1))).to.equal(-1);
    expect(await store.selectStreamPosition("s")).to.equal(-2);
  });

  it("advances a follower's position forward only", async () => {
    const store = new StreamPositionsStore(getDb());
    await runInTransaction(getDb(), (tx) => store.advanceStreamPosition(tx, "follower", 4));
    await runInTransaction(getDb(), (tx) => store.advanceStreamPosition(tx, "follower", 9));
    await runInTransaction(getDb(), (tx) => store.advanceStreamPosition(tx, "follower", 6));
    expect(await store.selectStreamPosition("follower")).to.equal(9);
  });

  it("hands concurrent transactions distinct values", async () => {
    const store = new StreamPositionsStore(getDb());
    const values = await Promise.all(Array.from({ length: 20 }, () => runInTransaction(getDb(), (tx) => store.updateStreamPositionBy(tx, "s", 1))));
    expect([...values].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
