import { expect } from "chai";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, makeSyncFixture } from "../sync-fixture.js";

withAllDatabases("ToDeviceStreamProvider", function (getDb) {
  it("sends an empty to_device section while there is no source", async function () {
    const f = makeSyncFixture(getDb());
    expect((await f.syncOnce(ALICE)).to_device).to.deep.equal({ events: [] });
  });

  it("sends the device's messages in the positions of the batch once a source exists", async function () {
    let position = 0;
    const asked: Array<[string, string, number, number]> = [];
    const f = makeSyncFixture(getDb(), {
      toDevice: {
        currentPosition: () => position,
        getMessagesSince: async (userId, deviceId, since, upTo) => {
          asked.push([userId, deviceId, since, upTo]);
          return [{ type: "m.room_key_request", sender: "@x:y", content: { n: upTo } }];
        },
      },
    });
    const first = await f.syncOnce(ALICE);
    expect(first.to_device.events).to.deep.equal([]); // position 0: nothing yet
    position = 2;
    const second = await f.syncOnce(ALICE, { since: first.next_batch });
    expect(second.to_device.events).to.deep.equal([{ type: "m.room_key_request", sender: "@x:y", content: { n: 2 } }]);
    expect(asked).to.deep.equal([[ALICE, "ADEVICE", 0, 2]]);
  });
});
