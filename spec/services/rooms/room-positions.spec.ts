import { expect } from "chai";
import { isAfter, positionAfter, positionBefore, ROOM_START, RoomPositions } from "../../../src/services/rooms/room-positions.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, makeRoomEngine } from "./room-engine-fixture.js";

describe("room-positions: gaps between events", () => {
  const event = { topologicalOrdering: 7, streamOrdering: 42 };

  it("names the gap before an event by its key, and the gap after it by the next stream position", () => {
    expect(positionBefore(event).toString()).to.equal("t7-42");
    expect(positionAfter(event).toString()).to.equal("t7-43");
    expect(ROOM_START.toString()).to.equal("t0-0");
  });

  it("an event lies after the gap before it, and not after the gap after it", () => {
    expect(isAfter(event, positionBefore(event))).to.equal(true);
    expect(isAfter(event, positionAfter(event))).to.equal(false);
    expect(isAfter({ topologicalOrdering: 8, streamOrdering: 1 }, positionAfter(event))).to.equal(true);
  });
});

withAllDatabases("RoomPositions", (getDb) => {
  it("pages on either side of a gap, resolves sync tokens, and finds the room's end", async () => {
    const e = makeRoomEngine(getDb());
    const roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    const positions = new RoomPositions(e.stores.events);
    const one = await e.say(ALICE, roomId, "one");
    const two = await e.say(ALICE, roomId, "two");
    const rowOf = async (id: string) => (await e.stores.events.selectEventsByIds([id])).get(id)!;
    const twoRow = await rowOf(two.pdu.eventId);
    expect((await positions.end(roomId)).toString()).to.equal(positionAfter(twoRow).toString());
    expect((await positions.page(roomId, positionBefore(twoRow), "b", 1))[0]?.eventId).to.equal(one.pdu.eventId);
    expect((await positions.page(roomId, positionBefore(twoRow), "f", 1))[0]?.eventId).to.equal(two.pdu.eventId);
    expect((await positions.page(roomId, positionAfter(twoRow), "b", 1))[0]?.eventId).to.equal(two.pdu.eventId);
    const synced = await positions.resolve(roomId, StreamToken.from({ pdu: one.streamOrdering }).toString());
    expect(synced.toString()).to.equal(positionAfter(await rowOf(one.pdu.eventId)).toString());
    expect((await positions.resolve(roomId, StreamToken.from({ pdu: 0 }).toString())).toString()).to.equal("t0-0");
    expect((await positions.eventBefore(roomId, ROOM_START))).to.equal(null);
    expect((await positions.end("!empty:hearth.test")).toString()).to.equal("t0-0");

    await e.membership.join(BOB, roomId);
    const leave = await e.membership.leave(BOB, roomId);
    const access = await e.visibility.getRoomAccess(BOB, roomId);
    expect((await positions.readLimit(access))?.toString()).to.equal(positionAfter(await rowOf(leave)).toString());
    expect(await positions.readLimit(await e.visibility.getRoomAccess(ALICE, roomId))).to.equal(null);
  });
});
