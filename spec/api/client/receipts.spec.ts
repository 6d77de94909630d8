import { expect } from "chai";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { V3, describeUserData, addEvent, createTestUser, enc, joinRoom } from "./user-data-fixture.js";

const ROOM = "!receipts:hearth.test";

describeUserData(
  "client API: receipts and read markers",
  (s) => {
    const receipt = (type: string, eventId: string) => `${V3}/rooms/${enc(ROOM)}/receipt/${type}/${enc(eventId)}`;

    it("records a read receipt, delivered to room members as m.receipt, waking their syncs", async () => {
      const { receipts } = s.hs.homeserver.userData;
      const since = StreamToken.from({ receipt: receipts.currentPosition() });
      const waiting = s.hs.homeserver.notifier.waitForUpdate({ userId: s.bob.userId, roomIds: () => [ROOM], since, timeoutMs: 5_000 });
      expect(await s.alice.request("POST", receipt("m.read", "$e2"), {})).to.deep.equal({ status: 200, body: {} });
      expect((await waiting)?.receipt).to.be.greaterThan(since.receipt);
      const event = (await receipts.getReceiptsSince([ROOM], since.receipt, s.bob.userId)).get(ROOM);
      expect(Object.keys(event?.content ?? {})).to.deep.equal(["$e2"]);
      expect(event?.content.$e2?.["m.read"]?.[s.alice.userId]?.ts).to.be.a("number");
    });

    it("keeps threaded receipts and private receipts (the latter for their owner only)", async () => {
      const { receipts } = s.hs.homeserver.userData;
      const since = receipts.currentPosition();
      expect((await s.alice.request("POST", receipt("m.read", "$e3"), { thread_id: "main" })).status).to.equal(200);
      expect((await s.alice.request("POST", receipt("m.read.private", "$e3"), {})).status).to.equal(200);
      const own = (await receipts.getReceiptsSince([ROOM], since, s.alice.userId)).get(ROOM)?.content.$e3;
      expect(own?.["m.read"]?.[s.alice.userId]?.thread_id).to.equal("main");
      expect(own?.["m.read.private"]?.[s.alice.userId]).to.not.equal(undefined);
      const others = (await receipts.getReceiptsSince([ROOM], since, s.bob.userId)).get(ROOM)?.content.$e3;
      expect(others?.["m.read.private"]).to.equal(undefined);
    });

    it("refuses bad receipt types and thread IDs with 400 M_INVALID_PARAM", async () => {
      for (const [path, body] of [
        [receipt("m.unknown", "$e1"), {}],
        [receipt("m.read", "$e1"), { thread_id: "" }],
        [receipt("m.read", "$e1"), { thread_id: 42 }],
        [receipt("m.fully_read", "$e1"), { thread_id: "main" }],
      ] as const) {
        const res = await s.alice.request("POST", path, body);
        expect(res.status, path).to.equal(400);
        expect(res.body.errcode).to.equal("M_INVALID_PARAM");
      }
    });

    it("answers 404 M_NOT_FOUND for events not in the room and 403 M_FORBIDDEN for rooms not joined", async () => {
      expect((await s.alice.request("POST", receipt("m.read", "$missing"), {})).body.errcode).to.equal("M_NOT_FOUND");
      expect((await s.alice.request("POST", receipt("m.read", "$other"), {})).body.errcode).to.equal("M_NOT_FOUND");
      const carol = await createTestUser(s.hs, "carol");
      const res = await carol.request("POST", receipt("m.read", "$e1"), {});
      expect(res.status).to.equal(403);
      expect(res.body.errcode).to.equal("M_FORBIDDEN");
    });

    it("sets the fully read marker (room account data) and receipts through /read_markers", async () => {
      const markers = `${V3}/rooms/${enc(ROOM)}/read_markers`;
      expect((await s.bob.request("POST", markers, { "m.fully_read": "$e2", "m.read": "$e3", "m.read.private": "$e3" })).status).to.equal(200);
      const fullyRead = `${V3}/user/${enc(s.bob.userId)}/rooms/${enc(ROOM)}/account_data/m.fully_read`;
      expect((await s.bob.request("GET", fullyRead)).body).to.deep.equal({ event_id: "$e2" });
      expect((await s.bob.request("POST", receipt("m.fully_read", "$e3"), {})).status).to.equal(200);
      expect((await s.bob.request("GET", fullyRead)).body).to.deep.equal({ event_id: "$e3" });
      const content = (await s.hs.homeserver.userData.receipts.getReceiptsSince([ROOM], 0, s.bob.userId)).get(ROOM)?.content;
      expect(content?.$e3?.["m.read"]?.[s.bob.userId]).to.not.equal(undefined);
      const bad = await s.bob.request("POST", markers, { "m.fully_read": 7 });
      expect(bad.status).to.equal(400);
      expect(bad.body.errcode).to.equal("M_BAD_JSON");
    });
  },
  async (s) => {
    await joinRoom(s.hs, s.alice.userId, ROOM);
    await joinRoom(s.hs, s.bob.userId, ROOM);
    for (const id of ["$e1", "$e2", "$e3"]) await addEvent(s.hs, ROOM, id, s.bob.userId);
    await addEvent(s.hs, "!elsewhere:hearth.test", "$other", s.bob.userId);
  },
);
