import { expect } from "chai";
import type { SyncResponseJson } from "../../../src/matrix/endpoints/client/sync.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, makeSyncFixture, type SyncFixture, type UserDataFixture } from "../sync-fixture.js";

function receiptsIn(response: SyncResponseJson, roomId: string): Array<Record<string, unknown>> {
  return (response.rooms.join[roomId]?.ephemeral?.events ?? []).filter((e) => e.type === "m.receipt").map((e) => e.content as Record<string, unknown>);
}

withAllDatabases("ReceiptStreamProvider", function (getDb) {
  let f: SyncFixture;
  let userData: UserDataFixture;
  let roomId: string;
  let eventId: string;
  beforeEach(async function () {
    f = makeSyncFixture(getDb());
    userData = await f.withUserData();
    roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    await f.membership.join(BOB, roomId);
    eventId = await f.send(roomId, BOB, "read me");
  });
  afterEach(() => userData.close());

  it("sends receipts written since the token, and wakes the room's long-polls", async function () {
    const first = await f.syncOnce(BOB);
    const polling = f.syncOnce(BOB, { since: first.next_batch, timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await userData.receipts.sendReceipt(ALICE, roomId, "m.read", eventId, undefined);
    const [content] = receiptsIn(await polling, roomId);
    expect(content).to.have.nested.property(`${eventId.replace(/\./g, "\\.")}.m\\.read.${ALICE.replace(/\./g, "\\.")}.ts`);
  });

  it("keeps others' private receipts private", async function () {
    const first = await f.syncOnce(BOB);
    await userData.receipts.sendReceipt(ALICE, roomId, "m.read.private", eventId, undefined);
    expect(receiptsIn(await f.syncOnce(BOB, { since: first.next_batch }), roomId)).to.deep.equal([]);
    expect(receiptsIn(await f.syncOnce(ALICE, { since: first.next_batch }), roomId)).to.have.length(1);
  });

  it("gives a newly joined room every receipt it has, and drops ignored users' receipts", async function () {
    await userData.receipts.sendReceipt(ALICE, roomId, "m.read", eventId, undefined);
    const before = await f.syncOnce(CAROL);
    await f.membership.join(CAROL, roomId);
    expect(receiptsIn(await f.syncOnce(CAROL, { since: before.next_batch }), roomId)).to.have.length(1);
    await userData.accountData.setClientAccountData(BOB, null, "m.ignored_user_list", { ignored_users: { [ALICE]: {} } });
    expect(receiptsIn(await f.syncOnce(BOB), roomId)).to.deep.equal([]);
  });
});
