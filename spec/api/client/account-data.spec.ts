import { expect } from "chai";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { V3, describeUserData, enc, request, type TestUser } from "./user-data-fixture.js";

const ROOM = "!room:hearth.test";

describeUserData(
  "client API: account data and tags",
  (s) => {
    const global = (user: TestUser, type: string) => `${V3}/user/${enc(user.userId)}/account_data/${type}`;
    const inRoom = (user: TestUser, roomId: string, type: string) => `${V3}/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/${type}`;

    it("stores and returns global and room account data, on r0 paths too", async () => {
      expect(await s.alice.request("PUT", global(s.alice, "org.example.config"), { theme: "dark" })).to.deep.equal({ status: 200, body: {} });
      expect(await s.alice.request("GET", global(s.alice, "org.example.config"))).to.deep.equal({ status: 200, body: { theme: "dark" } });
      expect((await s.alice.request("PUT", inRoom(s.alice, ROOM, "org.example.config"), { pinned: true })).status).to.equal(200);
      expect((await s.alice.request("GET", inRoom(s.alice, ROOM, "org.example.config"))).body).to.deep.equal({ pinned: true });
      const r0 = `/_matrix/client/r0/user/${enc(s.alice.userId)}/account_data/org.example.config`;
      expect((await s.alice.request("GET", r0)).body).to.deep.equal({ theme: "dark" });
    });

    it("answers 404 M_NOT_FOUND for data never set", async () => {
      const res = await s.alice.request("GET", global(s.alice, "org.example.absent"));
      expect(res.status).to.equal(404);
      expect(res.body.errcode).to.equal("M_NOT_FOUND");
      expect((await s.alice.request("GET", inRoom(s.alice, ROOM, "org.example.absent"))).body.errcode).to.equal("M_NOT_FOUND");
    });

    it("refuses someone else's account data with 403 M_FORBIDDEN", async () => {
      for (const [method, path] of [["PUT", global(s.alice, "x.y")], ["GET", global(s.alice, "x.y")], ["PUT", inRoom(s.alice, ROOM, "x.y")], ["GET", inRoom(s.alice, ROOM, "x.y")]] as const) {
        const res = await s.bob.request(method, path, method === "PUT" ? {} : undefined);
        expect(res.status, `${method} ${path}`).to.equal(403);
        expect(res.body.errcode).to.equal("M_FORBIDDEN");
      }
    });

    it("requires an access token", async () => {
      const res = await request(s.hs, "GET", global(s.alice, "x.y"));
      expect(res.status).to.equal(401);
      expect(res.body.errcode).to.equal("M_MISSING_TOKEN");
    });

    it("refuses m.fully_read and m.push_rules with 405 M_BAD_JSON", async () => {
      for (const path of [global(s.alice, "m.fully_read"), global(s.alice, "m.push_rules"), inRoom(s.alice, ROOM, "m.fully_read")]) {
        const res = await s.alice.request("PUT", path, { event_id: "$x" });
        expect(res.status).to.equal(405);
        expect(res.body.errcode).to.equal("M_BAD_JSON");
      }
    });

    it("refuses bodies that are not JSON objects and malformed ignored user lists", async () => {
      expect((await s.alice.request("PUT", global(s.alice, "x.y"), "not json")).body.errcode).to.equal("M_NOT_JSON");
      expect((await s.alice.request("PUT", global(s.alice, "x.y"), [1, 2])).body.errcode).to.equal("M_BAD_JSON");
      const bad = await s.alice.request("PUT", global(s.alice, "m.ignored_user_list"), { ignored_users: ["@bob:hearth.test"] });
      expect(bad.status).to.equal(400);
      expect(bad.body.errcode).to.equal("M_BAD_JSON");
      const ok = await s.alice.request("PUT", global(s.alice, "m.ignored_user_list"), { ignored_users: { [s.bob.userId]: {} } });
      expect(ok.status).to.equal(200);
      expect([...(await s.hs.homeserver.userData.accountData.getIgnoredUsers(s.alice.userId))]).to.deep.equal([s.bob.userId]);
    });

    it("refuses a malformed room ID with 400 M_INVALID_PARAM", async () => {
      const res = await s.alice.request("GET", inRoom(s.alice, "@notaroom:hearth.test", "x.y"));
      expect(res.status).to.equal(400);
      expect(res.body.errcode).to.equal("M_INVALID_PARAM");
    });

    it("moves the accountData stream and wakes the user's waiting sync", async () => {
      const { accountData } = s.hs.homeserver.userData;
      const since = StreamToken.from({ accountData: accountData.currentPosition() });
      const waiting = s.hs.homeserver.notifier.waitForUpdate({ userId: s.alice.userId, roomIds: () => [], since, timeoutMs: 5_000 });
      await s.alice.request("PUT", global(s.alice, "org.example.wake"), { n: 1 });
      const token = await waiting;
      expect(token?.accountData).to.be.greaterThan(since.accountData);
      const changes = await accountData.getAccountDataChangedSince(s.alice.userId, since.accountData);
      expect(changes.map((c) => [c.type, c.content])).to.deep.equal([["org.example.wake", { n: 1 }]]);
    });

    it("adds, lists and removes room tags", async () => {
      const tags = `${V3}/user/${enc(s.alice.userId)}/rooms/${enc(ROOM)}/tags`;
      expect((await s.alice.request("GET", tags)).body).to.deep.equal({ tags: {} });
      expect((await s.alice.request("PUT", `${tags}/m.favourite`, { order: 0.25 })).status).to.equal(200);
      expect((await s.alice.request("PUT", `${tags}/u.work`, {})).status).to.equal(200);
      expect((await s.alice.request("GET", tags)).body).to.deep.equal({ tags: { "m.favourite": { order: 0.25 }, "u.work": {} } });
      expect((await s.alice.request("GET", inRoom(s.alice, ROOM, "m.tag"))).body).to.deep.equal({ tags: { "m.favourite": { order: 0.25 }, "u.work": {} } });
      expect((await s.alice.request("DELETE", `${tags}/u.work`)).status).to.equal(200);
      expect((await s.alice.request("GET", tags)).body).to.deep.equal({ tags: { "m.favourite": { order: 0.25 } } });
      const badOrder = await s.alice.request("PUT", `${tags}/u.x`, { order: "first" });
      expect(badOrder.status).to.equal(400);
      expect(badOrder.body.errcode).to.equal("M_BAD_JSON");
      expect((await s.bob.request("GET", tags)).body.errcode).to.equal("M_FORBIDDEN");
      expect((await s.bob.request("PUT", `${tags}/u.x`, {})).body.errcode).to.equal("M_FORBIDDEN");
      expect((await s.bob.request("DELETE", `${tags}/m.favourite`)).body.errcode).to.equal("M_FORBIDDEN");
    });
  }
);
