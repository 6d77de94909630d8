import { expect } from "chai";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { V3, describeUserData, enc, joinRoom, type TestUser } from "./user-data-fixture.js";

const ROOM = "!typing:hearth.test";

describeUserData(
  "client API: typing",
  (s) => {
    const typing = (user: TestUser, roomId = ROOM) => `${V3}/rooms/${enc(roomId)}/typing/${enc(user.userId)}`;

    it("marks a joined user typing and not typing, waking syncs on the room", async () => {
      const { typing: service } = s.hs.homeserver.userData;
      const since = StreamToken.from({ typing: service.currentPosition() });
      const waiting = s.hs.homeserver.notifier.waitForUpdate({ userId: s.bob.userId, roomIds: () => [ROOM], since, timeoutMs: 5_000 });
      expect(await s.alice.request("PUT", typing(s.alice), { typing: true, timeout: 30_000 })).to.deep.equal({ status: 200, body: {} });
      expect((await waiting)?.typing).to.be.greaterThan(since.typing);
      expect(service.getTypingForRooms([ROOM], since.typing).get(ROOM)?.content.user_ids).to.deep.equal([s.alice.userId]);
      expect((await s.alice.request("PUT", typing(s.alice), { typing: false })).status).to.equal(200);
      expect(service.isTyping(s.alice.userId, ROOM)).to.equal(false);
    });

    it("refuses users not joined to the room, and typing for others, with 403 M_FORBIDDEN", async () => {
      const notJoined = await s.bob.request("PUT", typing(s.bob), { typing: true, timeout: 1000 });
      expect(notJoined.status).to.equal(403);
      expect(notJoined.body.errcode).to.equal("M_FORBIDDEN");
      expect((await s.bob.request("PUT", typing(s.alice), { typing: true, timeout: 1000 })).body.errcode).to.equal("M_FORBIDDEN");
    });

    it("refuses bad bodies with 400 M_BAD_JSON", async () => {
      for (const body of [{}, { typing: "yes" }, { typing: true, timeout: -5 }]) {
        const res = await s.alice.request("PUT", typing(s.alice), body);
        expect(res.status).to.equal(400);
        expect(res.body.errcode).to.equal("M_BAD_JSON");
      }
    });
  },
  async (s) => {
    await joinRoom(s.hs, s.alice.userId, ROOM);
  },
);
