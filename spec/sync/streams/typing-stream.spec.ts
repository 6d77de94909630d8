import { expect } from "chai";
import type { SyncResponseJson } from "../../../src/matrix/endpoints/client/sync.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, makeSyncFixture, type SyncFixture, type UserDataFixture } from "../sync-fixture.js";

function typingIn(response: SyncResponseJson, roomId: string): unknown[] {
  return (response.rooms.join[roomId]?.ephemeral?.events ?? []).filter((e) => e.type === "m.typing").map((e) => e.content.user_ids);
}

withAllDatabases("TypingStreamProvider", function (getDb) {
  let f: SyncFixture;
  let userData: UserDataFixture;
  let roomId: string;
  beforeEach(async function () {
    f = makeSyncFixture(getDb());
    userData = await f.withUserData();
    roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    await f.membership.join(BOB, roomId);
  });
  afterEach(() => userData.close());

  it("sends a room's whole typing list when it changed since the token", async function () {
    const first = await f.syncOnce(BOB);
    await userData.typing.setTyping(ALICE, roomId, true, 30_000);
    const second = await f.syncOnce(BOB, { since: first.next_batch });
    expect(typingIn(second, roomId)).to.deep.equal([[ALICE]]);
    const third = await f.syncOnce(BOB, { since: second.next_batch });
    expect(typingIn(third, roomId)).to.deep.equal([]);
    await userData.typing.setTyping(ALICE, roomId, false, 0);
    const fourth = await f.syncOnce(BOB, { since: third.next_batch });
    expect(typingIn(fourth, roomId)).to.deep.equal([[]]);
  });

  it("wakes a long-poll of another member", async function () {
    const first = await f.syncOnce(BOB);
    const polling = f.syncOnce(BOB, { since: first.next_batch, timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await userData.typing.setTyping(ALICE, roomId, true, 30_000);
    expect(typingIn(await polling, roomId)).to.deep.equal([[ALICE]]);
  });

  it("gives an initial sync and a newly joined room the current list", async function () {
    await userData.typing.setTyping(ALICE, roomId, true, 30_000);
    expect(typingIn(await f.syncOnce(BOB), roomId)).to.deep.equal([[ALICE]]);
    const before = await f.syncOnce(CAROL);
    await f.membership.join(CAROL, roomId);
    expect(typingIn(await f.syncOnce(CAROL, { since: before.next_batch }), roomId)).to.deep.equal([[ALICE]]);
  });

  it("leaves out rooms the filter excludes and ignored typists", async function () {
    await userData.typing.setTyping(ALICE, roomId, true, 30_000);
    await userData.typing.setTyping(BOB, roomId, true, 30_000);
    expect(typingIn(await f.syncOnce(BOB, { filter: { room: { ephemeral: { not_types: ["m.typing"] } } } }), roomId)).to.deep.equal([]);
    await userData.accountData.setClientAccountData(BOB, null, "m.ignored_user_list", { ignored_users: { [ALICE]: {} } });
    expect(typingIn(await f.syncOnce(BOB), roomId)).to.deep.equal([[BOB]]);
  });
});
