import { expect } from "chai";
import type { PduJson } from "../../../src/matrix/pdu-json.js";
import { AuthError } from "../../../src/room/auth/auth-error.js";
import { checkAuthEvents } from "../../../src/room/auth/check-auth-events.js";
import type { Pdu } from "../../../src/room/pdu.js";
import { mkMembership, mkMessage, mkState } from "../../helpers/event-builders.js";
import { ALICE, BOB, RoomBuilder } from "../../helpers/room-builder.js";

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

function verdict(event: Pdu, authEvents: Pdu[]): string {
  try {
    checkAuthEvents(event, authEvents);
    return "allowed";
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
}

function room(version: string): RoomBuilder {
  const built = RoomBuilder.create({ version, joinRule: "public" });
  built.send(BOB, mkMembership(BOB, "join"));
  return built;
}

describe("checkAuthEvents", () => {
  it("accepts the selected auth events in every version", () => {
    for (const version of ALL) {
      const built = room(version);
      const auth = built.selectAuthEvents(BOB, mkMessage("hi"));
      expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: auth }), auth), version).to.equal("allowed");
      expect(auth.some((e) => e.type === "m.room.create"), version).to.equal(version !== "12");
    }
  });

  it("accepts the create event's empty auth events", () => {
    expect(verdict(room("10").create, [])).to.equal("allowed");
  });

  it("accepts a subset of the selection (state that did not exist)", () => {
    const built = room("10");
    const auth = [built.create, built.get("m.room.member", BOB) as Pdu];
    expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: auth }), auth)).to.equal("allowed");
  });

  it("refuses duplicate (type, state_key) entries", () => {
    const built = room("10");
    const oldMember = built.get("m.room.member", BOB) as Pdu;
    const newMember = built.send(BOB, mkMembership(BOB, "join", { displayname: "B" }));
    const auth = [built.create, oldMember, newMember];
    expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: auth }), auth)).to.match(/duplicate auth event/);
  });

  it("refuses entries the selection would not pick", () => {
    const built = room("10");
    const topic = built.send(ALICE, mkState("m.room.topic", "", { topic: "t" }));
    const auth = [built.create, built.get("m.room.member", BOB) as Pdu, topic];
    expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: auth }), auth)).to.match(/unexpected auth event \(m.room.topic, \)/);
    const aliceMember = built.get("m.room.member", ALICE) as Pdu;
    const withOtherMember = [built.create, aliceMember];
    expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: withOtherMember }), withOtherMember)).to.match(/unexpected auth event/);
  });

  it("refuses non-state auth events", () => {
    const built = room("10");
    const message = built.send(BOB, mkMessage("hi"));
    const auth = [built.create, message];
    expect(verdict(built.build(BOB, mkMessage("again"), { authEvents: auth }), auth)).to.match(/not a state event/);
  });

  it("v1–v11 require the create event; v12 forbids it", () => {
    for (const version of ALL) {
      const built = room(version);
      const member = built.get("m.room.member", BOB) as Pdu;
      const withoutCreate = [member];
      const withCreate = [built.create, member];
      const without = verdict(built.build(BOB, mkMessage("hi"), { authEvents: withoutCreate }), withoutCreate);
      const withIt = verdict(built.build(BOB, mkMessage("hi"), { authEvents: withCreate }), withCreate);
      if (version === "12") {
        expect([without, withIt]).to.deep.equal(["allowed", "unexpected auth event (m.room.create, )"]);
      } else {
        expect([without, withIt], version).to.deep.equal(["no m.room.create among the auth events", "allowed"]);
      }
    }
  });

  it("refuses auth events from another room", () => {
    const built = room("10");
    const other = room("10");
    const auth = [other.create, built.get("m.room.member", BOB) as Pdu];
    expect(verdict(built.build(BOB, mkMessage("hi"), { authEvents: auth }), auth)).to.match(/is in another room/);
  });

  it("refuses auth events the event does not cite, and cited ones that are missing", () => {
    const built = room("10");
    const auth = built.selectAuthEvents(BOB, mkMessage("hi"));
    const event = built.build(BOB, mkMessage("hi"), { authEvents: auth });
    expect(verdict(event, [...auth.slice(1), built.get("m.room.join_rules", "") as Pdu])).to.match(/is not in auth_events/);
    expect(verdict(event, auth.slice(1))).to.match(/does not match/);
    expect(verdict(event, [...auth, auth[0] as Pdu])).to.match(/does not match/);
  });

  it("refuses an event citing the same auth event twice", () => {
    const built = room("10");
    const auth = built.selectAuthEvents(BOB, mkMessage("hi"));
    const event = built.build(BOB, mkMessage("hi"), { authEvents: [...auth, auth[0] as Pdu] });
    expect((event.json as PduJson).auth_events).to.have.length(auth.length + 1);
    expect(verdict(event, auth)).to.match(/does not match/);
  });
});
