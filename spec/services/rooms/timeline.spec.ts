import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { ClientEventJson } from "../../../src/matrix/pdu-json.js";
import type { MessagesRequest } from "../../../src/services/rooms/timeline.js";
import { RoomEventFilter } from "../../../src/sync/room-event-filter.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

const bodies = (chunk: ClientEventJson[]) => chunk.filter((event) => event.type === "m.room.message").map((event) => event.content.body);

withAllDatabases("RoomTimelineService", function (getDb) {
  let e: RoomEngine;
  let roomId: string;
  beforeEach(async function () {
    e = makeRoomEngine(getDb());
    roomId = await e.createRoom(ALICE, { preset: "public_chat" });
  });

  const messages = (userId: string, req: MessagesRequest) => e.timeline.getMessages(userId, roomId, req);

  describe("getMessages", function () {
    it("pages backwards from the end to the room's creation, then forwards again with the tokens", async function () {
      for (let i = 1; i <= 5; i++) await e.say(ALICE, roomId, `m${i}`);
      const seen: ClientEventJson[] = [];
      let page = await messages(ALICE, { dir: "b", limit: 4 });
      const firstStart = page.start;
      for (;;) {
        seen.push(...page.chunk);
        if (page.end === undefined) break;
        page = await messages(ALICE, { dir: "b", from: page.end, limit: 4 });
      }
      expect(seen.at(-1)?.type).to.equal("m.room.create");
      expect(bodies(seen)).to.deep.equal(["m5", "m4", "m3", "m2", "m1"]);
      expect(new Set(seen.map((event) => event.event_id)).size).to.equal(seen.length);

      const forwards: ClientEventJson[] = [];
      let next = await messages(ALICE, { dir: "f", limit: 3 });
      for (;;) {
        forwards.push(...next.chunk);
        if (next.end === undefined) break;
        next = await messages(ALICE, { dir: "f", from: next.end, limit: 3 });
      }
      expect(forwards.map((event) => event.event_id)).to.deep.equal(seen.map((event) => event.event_id).reverse());
      // Backwards from the first page's start returns the newest event first.
      expect((await messages(ALICE, { dir: "b", from: firstStart, limit: 1 })).chunk[0]?.content.body).to.equal("m5");
    });

    it("echoes `from` as `start` and stops at `to`, with no `end` past it", async function () {
      await e.say(ALICE, roomId, "a");
      const page = await messages(ALICE, { dir: "b", limit: 1 });
      await e.say(ALICE, roomId, "b");
      await e.say(ALICE, roomId, "c");
      const end = (await messages(ALICE, { dir: "b", limit: 1 })).start;
      const between = await messages(ALICE, { dir: "b", from: end, to: page.start, limit: 10 });
      expect(between.start).to.equal(end);
      expect(bodies(between.chunk)).to.deep.equal(["c", "b"]);
      expect(between.end).to.equal(undefined);
    });

    it("accepts a /sync stream token as `from`: the events up to that stream position", async function () {
      const first = await e.say(ALICE, roomId, "first");
      await e.say(ALICE, roomId, "second");
      const page = await messages(ALICE, { dir: "b", from: StreamToken.from({ pdu: first.streamOrdering }).toString(), limit: 1 });
      expect(bodies(page.chunk)).to.deep.equal(["first"]);
      expect((await matrixErrorOf(messages(ALICE, { dir: "b", from: "nonsense" }))).errcode).to.equal(ErrCode.InvalidParam);
    });

    it("applies the filter, and lazy-loads the members of the senders", async function () {
      await e.membership.join(BOB, roomId);
      await e.say(BOB, roomId, "from bob");
      await e.events.sendMessage(ALICE, roomId, "m.room.message", { msgtype: "m.image", body: "pic", url: "mxc://hearth.test/p" });
      await e.say(ALICE, roomId, "from alice");
      const bobs = await messages(ALICE, { dir: "b", limit: 10, filter: RoomEventFilter.fromJson({ senders: [BOB], types: ["m.room.message"] }) });
      expect(bodies(bobs.chunk)).to.deep.equal(["from bob"]);
      expect(bobs.state).to.equal(undefined);
      const urls = await messages(ALICE, { dir: "b", limit: 10, filter: RoomEventFilter.fromJson({ contains_url: true }) });
      expect(bodies(urls.chunk)).to.deep.equal(["pic"]);
      const lazy = await messages(ALICE, { dir: "b", limit: 3, filter: RoomEventFilter.fromJson({ lazy_load_members: true }) });
      expect(lazy.state?.map((event) => event.state_key).sort()).to.deep.equal([ALICE, BOB]);
      const elsewhere = await messages(ALICE, { dir: "b", limit: 10, filter: RoomEventFilter.fromJson({ not_rooms: [roomId] }) });
      expect(elsewhere.chunk).to.deep.equal([]);
    });

    it("a user who left reads up to their leave, in both directions", async function () {
      await e.membership.join(BOB, roomId);
      await e.say(ALICE, roomId, "while bob is here");
      await e.membership.leave(BOB, roomId);
      await e.say(ALICE, roomId, "after bob left");
      const back = await messages(BOB, { dir: "b", limit: 2 });
      expect(back.chunk[0]?.type).to.equal("m.room.member");
      expect(bodies(back.chunk)).to.deep.equal(["while bob is here"]);
      const all: ClientEventJson[] = [];
      let page = await messages(BOB, { dir: "f", limit: 50 });
      all.push(...page.chunk);
      while (page.end !== undefined) all.push(...(page = await messages(BOB, { dir: "f", from: page.end, limit: 50 })).chunk);
      expect(bodies(all)).to.deep.equal(["while bob is here"]);
    });

    it("hides history a later member may not see", async function () {
      await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "joined" });
      await e.say(ALICE, roomId, "private past");
      await e.membership.join(BOB, roomId);
      await e.say(ALICE, roomId, "welcome");
      const page = await messages(BOB, { dir: "b", limit: 10 });
      expect(bodies(page.chunk)).to.deep.equal(["welcome"]);
      expect(page.chunk[1]?.state_key).to.equal(BOB);
      // The change to `joined` itself was sent while history was shared: Bob, who joined later, sees it.
      expect(page.chunk[2]?.type).to.equal("m.room.history_visibility");
      expect((await matrixErrorOf(messages(CAROL, { dir: "b" }))).errcode).to.equal(ErrCode.Forbidden);
    });

    it("limit 0 returns no events", async function () {
      const page = await messages(ALICE, { dir: "b", limit: 0 });
      expect(page.chunk).to.deep.equal([]);
    });
  });

  describe("getContext", function () {
    it("splits the limit before and after, with tokens that continue with /messages", async function () {
      const sent = [];
      for (let i = 1; i <= 7; i++) sent.push(await e.say(ALICE, roomId, `c${i}`));
      const context = await e.timeline.getContext(ALICE, roomId, sent[3]!.pdu.eventId, 4);
      expect(context.event.content.body).to.equal("c4");
      expect(bodies(context.events_before)).to.deep.equal(["c3", "c2"]);
      expect(bodies(context.events_after)).to.deep.equal(["c5", "c6"]);
      expect(context.state.some((event) => event.type === "m.room.create")).to.equal(true);
      expect(bodies((await messages(ALICE, { dir: "b", from: context.start, limit: 1 })).chunk)).to.deep.equal(["c1"]);
      expect(bodies((await messages(ALICE, { dir: "f", from: context.end, limit: 1 })).chunk)).to.deep.equal(["c7"]);
    });

    it("filters the surrounding events and state, never the event itself", async function () {
      const target = await e.say(ALICE, roomId, "target");
      await e.setState(ALICE, roomId, "m.room.topic", { topic: "t" });
      const context = await e.timeline.getContext(ALICE, roomId, target.pdu.eventId, 10, RoomEventFilter.fromJson({ types: ["m.room.topic"] }));
      expect(context.event.event_id).to.equal(target.pdu.eventId);
      expect(context.events_after.map((event) => event.type)).to.deep.equal(["m.room.topic"]);
      expect(context.events_before).to.deep.equal([]);
      expect(context.state.map((event) => event.type)).to.deep.equal(["m.room.topic"]);
    });

    it("is 404 M_NOT_FOUND for an event the user cannot see or that is not in the room", async function () {
      await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "joined" });
      const secret = await e.say(ALICE, roomId, "secret");
      await e.membership.join(BOB, roomId);
      expect((await matrixErrorOf(e.timeline.getContext(BOB, roomId, secret.pdu.eventId))).errcode).to.equal(ErrCode.NotFound);
      expect((await matrixErrorOf(e.timeline.getContext(ALICE, roomId, "$nope"))).errcode).to.equal(ErrCode.NotFound);
    });
  });

  describe("getEvent", function () {
    it("returns a visible event, redacted with redacted_because once redacted", async function () {
      const message = await e.say(ALICE, roomId, "oops");
      expect((await e.timeline.getEvent(ALICE, roomId, message.pdu.eventId)).content.body).to.equal("oops");
      const redactionId = await e.events.redact(ALICE, roomId, message.pdu.eventId, "typo");
      const redacted = await e.timeline.getEvent(ALICE, roomId, message.pdu.eventId);
      expect(redacted.content).to.deep.equal({});
      expect((redacted.unsigned?.redacted_because as { event_id?: string } | undefined)?.event_id).to.equal(redactionId);
    });

    it("is 404 for events in other rooms, events the user may not see, and forgotten rooms", async function () {
      const other = await e.createRoom(BOB, { preset: "public_chat" });
      const elsewhere = await e.say(BOB, other, "elsewhere");
      expect((await matrixErrorOf(e.timeline.getEvent(ALICE, roomId, elsewhere.pdu.eventId))).errcode).to.equal(ErrCode.NotFound);
      await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "joined" });
      const secret = await e.say(ALICE, roomId, "secret");
      expect((await matrixErrorOf(e.timeline.getEvent(CAROL, roomId, secret.pdu.eventId))).errcode).to.equal(ErrCode.NotFound);
      await e.membership.join(CAROL, roomId);
      const seen = await e.say(ALICE, roomId, "seen");
      await e.membership.leave(CAROL, roomId);
      expect((await e.timeline.getEvent(CAROL, roomId, seen.pdu.eventId)).content.body).to.equal("seen");
      await e.forget.forget(CAROL, roomId);
      expect((await matrixErrorOf(e.timeline.getEvent(CAROL, roomId, seen.pdu.eventId))).errcode).to.equal(ErrCode.NotFound);
    });
  });

  describe("timestampToEvent", function () {
    it("finds the closest event in either direction; 404 when there is none", async function () {
      const early = await e.say(ALICE, roomId, "early");
      e.clock.advance(60_000);
      const late = await e.say(ALICE, roomId, "late");
      const between = early.pdu.originServerTs + 30_000;
      expect(await e.timeline.timestampToEvent(ALICE, roomId, between, "f")).to.deep.equal({ event_id: late.pdu.eventId, origin_server_ts: late.pdu.originServerTs });
      expect((await e.timeline.timestampToEvent(ALICE, roomId, between, "b")).event_id).to.equal(early.pdu.eventId);
      const err = await matrixErrorOf(e.timeline.timestampToEvent(ALICE, roomId, late.pdu.originServerTs + 1, "f"));
      expect(err.errcode).to.equal(ErrCode.NotFound);
    });
  });
});
