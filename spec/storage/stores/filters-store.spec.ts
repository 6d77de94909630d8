import { expect } from "chai";
import { FiltersStore } from "../../../src/storage/stores/filters-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("FiltersStore", (getDb) => {
  it("stores filters per user and returns the existing ID for the same hash", async () => {
    const store = new FiltersStore(getDb());
    const id1 = await runInTransaction(getDb(), (tx) => store.insertFilter(tx, "@a:x", "h1", '{"a":1}'));
    const id2 = await runInTransaction(getDb(), (tx) => store.insertFilter(tx, "@a:x", "h2", '{"b":2}'));
    const again = await runInTransaction(getDb(), (tx) => store.insertFilter(tx, "@a:x", "h1", '{"a":1}'));
    const other = await runInTransaction(getDb(), (tx) => store.insertFilter(tx, "@b:x", "h1", '{"a":1}'));
    expect(id2).to.not.equal(id1);
    expect(again).to.equal(id1);
    expect(other).to.not.equal(id1);
    expect(await store.selectFilter("@a:x", id1)).to.equal('{"a":1}');
    expect(await store.selectFilter("@a:x", id2)).to.equal('{"b":2}');
  });

  it("does not hand out another user's filter", async () => {
    const store = new FiltersStore(getDb());
    const id = await runInTransaction(getDb(), (tx) => store.insertFilter(tx, "@a:x", "h", "{}"));
    expect(await store.selectFilter("@b:x", id)).to.equal(null);
    expect(await store.selectFilter("@a:x", id + 100)).to.equal(null);
  });
});
