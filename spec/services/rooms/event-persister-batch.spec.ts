import { expect } from "chai";
import type { DataSource } from "typeorm";
import { trieStats } from "../../../src/storage/state-group-map.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { createPublicRoom, LOCAL_ALICE, makePersister } from "./event-persister-fixture.js";

async function count(db: DataSource, table: string): Promise<number> {
  const [row] = (await db.query(`SELECT COUNT(*) AS n FROM ${table}`)) as [{ n: unknown }];
  return Number(row.n);
}

withAllDatabases("EventBatch state storage", (getDb) => {
  it("grows with state changes, not members × events: a join adds a one-entry delta, a message nothing", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const joins = 300;
    // Joined in groups, so batches carry several joins at once.
    for (let start = 0; start < joins; start += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => {
        const user = `@u${start + i}:hs.test`;
        return persister.sendLocalEvent({ roomId, sender: user, type: "m.room.member", stateKey: user, content: { membership: "join" } });
      }));
    }
    const entriesAfterJoins = await count(getDb(), "state_group_entries");
    const groupsAfterJoins = await count(getDb(), "state_groups");
    // One delta row per state event (4 to create the room, 300 joins), plus at most one
    // snapshot of the ~300-entry state once the chain is that long: not 300 × 300 / 2.
    expect(entriesAfterJoins).to.be.at.least(4 + joins);
    expect(entriesAfterJoins).to.be.at.most(2 * (4 + joins) + 1);
    await Promise.all(Array.from({ length: 200 }, (_, i) =>
      persister.sendLocalEvent({ roomId, sender: `@u${i}:hs.test`, type: "m.room.message", content: { body: `${i}` } })));
    expect(await count(getDb(), "state_group_entries")).to.equal(entriesAfterJoins);
    expect(await count(getDb(), "state_groups")).to.equal(groupsAfterJoins);
    expect(await count(getDb(), "event_state_groups")).to.equal(1 + 3 + joins + 200);
    expect((await persister.getCurrentState(roomId)).size).to.equal(4 + joins);
    expect((await persister.getStateEvent(roomId, "m.room.member", LOCAL_ALICE))?.content.membership).to.equal("join");
  });

  it("derives each event's state from the one before without copying the room's state", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const join = (user: string) => persister.sendLocalEvent({ roomId, sender: user, type: "m.room.member", stateKey: user, content: { membership: "join" } });
    for (let start = 0; start < 3000; start += 500) await Promise.all(Array.from({ length: 500 }, (_, i) => join(`@u${start + i}:hs.test`)));
    const allocated = trieStats.nodesAllocated;
    await join("@late:hs.test");
    await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.topic", stateKey: "", content: { topic: "big" } });
    // A few trie nodes per state change (log₃₂ of 3,000 entries); a copy of the state would be
    // a hundred or more.
    expect(trieStats.nodesAllocated - allocated).to.be.below(30);
    expect((await persister.getCurrentState(roomId)).size).to.equal(4 + 3000 + 2);
  });
});
