import { expect } from "chai";
import { Pdu } from "../../../src/room/pdu.js";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { stateMapKey, type StateMap } from "../../../src/room/state-map.js";
import { resolveState } from "../../../src/room/state-res/resolve.js";
import { isPowerEvent, resolveStateV2, STATE_RES_V2, STATE_RES_V2_1, type StateResV2Variant } from "../../../src/room/state-res/v2.js";
import { ALICE, BOB, CHARLIE, create, joinRules, member, powerLevels, publicRoom, topic, usersFor } from "./event-templates.js";
import { buildLargeFork, conflictedEventCount, DEFAULT_LARGE_FORK } from "./large-fork.js";
import { StateResDag, type EventTemplate } from "./state-res-dag.js";

const V11 = getRoomVersion("11") as RoomVersionRules;
const V12 = getRoomVersion("12") as RoomVersionRules;
const PL = stateMapKey("m.room.power_levels", "");
const JR = stateMapKey("m.room.join_rules", "");
const TOPIC = stateMapKey("m.room.topic", "");


function room(rules: RoomVersionRules, templates: (rules: RoomVersionRules) => EventTemplate[]): { dag: StateResDag; states: Map<string, StateMap<string>> } {
  const dag = new StateResDag(rules);
  return { dag, states: dag.addChain(templates(rules)) };
}

async function resolveWith(dag: StateResDag, variant: StateResV2Variant, stateSets: StateMap<string>[]): Promise<StateMap<string>> {
  return resolveStateV2(dag.rules, stateSets, dag.callbacks(), variant);
}

/**
 * MSC4297 "problem A": the join rules changed JR1 → JR2 and Alice, who set both, then left. One
 * server's state (from a partial /state response) still holds JR1. Both states agree that Alice
 * has left, so under v2 neither join rules event passes from the unconflicted state: the room is
 * left without join rules. v2.1 replays them on their own auth events and keeps JR2.
 */
const problemA = (rules: RoomVersionRules): EventTemplate[] => [
  ...publicRoom(rules, { [ALICE]: 100 }, { pl: "IPL", jr: "JR1" }),
  joinRules("JR2", ALICE, "invite"),
  member("LA", ALICE, ALICE, "leave"),
];

/**
 * MSC4297 "problem B": Alice promotes Bob (PL2), Bob promotes Charlie (PL3), and Charlie's later
 * profile change cites PL3. One state still holds PL1. PL2 is in both auth chains, so not in the
 * auth difference: v2 replays PL1 and PL3 alone, PL3 fails, and power levels reset to PL1. v2.1
 * adds the conflicted state subgraph (PL3 → PL2 → PL1) and keeps PL3.
 */
const problemB = (rules: RoomVersionRules): EventTemplate[] => [
  ...publicRoom(rules, { [ALICE]: 100 }, { pl: "PL1", jr: "JR" }),
  powerLevels("PL2", ALICE, usersFor(rules, { [ALICE]: 100, [BOB]: 50 })),
  powerLevels("PL3", BOB, usersFor(rules, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 })),
  { ...member("MC2", CHARLIE, CHARLIE, "join"), content: { membership: "join", displayname: "Charlie" } },
];

describe("resolveStateV2", () => {
  describe("v2 and v2.1 on MSC4297's problems", () => {
    it("problem A: v2 starts from the unconflicted state and loses the join rules; v2.1 starts empty and keeps JR2", async () => {
      const { dag, states } = room(V11, problemA);
      const correct = states.get("LA") as StateMap<string>;
      const stale = new Map(correct).set(JR, dag.eventId("JR1"));
      const v2 = await resolveWith(dag, STATE_RES_V2, [correct, stale]);
      expect(v2.has(JR)).to.equal(false);
      const v21 = await resolveWith(dag, STATE_RES_V2_1, [correct, stale]);
      expect(v21.get(JR)).to.equal(dag.eventId("JR2"));
      // Step 5 still restores the unconflicted state: Alice has left.
      expect(v21.get(stateMapKey("m.room.member", ALICE))).to.equal(dag.eventId("LA"));
    });

    it("problem B: v2 resets the power levels to PL1; v2.1 replays the conflicted subgraph and keeps PL3", async () => {
      const { dag, states } = room(V11, problemB);
      const correct = states.get("MC2") as StateMap<string>;
      const stale = new Map(correct).set(PL, dag.eventId("PL1"));
      expect((await resolveWith(dag, STATE_RES_V2, [correct, stale])).get(PL)).to.equal(dag.eventId("PL1"));
      expect((await resolveWith(dag, STATE_RES_V2_1, [correct, stale])).get(PL)).to.equal(dag.eventId("PL3"));
    });

    it("room version 12 resolves both problems (resolveState dispatches to v2.1)", async () => {
      const a = room(V12, problemA);
      const correctA = a.states.get("LA") as StateMap<string>;
      const resolvedA = await resolveState(V12, [correctA, new Map(correctA).set(JR, a.dag.eventId("JR1"))], a.dag.callbacks());
      expect(resolvedA.get(JR)).to.equal(a.dag.eventId("JR2"));

      const b = room(V12, problemB);
      const correctB = b.states.get("MC2") as StateMap<string>;
      const resolvedB = await resolveState(V12, [new Map(correctB).set(PL, b.dag.eventId("PL1")), correctB], b.dag.callbacks());
      expect(resolvedB.get(PL)).to.equal(b.dag.eventId("PL3"));
    });

    it("room version 11 keeps v2's behaviour (resolveState dispatches to v2)", async () => {
      const { dag, states } = room(V11, problemB);
      const correct = states.get("MC2") as StateMap<string>;
      const resolved = await resolveState(V11, [correct, new Map(correct).set(PL, dag.eventId("PL1"))], dag.callbacks());
      expect(resolved.get(PL)).to.equal(dag.eventId("PL1"));
    });
  });

  describe("conflicted state", () => {
    const base = (rules: RoomVersionRules): EventTemplate[] => publicRoom(rules);

    for (const rules of [V11, V12]) {
      it(`treats a key missing from one state as conflicted and checks it (room version ${rules.id})`, async () => {
        const { dag, states } = room(rules, (r) => [...base(r), topic("T", CHARLIE)]);
        const withTopic = states.get("T") as StateMap<string>;
        const without = states.get("IMC") as StateMap<string>;
        // Charlie (level 0) may not set the topic, so it is dropped: unlike v1's union.
        expect((await resolveState(rules, [withTopic, without], dag.callbacks())).has(TOPIC)).to.equal(false);
      });

      it(`ignores conflicted events that cannot be fetched (room version ${rules.id})`, async () => {
        const { dag, states } = room(rules, (r) => [...base(r), topic("T", BOB)]);
        const withTopic = states.get("T") as StateMap<string>;
        const unknown = new Map(withTopic).set(TOPIC, "$nowhere");
        expect((await resolveState(rules, [unknown, withTopic], dag.callbacks())).get(TOPIC)).to.equal(dag.eventId("T"));
      });

      it(`never uses a rejected auth event, but re-checks listed events whatever their rejection (room version ${rules.id})`, async () => {
        const { dag, states } = room(rules, base);
        const start = states.get("IMC") as StateMap<string>;
        const ta = dag.addChain([topic("TA", ALICE)], { state: start }).get("TA") as StateMap<string>;
        const tb = dag.addChain([topic("TB", BOB)], { state: start }).get("TB") as StateMap<string>;
        // Both topics cite the same power levels: TA (older) is applied first, then TB.
        expect((await resolveState(rules, [ta, tb], dag.callbacks())).get(TOPIC)).to.equal(dag.eventId("TB"));
        // "Events rejected due to failing auth based on the state at the event … are handled as usual."
        dag.rejected.add(dag.eventId("TB"));
        expect((await resolveState(rules, [ta, tb], dag.callbacks())).get(TOPIC)).to.equal(dag.eventId("TB"));
        dag.rejected.clear();
        // Bob's membership in the state is rejected: it may not authorise TB (v2.1's partial state
        // has no Bob membership at all, and TB's own auth event is the rejected one).
        dag.rejected.add(dag.eventId("IMB"));
        expect((await resolveState(rules, [ta, tb], dag.callbacks())).get(TOPIC)).to.equal(dag.eventId("TA"));
      });
    }
  });

  describe("fetching", () => {
    it("fetches each event at most once per resolution, in a few batches", async () => {
      const { dag, states } = room(V12, problemB);
      const correct = states.get("MC2") as StateMap<string>;
      dag.fetched.length = 0;
      await resolveState(V12, [correct, new Map(correct).set(PL, dag.eventId("PL1"))], dag.callbacks());
      expect(dag.fetched.length).to.be.greaterThan(0);
      expect(new Set(dag.fetched).size).to.equal(dag.fetched.length);
    });

    it("refuses events of another room", async () => {
      const { dag, states } = room(V11, (r) => [
        create("CREATE", ALICE),
        member("IMA", ALICE, ALICE, "join"),
        powerLevels("IPL", ALICE, usersFor(r, { [ALICE]: 100 })),
        topic("T1", ALICE),
      ]);
      const foreign = Pdu.fromJson(
        {
          room_id: "!elsewhere:example.com",
          sender: ALICE,
          type: "m.room.topic",
          state_key: "",
          content: {},
          origin_server_ts: 0,
          depth: 1,
          prev_events: [],
          auth_events: [],
          hashes: { sha256: "" },
          signatures: {},
        },
        V11,
        "$foreign",
      );
      const callbacks = dag.callbacks();
      const withForeign = { ...callbacks, fetchEvent: async (id: string) => (id === "$foreign" ? foreign : callbacks.fetchEvent(id)) };
      const state = states.get("T1") as StateMap<string>;
      let error: unknown;
      try {
        await resolveState(V11, [state, new Map(state).set(TOPIC, "$foreign")], withForeign);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(/was given \$foreign of !elsewhere:example.com/);
    });
  });

  describe("a large fork (the benchmark's)", () => {
    for (const rules of [V11, V12]) {
      it(`keeps both branches' joins and bans over more than 1,000 conflicted events (room version ${rules.id})`, async () => {
        const { dag, tips } = buildLargeFork(rules, DEFAULT_LARGE_FORK);
        expect(conflictedEventCount(tips)).to.be.greaterThan(1000);
        const resolved = await resolveState(rules, tips, dag.callbacks());
        const membership = (eventId: string | undefined): unknown => (eventId === undefined ? undefined : dag.get(eventId).content.membership);
        for (const [key, eventId] of [...tips[0], ...tips[1]]) {
          const event = dag.get(eventId);
          const joinedHere = event.type === "m.room.member" && /^@[ab]\d/.test(event.stateKey ?? "");
          if (joinedHere) expect(resolved.get(key), key).to.equal(eventId);
          if (event.type === "m.room.member" && event.content.membership === "ban") expect(membership(resolved.get(key)), key).to.equal("ban");
        }
      });
    }
  });

  describe("isPowerEvent", () => {
    const dag = new StateResDag(V11);
    const ev = (template: EventTemplate) => dag.add(template, [], []);
    it("is true for power levels, join rules, create, and kicks and bans of others", () => {
      expect(isPowerEvent(ev(powerLevels("a", ALICE, {})))).to.equal(true);
      expect(isPowerEvent(ev(joinRules("b", ALICE, "public")))).to.equal(true);
      expect(isPowerEvent(ev(create("c", ALICE)))).to.equal(true);
      expect(isPowerEvent(ev(member("d", ALICE, BOB, "leave")))).to.equal(true);
      expect(isPowerEvent(ev(member("e", ALICE, BOB, "ban")))).to.equal(true);
    });
    it("is false for leaving oneself, joins, invites, topics and non-empty state keys", () => {
      expect(isPowerEvent(ev(member("f", BOB, BOB, "leave")))).to.equal(false);
      expect(isPowerEvent(ev(member("g", BOB, BOB, "join")))).to.equal(false);
      expect(isPowerEvent(ev(member("h", ALICE, BOB, "invite")))).to.equal(false);
      expect(isPowerEvent(ev(topic("i", ALICE)))).to.equal(false);
      expect(isPowerEvent(ev({ ...powerLevels("j", ALICE, {}), state_key: "x" }))).to.equal(false);
    });
  });
});
