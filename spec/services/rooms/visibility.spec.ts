import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import { historyVisibilityOf, type PositionedEvent } from "../../../src/services/rooms/visibility.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("RoomVisibility", function (getDb) {
  let e: RoomEngine;
  beforeEach(function () {
    e = makeRoomEngine(getDb());
  });

  const ids = (events: readonly PositionedEvent[]) => events.map((event) => event.pdu.eventId);
  const visibleTo = async (userId: string, events: PositionedEvent[]) => ids(await e.visibility.filterVisible(userId, events));

  /** A public room with the given history visibility, set right after creation. */
  async function roomWith(visibility: string): Promise<string> {
    const roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: visibility });
    return roomId;
  }

  it("joined: a member sees from their join to their leave, their own join and leave included", async function () {
    const roomId = await roomWith("joined");
    const before = await e.say(ALICE, roomId, "before bob");
    const join = await e.positioned(await e.membership.join(BOB, roomId));
    const during = await e.say(ALICE, roomId, "while bob is here");
    const leave = await e.positioned(await e.membership.leave(BOB, roomId));
    const after = await e.say(ALICE, roomId, "after bob");
    expect(await visibleTo(BOB, [before, join, during, leave, after])).to.deep.equal(ids([join, during, leave]));
    expect(await visibleTo(ALICE, [before, join, during, leave, after])).to.deep.equal(ids([before, join, during, leave, after]));
  });

  it("shared: a member who joined later sees what came before; someone who never joined sees nothing", async function () {
    const roomId = await roomWith("shared");
    const early = await e.say(ALICE, roomId, "early");
    expect(await visibleTo(BOB, [early])).to.deep.equal([]);
    await e.membership.join(BOB, roomId);
    expect(await visibleTo(BOB, [early])).to.deep.equal(ids([early]));
    // Having joined once, the history before that join stays readable after leaving.
    await e.membership.leave(BOB, roomId);
    const late = await e.say(ALICE, roomId, "late");
    expect(await visibleTo(BOB, [early, late])).to.deep.equal(ids([early]));
    expect(await visibleTo(CAROL, [early, late])).to.deep.equal([]);
  });

  it("invited: visible from the invite on, not before", async function () {
    const roomId = await roomWith("invited");
    const before = await e.say(ALICE, roomId, "before the invite");
    const invite = await e.positioned(await e.membership.invite(ALICE, roomId, BOB));
    const after = await e.say(ALICE, roomId, "after the invite");
    expect(await visibleTo(BOB, [before, invite, after])).to.deep.equal(ids([invite, after]));
  });

  it("world_readable: anyone sees, and may read the room without joining", async function () {
    const roomId = await roomWith("world_readable");
    const message = await e.say(ALICE, roomId, "for everyone");
    expect(await visibleTo(CAROL, [message])).to.deep.equal(ids([message]));
    const access = await e.visibility.requireReadable(CAROL, roomId);
    expect(access).to.include({ membership: "leave", worldReadable: true, forgotten: false });
  });

  it("a history visibility change is visible if the setting before or after it allows", async function () {
    const roomId = await roomWith("joined");
    const opening = await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "world_readable" });
    const closing = await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "joined" });
    const hidden = await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "invited" });
    expect(await visibleTo(CAROL, [opening, closing, hidden])).to.deep.equal(ids([opening, closing]));
  });

  it("no history visibility event, or one not understood, counts as shared", async function () {
    expect(historyVisibilityOf(null)).to.equal("shared");
    const roomId = await roomWith("org.example.secret");
    const early = await e.say(ALICE, roomId, "early");
    await e.membership.join(BOB, roomId);
    expect(await visibleTo(BOB, [early])).to.deep.equal(ids([early]));
  });

  it("requireReadable: 403 M_FORBIDDEN for users never in the room and for the invited", async function () {
    const roomId = await roomWith("shared");
    expect((await matrixErrorOf(e.visibility.requireReadable(CAROL, roomId))).errcode).to.equal(ErrCode.Forbidden);
    await e.membership.invite(ALICE, roomId, BOB);
    expect((await matrixErrorOf(e.visibility.requireReadable(BOB, roomId))).errcode).to.equal(ErrCode.Forbidden);
    expect((await matrixErrorOf(e.visibility.requireReadable(CAROL, "!unknown:hearth.test"))).status).to.equal(403);
  });

  it("a departed user may read on until they forget the room; a new join ends the forgetting", async function () {
    const roomId = await roomWith("shared");
    await e.membership.join(BOB, roomId);
    await e.membership.leave(BOB, roomId);
    expect((await e.visibility.requireReadable(BOB, roomId)).membership).to.equal("leave");
    await e.forget.forget(BOB, roomId);
    expect((await e.visibility.getRoomAccess(BOB, roomId)).forgotten).to.equal(true);
    expect((await matrixErrorOf(e.visibility.requireReadable(BOB, roomId))).errcode).to.equal(ErrCode.Forbidden);
    await e.membership.join(BOB, roomId);
    expect(await e.visibility.getRoomAccess(BOB, roomId)).to.include({ membership: "join", forgotten: false });
  });
});
