import { expect } from "chai";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, makeSyncFixture, type SyncFixture, type UserDataFixture } from "../sync-fixture.js";

withAllDatabases("AccountDataStreamProvider", function (getDb) {
  let f: SyncFixture;
  let userData: UserDataFixture;
  let roomId: string;
  beforeEach(async function () {
    f = makeSyncFixture(getDb());
    userData = await f.withUserData();
    roomId = await f.createRoom(ALICE);
  });
  afterEach(() => userData.close());

  it("sends all global and room account data on an initial sync", async function () {
    await userData.accountData.setClientAccountData(ALICE, null, "org.example.global", { a: 1 });
    await userData.accountData.setClientAccountData(ALICE, roomId, "org.example.room", { b: 2 });
    const response = await f.syncOnce(ALICE);
    expect(response.account_data.events).to.deep.equal([{ type: "org.example.global", content: { a: 1 } }]);
    expect(response.rooms.join[roomId]!.account_data!.events).to.deep.equal([{ type: "org.example.room", content: { b: 2 } }]);
  });

  it("sends only changes since the token, and wakes the user's long-poll", async function () {
    await userData.accountData.setClientAccountData(ALICE, null, "org.example.old", { a: 1 });
    const first = await f.syncOnce(ALICE);
    const polling = f.syncOnce(ALICE, { since: first.next_batch, timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await userData.accountData.setClientAccountData(ALICE, roomId, "m.tag", { tags: { "m.favourite": {} } });
    const response = await polling;
    expect(response.account_data.events).to.deep.equal([]);
    expect(response.rooms.join[roomId]!.account_data!.events).to.deep.equal([{ type: "m.tag", content: { tags: { "m.favourite": {} } } }]);
  });

  it("applies the account_data filters, and sends nothing for rooms the user is not in", async function () {
    await userData.accountData.setClientAccountData(ALICE, null, "org.example.keep", {});
    await userData.accountData.setClientAccountData(ALICE, null, "org.example.drop", {});
    const response = await f.syncOnce(ALICE, { filter: { account_data: { not_types: ["org.example.drop"] } } });
    expect(response.account_data.events.map((e) => e.type)).to.deep.equal(["org.example.keep"]);
    const elsewhere = await f.createRoom(BOB);
    await userData.accountData.setClientAccountData(ALICE, elsewhere, "org.example.room", {});
    expect((await f.syncOnce(ALICE)).rooms.join).to.not.have.property(elsewhere);
  });

  it("gives a newly joined room its account data, and resends everything with full_state", async function () {
    const other = await f.createRoom(BOB, { preset: "public_chat" });
    await userData.accountData.setClientAccountData(ALICE, other, "org.example.before", { early: true });
    const first = await f.syncOnce(ALICE);
    await f.membership.join(ALICE, other);
    const second = await f.syncOnce(ALICE, { since: first.next_batch });
    expect(second.rooms.join[other]!.account_data!.events).to.deep.equal([{ type: "org.example.before", content: { early: true } }]);
    await userData.accountData.setClientAccountData(ALICE, null, "org.example.global", {});
    const third = await f.syncOnce(ALICE, { since: second.next_batch, fullState: true });
    expect(third.account_data.events.map((e) => e.type)).to.include("org.example.global");
    expect(third.rooms.join[other]!.account_data!.events).to.have.length(1);
  });
});
