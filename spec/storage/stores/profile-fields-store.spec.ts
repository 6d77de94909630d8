import { expect } from "chai";
import { ProfileFieldsStore } from "../../../src/storage/stores/profile-fields-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("ProfileFieldsStore", (getDb) => {
  beforeEach(async () => {
    const users = new UsersStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await users.insertUser(tx, { userId: "@a:x", localpart: "a", createdTs: 1 });
      await users.insertUser(tx, { userId: "@b:x", localpart: "b", createdTs: 1 });
    });
  });

  it("sets, replaces, lists and deletes JSON fields per user", async () => {
    const store = new ProfileFieldsStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertProfileField(tx, "@a:x", "m.tz", "Europe/London");
      await store.upsertProfileField(tx, "@a:x", "org.example.obj", { k: [1, 2] });
      await store.upsertProfileField(tx, "@a:x", "org.example.null", null);
      await store.upsertProfileField(tx, "@b:x", "m.tz", "UTC");
    });
    await runInTransaction(getDb(), (tx) => store.upsertProfileField(tx, "@a:x", "m.tz", "Europe/Paris"));
    expect([...(await store.selectProfileFields("@a:x"))]).to.deep.equal([
      ["m.tz", "Europe/Paris"],
      ["org.example.null", null],
      ["org.example.obj", { k: [1, 2] }],
    ]);
    expect(await runInTransaction(getDb(), (tx) => store.deleteProfileField(tx, "@a:x", "m.tz"))).to.equal(true);
    expect(await runInTransaction(getDb(), (tx) => store.deleteProfileField(tx, "@a:x", "m.tz"))).to.equal(false);
    expect([...(await store.selectProfileFields("@a:x")).keys()]).to.deep.equal(["org.example.null", "org.example.obj"]);
    expect([...(await store.selectProfileFields("@b:x"))]).to.deep.equal([["m.tz", "UTC"]]);
  });
});
