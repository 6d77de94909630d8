import { expect } from "chai";
import { stateMapKey } from "../../../src/room/state-map.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("RoomEventSerializer", function (getDb) {
  let e: RoomEngine;
  let roomId: string;
  beforeEach(async function () {
    e = makeRoomEngine(getDb());
    roomId = await e.createRoom(ALICE, { preset: "public_chat" });
  });

  it("serves client events with their age, with or without room_id", async function () {
    const message = await e.say(ALICE, roomId, "hi");
    e.clock.advance(5_000);
    const [event] = await e.serializer.serialize([message.pdu]);
    expect(event).to.include({ event_id: message.pdu.eventId, room_id: roomId, type: "m.room.message", sender: ALICE });
    expect(event?.unsigned?.age).to.be.within(5_000, 5_010);
    const [bare] = await e.serializer.serialize([message.pdu], { includeRoomId: false });
    expect(bare).to.not.have.property("room_id");
  });

  it("adds prev_content and replaces_state from the state before a state event", async function () {
    const first = await e.setState(ALICE, roomId, "m.room.topic", { topic: "one" });
    const second = await e.setState(ALICE, roomId, "m.room.topic", { topic: "two" });
    const before = await e.persister.getStateBefore(second.pdu.eventId);
    const [event] = await e.serializer.serialize([second.pdu], { stateBefore: new Map([[second.pdu.eventId, before!]]) });
    expect(event?.unsigned).to.deep.include({ prev_content: { topic: "one" }, replaces_state: first.pdu.eventId });
    expect(before?.get(stateMapKey("m.room.topic", ""))).to.equal(first.pdu.eventId);
    const [withoutState] = await e.serializer.serialize([second.pdu]);
    expect(withoutState?.unsigned).to.not.have.property("prev_content");
  });

  it("serves redacted events redacted, with redacted_because; a redacted previous state shows redacted", async function () {
    const message = await e.say(ALICE, roomId, "secret");
    const first = await e.setState(ALICE, roomId, "m.room.topic", { topic: "rude" });
    const second = await e.setState(ALICE, roomId, "m.room.topic", { topic: "fine" });
    const redactionId = await e.events.redact(ALICE, roomId, message.pdu.eventId, "oops");
    await e.events.redact(ALICE, roomId, first.pdu.eventId);
    const before = await e.persister.getStateBefore(second.pdu.eventId);
    const [redacted, state] = await e.serializer.serialize([message.pdu, second.pdu], { stateBefore: new Map([[second.pdu.eventId, before!]]) });
    expect(redacted?.content).to.deep.equal({});
    const because = redacted?.unsigned?.redacted_because as Record<string, unknown> | undefined;
    expect(because).to.include({ event_id: redactionId, type: "m.room.redaction", redacts: message.pdu.eventId });
    expect(state?.content).to.deep.equal({ topic: "fine" });
    expect(state?.unsigned?.prev_content).to.deep.equal({});
  });
});
