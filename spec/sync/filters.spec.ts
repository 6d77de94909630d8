import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT, SyncFilter } from "../../src/sync/filters.js";

const message = (room_id: string, sender = "@alice:hs", type = "m.room.message") => ({
  type,
  sender,
  room_id,
  content: { body: "hi" },
});

describe("SyncFilter", () => {
  it("includes everything by default", () => {
    const filter = SyncFilter.DEFAULT;
    for (const section of ["timeline", "state", "ephemeral", "account_data"] as const) {
      expect(filter.matchesRoomEvent(message("!a:hs"), section)).to.equal(true);
    }
    expect(filter.matchesPresence({ type: "m.presence", sender: "@bob:hs" })).to.equal(true);
    expect(filter.matchesAccountData({ type: "m.push_rules" })).to.equal(true);
    expect(filter.roomAllowed("!a:hs")).to.equal(true);
    expect(filter.includeLeave).to.equal(false);
    expect(filter.lazyLoadMembers).to.equal(false);
    expect(filter.includeRedundantMembers).to.equal(false);
    expect(filter.unreadThreadNotifications).to.equal(false);
    expect(filter.eventFormat).to.equal("client");
    expect(filter.timelineLimit).to.equal(DEFAULT_TIMELINE_LIMIT);
  });

  it("defaults the timeline limit to 10, takes the client's, and caps it", () => {
    expect(DEFAULT_TIMELINE_LIMIT).to.equal(10);
    expect(SyncFilter.fromJson({ room: { timeline: { limit: 3 } } }).timelineLimit).to.equal(3);
    expect(SyncFilter.fromJson({ room: { timeline: { limit: 1_000_000 } } }).timelineLimit).to.equal(MAX_TIMELINE_LIMIT);
    expect(SyncFilter.fromJson({ room: { timeline: { limit: 50 } } }, { maxTimelineLimit: 20 }).timelineLimit).to.equal(20);
    expect(SyncFilter.fromJson({}, { defaultTimelineLimit: 25 }).timelineLimit).to.equal(25);
    // Other sections' limits do not change the timeline's.
    expect(SyncFilter.fromJson({ room: { state: { limit: 2 } } }).timelineLimit).to.equal(10);
  });

  it("exposes the limits of the other sections", () => {
    const filter = SyncFilter.fromJson({ presence: { limit: 4 }, account_data: { limit: 6 }, room: { ephemeral: { limit: 2 } } });
    expect(filter.presence.limit).to.equal(4);
    expect(filter.accountData.limit).to.equal(6);
    expect(filter.ephemeral.limit).to.equal(2);
    expect(filter.state.limit).to.equal(null);
  });

  it("applies the room-level rooms / not_rooms before every room section", () => {
    const filter = SyncFilter.fromJson({ room: { rooms: ["!a:hs", "!b:hs"], not_rooms: ["!b:hs"] } });
    expect(filter.roomAllowed("!a:hs")).to.equal(true);
    expect(filter.roomAllowed("!b:hs")).to.equal(false); // not_rooms wins
    expect(filter.roomAllowed("!c:hs")).to.equal(false);
    for (const section of ["timeline", "state", "ephemeral", "account_data"] as const) {
      expect(filter.matchesRoomEvent(message("!a:hs"), section), section).to.equal(true);
      expect(filter.matchesRoomEvent(message("!b:hs"), section), section).to.equal(false);
      expect(filter.matchesRoomEvent(message("!c:hs"), section), section).to.equal(false);
    }
  });

  it("lets a section's own room lists narrow further but not widen", () => {
    const filter = SyncFilter.fromJson({
      room: { rooms: ["!a:hs"], timeline: { rooms: ["!a:hs", "!c:hs"], not_rooms: [] }, state: { not_rooms: ["!a:hs"] } },
    });
    expect(filter.matchesRoomEvent(message("!a:hs"), "timeline")).to.equal(true);
    expect(filter.matchesRoomEvent(message("!c:hs"), "timeline")).to.equal(false);
    expect(filter.matchesRoomEvent(message("!a:hs"), "state")).to.equal(false);
    expect(filter.matchesRoomEvent(message("!a:hs"), "ephemeral")).to.equal(true);
  });

  it("filters each room section by its own types and senders", () => {
    const filter = SyncFilter.fromJson({
      room: {
        timeline: { types: ["m.room.*"], not_senders: ["@spam:hs"] },
        state: { types: ["m.room.member"] },
        ephemeral: { types: ["m.receipt", "m.typing"], not_types: ["m.typing"] },
        account_data: { not_types: ["m.fully_read"] },
      },
    });
    expect(filter.matchesRoomEvent(message("!a:hs"), "timeline")).to.equal(true);
    expect(filter.matchesRoomEvent(message("!a:hs", "@spam:hs"), "timeline")).to.equal(false);
    expect(filter.matchesRoomEvent(message("!a:hs", "@a:hs", "org.custom"), "timeline")).to.equal(false);
    expect(filter.matchesRoomEvent(message("!a:hs"), "state")).to.equal(false);
    expect(filter.matchesRoomEvent(message("!a:hs", "@a:hs", "m.room.member"), "state")).to.equal(true);
    expect(filter.matchesRoomEvent({ type: "m.receipt", room_id: "!a:hs" }, "ephemeral")).to.equal(true);
    expect(filter.matchesRoomEvent({ type: "m.typing", room_id: "!a:hs" }, "ephemeral")).to.equal(false);
    expect(filter.matchesRoomEvent({ type: "m.fully_read", room_id: "!a:hs" }, "account_data")).to.equal(false);
    expect(filter.matchesRoomEvent({ type: "m.tag", room_id: "!a:hs" }, "account_data")).to.equal(true);
  });

  it("filters presence by type and by whose presence it is", () => {
    const filter = SyncFilter.fromJson({ presence: { types: ["m.presence"], not_senders: ["@alice:hs"] } });
    expect(filter.matchesPresence({ type: "m.presence", sender: "@bob:hs" })).to.equal(true);
    expect(filter.matchesPresence({ type: "m.presence", sender: "@alice:hs" })).to.equal(false);
    const none = SyncFilter.fromJson({ presence: { types: [] } });
    expect(none.matchesPresence({ type: "m.presence", sender: "@bob:hs" })).to.equal(false);
    const only = SyncFilter.fromJson({ presence: { senders: ["@carol:hs"] } });
    expect(only.matchesPresence({ type: "m.presence", sender: "@bob:hs" })).to.equal(false);
    expect(only.matchesPresence({ type: "m.presence", sender: "@carol:hs" })).to.equal(true);
  });

  it("filters global account data by type, with wildcards", () => {
    const filter = SyncFilter.fromJson({ account_data: { types: ["m.*"], not_types: ["m.ignored_*"] } });
    expect(filter.matchesAccountData({ type: "m.push_rules" })).to.equal(true);
    expect(filter.matchesAccountData({ type: "m.ignored_user_list" })).to.equal(false);
    expect(filter.matchesAccountData({ type: "im.vector.setting" })).to.equal(false);
  });

  it("reads include_leave, event_format and the lazy-loading switches", () => {
    const filter = SyncFilter.fromJson({
      event_format: "federation",
      room: {
        include_leave: true,
        state: { lazy_load_members: true, include_redundant_members: true },
        timeline: { unread_thread_notifications: true },
      },
    });
    expect(filter.includeLeave).to.equal(true);
    expect(filter.eventFormat).to.equal("federation");
    expect(filter.lazyLoadMembers).to.equal(true);
    expect(filter.includeRedundantMembers).to.equal(true);
    expect(filter.unreadThreadNotifications).to.equal(true);
    // include_redundant_members alone does nothing.
    expect(SyncFilter.fromJson({ room: { state: { include_redundant_members: true } } }).includeRedundantMembers).to.equal(false);
  });

  it("applies contains_url in the timeline", () => {
    const filter = SyncFilter.fromJson({ room: { timeline: { contains_url: true } } });
    expect(filter.matchesRoomEvent(message("!a:hs"), "timeline")).to.equal(false);
    expect(filter.matchesRoomEvent({ ...message("!a:hs"), content: { url: "mxc://hs/x" } }, "timeline")).to.equal(true);
  });

  it("projects events to event_fields, and returns them untouched without it", () => {
    const event = { event_id: "$e", type: "m.room.message", sender: "@a:hs", content: { body: "hi", msgtype: "m.text" } };
    expect(SyncFilter.DEFAULT.applyEventFields(event)).to.equal(event);
    const filter = SyncFilter.fromJson({ event_fields: ["type", "content.body"] });
    expect(filter.applyEventFields(event)).to.deep.equal({ type: "m.room.message", content: { body: "hi" } });
  });

  it("keeps the JSON it was built from (for GET /filter)", () => {
    const json = { room: { timeline: { limit: 5 } }, "org.example": true };
    expect(SyncFilter.fromJson(json).json).to.equal(json);
  });

  it("rejects an invalid filter with M_BAD_JSON naming the field", () => {
    let caught: unknown;
    try {
      SyncFilter.fromJson({ room: { timeline: { limit: 0 } } });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(MatrixError);
    expect((caught as MatrixError).errcode).to.equal(ErrCode.BadJson);
    expect((caught as MatrixError).message).to.include("room.timeline.limit");
  });
});
