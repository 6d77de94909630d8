import { expect } from "chai";
import type { JsonObject, PduJson } from "../../../src/matrix/pdu-json.js";
import { AuthError } from "../../../src/room/auth/auth-error.js";
import { authorizeEvent } from "../../../src/room/auth/authorize.js";
import { buildEvent } from "../../../src/room/event-builder.js";
import { Pdu } from "../../../src/room/pdu.js";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { mkMembership, mkMessage, mkPowerLevels, mkRedaction, mkState } from "../../helpers/event-builders.js";
import { ALICE, BOB, CAROL, DAVE, RoomBuilder, serverOf, testSigningKey } from "../../helpers/room-builder.js";

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

/** A create event built directly (RoomBuilder would refuse the bad ones). */
function createEvent(version: string, content: JsonObject, overrides: { sender?: string; roomId?: string; prevEvents?: Pdu[] } = {}): Pdu {
  const sender = overrides.sender ?? ALICE;
  const r = rules(version);
  return buildEvent({
    rules: r,
    roomId: r.roomIdFormat === "createEventHash" ? undefined : (overrides.roomId ?? `!c:${serverOf(sender)}`),
    sender,
    type: "m.room.create",
    stateKey: "",
    content: { room_version: version, ...(r.authorization.creatorInContent ? { creator: sender } : {}), ...content },
    prevEvents: overrides.prevEvents ?? [],
    authEvents: [],
    originServerTs: 1,
    signingKey: testSigningKey(serverOf(sender)),
    serverName: serverOf(sender),
  });
}

/** `pdu` with other content (unsigned: authorization does not look at signatures). */
function withContent(pdu: Pdu, content: JsonObject): Pdu {
  return Pdu.fromJson({ ...(structuredClone(pdu.json) as PduJson), content }, pdu.rules, pdu.eventId);
}

function verdict(event: Pdu, state: (type: string, stateKey: string) => Pdu | undefined = () => undefined): string {
  try {
    authorizeEvent(event, state);
    return "allowed";
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
}

/** A public room with Alice (100) and Bob, Carol joined at 0. */
function room(version: string, powerLevels: JsonObject = {}, createContent: JsonObject = {}): RoomBuilder {
  const users: JsonObject = version === "12" ? {} : { [ALICE]: 100 };
  const built = RoomBuilder.create({ version, joinRule: "public", createContent, powerLevels: { users, ...powerLevels } });
  built.send(BOB, mkMembership(BOB, "join"));
  built.send(CAROL, mkMembership(CAROL, "join"));
  return built;
}

describe("authorizeEvent", () => {
  describe("m.room.create", () => {
    it("allows a well-formed create event in every version", () => {
      for (const version of ALL) expect(verdict(createEvent(version, {})), version).to.equal("allowed");
    });

    it("refuses prev_events", () => {
      for (const version of ALL) {
        const earlier = createEvent(version, {});
        expect(verdict(createEvent(version, {}, { prevEvents: [earlier] })), version).to.match(/has prev_events/);
      }
    });

    it("v1–v11: refuses a room ID from another server than the sender", () => {
      for (const version of ALL.slice(0, 11)) {
        expect(verdict(createEvent(version, {}, { roomId: "!c:elsewhere.test" })), version).to.match(/room ID domain differs/);
        expect(verdict(createEvent(version, {}, { roomId: "!nodomain" })), version).to.match(/room ID domain differs/);
      }
    });

    it("v12: refuses a create event with a room_id", () => {
      const create = createEvent("12", {});
      const withRoomId = Pdu.fromJson({ ...(structuredClone(create.json) as PduJson), room_id: "!x:alpha.test" }, rules("12"));
      expect(withRoomId.roomId).to.equal("!" + withRoomId.eventId.slice(1));
      expect(verdict(withRoomId)).to.match(/has a room_id/);
    });

    it("refuses an unrecognised room_version", () => {
      for (const version of ALL) {
        expect(verdict(createEvent(version, { room_version: "99" })), version).to.match(/unrecognised room_version "99"/);
        expect(verdict(createEvent(version, { room_version: 12 })), version).to.match(/unrecognised room_version 12/);
      }
      for (const version of ALL) {
        const create = createEvent(version, {});
        const { room_version: _v, ...withoutVersion } = create.content;
        expect(verdict(withContent(create, withoutVersion)), `${version} without room_version`).to.equal("allowed");
      }
    });

    it("v1–v10 require content.creator; v11+ do not", () => {
      for (const version of ALL) {
        const create = createEvent(version, {});
        const { creator: _c, ...withoutCreator } = create.content;
        const bare = withContent(create, withoutCreator);
        if (rules(version).authorization.creatorInContent) expect(verdict(bare), version).to.match(/no creator/);
        else expect(verdict(bare), version).to.equal("allowed");
      }
    });

    it("v12: additional_creators must be an array of valid user IDs", () => {
      expect(verdict(createEvent("12", { additional_creators: [BOB, "@x:[::1]:8448"] }))).to.equal("allowed");
      expect(verdict(createEvent("12", { additional_creators: [] }))).to.equal("allowed");
      expect(verdict(createEvent("12", { additional_creators: BOB }))).to.match(/additional_creators/);
      expect(verdict(createEvent("12", { additional_creators: ["bob"] }))).to.match(/additional_creators/);
      expect(verdict(createEvent("12", { additional_creators: [5] }))).to.match(/additional_creators/);
      expect(verdict(createEvent("12", { additional_creators: ["@bob:bad server"] }))).to.match(/additional_creators/);
      expect(verdict(createEvent("11", { additional_creators: "ignored before v12" }))).to.equal("allowed");
    });
  });

  it("refuses any other event without a create event in the state", () => {
    for (const version of ALL) {
      const built = room(version);
      const message = built.build(BOB, mkMessage("hi"));
      expect(verdict(message), version).to.match(/no m.room.create/);
      expect(verdict(message, built.authState()), version).to.equal("allowed");
    }
  });

  it("v12: refuses an event whose room_id is not the create event's", () => {
    const built = room("12");
    const other = room("12");
    expect(verdict(other.build(BOB, mkMessage("hi")), built.authState())).to.match(/room_id is not the m.room.create event's ID/);
    // Before v12 the room ID is not tied to the create event.
    const old = room("11");
    expect(verdict(room("11").build(BOB, mkMessage("hi")), old.authState())).to.equal("allowed");
  });

  it("m.federate false: refuses senders from other servers than the creator's", () => {
    for (const version of ALL) {
      const built = RoomBuilder.create({ version, joinRule: "public", createContent: { "m.federate": false } });
      expect(built.try(BOB, mkMembership(BOB, "join")), version).to.match(/not federated/);
      expect(built.try(DAVE, mkMembership(DAVE, "join")), version).to.equal("allowed");
      expect(built.try(ALICE, mkMessage("hi"))).to.equal("allowed");
      const federated = RoomBuilder.create({ version, joinRule: "public", createContent: { "m.federate": true } });
      expect(federated.try(BOB, mkMembership(BOB, "join"))).to.equal("allowed");
    }
  });

  describe("m.room.aliases", () => {
    it("v1–v5: allowed iff the state_key is the sender's server, joined or not", () => {
      for (const version of ALL.slice(0, 5)) {
        const built = room(version);
        expect(built.try("@x:delta.test", mkState("m.room.aliases", "delta.test", { aliases: ["#a:delta.test"] })), version).to.equal("allowed");
        expect(built.try(BOB, mkState("m.room.aliases", "alpha.test", { aliases: [] }))).to.match(/not the sender's domain/);
        expect(built.try(BOB, { type: "m.room.aliases", content: {} })).to.match(/without a state_key/);
      }
    });

    it("v6+: an ordinary state event", () => {
      for (const version of ALL.slice(5)) {
        const built = room(version);
        expect(built.try("@x:delta.test", mkState("m.room.aliases", "delta.test", { aliases: [] })), version).to.match(/not joined/);
        expect(built.try(BOB, mkState("m.room.aliases", "beta.test", { aliases: [] }))).to.match(/too low to send m.room.aliases/);
        expect(built.try(ALICE, mkState("m.room.aliases", "beta.test", { aliases: [] }))).to.equal("allowed");
      }
    });
  });

  it("refuses events from senders who are not joined", () => {
    for (const version of ALL) {
      const built = room(version);
      expect(built.try(DAVE, mkMessage("hi")), version).to.match(/sender is not joined/);
      built.send(BOB, mkMembership(BOB, "leave"));
      expect(built.try(BOB, mkMessage("hi")), version).to.match(/sender is not joined/);
    }
  });

  it("m.room.third_party_invite needs the invite level, not its event level", () => {
    for (const version of ALL) {
      const built = room(version, { invite: 0, events: { "m.room.third_party_invite": 100 } });
      expect(built.try(BOB, mkState("m.room.third_party_invite", "t", { display_name: "x" })), version).to.equal("allowed");
      const strict = room(version, { invite: 10 });
      expect(strict.try(BOB, mkState("m.room.third_party_invite", "t", { display_name: "x" }))).to.match(/below the invite level/);
    }
  });

  it("refuses events below their required power level", () => {
    for (const version of ALL) {
      const built = room(version, { events_default: 10, events: { "m.special": 0, "m.room.topic": 0 } });
      expect(built.try(BOB, mkMessage("hi")), version).to.match(/too low to send m.room.message/);
      expect(built.try(BOB, { type: "m.special", content: {} })).to.equal("allowed");
      expect(built.try(BOB, mkState("m.room.name", "", { name: "n" }))).to.match(/too low to send m.room.name/);
      expect(built.try(BOB, mkState("m.room.topic", "", { topic: "t" }))).to.equal("allowed");
      expect(built.try(ALICE, mkMessage("hi"))).to.equal("allowed");
    }
  });

  it("refuses state keys naming another user", () => {
    for (const version of ALL) {
      const built = room(version, { state_default: 0 });
      expect(built.try(BOB, mkState("m.custom", ALICE, {})), version).to.match(/state_key starting with @/);
      expect(built.try(BOB, mkState("m.custom", BOB, {}))).to.equal("allowed");
      expect(built.try(BOB, mkState("m.custom", "plain", {}))).to.equal("allowed");
    }
  });

  it("delegates m.room.power_levels to the power levels rules", () => {
    const built = room("10", { users: { [ALICE]: 100, [BOB]: 50 } });
    expect(built.try(BOB, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 60 } }))).to.match(/cannot raise @carol/);
    expect(built.try(BOB, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 50 } }))).to.equal("allowed");
  });

  describe("m.room.redaction", () => {
    it("v1–v2: needs the redact level or the redacted event's ID domain", () => {
      for (const version of ["1", "2"]) {
        const built = room(version, { redact: 50 });
        const bobs = built.send(BOB, mkMessage("hi"));
        expect(built.try(CAROL, mkRedaction(bobs.eventId)), version).to.match(/below the redact level/);
        expect(built.try(BOB, mkRedaction(bobs.eventId))).to.equal("allowed");
        expect(built.try(ALICE, mkRedaction(bobs.eventId))).to.equal("allowed");
        expect(built.try(CAROL, { type: "m.room.redaction", content: {} })).to.match(/below the redact level/);
        expect(built.try(CAROL, mkRedaction("$nodomain"))).to.match(/below the redact level/);
      }
    });

    it("v3+: only the event power level applies (redaction checks come later)", () => {
      for (const version of ALL.slice(2)) {
        const built = room(version, { redact: 50 });
        const bobs = built.send(BOB, mkMessage("hi"));
        expect(built.try(CAROL, mkRedaction(bobs.eventId)), version).to.equal("allowed");
        const guarded = room(version, { events: { "m.room.redaction": 10 } });
        expect(guarded.try(CAROL, mkRedaction(bobs.eventId))).to.match(/too low to send m.room.redaction/);
      }
    });
  });

  it("uses explicit rules when given", () => {
    const built = room("10");
    const event = built.build(BOB, mkMessage("hi"));
    expect(() => authorizeEvent(event, built.authState(), rules("12"))).to.throw(AuthError, /room_id is not the m.room.create/);
  });
});
