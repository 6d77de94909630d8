import { expect } from "chai";
import { createHash } from "node:crypto";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { stateMapKey, type StateMap } from "../../../src/room/state-map.js";
import { resolveStateV1 } from "../../../src/room/state-res/v1.js";
import { ALICE, BOB, CHARLIE, joinRules, member, powerLevels, publicRoom, topic } from "./event-templates.js";
import type { EventTemplate } from "./state-res-dag.js";
import { StateResDag } from "./state-res-dag.js";

const V1 = getRoomVersion("1") as RoomVersionRules;
const PL = stateMapKey("m.room.power_levels", "");
const JR = stateMapKey("m.room.join_rules", "");
const TOPIC = stateMapKey("m.room.topic", "");
const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/** A v1 room: Alice (100) creates it, makes it public, Bob (50) and Charlie (0) join. */
function baseRoom(): { dag: StateResDag; base: StateMap<string>; id: (name: string) => string } {
  const dag = new StateResDag(V1);
  const states = dag.addChain(publicRoom(V1));
  return { dag, base: states.get("IMC") as StateMap<string>, id: (name) => dag.eventId(name) };
}

/** Adds `template` with auth events from `base` and returns base + it. */
function fork(dag: StateResDag, base: StateMap<string>, template: EventTemplate): StateMap<string> {
  return dag.addChain([template], { state: base }).get(template.id) as StateMap<string>;
}

async function resolve(dag: StateResDag, stateSets: StateMap<string>[]): Promise<StateMap<string>> {
  const result = await resolveStateV1(V1, stateSets, dag.callbacks());
  // The result never depends on the order of the state sets.
  const reversed = await resolveStateV1(V1, [...stateSets].reverse(), dag.callbacks());
  expect(new Map([...reversed].sort())).to.deep.equal(new Map([...result].sort()));
  return result;
}

describe("resolveStateV1", () => {
  it("takes the union of the states: a key only some states have is not a conflict", async () => {
    const { dag, base, id } = baseRoom();
    // Charlie (level 0) could not set the topic, but without a conflict nothing is checked.
    const withTopic = fork(dag, base, topic("T", CHARLIE));
    const resolved = await resolve(dag, [withTopic, base]);
    expect(resolved.get(TOPIC)).to.equal(id("T"));
    expect(dag.calls.fetchEvent).to.equal(0);
  });

  it("power levels: ascending depth, each next one replacing R's while allowed, stopping at the first that is not", async () => {
    const { dag, base, id } = baseRoom();
    const p1 = fork(dag, base, powerLevels("P1", ALICE, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 10 }, {}, { depth: 10 }));
    // Charlie has 10 < state_default 50 under P1: not allowed.
    const p2 = fork(dag, base, powerLevels("P2", CHARLIE, { [ALICE]: 100, [BOB]: 50 }, {}, { depth: 11 }));
    // Alice's P3 would be allowed, but the process has stopped at P2.
    const p3 = fork(dag, base, powerLevels("P3", ALICE, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 20 }, {}, { depth: 12 }));
    expect((await resolve(dag, [p3, p1, p2])).get(PL)).to.equal(id("P1"));
    expect((await resolve(dag, [p1, p3])).get(PL)).to.equal(id("P3"));
  });

  it("power levels of equal depth: descending sha1(event_id), so the smallest hash is applied last", async () => {
    const { dag, base, id } = baseRoom();
    const q1 = fork(dag, base, powerLevels("Q1", ALICE, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 1 }, {}, { depth: 10 }));
    const q2 = fork(dag, base, powerLevels("Q2", ALICE, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 2 }, {}, { depth: 10 }));
    const expected = sha1(id("Q1")) < sha1(id("Q2")) ? id("Q1") : id("Q2");
    expect((await resolve(dag, [q1, q2])).get(PL)).to.equal(expected);
  });

  it("join rules are checked against the resolved power levels", async () => {
    const { dag, base, id } = baseRoom();
    const p1 = fork(dag, base, powerLevels("P1", ALICE, { [ALICE]: 100, [BOB]: 50 }, {}, { depth: 10 }));
    const withJoinRules = fork(dag, p1, joinRules("J1", BOB, "invite", { depth: 12 }));
    // P2 (deeper, allowed) raises the join rules level above Bob's.
    const p2 = fork(dag, base, powerLevels("P2", ALICE, { [ALICE]: 100, [BOB]: 50 }, { events: { "m.room.join_rules": 100 } }, { depth: 11 }));
    const resolved = await resolve(dag, [withJoinRules, p2]);
    expect(resolved.get(PL)).to.equal(id("P2"));
    expect(resolved.get(JR)).to.equal(id("IJR"));
    // Under P1 Bob's join rules are allowed.
    expect((await resolve(dag, [withJoinRules, base])).get(JR)).to.equal(id("J1"));
  });

  it("other events: the deepest event that the auth rules allow in R", async () => {
    const { dag, base, id } = baseRoom();
    const ta = fork(dag, base, topic("TA", ALICE, { depth: 10 }));
    const tb = fork(dag, base, topic("TB", CHARLIE, { depth: 11 })); // Charlie is below state_default
    const tc = fork(dag, base, topic("TC", BOB, { depth: 9 }));
    expect((await resolve(dag, [tc, tb, ta])).get(TOPIC)).to.equal(id("TA"));
  });

  it("other events: when none is allowed, the one with the lowest depth is kept", async () => {
    const { dag, base, id } = baseRoom();
    const tb = fork(dag, base, topic("TB", CHARLIE, { depth: 11 }));
    const td = fork(dag, base, topic("TD", CHARLIE, { depth: 10 }));
    expect((await resolve(dag, [tb, td])).get(TOPIC)).to.equal(id("TD"));
  });

  it("resolves each conflicted member against the R of the join rules step, not against each other", async () => {
    const { dag, base, id } = baseRoom();
    // Branch 1: Alice re-joins (conflicting her membership) and bans Bob. Branch 2 unchanged.
    const states = dag.addChain([member("MA", ALICE, ALICE, "join"), member("MB", ALICE, BOB, "ban")], { state: base, last: id("IMC") });
    const resolved = await resolve(dag, [states.get("MB") as StateMap<string>, base]);
    expect(resolved.get(stateMapKey("m.room.member", ALICE))).to.equal(id("MA"));
    // Alice's membership is conflicted, so absent from that R: her ban cannot be authorised.
    expect(resolved.get(stateMapKey("m.room.member", BOB))).to.equal(id("IMB"));
  });

  it("leaves out conflicting events the callbacks do not know", async () => {
    const { dag, base, id } = baseRoom();
    const t1 = fork(dag, base, topic("T1", CHARLIE));
    const unknown = new Map(base).set(TOPIC, "$unknown:example.com");
    expect((await resolve(dag, [t1, unknown])).get(TOPIC)).to.equal(id("T1"));
  });
});
