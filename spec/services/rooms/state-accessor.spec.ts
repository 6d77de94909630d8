import { expect } from "chai";
import type { PduJson } from "../../../src/matrix/pdu-json.js";
import { Pdu } from "../../../src/room/pdu.js";
import { getRoomVersion } from "../../../src/room/room-versions.js";
import { StateAccessor, type EventEntry } from "../../../src/services/rooms/state-accessor.js";

const ROOM = "!room:example.org";

function entry(n: number): EventEntry {
  const json = {
    room_id: ROOM,
    sender: "@alice:example.org",
    type: "m.room.message",
    content: { msgtype: "m.text", body: `message ${n}` },
    origin_server_ts: 1_700_000_000_000 + n,
    depth: n + 1,
    prev_events: [],
    auth_events: [],
    hashes: { sha256: "x" },
    signatures: {},
  } as unknown as PduJson;
  const pdu = Pdu.fromJson(json, getRoomVersion("11")!, `$event${n}`);
  return { pdu, rejected: false, outlier: false, softFailed: false, streamOrdering: n + 1 };
}

describe("StateAccessor", () => {
  it("keeps the 2,000 most recently used parsed events by default; older ones are read from storage", async () => {
    const reads: string[][] = [];
    const stores = {
      events: {
        selectEventsByIds: async (ids: readonly string[]) => {
          reads.push([...ids]);
          return new Map();
        },
      },
    } as unknown as ConstructorParameters<typeof StateAccessor>[0];
    const accessor = new StateAccessor(stores);
    for (let n = 0; n <= 2_000; n++) accessor.cacheEntry(entry(n));
    expect((await accessor.getEntry("$event2000"))?.pdu.eventId).to.equal("$event2000");
    expect((await accessor.getEntry("$event1"))?.pdu.eventId).to.equal("$event1");
    expect(reads).to.deep.equal([]);
    expect(await accessor.getEntry("$event0")).to.equal(null);
    expect(reads).to.deep.equal([["$event0"]]);
  });
});
