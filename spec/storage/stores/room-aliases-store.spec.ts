import { expect } from "chai";
import { RoomAliasesStore } from "../../../src/storage/stores/room-aliases-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("RoomAliasesStore", (getDb) => {
  let aliases: RoomAliasesStore;
  beforeEach(() => {
    aliases = new RoomAliasesStore(getDb());
  });

  const row = (alias: string, roomId: string) => ({ alias, roomId, creator: "@alice:hs.test", createdTs: 1_700_000_000_000 });
  const insert = (alias: string, roomId: string) => runInTransaction(getDb(), (tx) => aliases.insertRoomAlias(tx, row(alias, roomId)));

  it("maps an alias to a room once; a taken alias is refused and unchanged", async () => {
    expect(await insert("#a:hs.test", "!r1:hs.test")).to.equal(true);
    expect(await insert("#a:hs.test", "!r2:hs.test")).to.equal(false);
    expect(await aliases.selectRoomAlias("#a:hs.test")).to.deep.equal(row("#a:hs.test", "!r1:hs.test"));
    expect(await aliases.selectRoomAlias("#b:hs.test")).to.equal(null);
  });

  it("lists a room's aliases, deletes one, and moves all of a room's aliases to another room", async () => {
    await insert("#b:hs.test", "!r1:hs.test");
    await insert("#a:hs.test", "!r1:hs.test");
    await insert("#c:hs.test", "!r2:hs.test");
    expect(await aliases.selectAliasesForRoom("!r1:hs.test")).to.deep.equal(["#a:hs.test", "#b:hs.test"]);
    expect(await runInTransaction(getDb(), (tx) => aliases.deleteRoomAlias(tx, "#b:hs.test"))).to.equal(true);
    expect(await runInTransaction(getDb(), (tx) => aliases.deleteRoomAlias(tx, "#b:hs.test"))).to.equal(false);
    expect(await runInTransaction(getDb(), (tx) => aliases.updateAliasesRoom(tx, "!r1:hs.test", "!r2:hs.test"))).to.deep.equal(["#a:hs.test"]);
    expect(await aliases.selectAliasesForRoom("!r1:hs.test")).to.deep.equal([]);
    expect(await aliases.selectAliasesForRoom("!r2:hs.test")).to.deep.equal(["#a:hs.test", "#c:hs.test"]);
  });
});
