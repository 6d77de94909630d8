import { expect } from "chai";
import { UsersStore, type NewUser } from "../../../src/storage/stores/users-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

function alice(overrides: Partial<NewUser> = {}): NewUser {
  return { userId: "@alice:hs.test", localpart: "alice", passwordHash: "$scrypt$x", createdTs: 1_700_000_000_000, ...overrides };
}

withAllDatabases("UsersStore", (getDb) => {
  let users: UsersStore;
  beforeEach(() => {
    users = new UsersStore(getDb());
  });

  it("inserts a user and selects it back with defaults", async () => {
    await runInTransaction(getDb(), (tx) => users.insertUser(tx, alice()));
    expect(await users.selectUserById("@alice:hs.test")).to.deep.equal({
      userId: "@alice:hs.test",
      localpart: "alice",
      passwordHash: "$scrypt$x",
      isAdmin: false,
      isGuest: false,
      deactivated: false,
      createdTs: 1_700_000_000_000,
      displayname: null,
      avatarUrl: null,
    });
    expect((await users.selectUserByLocalpart("alice"))?.userId).to.equal("@alice:hs.test");
    expect(await users.selectUserById("@nobody:hs.test")).to.equal(null);
  });

  it("stores flags and profile fields given at insert", async () => {
    await runInTransaction(getDb(), (tx) =>
      users.insertUser(tx, alice({ passwordHash: null, isAdmin: true, isGuest: true, displayname: "Alice", avatarUrl: "mxc://hs.test/a" })),
    );
    const row = await users.selectUserById("@alice:hs.test");
    expect(row).to.include({ passwordHash: null, isAdmin: true, isGuest: true, displayname: "Alice", avatarUrl: "mxc://hs.test/a" });
  });

  it("reports a taken user ID or localpart as UniqueViolationError", async () => {
    await runInTransaction(getDb(), (tx) => users.insertUser(tx, alice()));
    expect(await rejection(runInTransaction(getDb(), (tx) => users.insertUser(tx, alice())))).to.be.instanceOf(UniqueViolationError);
    const localpartTaken = await rejection(runInTransaction(getDb(), (tx) => users.insertUser(tx, alice({ userId: "@alice2:hs.test" }))));
    expect(localpartTaken).to.be.instanceOf(UniqueViolationError);
    expect((localpartTaken as UniqueViolationError).constraint).to.be.a("string").and.match(/localpart/);
  });

  it("updates password hash, admin, guest, deactivated and profile", async () => {
    await runInTransaction(getDb(), (tx) => users.insertUser(tx, alice()));
    await runInTransaction(getDb(), async (tx) => {
      expect(await users.updatePasswordHash(tx, "@alice:hs.test", "$scrypt$y")).to.equal(true);
      expect(await users.updateAdmin(tx, "@alice:hs.test", true)).to.equal(true);
      expect(await users.updateGuest(tx, "@alice:hs.test", true)).to.equal(true);
      expect(await users.updateDeactivated(tx, "@alice:hs.test", true)).to.equal(true);
      expect(await users.updateDisplayname(tx, "@alice:hs.test", "Al")).to.equal(true);
      expect(await users.updateAvatarUrl(tx, "@alice:hs.test", "mxc://hs.test/b")).to.equal(true);
      expect(await users.updateAdmin(tx, "@nobody:hs.test", true)).to.equal(false);
    });
    expect(await users.selectUserById("@alice:hs.test")).to.include({
      passwordHash: "$scrypt$y",
      isAdmin: true,
      isGuest: true,
      deactivated: true,
      displayname: "Al",
      avatarUrl: "mxc://hs.test/b",
    });
  });

  it("pages through users by ID, leaving out guests and deactivated users unless asked", async () => {
    await runInTransaction(getDb(), async (tx) => {
      for (const name of ["dave", "carol", "bob", "alice"]) {
        await users.insertUser(tx, alice({ userId: `@${name}:hs.test`, localpart: name, isGuest: name === "carol" }));
      }
      await users.updateDeactivated(tx, "@dave:hs.test", true);
    });
    const ids = (rows: { userId: string }[]) => rows.map((row) => row.userId);
    expect(ids(await users.selectUsers({ limit: 10 }))).to.deep.equal(["@alice:hs.test", "@bob:hs.test"]);
    expect(ids(await users.selectUsers({ limit: 2, includeGuests: true, includeDeactivated: true }))).to.deep.equal(["@alice:hs.test", "@bob:hs.test"]);
    expect(ids(await users.selectUsers({ afterUserId: "@bob:hs.test", limit: 10, includeGuests: true, includeDeactivated: true }))).to.deep.equal([
      "@carol:hs.test",
      "@dave:hs.test",
    ]);
    expect(await users.selectUserCount()).to.equal(2);
    expect(await users.selectUserCount({ includeGuests: true, includeDeactivated: true })).to.equal(4);
  });
});
