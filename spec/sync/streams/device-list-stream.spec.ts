import { expect } from "chai";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, makeSyncFixture } from "../sync-fixture.js";

withAllDatabases("DeviceListStreamProvider", function (getDb) {
  it("sends empty device_lists while there is no source", async function () {
    const f = makeSyncFixture(getDb());
    expect((await f.syncOnce(ALICE)).device_lists).to.deep.equal({ changed: [], left: [] });
  });

  it("sends the changes of the batch's positions once a source exists (none on an initial sync)", async function () {
    let position = 1;
    const f = makeSyncFixture(getDb(), {
      deviceLists: {
        currentPosition: () => position,
        getChangesSince: async (_userId, since, upTo) => ({ changed: [`@c${since}-${upTo}:x`], left: [] }),
      },
    });
    const first = await f.syncOnce(ALICE);
    expect(first.device_lists).to.deep.equal({ changed: [], left: [] });
    position = 4;
    expect((await f.syncOnce(ALICE, { since: first.next_batch })).device_lists).to.deep.equal({ changed: ["@c1-4:x"], left: [] });
  });
});
