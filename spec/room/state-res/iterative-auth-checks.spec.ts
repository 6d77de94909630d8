import { expect } from "chai";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { stateMapKey, type StateMap } from "../../../src/room/state-map.js";
import { EventCache } from "../../../src/room/state-res/event-cache.js";
import { iterativeAuthChecks } from "../../../src/room/state-res/iterative-auth-checks.js";
import { ALICE, BOB, CHARLIE, powerLevels, publicRoom, topic } from "./event-templates.js";
import { StateResDag } from "./state-res-dag.js";

const V11 = getRoomVersion("11") as RoomVersionRules;
const TOPIC = stateMapKey("m.room.topic", "");

/** Alice's public room with Bob (50) and Charlie (0). */
function setUp(): { dag: StateResDag; state: StateMap<string> } {
  const dag = new StateResDag(V11);
  const states = dag.addChain(publicRoom(V11));
  return { dag, state: states.get("IMC") as StateMap<string> };
}

describe("iterativeAuthChecks", () => {
  it("applies the events in order, ignoring those the rules do not allow", async () => {
    const { dag, state } = setUp();
    const from = { state, last: dag.eventId("IMC") };
    dag.addChain([topic("T1", BOB)], from);
    dag.addChain([topic("T2", CHARLIE)], from); // Charlie is below state_default
    const ids = ["T1", "T2"].map((name) => dag.eventId(name));
    const resolved = await iterativeAuthChecks(V11, ids, state, new EventCache(V11, dag.callbacks()));
    expect(resolved.get(TOPIC)).to.equal(dag.eventId("T1"));
    expect(state.has(TOPIC), "the initial state is not modified").to.equal(false);
  });

  it("falls back to the event's auth events for keys the state lacks", async () => {
    const { dag, state } = setUp();
    dag.addChain([topic("T1", BOB)], { state, last: dag.eventId("IMC") });
    const cache = new EventCache(V11, dag.callbacks());
    // From an empty state (as v2.1 starts), T1 is checked against its own auth events.
    expect((await iterativeAuthChecks(V11, [dag.eventId("T1")], new Map(), cache)).get(TOPIC)).to.equal(dag.eventId("T1"));
  });

  it("prefers the state over the auth events for keys the state has", async () => {
    const { dag, state } = setUp();
    dag.addChain([topic("T1", BOB)], { state, last: dag.eventId("IMC") });
    // In this state Bob has been demoted, although T1's own auth events say he is a moderator.
    const demoted = dag.addChain([powerLevels("P2", ALICE, { [ALICE]: 100 })], { state }).get("P2") as StateMap<string>;
    const cache = new EventCache(V11, dag.callbacks());
    expect((await iterativeAuthChecks(V11, [dag.eventId("T1")], demoted, cache)).has(TOPIC)).to.equal(false);
  });

  it("fetches state events the rules ask for beyond those prefetched", async () => {
    const { dag, state } = setUp();
    // A third-party invite event in the state is read only by the rules for third-party invites.
    const withInvite = dag.addChain([
      { id: "TPI", sender: ALICE, type: "m.room.third_party_invite", state_key: "tok", content: { public_key: "", display_name: "x" } },
    ], { state }).get("TPI") as StateMap<string>;
    const invite = dag.add(
      {
        id: "INV",
        sender: BOB,
        type: "m.room.member",
        state_key: "@dave:example.com",
        content: { membership: "invite", third_party_invite: { signed: { mxid: "@dave:example.com", token: "tok", signatures: {} } } },
      },
      [dag.eventId("CREATE"), dag.eventId("IPL"), dag.eventId("IMB")],
      [],
    );
    dag.fetched.length = 0;
    await iterativeAuthChecks(V11, [invite.eventId], withInvite, new EventCache(V11, dag.callbacks()));
    expect(dag.fetched).to.include(dag.eventId("TPI"));
  });
});
