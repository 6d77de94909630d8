import { expect } from "chai";
import { StreamToken } from "../../src/sync/stream-token.js";
import { SyncResult } from "../../src/sync/sync-result.js";

describe("SyncResult", function () {
  it("is empty with nothing in it, and its JSON has every section", function () {
    const result = new SyncResult();
    expect(result.isEmpty()).to.equal(true);
    expect(result.toJson(StreamToken.from({ pdu: 3 }))).to.deep.equal({
      next_batch: "s3_0_0_0_0_0_0_0",
      rooms: { join: {}, invite: {}, leave: {}, knock: {} },
      presence: { events: [] },
      account_data: { events: [] },
      to_device: { events: [] },
      device_lists: { changed: [], left: [] },
    });
  });

  it("leaves out joined rooms with empty sections unless kept", function () {
    const result = new SyncResult();
    result.joinedRoom("!quiet:x");
    result.joinedRoom("!kept:x");
    result.keepJoinedRoom("!kept:x");
    result.joinedRoom("!busy:x").ephemeral!.events.push({ type: "m.typing", content: { user_ids: [] } });
    expect(Object.keys(result.toJson(StreamToken.ZERO).rooms.join).sort()).to.deep.equal(["!busy:x", "!kept:x"]);
    expect(result.isEmpty()).to.equal(false);
  });

  it("counts any section as something to send", function () {
    const withInvite = new SyncResult();
    withInvite.invite.set("!r:x", { invite_state: { events: [] } });
    expect(withInvite.isEmpty()).to.equal(false);
    const withPresence = new SyncResult();
    withPresence.presence.push({ type: "m.presence", sender: "@a:x", content: {} });
    expect(withPresence.isEmpty()).to.equal(false);
    const withDevices = new SyncResult();
    withDevices.deviceLists.changed.push("@a:x");
    expect(withDevices.isEmpty()).to.equal(false);
  });

  it("gives joined rooms state_after instead of state when asked", function () {
    expect(new SyncResult(true).joinedRoom("!r:x")).to.have.property("state_after").and.not.have.property("state");
    expect(new SyncResult(false).joinedRoom("!r:x")).to.have.property("state");
  });
});
