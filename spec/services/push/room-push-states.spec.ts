import { expect } from "chai";
import type { Pdu } from "../../../src/room/pdu.js";
import { notificationPermission, RoomPushStates, type RoomPushState } from "../../../src/services/push/room-push-states.js";
import { StateGroupMap } from "../../../src/storage/state-group-map.js";
import { mkMembership, mkPowerLevels } from "../../helpers/event-builders.js";
import { ALICE, BOB, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

/** A room on alpha.test (ALICE, DAVE local; BOB remote), with numbered snapshots of its state. */
class Fixture {
  readonly groups = new Map<number, Map<string, string>>();
  readonly events = new Map<string, Pdu>();
  /** Event IDs whose membership room_memberships knows. */
  readonly recorded = new Set<string>();
  groupReads = 0;
  states: RoomPushStates;

  constructor(readonly room: RoomBuilder) {
    this.states = new RoomPushStates({
      serverName: "alpha.test",
      state: {
        selectStateGroup: async (group) => {
          this.groupReads++;
          const map = this.groups.get(group);
          if (map === undefined) throw new Error(`no group ${group}`);
          return map as unknown as StateGroupMap;
        },
      },
      memberships: {
        selectMembershipsByEventIds: async (ids) => {
          const out = new Map<string, { membership: string; streamOrdering: number }>();
          for (const id of ids) if (this.recorded.has(id)) out.set(id, { membership: this.events.get(id)!.content.membership as string, streamOrdering: 1 });
          return out;
        },
      },
      events: {
        getEvents: async (ids) => {
          const out = new Map<string, Pdu>();
          for (const id of ids) if (this.events.has(id)) out.set(id, this.events.get(id)!);
          return out;
        },
      },
      roomVersion: async () => room.rules,
    });
  }

  /** Records the room's current state as group `group` (and knows its events). */
  snapshot(group: number): void {
    const map = new Map<string, string>();
    for (const [key, pdu] of this.room.state) map.set(key, pdu.eventId);
    this.groups.set(group, map);
    for (const pdu of this.room.events) this.events.set(pdu.eventId, pdu);
  }
}

describe("RoomPushStates", () => {
  it("reads a room state: joined members, local ones with their member events, create and power levels", async () => {
    const room = RoomBuilder.create({ creator: ALICE, joinRule: "public" });
    room.send(BOB, mkMembership(BOB, "join"));
    const daveJoin = room.send(DAVE, mkMembership(DAVE, "join"));
    room.send(DAVE, mkMembership(DAVE, "leave"));
    room.send(DAVE, mkMembership(DAVE, "join"));
    const f = new Fixture(room);
    f.snapshot(1);
    // room_memberships knows some member events; the others are read as events.
    f.recorded.add(daveJoin.eventId);
    const state = (await f.states.at(1, room.roomId))!;
    expect(state.joinedCount).to.equal(3);
    expect([...state.localMembers.keys()].sort()).to.deep.equal([ALICE, DAVE]);
    expect(state.localMembers.get(DAVE)).to.equal(room.get("m.room.member", DAVE)!.eventId);
    expect(state.create).to.equal(room.create);
    expect(state.powerLevels?.eventId).to.equal(room.get("m.room.power_levels", "")!.eventId);
    expect(state.rules).to.equal(room.rules);
  });

  it("keeps one state per room: its group again reads nothing, another group is read", async () => {
    const f = new Fixture(RoomBuilder.create({ creator: ALICE, joinRule: "public" }));
    f.snapshot(1);
    f.room.send(DAVE, mkMembership(DAVE, "join"));
    f.snapshot(2);
    const first = await f.states.at(1, f.room.roomId);
    expect(await f.states.at(1, f.room.roomId)).to.equal(first);
    expect(f.groupReads).to.equal(1);
    expect((await f.states.at(2, f.room.roomId))!.joinedCount).to.equal(2);
    expect((await f.states.at(1, f.room.roomId))!.joinedCount).to.equal(1);
    expect(f.groupReads).to.equal(3);
  });

  it("is null for a room of unknown version", async () => {
    const f = new Fixture(RoomBuilder.create());
    f.snapshot(1);
    const states = new RoomPushStates({ serverName: "alpha.test", state: { selectStateGroup: async () => new Map() as unknown as StateGroupMap }, memberships: { selectMembershipsByEventIds: async () => new Map() }, events: { getEvents: async () => new Map() }, roomVersion: async () => null });
    expect(await states.at(1, f.room.roomId)).to.equal(null);
  });

  describe("recordAfter", () => {
    /** Sends `template` as `sender`, snapshots the state after it as `after`, derives it from `before`. */
    async function derive(f: Fixture, before: number, after: number, sender: string, template: Parameters<RoomBuilder["send"]>[1]): Promise<RoomPushState> {
      await f.states.at(before, f.room.roomId);
      const pdu = f.room.send(sender, template);
      f.snapshot(after);
      const reads = f.groupReads;
      await f.states.recordAfter(pdu, { before, after });
      const derived = (await f.states.at(after, f.room.roomId))!;
      // Moved forward, not read again: recordAfter looked at the group after only to check it
      // (and at the group before for a remote member's previous membership).
      expect(f.groupReads - reads).to.be.at.most(2);
      return derived;
    }

    it("follows joins and leaves of local and remote users, and new power levels, without reading every member", async () => {
      const f = new Fixture(RoomBuilder.create({ creator: ALICE, joinRule: "public" }));
      f.snapshot(1);
      let state = await derive(f, 1, 2, BOB, mkMembership(BOB, "join"));
      expect([state.joinedCount, state.localMembers.size]).to.deep.equal([2, 1]);
      state = await derive(f, 2, 3, DAVE, mkMembership(DAVE, "join"));
      expect([state.joinedCount, [...state.localMembers.keys()].sort()]).to.deep.equal([3, [ALICE, DAVE]]);
      state = await derive(f, 3, 4, BOB, mkMembership(BOB, "join", { displayname: "Bob" }));
      expect(state.joinedCount).to.equal(3);
      state = await derive(f, 4, 5, BOB, mkMembership(BOB, "leave"));
      expect(state.joinedCount).to.equal(2);
      state = await derive(f, 5, 6, DAVE, mkMembership(DAVE, "leave"));
      expect([state.joinedCount, [...state.localMembers.keys()]]).to.deep.equal([1, [ALICE]]);
      const powerLevels = f.room.send(ALICE, mkPowerLevels({ users: { [DAVE]: 50 } }));
      f.snapshot(7);
      await f.states.recordAfter(powerLevels, { before: 6, after: 7 });
      expect((await f.states.at(7, f.room.roomId))!.powerLevels).to.equal(powerLevels);
      // The same as a fresh read.
      const fresh = new Fixture(f.room);
      fresh.snapshot(7);
      const read = (await fresh.states.at(7, f.room.roomId))!;
      expect([read.joinedCount, [...read.localMembers]]).to.deep.equal([1, [...(await f.states.at(7, f.room.roomId))!.localMembers]]);
    });

    it("leaves a group it cannot derive to be read when asked for", async () => {
      const f = new Fixture(RoomBuilder.create({ creator: ALICE, joinRule: "public" }));
      f.snapshot(1);
      await f.states.at(1, f.room.roomId);
      const join = f.room.send(DAVE, mkMembership(DAVE, "join"));
      f.snapshot(2);
      // A group after that does not hold the event: not derived.
      f.groups.set(3, f.groups.get(1)!);
      await f.states.recordAfter(join, { before: 1, after: 3 });
      const reads = f.groupReads;
      expect((await f.states.at(3, f.room.roomId))!.joinedCount).to.equal(1);
      expect(f.groupReads).to.equal(reads + 1);
    });
  });
});

describe("notificationPermission", () => {
  const stateOf = async (room: RoomBuilder): Promise<RoomPushState> => {
    const f = new Fixture(room);
    f.snapshot(1);
    return (await f.states.at(1, room.roomId))!;
  };

  it("compares the sender's power level with notifications.room, 50 by default", async () => {
    const room = RoomBuilder.create({ version: "10", creator: ALICE, joinRule: "public", powerLevels: { users: { [ALICE]: 100, [BOB]: 50 }, users_default: 10 } });
    room.send(BOB, mkMembership(BOB, "join"));
    room.send(DAVE, mkMembership(DAVE, "join"));
    let state = await stateOf(room);
    expect(notificationPermission(state, BOB)("room")).to.equal(true);
    expect(notificationPermission(state, DAVE)("room")).to.equal(false);
    room.send(ALICE, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 50 }, users_default: 10, notifications: { room: 10 } }));
    state = await stateOf(room);
    expect(notificationPermission(state, DAVE)("room")).to.equal(true);
    expect(notificationPermission(state, DAVE)("other")).to.equal(false);
  });

  it("gives creators their level without power levels (100 before v12, unlimited from v12)", async () => {
    const v10 = RoomBuilder.create({ version: "10", creator: ALICE, powerLevels: null });
    expect(notificationPermission(await stateOf(v10), ALICE)("room")).to.equal(true);
    expect(notificationPermission(await stateOf(v10), BOB)("room")).to.equal(false);
    const v12 = RoomBuilder.create({ version: "12", creator: ALICE, powerLevels: { notifications: { room: 1000 } } });
    expect(notificationPermission(await stateOf(v12), ALICE)("room")).to.equal(true);
  });
});
