import { expect } from "chai";
import { MatrixError } from "../../src/matrix/errors.js";
import { RoomEventFilter } from "../../src/sync/room-event-filter.js";

describe("RoomEventFilter", () => {
  const event = { type: "m.room.message", sender: "@alice:hs", room_id: "!a:hs", content: { body: "hi" } };
  const image = { ...event, content: { body: "cat.png", url: "mxc://hs/cat" } };

  it("includes every room without room lists", () => {
    expect(RoomEventFilter.ALL.matches(event)).to.equal(true);
    expect(RoomEventFilter.ALL.roomAllowed("!any:hs")).to.equal(true);
  });

  it("includes only the listed rooms; not_rooms wins", () => {
    expect(new RoomEventFilter({ rooms: ["!a:hs"] }).matches(event)).to.equal(true);
    expect(new RoomEventFilter({ rooms: ["!b:hs"] }).matches(event)).to.equal(false);
    expect(new RoomEventFilter({ rooms: [] }).matches(event)).to.equal(false);
    expect(new RoomEventFilter({ not_rooms: ["!a:hs"] }).matches(event)).to.equal(false);
    expect(new RoomEventFilter({ rooms: ["!a:hs"], not_rooms: ["!a:hs"] }).matches(event)).to.equal(false);
    expect(new RoomEventFilter({ rooms: ["!a:hs"], not_rooms: ["!a:hs"] }).roomAllowed("!a:hs")).to.equal(false);
    expect(new RoomEventFilter({ rooms: ["!a:hs"] }).roomAllowed("!b:hs")).to.equal(false);
  });

  it("still applies the type and sender lists", () => {
    expect(new RoomEventFilter({ rooms: ["!a:hs"], not_types: ["m.room.message"] }).matches(event)).to.equal(false);
    expect(new RoomEventFilter({ rooms: ["!a:hs"], senders: ["@bob:hs"] }).matches(event)).to.equal(false);
  });

  it("contains_url true keeps only events with a url key, false only those without, absent both", () => {
    const withUrl = new RoomEventFilter({ contains_url: true });
    const withoutUrl = new RoomEventFilter({ contains_url: false });
    const either = new RoomEventFilter({});
    expect(withUrl.matches(image)).to.equal(true);
    expect(withUrl.matches(event)).to.equal(false);
    expect(withUrl.matches({ type: "m.room.message", room_id: "!a:hs" })).to.equal(false);
    expect(withoutUrl.matches(image)).to.equal(false);
    expect(withoutUrl.matches(event)).to.equal(true);
    expect(either.matches(image) && either.matches(event)).to.equal(true);
    expect(withUrl.containsUrl).to.equal(true);
    expect(either.containsUrl).to.equal(null);
  });

  it("reads the lazy-loading switches; include_redundant_members needs lazy_load_members", () => {
    expect(new RoomEventFilter({}).lazyLoadMembers).to.equal(false);
    const lazy = new RoomEventFilter({ lazy_load_members: true, include_redundant_members: true });
    expect(lazy.lazyLoadMembers).to.equal(true);
    expect(lazy.includeRedundantMembers).to.equal(true);
    expect(new RoomEventFilter({ include_redundant_members: true }).includeRedundantMembers).to.equal(false);
    expect(new RoomEventFilter({ lazy_load_members: true }).includeRedundantMembers).to.equal(false);
    expect(new RoomEventFilter({ unread_thread_notifications: true }).unreadThreadNotifications).to.equal(true);
    expect(new RoomEventFilter({}).unreadThreadNotifications).to.equal(false);
  });

  it("fromJson validates before compiling", () => {
    expect(RoomEventFilter.fromJson({ limit: 20, lazy_load_members: true }).limit).to.equal(20);
    expect(() => RoomEventFilter.fromJson({ limit: 0 })).to.throw(MatrixError, /limit/);
  });
});
