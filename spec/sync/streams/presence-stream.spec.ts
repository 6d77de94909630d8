import { expect } from "chai";
import type { SyncResponseJson } from "../../../src/matrix/endpoints/client/sync.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, makeSyncFixture, type SyncFixture, type UserDataFixture } from "../sync-fixture.js";

function presenceOf(response: SyncResponseJson): Array<[string, unknown]> {
  return response.presence.events.map((e) => [e.sender!, e.content.presence]);
}

withAllDatabases("PresenceStreamProvider", function (getDb) {
  let f: SyncFixture;
  let userData: UserDataFixture;
  beforeEach(async function () {
    f = makeSyncFixture(getDb());
    userData = await f.withUserData();
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    await f.membership.join(BOB, roomId);
  });
  afterEach(() => userData.close());

  it("sends the presence of users sharing a room, not of strangers", async function () {
    await userData.presence.setPresence(ALICE, "online", "here");
    await userData.presence.setPresence(CAROL, "online", null);
    const response = await f.syncOnce(BOB, { filter: { presence: { not_senders: [BOB] } } });
    expect(presenceOf(response)).to.deep.equal([[ALICE, "online"]]);
    expect(response.presence.events[0]!.content.status_msg).to.equal("here");
  });

  it("wakes a member's long-poll on a presence change, and sends only changes", async function () {
    const first = await f.syncOnce(BOB, { filter: { presence: { senders: [ALICE] } } });
    const polling = f.syncOnce(BOB, { since: first.next_batch, timeoutMs: 10_000, filter: { presence: { senders: [ALICE] } } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await userData.presence.setPresence(ALICE, "unavailable", null);
    expect(presenceOf(await polling)).to.deep.equal([[ALICE, "unavailable"]]);
  });

  it("marks the syncing user online through set_presence", async function () {
    await f.sync.handler.sync({ ...(await requestFor(BOB)) }, { timeoutMs: 0 });
    expect((await userData.presence.getPresence(BOB, BOB)).presence).to.equal("online");
  });

  it("leaves out ignored users and everything when the filter excludes m.presence", async function () {
    await userData.presence.setPresence(ALICE, "online", null);
    expect(presenceOf(await f.syncOnce(BOB, { filter: { presence: { types: [] } } }))).to.deep.equal([]);
    await userData.accountData.setClientAccountData(BOB, null, "m.ignored_user_list", { ignored_users: { [ALICE]: {} } });
    expect(presenceOf(await f.syncOnce(BOB)).map(([userId]) => userId)).to.not.include(ALICE);
  });
});

async function requestFor(userId: string) {
  const { SyncFilter } = await import("../../../src/sync/filters.js");
  return { userId, deviceId: "D", filter: SyncFilter.DEFAULT, since: null, fullState: false, useStateAfter: false, setPresence: "online" as const };
}
