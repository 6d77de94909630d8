/**
 * Reporting content: POST /rooms/{roomId}/report/{eventId}, POST /rooms/{roomId}/report and
 * POST /users/{userId}/report, over HTTP and through matrix-js-sdk's reportEvent.
 */
import { expect } from "chai";
import { createClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { call, registerUser, startAccountsHomeserver } from "../../helpers/accounts.js";
import { sdkMatrixError } from "../../helpers/js-sdk-error.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { describeRooms, enc, expectError, SERVER, type RoomClient } from "./rooms-fixture.js";

interface StoredReport {
  kind: string;
  user_id: string;
  room_id: string | null;
  event_id: string | null;
  target_user_id: string | null;
  reason: string | null;
  score: number | string | null;
}

const EVENT_NOT_FOUND = "The event was not found or you are not joined to the room.";

describeRooms("api/client/report-content", (s) => {
  const reportEvent = (client: RoomClient, roomId: string, eventId: string, body: unknown = {}, version = "v3") =>
    client.request("POST", `/_matrix/client/${version}/rooms/${enc(roomId)}/report/${enc(eventId)}`, body);
  const reportRoom = (client: RoomClient, roomId: string, body: unknown = { reason: "spam" }) =>
    client.request("POST", `/rooms/${enc(roomId)}/report`, body);
  const reportUser = (client: RoomClient, userId: string, body: unknown = { reason: "abuse" }) =>
    client.request("POST", `/users/${enc(userId)}/report`, body);
  /** The stored reports, oldest first. */
  const stored = async (where: string): Promise<StoredReport[]> => {
    const rows = (await s.hs.homeserver.db.query(
      `SELECT kind, user_id, room_id, event_id, target_user_id, reason, score FROM content_reports WHERE ${where} ORDER BY id`,
    )) as StoredReport[];
    return rows.map((row) => ({ ...row, score: row.score === null ? null : Number(row.score) }));
  };
  const roomWithMessage = async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    expect((await s.bob.join(roomId)).status).to.equal(200);
    const eventId = await s.alice.send(roomId, "something offensive");
    return { roomId, eventId };
  };

  it("stores a joined user's report of an event with its reason, score and the event's sender, on v3 and r0", async () => {
    const { roomId, eventId } = await roomWithMessage();
    const response = await reportEvent(s.bob, roomId, eventId, { reason: "this makes me sad", score: -100 });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body).to.deep.equal({});
    expect((await reportEvent(s.bob, roomId, eventId, {}, "r0")).status).to.equal(200);
    expect(await stored(`event_id = '${eventId}'`)).to.deep.equal([
      { kind: "event", user_id: s.bob.userId, room_id: roomId, event_id: eventId, target_user_id: s.alice.userId, reason: "this makes me sad", score: -100 },
      { kind: "event", user_id: s.bob.userId, room_id: roomId, event_id: eventId, target_user_id: s.alice.userId, reason: null, score: null },
    ]);
  });

  it("takes `score` (removed in v1.18) as it comes, keeping only an integer one", async () => {
    const { roomId, eventId } = await roomWithMessage();
    expect((await reportEvent(s.bob, roomId, eventId, { reason: "x", score: "very bad" })).status).to.equal(200);
    expect((await reportEvent(s.bob, roomId, eventId, { reason: "y", score: -1.5 })).status).to.equal(200);
    expect((await stored(`event_id = '${eventId}'`)).map((r) => r.score)).to.deep.equal([null, null]);
  });

  it("refuses a reason that is not a string, and a body that is not an object, with 400", async () => {
    const { roomId, eventId } = await roomWithMessage();
    expectError(await reportEvent(s.bob, roomId, eventId, { reason: 12 }), 400, "M_BAD_JSON");
    const notObject = await reportEvent(s.bob, roomId, eventId, ["reason"]);
    expect(notObject.status).to.equal(400);
    expect(notObject.body.errcode).to.be.oneOf(["M_BAD_JSON", "M_NOT_JSON"]);
    expectError(await reportEvent(s.bob, "not-a-room", eventId), 400, "M_INVALID_PARAM");
    expect(await stored(`event_id = '${eventId}'`)).to.deep.equal([]);
  });

  it("answers the same 404 M_NOT_FOUND for a missing event, one of another room, an unknown room and a reporter not joined", async () => {
    const { roomId, eventId } = await roomWithMessage();
    const other = await s.alice.createRoom();
    const elsewhere = await s.alice.send(other, "in another room");
    const attempts = [
      await reportEvent(s.bob, roomId, "$nonexistent:hearth.test", { reason: "x" }),
      await reportEvent(s.bob, roomId, elsewhere, { reason: "x" }),
      await reportEvent(s.bob, `!unknown:${SERVER}`, eventId, { reason: "x" }),
      // carol never joined this public room: she may read it, but not report in it.
      await reportEvent(s.carol, roomId, eventId, { reason: "x" }),
    ];
    for (const response of attempts) {
      expectError(response, 404, "M_NOT_FOUND");
      expect(response.body.error).to.equal(EVENT_NOT_FOUND);
    }
    expect(await stored(`event_id = '${eventId}' OR event_id = '${elsewhere}'`)).to.deep.equal([]);
  });

  it("refuses a reporter who left, and an event history visibility hides from the reporter", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.alice.setState(roomId, "m.room.history_visibility", "", { history_visibility: "joined" });
    const before = await s.alice.send(roomId, "before carol joined");
    expect((await s.carol.join(roomId)).status).to.equal(200);
    const after = await s.alice.send(roomId, "after carol joined");
    expectError(await reportEvent(s.carol, roomId, before, { reason: "x" }), 404, "M_NOT_FOUND");
    expect((await reportEvent(s.carol, roomId, after, { reason: "x" })).status).to.equal(200);
    expect((await s.carol.request("POST", `/rooms/${enc(roomId)}/leave`, {})).status).to.equal(200);
    expectError(await reportEvent(s.carol, roomId, after, { reason: "again" }), 404, "M_NOT_FOUND");
    expect((await stored(`room_id = '${roomId}'`)).map((r) => r.reason)).to.deep.equal(["x"]);
  });

  it("stores a report of a room from anyone, joined to it or not; the reason may be blank", async () => {
    const roomId = await s.alice.createRoom({ preset: "private_chat" });
    expect((await reportRoom(s.alice, roomId, { reason: "" })).status).to.equal(200);
    const outsider = await reportRoom(s.carol, roomId, { reason: "saw it in an invite" });
    expect(outsider.status, JSON.stringify(outsider.body)).to.equal(200);
    expect(outsider.body).to.deep.equal({});
    expect(await stored(`kind = 'room' AND room_id = '${roomId}'`)).to.deep.equal([
      { kind: "room", user_id: s.alice.userId, room_id: roomId, event_id: null, target_user_id: null, reason: "", score: null },
      { kind: "room", user_id: s.carol.userId, room_id: roomId, event_id: null, target_user_id: null, reason: "saw it in an invite", score: null },
    ]);
  });

  it("refuses a room report without a reason (400 M_BAD_JSON), for an unknown room (404) or a malformed ID (400)", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await reportRoom(s.carol, roomId, {}), 400, "M_BAD_JSON");
    expectError(await reportRoom(s.carol, roomId, { reason: ["x"] }), 400, "M_BAD_JSON");
    const unknown = await reportRoom(s.carol, `!unknown:${SERVER}`);
    expectError(unknown, 404, "M_NOT_FOUND");
    expect(unknown.body.error).to.equal("The room was not found.");
    expectError(await reportRoom(s.carol, "#alias:hearth.test"), 400, "M_INVALID_PARAM");
    expect(await stored(`kind = 'room' AND room_id = '${roomId}'`)).to.deep.equal([]);
  });

  it("stores a report of a user sharing no room with the reporter, and of another server's user", async () => {
    const dave = await s.newUser("dave");
    expect((await reportUser(s.carol, dave.userId, { reason: "spam invites" })).status).to.equal(200);
    const remote = await reportUser(s.carol, "@troll:elsewhere.test", { reason: "" });
    expect(remote.status, JSON.stringify(remote.body)).to.equal(200);
    expect(remote.body).to.deep.equal({});
    expect(await stored(`kind = 'user' AND user_id = '${s.carol.userId}'`)).to.deep.equal([
      { kind: "user", user_id: s.carol.userId, room_id: null, event_id: null, target_user_id: dave.userId, reason: "spam invites", score: null },
      { kind: "user", user_id: s.carol.userId, room_id: null, event_id: null, target_user_id: "@troll:elsewhere.test", reason: "", score: null },
    ]);
  });

  it("refuses a user report for a user this server does not have (404), a malformed ID (400) or no reason (400)", async () => {
    const unknown = await reportUser(s.bob, `@nobody:${SERVER}`);
    expectError(unknown, 404, "M_NOT_FOUND");
    expect(unknown.body.error).to.equal("The user was not found.");
    expectError(await reportUser(s.bob, "not-a-user"), 400, "M_INVALID_PARAM");
    expectError(await reportUser(s.bob, s.alice.userId, { reason: null }), 400, "M_BAD_JSON");
    expect(await stored(`kind = 'user' AND user_id = '${s.bob.userId}'`)).to.deep.equal([]);
  });

  it("requires an access token on all three", async () => {
    const { roomId, eventId } = await roomWithMessage();
    for (const path of [`/rooms/${enc(roomId)}/report/${enc(eventId)}`, `/rooms/${enc(roomId)}/report`, `/users/${enc(s.alice.userId)}/report`]) {
      const response = await call(s.hs, "POST", `/_matrix/client/v3${path}`, { body: { reason: "x" } });
      expectError(response, 401, "M_MISSING_TOKEN");
    }
  });

  it("works through matrix-js-sdk's reportEvent, which sends a score", async () => {
    sdkLogger.setLevel("silent");
    const { roomId, eventId } = await roomWithMessage();
    const client = createClient({ baseUrl: s.hs.baseUrl, userId: s.bob.userId, deviceId: s.bob.deviceId, accessToken: s.bob.accessToken });
    try {
      expect(await client.reportEvent(roomId, eventId, -50, "via the SDK")).to.deep.equal({});
      const refused = await sdkMatrixError(client.reportEvent(roomId, "$missing:hearth.test", -50, "nope"));
      expect([refused.httpStatus, refused.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
    } finally {
      client.stopClient();
    }
    expect(await stored(`event_id = '${eventId}'`)).to.deep.equal([
      { kind: "event", user_id: s.bob.userId, room_id: roomId, event_id: eventId, target_user_id: s.alice.userId, reason: "via the SDK", score: -50 },
    ]);
  });
});

for (const engine of testEngines()) {
  describe(`api/client/report-content rate limits [${engine}]`, () => {
    let hs: TestHomeserver;
    before(async () => {
      hs = await startAccountsHomeserver({
        engine,
        serverName: "reports-limited.test",
        configure: (config) => {
          config.rate_limits.message = { per_second: 0.001, burst_count: 2 };
        },
      });
    });
    after(() => hs.stop());

    it("limits reports with the client's message bucket: 429 M_LIMIT_EXCEEDED past the burst", async () => {
      const reporter = await registerUser(hs, "reporter");
      const target = await registerUser(hs, "target");
      const report = () => call(hs, "POST", `/_matrix/client/v3/users/${enc(target.userId)}/report`, { token: reporter.accessToken, body: { reason: "x" } });
      expect((await report()).status).to.equal(200);
      expect((await report()).status).to.equal(200);
      const limited = await report();
      expectError(limited, 429, "M_LIMIT_EXCEEDED");
      expect(limited.body.retry_after_ms).to.be.a("number");
      // Rooms share the bucket.
      const room = await call(hs, "POST", `/_matrix/client/v3/rooms/${enc("!any:reports-limited.test")}/report`, { token: reporter.accessToken, body: { reason: "x" } });
      expectError(room, 429, "M_LIMIT_EXCEEDED");
    });
  });
}
