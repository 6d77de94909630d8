import { expect } from "chai";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { EventCache } from "../../../src/room/state-res/event-cache.js";
import { ALICE, create, member, powerLevels, topic } from "./event-templates.js";
import { StateResDag } from "./state-res-dag.js";

function room(version: string): StateResDag {
  const dag = new StateResDag(getRoomVersion(version) as RoomVersionRules);
  dag.addChain([
    create("CREATE", ALICE),
    member("IMA", ALICE, ALICE, "join"),
    powerLevels("P1", ALICE, {}),
    powerLevels("P2", ALICE, {}),
    topic("T", ALICE),
  ]);
  return dag;
}

describe("EventCache", () => {
  it("fetches each event once and remembers unknown ones", async () => {
    const dag = room("11");
    const cache = new EventCache(dag.rules, dag.callbacks());
    await cache.load([dag.eventId("T"), dag.eventId("T"), "$unknown"]);
    await cache.load([dag.eventId("T"), "$unknown"]);
    expect(dag.fetched).to.deep.equal([dag.eventId("T"), "$unknown"]);
    expect(cache.get(dag.eventId("T"))?.type).to.equal("m.room.topic");
    expect(cache.get("$unknown")).to.equal(undefined);
    expect(cache.isLoaded("$unknown")).to.equal(true);
    expect(() => cache.require("$unknown")).to.throw(/unknown/);
  });

  it("adds the create event named by the room ID to the auth events in room version 12", async () => {
    const v12 = room("12");
    const topicEvent = v12.get(v12.eventId("T"));
    const cache12 = new EventCache(v12.rules, v12.callbacks());
    expect(topicEvent.authEventIds).to.not.include("$CREATE");
    expect(cache12.authEventIds(topicEvent)).to.include("$CREATE");
    expect(cache12.authEventIds(v12.get("$CREATE"))).to.deep.equal([]);
    await cache12.loadWithAuthEvents([topicEvent.eventId]);
    expect([...cache12.authEventsByKey(topicEvent, false).keys()].map((key) => key.split("\u0000")[0])).to.include("m.room.create");

    const v11 = room("11");
    const cache11 = new EventCache(v11.rules, v11.callbacks());
    expect(cache11.authEventIds(v11.get(v11.eventId("T")))).to.deep.equal(v11.get(v11.eventId("T")).authEventIds);
  });

  it("skips rejected auth events on request", async () => {
    const dag = room("11");
    dag.rejected.add(dag.eventId("P2"));
    const cache = new EventCache(dag.rules, dag.callbacks());
    const topicEvent = dag.get(dag.eventId("T"));
    await cache.loadWithAuthEvents([topicEvent.eventId]);
    expect(cache.isRejected(dag.eventId("P2"))).to.equal(true);
    const keys = (skip: boolean): string[] => [...cache.authEventsByKey(topicEvent, skip).values()].map((event) => event.eventId);
    expect(keys(false)).to.include(dag.eventId("P2"));
    expect(keys(true)).to.not.include(dag.eventId("P2"));
  });

  it("follows power levels chains through auth events", async () => {
    const dag = room("11");
    const cache = new EventCache(dag.rules, dag.callbacks());
    await cache.loadPowerLevelChains([dag.eventId("T")]);
    expect(cache.powerLevelsAuthEvent(dag.eventId("T"))).to.equal(dag.eventId("P2"));
    expect(cache.powerLevelsAuthEvent(dag.eventId("P2"))).to.equal(dag.eventId("P1"));
    expect(cache.powerLevelsAuthEvent(dag.eventId("P1"))).to.equal(undefined);
  });
});
