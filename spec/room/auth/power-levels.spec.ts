import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { AuthError } from "../../../src/room/auth/auth-error.js";
import {
  checkPowerLevelsEvent,
  getEventPowerLevel,
  getNamedPowerLevel,
  getUserPowerLevel,
  isRoomCreator,
  parsePowerLevel,
  roomCreators,
} from "../../../src/room/auth/power-levels.js";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { mkMembership, mkPowerLevels } from "../../helpers/event-builders.js";
import { ALICE, BOB, CAROL, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

/** A public room of `version` with `powerLevels` (creator Alice; Bob and Carol joined). */
function room(version: string, powerLevels: JsonObject | null): RoomBuilder {
  const built = RoomBuilder.create({ version, joinRule: "public", powerLevels });
  built.send(BOB, mkMembership(BOB, "join"));
  built.send(CAROL, mkMembership(CAROL, "join"));
  return built;
}

/** Runs checkPowerLevelsEvent for `sender` proposing `content`; returns the rejection reason or "allowed". */
function propose(built: RoomBuilder, sender: string, content: JsonObject): string {
  const event = built.build(sender, mkPowerLevels(content));
  try {
    checkPowerLevelsEvent(event, built.authState(), built.rules);
    return "allowed";
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
}

describe("power-levels", () => {
  describe("parsePowerLevel", () => {
    it("accepts integers in every version", () => {
      for (const version of ALL) expect(parsePowerLevel(-7, rules(version))).to.equal(-7);
    });

    it("accepts integer strings before v10, in the spec's format", () => {
      for (const version of ALL.slice(0, 9)) {
        expect(parsePowerLevel("50", rules(version))).to.equal(50);
        expect(parsePowerLevel("000100", rules(version))).to.equal(100);
        expect(parsePowerLevel("+100", rules(version))).to.equal(100);
        expect(parsePowerLevel(" -100 ", rules(version))).to.equal(-100);
        expect(parsePowerLevel(" 00100 ", rules(version))).to.equal(100);
        expect(parsePowerLevel("1.5", rules(version))).to.equal(null);
        expect(parsePowerLevel("1e2", rules(version))).to.equal(null);
        expect(parsePowerLevel("++1", rules(version))).to.equal(null);
        expect(parsePowerLevel("", rules(version))).to.equal(null);
      }
      for (const version of ["10", "11", "12"]) expect(parsePowerLevel("50", rules(version))).to.equal(null);
    });

    it("truncates floats where canonical JSON is not enforced (v1–v5)", () => {
      for (const version of ALL.slice(0, 5)) {
        expect(parsePowerLevel(50.57, rules(version))).to.equal(50);
        expect(parsePowerLevel(5.114698e4, rules(version))).to.equal(51146);
        expect(parsePowerLevel(-50.9, rules(version))).to.equal(-50);
        expect(parsePowerLevel(Infinity, rules(version))).to.equal(null);
        expect(parsePowerLevel(NaN, rules(version))).to.equal(null);
      }
      for (const version of ALL.slice(5)) expect(parsePowerLevel(50.5, rules(version))).to.equal(null);
    });

    it("refuses other types", () => {
      for (const value of [true, null, {}, [], undefined]) expect(parsePowerLevel(value, rules("1"))).to.equal(null);
    });
  });

  describe("roomCreators", () => {
    it("is content.creator up to v10, the sender in v11, sender + additional_creators in v12", () => {
      const v10 = RoomBuilder.create({ version: "10" });
      expect(roomCreators(v10.create, v10.rules)).to.deep.equal([ALICE]);
      const v11 = RoomBuilder.create({ version: "11", createContent: { additional_creators: [BOB] } });
      expect(roomCreators(v11.create, v11.rules)).to.deep.equal([ALICE]);
      const v12 = RoomBuilder.create({ version: "12", createContent: { additional_creators: [BOB, CAROL] } });
      expect(roomCreators(v12.create, v12.rules)).to.deep.equal([ALICE, BOB, CAROL]);
    });

    it("isRoomCreator agrees with roomCreators", () => {
      for (const version of ["10", "11", "12"]) {
        const built = RoomBuilder.create({ version, createContent: { additional_creators: [BOB] } });
        for (const user of [ALICE, BOB, CAROL]) {
          expect(isRoomCreator(built.create, user, built.rules), `${version} ${user}`).to.equal(roomCreators(built.create, built.rules).includes(user));
        }
      }
    });

    it("up to v10 trusts content.creator, not the sender", () => {
      const v1 = RoomBuilder.create({ version: "1", powerLevels: null });
      const forged = v1.build(ALICE, { type: "m.room.create", stateKey: "", content: { creator: DAVE } });
      expect(roomCreators(forged, v1.rules)).to.deep.equal([DAVE]);
      const noCreator = v1.build(ALICE, { type: "m.room.create", stateKey: "", content: {} });
      expect(roomCreators(noCreator, v1.rules)).to.deep.equal([]);
    });
  });

  describe("getUserPowerLevel", () => {
    it("without power levels: 100 for the creator, 0 for others (v1–v11)", () => {
      for (const version of ALL.slice(0, 11)) {
        const built = room(version, null);
        expect(getUserPowerLevel(ALICE, built.authState(), built.rules), version).to.equal(100);
        expect(getUserPowerLevel(BOB, built.authState(), built.rules), version).to.equal(0);
      }
    });

    it("v12: creators are infinitely powerful with or without power levels", () => {
      const without = room("12", null);
      expect(getUserPowerLevel(ALICE, without.authState(), without.rules)).to.equal(Infinity);
      expect(getUserPowerLevel(BOB, without.authState(), without.rules)).to.equal(0);
      const built = RoomBuilder.create({ version: "12", createContent: { additional_creators: [BOB] }, powerLevels: { users_default: 10 } });
      expect(getUserPowerLevel(ALICE, built.authState(), built.rules)).to.equal(Infinity);
      expect(getUserPowerLevel(BOB, built.authState(), built.rules)).to.equal(Infinity);
      expect(getUserPowerLevel(CAROL, built.authState(), built.rules)).to.equal(10);
    });

    it("reads users, then users_default, then 0", () => {
      const built = room("10", { users: { [ALICE]: 100, [BOB]: 40 }, users_default: 5 });
      expect(getUserPowerLevel(BOB, built.authState(), built.rules)).to.equal(40);
      expect(getUserPowerLevel(CAROL, built.authState(), built.rules)).to.equal(5);
      const noDefault = room("10", { users: { [ALICE]: 100 } });
      expect(getUserPowerLevel(CAROL, noDefault.authState(), noDefault.rules)).to.equal(0);
      expect(getUserPowerLevel("__proto__", noDefault.authState(), noDefault.rules)).to.equal(0);
    });

    it("reads string levels before v10 and falls back to users_default for unreadable ones", () => {
      const built = room("9", { users: { [ALICE]: "100" }, users_default: " 3 " });
      expect(getUserPowerLevel(ALICE, built.authState(), built.rules)).to.equal(100);
      expect(getUserPowerLevel(CAROL, built.authState(), built.rules)).to.equal(3);
      const unreadable = room("9", { users: { [ALICE]: 100 }, users_default: "three" });
      expect(getUserPowerLevel(CAROL, unreadable.authState(), unreadable.rules)).to.equal(0);
    });
  });

  describe("getEventPowerLevel and getNamedPowerLevel", () => {
    it("use events, then state_default / events_default, then 50 / 0", () => {
      const built = room("10", { users: { [ALICE]: 100 }, events: { "m.room.name": 70, "m.custom": 20 }, state_default: 60, events_default: 10 });
      const state = built.authState();
      expect(getEventPowerLevel("m.room.name", "", state, built.rules)).to.equal(70);
      expect(getEventPowerLevel("m.custom", undefined, state, built.rules)).to.equal(20);
      expect(getEventPowerLevel("m.room.topic", "", state, built.rules)).to.equal(60);
      expect(getEventPowerLevel("m.room.message", undefined, state, built.rules)).to.equal(10);
      const bare = room("10", { users: { [ALICE]: 100 } });
      expect(getEventPowerLevel("m.room.topic", "", bare.authState(), bare.rules)).to.equal(50);
      expect(getEventPowerLevel("m.room.message", undefined, bare.authState(), bare.rules)).to.equal(0);
    });

    it("without power levels: 50 for state events and 0 for others", () => {
      const built = room("11", null);
      expect(getEventPowerLevel("m.room.topic", "", built.authState(), built.rules)).to.equal(50);
      expect(getEventPowerLevel("m.room.message", undefined, built.authState(), built.rules)).to.equal(0);
    });

    it("named levels default to ban 50, kick 50, redact 50, invite 0", () => {
      const built = room("10", { users: { [ALICE]: 100 } });
      expect(["ban", "kick", "redact", "invite"].map((n) => getNamedPowerLevel(n as "ban", built.authState(), built.rules))).to.deep.equal([50, 50, 50, 0]);
      const none = room("10", null);
      expect(getNamedPowerLevel("ban", none.authState(), none.rules)).to.equal(50);
      const set = room("10", { users: { [ALICE]: 100 }, ban: 1, kick: 2, redact: 3, invite: 4 });
      expect(["ban", "kick", "redact", "invite"].map((n) => getNamedPowerLevel(n as "ban", set.authState(), set.rules))).to.deep.equal([1, 2, 3, 4]);
    });
  });

  describe("checkPowerLevelsEvent", () => {
    const baseLevels = { users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 10 }, ban: 60, kick: 40, events: { "m.room.name": 30, "m.room.tombstone": 100 } };
    const base = baseLevels;

    it("v10+: refuses non-integer levels; earlier versions accept strings", () => {
      for (const version of ["10", "11", "12"]) {
        expect(propose(room(version, null), ALICE, { ban: "50" }), version).to.match(/ban is not an integer/);
        expect(propose(room(version, null), ALICE, { events: { x: "1" } })).to.match(/events is not an object of integers/);
        expect(propose(room(version, null), ALICE, { events: [] })).to.match(/events is not an object of integers/);
        expect(propose(room(version, null), ALICE, { notifications: { room: "1" } })).to.match(/notifications/);
      }
      for (const version of ["1", "9"]) expect(propose(room(version, null), ALICE, { ban: "50", events: { x: "1" } }), version).to.equal("allowed");
    });

    it("refuses users that is not an object of user IDs to levels", () => {
      for (const version of ALL) {
        const built = room(version, null);
        expect(propose(built, ALICE, { users: [] }), version).to.match(/users is not an object/);
        expect(propose(built, ALICE, { users: { alice: 10 } }), version).to.match(/not a valid user ID/);
        expect(propose(built, ALICE, { users: { [BOB]: "x" } }), version).to.match(/invalid level/);
        expect(propose(built, ALICE, { users: { [BOB]: true } }), version).to.match(/invalid level/);
      }
      expect(propose(room("9", null), ALICE, { users: { [BOB]: "10" } })).to.equal("allowed");
      expect(propose(room("10", null), ALICE, { users: { [BOB]: "10" } })).to.match(/invalid level/);
    });

    it("v12: refuses listing a creator in users", () => {
      const built = RoomBuilder.create({ version: "12", joinRule: "public", createContent: { additional_creators: [BOB] } });
      expect(propose(built, ALICE, { users: { [ALICE]: 100 } })).to.match(/room creator @alice/);
      expect(propose(built, ALICE, { users: { [BOB]: 100 } })).to.match(/room creator @bob/);
      expect(propose(built, ALICE, { users: { [CAROL]: 100 } })).to.equal("allowed");
      expect(propose(room("11", null), ALICE, { users: { [ALICE]: 100 } })).to.equal("allowed");
    });

    it("allows anything well-formed when there is no previous power levels event", () => {
      expect(propose(room("10", null), ALICE, { ban: 1000, users: { [BOB]: 9000 } })).to.equal("allowed");
    });

    it("top-level levels: neither the old nor the new value may exceed the sender's level", () => {
      for (const version of ALL.slice(0, 11)) {
        const built = room(version, base);
        expect(propose(built, BOB, { ...base, kick: 30 }), version).to.equal("allowed");
        expect(propose(built, BOB, { ...base, kick: 50 })).to.equal("allowed");
        expect(propose(built, BOB, { ...base, kick: 51 })).to.match(/new kick/);
        expect(propose(built, BOB, { ...base, ban: 50 })).to.match(/current ban/);
        expect(propose(built, BOB, { ...base, invite: 60 })).to.match(/new invite/);
        expect(propose(built, BOB, { ...base, invite: 50 })).to.equal("allowed");
        const { ban: _ban, ...withoutBan } = base;
        expect(propose(built, BOB, withoutBan)).to.match(/current ban/);
        expect(propose(built, BOB, { ...base, users_default: 51 })).to.match(/users_default/);
        expect(propose(built, BOB, { ...base, events_default: 51 })).to.match(/events_default/);
        expect(propose(built, BOB, { ...base, state_default: 51 })).to.match(/state_default/);
        expect(propose(built, BOB, { ...base, redact: 51 })).to.match(/redact/);
      }
    });

    it("compares values, not their spelling (v1–v9)", () => {
      const built = room("9", base);
      expect(propose(built, BOB, { ...base, ban: "60" })).to.equal("allowed");
      expect(propose(built, BOB, { ...base, ban: "sixty" })).to.match(/ban is not a valid power level/);
    });

    it("events: changed or removed entries' old values and added or changed entries' new values are bounded", () => {
      const built = room("10", base);
      expect(propose(built, BOB, { ...base, events: { "m.room.name": 50, "m.room.tombstone": 100 } })).to.equal("allowed");
      expect(propose(built, BOB, { ...base, events: { "m.room.name": 51, "m.room.tombstone": 100 } })).to.match(/new events\[m.room.name\]/);
      expect(propose(built, BOB, { ...base, events: { "m.room.name": 30, "m.room.tombstone": 50 } })).to.match(/current events\[m.room.tombstone\]/);
      expect(propose(built, BOB, { ...base, events: { "m.room.name": 30 } })).to.match(/current events\[m.room.tombstone\]/);
      expect(propose(built, BOB, { ...base, events: { ...base.events, "m.new": 60 } })).to.match(/new events\[m.new\]/);
      expect(propose(built, BOB, { ...base, events: { ...base.events, "m.new": 50 } })).to.equal("allowed");
      expect(propose(built, ALICE, { ...base, events: { "m.room.tombstone": 10 } })).to.equal("allowed");
    });

    it("notifications are bounded from v6 and ignored before", () => {
      for (const version of ALL) {
        const base = version === "12" ? { ...baseLevels, users: { [BOB]: 50, [CAROL]: 10 } } : baseLevels;
        const built = room(version, { ...base, notifications: { room: 100 } });
        const lowered = propose(built, BOB, { ...base, notifications: { room: 0 } });
        const removed = propose(built, BOB, base);
        const raised = propose(room(version, base), BOB, { ...base, notifications: { room: 60 } });
        if (rules(version).authorization.notificationsPowerLevels) {
          expect(lowered, version).to.match(/current notifications\[room\]/);
          expect(removed, version).to.match(/current notifications\[room\]/);
          expect(raised, version).to.match(/new notifications\[room\]/);
        } else {
          expect([lowered, removed, raised], version).to.deep.equal(["allowed", "allowed", "allowed"]);
        }
      }
    });

    it("users: others at or above the sender cannot be changed; nobody can be raised above the sender", () => {
      for (const version of ["1", "10", "12"]) {
        const built = room(version, version === "12" ? { ...base, users: { [BOB]: 50, [CAROL]: 10, [DAVE]: 50 } } : { ...base, users: { ...base.users, [DAVE]: 50 } });
        const users = (extra: JsonObject): JsonObject => ({ ...(version === "12" ? {} : { [ALICE]: 100 }), [BOB]: 50, [CAROL]: 10, [DAVE]: 50, ...extra });
        expect(propose(built, BOB, { ...base, users: users({ [CAROL]: 50 }) }), version).to.equal("allowed");
        expect(propose(built, BOB, { ...base, users: users({ [CAROL]: 51 }) }), version).to.match(/cannot raise @carol/);
        expect(propose(built, BOB, { ...base, users: users({ [DAVE]: 0 }) }), version).to.match(/cannot change the level of @dave/);
        const withoutDave = users({});
        delete withoutDave[DAVE];
        expect(propose(built, BOB, { ...base, users: withoutDave }), version).to.match(/cannot change the level of @dave/);
        const withoutCarol = users({});
        delete withoutCarol[CAROL];
        expect(propose(built, BOB, { ...base, users: withoutCarol }), version).to.equal("allowed");
        expect(propose(built, BOB, { ...base, users: users({ [BOB]: 0 }) }), version).to.equal("allowed");
        expect(propose(built, BOB, { ...base, users: users({ [BOB]: 51 }) }), version).to.match(/cannot raise @bob/);
        expect(propose(built, BOB, { ...base, users: users({ "@new:x.test": 50 }) }), version).to.equal("allowed");
        expect(propose(built, BOB, { ...base, users: users({ "@new:x.test": 51 }) }), version).to.match(/cannot raise @new/);
      }
    });

    it("v12: a creator can change anything", () => {
      const built = room("12", { users: { [BOB]: 100 }, ban: 100, events: { "m.room.tombstone": 150 } });
      expect(propose(built, ALICE, { users: { [BOB]: 0, [CAROL]: 1_000_000 }, ban: 9000, events: {} })).to.equal("allowed");
    });
  });
});
