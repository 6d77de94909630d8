import { expect } from "chai";
import type { MembershipRow } from "../../src/storage/stores/sync-store.js";
import { historyVisibilityOf, isEventVisible, RoomMembershipHistory } from "../../src/sync/sync-visibility.js";

const USER = "@u:x";
const row = (streamOrdering: number, membership: string): MembershipRow => ({ roomId: "!r:x", eventId: `$${streamOrdering}`, membership, sender: USER, streamOrdering });
const message = (streamOrdering: number) => ({ type: "m.room.message", stateKey: undefined, streamOrdering });

describe("sync-visibility", function () {
  it("reads history_visibility, defaulting to shared for absent or unknown values", function () {
    expect(historyVisibilityOf({ history_visibility: "joined" })).to.equal("joined");
    expect(historyVisibilityOf({ history_visibility: "nonsense" })).to.equal("shared");
    expect(historyVisibilityOf(undefined)).to.equal("shared");
  });

  it("answers membership at, before and since positions, and changes in a range", function () {
    const history = new RoomMembershipHistory([row(10, "invite"), row(20, "join"), row(30, "leave")]);
    expect(history.at(5)).to.equal("leave");
    expect(history.at(10)).to.equal("invite");
    expect(history.before(20)).to.equal("invite");
    expect(history.at(25)).to.equal("join");
    expect(history.at(30)).to.equal("leave");
    expect(history.joinedSince(15)).to.equal(true);
    expect(history.joinedSince(21)).to.equal(false);
    expect(history.changedIn(20, 29)).to.equal(false);
    expect(history.changedIn(20, 30)).to.equal(true);
  });

  it("rule 1: world_readable events are visible to anyone", function () {
    expect(isEventVisible(message(5), USER, new RoomMembershipHistory([]), "world_readable", "world_readable")).to.equal(true);
  });

  it("rule 2: events while joined are visible whatever the setting", function () {
    const history = new RoomMembershipHistory([row(10, "join")]);
    expect(isEventVisible(message(11), USER, history, "joined", "joined")).to.equal(true);
  });

  it("rule 3: shared events are visible if the user joined at any point after them", function () {
    const joinedLater = new RoomMembershipHistory([row(10, "join")]);
    expect(isEventVisible(message(5), USER, joinedLater, "shared", "shared")).to.equal(true);
    const left = new RoomMembershipHistory([row(10, "join"), row(20, "leave")]);
    expect(isEventVisible(message(25), USER, left, "shared", "shared")).to.equal(false);
  });

  it("rule 4: invited events are visible from the invite on", function () {
    const invited = new RoomMembershipHistory([row(10, "invite"), row(20, "join")]);
    expect(isEventVisible(message(15), USER, invited, "invited", "invited")).to.equal(true);
    expect(isEventVisible(message(5), USER, invited, "invited", "invited")).to.equal(false);
  });

  it("rule 5: joined events before the join are hidden", function () {
    const history = new RoomMembershipHistory([row(10, "join")]);
    expect(isEventVisible(message(5), USER, history, "joined", "joined")).to.equal(false);
  });

  it("a history_visibility event is visible when the setting before or after it allows", function () {
    const history = new RoomMembershipHistory([row(10, "join")]);
    const change = { type: "m.room.history_visibility", stateKey: "", streamOrdering: 5 };
    expect(isEventVisible(change, USER, history, "shared", "joined")).to.equal(true);
    expect(isEventVisible(change, USER, history, "joined", "joined")).to.equal(false);
  });

  it("the user's own membership events are always visible", function () {
    const rejected = new RoomMembershipHistory([row(10, "invite"), row(20, "leave")]);
    expect(isEventVisible({ type: "m.room.member", stateKey: USER, streamOrdering: 20 }, USER, rejected, "joined", "joined")).to.equal(true);
  });
});
