import { expect } from "chai";
import type { MembershipRow } from "../../../src/storage/stores/sync-store.js";
import { SyncFilter } from "../../../src/sync/filters.js";
import { UserMemberships } from "../../../src/sync/sync-memberships.js";
import { planIncrementalSync, planInitialSync, type PlanOptions } from "../../../src/sync/streams/room-plans.js";

function history(rows: Array<[roomId: string, streamOrdering: number, membership: string, sender?: string]>): UserMemberships {
  const byRoom = new Map<string, MembershipRow[]>();
  for (const [roomId, streamOrdering, membership, sender] of rows) {
    let list = byRoom.get(roomId);
    if (!list) byRoom.set(roomId, (list = []));
    list.push({ roomId, eventId: `$${roomId}${streamOrdering}`, membership, sender: sender ?? "@u:x", streamOrdering });
  }
  return new UserMemberships(1000, byRoom);
}

const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({
  filter: SyncFilter.DEFAULT,
  ignoredUsers: new Set(),
  fullState: false,
  forgotten: new Map(),
  ...extra,
});

describe("room-plans", function () {
  describe("initial sync", function () {
    it("plans joined rooms in full, lists invites and knocks, and leaves left rooms out", function () {
      const plans = planInitialSync(history([["!j", 1, "join"], ["!i", 2, "invite"], ["!k", 3, "knock"], ["!l", 4, "join"], ["!l", 5, "leave"]]), 10, options());
      expect(plans.timelines).to.deep.equal([{ roomId: "!j", section: "join", after: null, upTo: 10, stateMode: "full", since: null }]);
      expect(plans.invites.map((r) => r.roomId)).to.deep.equal(["!i"]);
      expect(plans.knocks.map((r) => r.roomId)).to.deep.equal(["!k"]);
    });

    it("with include_leave, plans left rooms up to the leave (no state for rooms never joined), unless forgotten", function () {
      const memberships = history([["!l", 4, "join"], ["!l", 5, "leave"], ["!r", 6, "invite"], ["!r", 7, "leave"], ["!f", 8, "join"], ["!f", 9, "ban"]]);
      const plans = planInitialSync(memberships, 10, options({ filter: SyncFilter.fromJson({ room: { include_leave: true } }), forgotten: new Map([["!f", "$!f9"]]) }));
      expect(plans.timelines).to.deep.equal([
        { roomId: "!l", section: "leave", after: null, upTo: 5, stateMode: "full", since: null },
        { roomId: "!r", section: "leave", after: null, upTo: 7, stateMode: "none", since: null },
      ]);
    });

    it("drops invites from ignored users and rooms the filter excludes", function () {
      const memberships = history([["!i", 1, "invite", "@bad:x"], ["!j", 2, "join"]]);
      const plans = planInitialSync(memberships, 10, options({ ignoredUsers: new Set(["@bad:x"]), filter: SyncFilter.fromJson({ room: { not_rooms: ["!j"] } }) }));
      expect(plans).to.deep.equal({ timelines: [], invites: [], knocks: [] });
    });
  });

  describe("incremental sync", function () {
    it("plans rooms joined throughout as deltas, and rooms joined since the token in full", function () {
      const memberships = history([["!stay", 1, "join"], ["!profile", 1, "join"], ["!profile", 15, "join"], ["!new", 12, "join"], ["!back", 1, "join"], ["!back", 13, "leave"], ["!back", 14, "join"]]);
      const plans = planIncrementalSync(memberships, 10, 20, options());
      expect(plans.timelines.map((p) => [p.roomId, p.after, p.stateMode])).to.deep.equal([
        ["!stay", 10, "delta"],
        ["!profile", 10, "delta"],
        ["!new", null, "full"],
        ["!back", null, "full"],
      ]);
    });

    it("with full_state, plans every joined room's state in full but its timeline from the token", function () {
      const plans = planIncrementalSync(history([["!stay", 1, "join"]]), 10, 20, options({ fullState: true }));
      expect(plans.timelines).to.deep.equal([{ roomId: "!stay", section: "join", after: 10, upTo: 20, stateMode: "full", since: 10 }]);
    });

    it("plans leaves since the token: a delta after a stay, full after a re-join, nothing after an invite", function () {
      const memberships = history([["!left", 1, "join"], ["!left", 15, "leave"], ["!rejoin", 12, "join"], ["!rejoin", 16, "leave"], ["!rejected", 11, "invite"], ["!rejected", 17, "leave"], ["!old", 1, "join"], ["!old", 5, "leave"]]);
      const plans = planIncrementalSync(memberships, 10, 20, options());
      expect(plans.timelines).to.deep.equal([
        { roomId: "!left", section: "leave", after: 10, upTo: 15, stateMode: "delta", since: 10 },
        { roomId: "!rejoin", section: "leave", after: 10, upTo: 16, stateMode: "full", since: null },
        { roomId: "!rejected", section: "leave", after: 10, upTo: 17, stateMode: "none", since: null },
      ]);
    });

    it("lists invites and knocks only when they happened since the token", function () {
      const memberships = history([["!old", 5, "invite"], ["!new", 15, "invite"], ["!knock", 16, "knock"]]);
      const plans = planIncrementalSync(memberships, 10, 20, options());
      expect(plans.invites.map((r) => r.roomId)).to.deep.equal(["!new"]);
      expect(plans.knocks.map((r) => r.roomId)).to.deep.equal(["!knock"]);
    });
  });
});
