import { expect } from "chai";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { EventCache } from "../../../src/room/state-res/event-cache.js";
import { senderPowerLevel } from "../../../src/room/state-res/sender-power-level.js";
import { ALICE, BOB, create, member, powerLevels, topic, usersFor } from "./event-templates.js";
import { StateResDag } from "./state-res-dag.js";

async function levelOf(version: string, withPowerLevels: boolean, sender: string): Promise<number> {
  const rules = getRoomVersion(version) as RoomVersionRules;
  const dag = new StateResDag(rules);
  dag.addChain([
    create("CREATE", ALICE),
    member("IMA", ALICE, ALICE, "join"),
    ...(withPowerLevels ? [powerLevels("PL", ALICE, usersFor(rules, { [ALICE]: 100, [BOB]: 30 }))] : []),
    topic("T", sender),
  ]);
  const cache = new EventCache(rules, dag.callbacks());
  const event = dag.get(dag.eventId("T"));
  await cache.loadWithAuthEvents([event.eventId]);
  return senderPowerLevel(event, rules, cache);
}

describe("senderPowerLevel", () => {
  it("reads the sender's level from the power levels among the event's auth events", async () => {
    expect(await levelOf("11", true, BOB)).to.equal(30);
  });

  it("gives the creator 100 when the auth events hold no power levels (before v12)", async () => {
    expect(await levelOf("11", false, ALICE)).to.equal(100);
    expect(await levelOf("11", false, BOB)).to.equal(0);
  });

  it("gives v12 creators infinite power, finding the create event through the room ID", async () => {
    expect(await levelOf("12", true, ALICE)).to.equal(Infinity);
    expect(await levelOf("12", true, BOB)).to.equal(30);
  });
});
