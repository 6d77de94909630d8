import { expect } from "chai";
import { SyncFilter } from "../../src/sync/filters.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import type { SyncContext } from "../../src/sync/streams/stream-provider.js";
import type { UserMemberships } from "../../src/sync/sync-memberships.js";
import { SyncResult } from "../../src/sync/sync-result.js";
import { fillUnreadCounts, type RoomUnreadCounts, type UnreadCountsSource } from "../../src/sync/sync-unread-counts.js";

const counts = (notification_count: number, highlight_count = 0) => ({ notification_count, highlight_count });

describe("fillUnreadCounts", () => {
  const busy: RoomUnreadCounts = { total: counts(5, 2), main: counts(2, 1), threads: new Map([["$root", counts(3, 1)]]) };
  let asked: Array<[string, readonly string[], number]>;
  const source: UnreadCountsSource = {
    getUnreadCounts: async (userId, roomIds, upTo) => {
      asked.push([userId, roomIds, upTo]);
      return new Map([["!busy:x", busy]]);
    },
  };

  function context(filter = SyncFilter.DEFAULT): SyncContext {
    const result = new SyncResult();
    // !busy and !quiet are sent (events; sent in full), !idle has nothing to send.
    result.joinedRoom("!busy:x").timeline!.events.push({ type: "m.room.message", content: {}, event_id: "$e", sender: "@b:x", origin_server_ts: 1 });
    result.joinedRoom("!quiet:x");
    result.keepJoinedRoom("!quiet:x");
    result.joinedRoom("!idle:x");
    return {
      request: { userId: "@me:x", deviceId: null, filter, since: null, fullState: false, useStateAfter: false },
      to: StreamToken.from({ pdu: 77 }),
      result,
      memberships: {} as UserMemberships,
      ignoredUsers: new Set(),
      now: 0,
      rooms: { joined: ["!busy:x", "!quiet:x", "!idle:x"], newlyJoined: new Set(), left: [] },
    };
  }

  beforeEach(() => {
    asked = [];
  });

  it("gives each joined room sent its total counts, 0 for rooms without any, asking once up to the sync's pdu position", async () => {
    const ctx = context();
    await fillUnreadCounts(ctx, source);
    expect(asked).to.deep.equal([["@me:x", ["!busy:x", "!quiet:x"], 77]]);
    const json = ctx.result.toJson(ctx.to);
    expect(json.rooms.join["!busy:x"]?.unread_notifications).to.deep.equal(counts(5, 2));
    expect(json.rooms.join["!busy:x"]?.unread_thread_notifications).to.equal(undefined);
    expect(json.rooms.join["!quiet:x"]?.unread_notifications).to.deep.equal(counts(0));
    expect(json.rooms.join["!idle:x"]).to.equal(undefined);
  });

  it("with unread_thread_notifications, counts the main timeline and each thread apart", async () => {
    const ctx = context(SyncFilter.fromJson({ room: { timeline: { unread_thread_notifications: true } } }));
    await fillUnreadCounts(ctx, source);
    const json = ctx.result.toJson(ctx.to);
    expect(json.rooms.join["!busy:x"]?.unread_notifications).to.deep.equal(counts(2, 1));
    expect(json.rooms.join["!busy:x"]?.unread_thread_notifications).to.deep.equal({ $root: counts(3, 1) });
    expect(json.rooms.join["!quiet:x"]?.unread_thread_notifications).to.equal(undefined);
  });

  it("asks nothing when no joined room is sent", async () => {
    const ctx = context();
    ctx.result.join.clear();
    await fillUnreadCounts(ctx, source);
    expect(asked).to.deep.equal([]);
  });
});
