import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("ForgetRoomService", function (getDb) {
  let e: RoomEngine;
  let roomId: string;
  beforeEach(async function () {
    e = makeRoomEngine(getDb());
    roomId = await e.createRoom(ALICE, { preset: "public_chat" });
  });

  it("forgets a room left or banned from, until the next membership change", async function () {
    await e.membership.join(BOB, roomId);
    await e.membership.leave(BOB, roomId);
    await e.forget.forget(BOB, roomId);
    expect(await e.forget.isForgotten(BOB, roomId)).to.equal(true);
    const leave = await e.persister.getStateEvent(roomId, "m.room.member", BOB);
    expect(await e.forget.getForgottenRooms(BOB)).to.deep.equal(new Map([[roomId, leave!.eventId]]));
    await e.membership.join(BOB, roomId);
    expect(await e.forget.isForgotten(BOB, roomId)).to.equal(false);

    await e.membership.join(CAROL, roomId);
    await e.membership.ban(ALICE, roomId, CAROL);
    await e.forget.forget(CAROL, roomId);
    expect(await e.forget.isForgotten(CAROL, roomId)).to.equal(true);
  });

  it("refuses while the user is in the room (400 M_UNKNOWN); unknown rooms are 404", async function () {
    await e.membership.invite(ALICE, roomId, BOB);
    for (const userId of [ALICE, BOB]) {
      const err = await matrixErrorOf(e.forget.forget(userId, roomId));
      expect([err.status, err.errcode]).to.deep.equal([400, ErrCode.Unknown]);
    }
    expect((await matrixErrorOf(e.forget.forget(ALICE, "!gone:hearth.test"))).errcode).to.equal(ErrCode.NotFound);
  });

  it("forgetting a room one was never in changes nothing", async function () {
    await e.forget.forget(CAROL, roomId);
    expect(await e.forget.isForgotten(CAROL, roomId)).to.equal(false);
    expect(await e.forget.getForgottenRooms(CAROL)).to.deep.equal(new Map());
  });
});
