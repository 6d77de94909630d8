import { expect } from "chai";
import { toClientEvent } from "../../src/room/client-event.js";
import { mkMessage, mkRedaction, mkState } from "../helpers/event-builders.js";
import { buildEvent } from "../../src/room/event-builder.js";
import { ALICE, RoomBuilder, testSigningKey } from "../helpers/room-builder.js";

describe("toClientEvent", () => {
  it("gives the client format with event_id and room_id", () => {
    const built = RoomBuilder.create({ version: "10" });
    const message = built.send(ALICE, mkMessage("hi"));
    expect(toClientEvent(message)).to.deep.equal({
      event_id: message.eventId,
      room_id: built.roomId,
      sender: ALICE,
      origin_server_ts: message.originServerTs,
      type: "m.room.message",
      content: { msgtype: "m.text", body: "hi" },
    });
  });

  it("includes state_key for state events and the given unsigned, and can leave out room_id", () => {
    const built = RoomBuilder.create({ version: "12" });
    const topic = built.send(ALICE, mkState("m.room.topic", "", { topic: "t" }));
    const event = toClientEvent(topic, { unsigned: { age: 5 }, includeRoomId: false });
    expect(event.state_key).to.equal("");
    expect(event.unsigned).to.deep.equal({ age: 5 });
    expect(event).to.not.have.property("room_id");
  });

  it("serves redacts both at the top level and in content, in every version", () => {
    for (const version of ["1", "10", "11", "12"]) {
      const built = RoomBuilder.create({ version });
      const target = built.latest.eventId;
      const redaction = built.send(ALICE, mkRedaction(target, "spam"));
      const event = toClientEvent(redaction);
      expect(event.redacts, version).to.equal(target);
      expect(event.content, version).to.deep.equal({ reason: "spam", redacts: target });
    }
  });

  it("gives the PDU itself for the federation format, with the client's unsigned", () => {
    const built = RoomBuilder.create({ version: "10" });
    const message = built.send(ALICE, mkMessage("hi"));
    expect(toClientEvent(message, { format: "federation" })).to.deep.equal(message.json);
    expect(toClientEvent(message, { format: "federation", unsigned: { age: 1 } })).to.deep.equal({ ...message.json, unsigned: { age: 1 } });
  });

  it("never passes on the origin server's unsigned", () => {
    const built = RoomBuilder.create({ version: "10" });
    const pdu = buildEvent({
      rules: built.rules, roomId: built.roomId, sender: ALICE, type: "m.room.message", content: { body: "x" }, prevEvents: [built.latest],
      authEvents: [], originServerTs: 1, signingKey: testSigningKey("alpha.test"), serverName: "alpha.test", unsigned: { age: 99, secret: 1 },
    });
    expect(toClientEvent(pdu, { format: "federation" })).to.not.have.property("unsigned");
    expect(toClientEvent(pdu)).to.not.have.property("unsigned");
  });
});
