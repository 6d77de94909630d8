/** GET /_synapse/admin/v1/event_reports[/{reportId}]: server admins read the event reports users sent. */
import { expect } from "chai";
import type { EventReportDetailJson } from "../../../src/matrix/endpoints/client/admin-event-reports.js";
import { call } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, SERVER, type RoomClient } from "./rooms-fixture.js";

const ADMIN = "/_synapse/admin/v1/event_reports";

type EventReport = EventReportDetailJson;

describeRooms("api/client/admin-event-reports", (s) => {
  let admin: RoomClient;
  let named: string;
  let plain: string;
  /** Event IDs: alice's two messages in `named`, bob's one in `plain`. */
  let first: string;
  let second: string;
  let third: string;
  /** RoomClient.request serves /_matrix paths only. */
  const get = (as: RoomClient, path: string) => call(s.hs, "GET", path, { token: as.accessToken });
  const list = (as: RoomClient, query = "") => get(as, `${ADMIN}${query}`);
  const reportsOf = (body: Record<string, unknown>) => body.event_reports as EventReport[];

  before(async () => {
    admin = await s.newUser("admin");
    await s.hs.homeserver.db.query(`UPDATE users SET is_admin = TRUE WHERE user_id = '${admin.userId}'`);
    named = await s.alice.createRoom({ preset: "public_chat", name: "Reported Room", room_alias_name: "reported" });
    plain = await s.bob.createRoom({ preset: "public_chat" });
    for (const roomId of [named, plain]) {
      for (const user of [s.alice, s.bob, s.carol]) await user.join(roomId);
    }
    first = await s.alice.send(named, "first");
    second = await s.alice.send(named, "second");
    third = await s.bob.send(plain, "third");
    const report = async (as: RoomClient, roomId: string, eventId: string, body: Record<string, unknown>) => {
      const response = await as.request("POST", `/rooms/${enc(roomId)}/report/${enc(eventId)}`, body);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
    };
    await report(s.bob, named, first, { reason: "rude", score: -100 });
    await report(s.carol, named, second, {});
    await report(s.carol, plain, third, { reason: "spam" });
    // Room and user reports are not event reports.
    expect((await s.carol.request("POST", `/rooms/${enc(named)}/report`, { reason: "whole room" })).status).to.equal(200);
    expect((await s.carol.request("POST", `/users/${enc(s.alice.userId)}/report`, { reason: "user" })).status).to.equal(200);
  });

  it("lists event reports newest first with the room's name and alias, the event's sender and the reporter", async () => {
    const response = await list(admin);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.total).to.equal(3);
    expect(response.body).to.not.have.property("next_token");
    const reports = reportsOf(response.body);
    expect(reports.map((r) => r.event_id)).to.deep.equal([third, second, first]);
    const [latest, middle, oldest] = reports;
    expect(oldest).to.deep.include({
      room_id: named,
      name: "Reported Room",
      canonical_alias: `#reported:${SERVER}`,
      event_id: first,
      user_id: s.bob.userId,
      reason: "rude",
      score: -100,
      sender: s.alice.userId,
    });
    expect(oldest!.id).to.be.a("number");
    expect(oldest!.received_ts).to.be.a("number");
    expect(middle).to.deep.include({ user_id: s.carol.userId, reason: null, score: null });
    expect(latest).to.deep.include({ room_id: plain, name: null, canonical_alias: null, sender: s.bob.userId, reason: "spam" });
    expect(oldest).to.not.have.property("event_json");
  });

  it("pages with limit, from and next_token, and orders oldest first with dir=f", async () => {
    const page = await list(admin, "?limit=2");
    expect(reportsOf(page.body).map((r) => r.event_id)).to.deep.equal([third, second]);
    expect(page.body).to.include({ total: 3, next_token: 2 });
    const rest = await list(admin, `?limit=2&from=${page.body.next_token as number}`);
    expect(reportsOf(rest.body).map((r) => r.event_id)).to.deep.equal([first]);
    expect(rest.body).to.not.have.property("next_token");
    expect(reportsOf((await list(admin, "?dir=f")).body).map((r) => r.event_id)).to.deep.equal([first, second, third]);
  });

  it("filters by room, by reporter and by the reported event's sender; total counts the matches", async () => {
    const byRoom = await list(admin, `?room_id=${enc(named)}`);
    expect(reportsOf(byRoom.body).map((r) => r.event_id)).to.deep.equal([second, first]);
    expect(byRoom.body.total).to.equal(2);
    const byReporter = await list(admin, `?user_id=${enc(s.carol.userId)}&limit=1`);
    expect(reportsOf(byReporter.body).map((r) => r.event_id)).to.deep.equal([third]);
    expect(byReporter.body).to.include({ total: 2, next_token: 1 });
    const bySender = await list(admin, `?event_sender_user_id=${enc(s.bob.userId)}`);
    expect(reportsOf(bySender.body).map((r) => r.event_id)).to.deep.equal([third]);
  });

  it("refuses a negative limit or from, and a dir other than b or f, with 400 M_INVALID_PARAM", async () => {
    for (const query of ["?limit=-1", "?from=-5", "?dir=up", "?limit=ten"]) expectError(await list(admin, query), 400, "M_INVALID_PARAM");
  });

  it("shows one event report with the reported event's JSON", async () => {
    const id = reportsOf((await list(admin, "?dir=f&limit=1")).body)[0]!.id;
    const response = await get(admin, `${ADMIN}/${id}`);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    const report = response.body as unknown as EventReport;
    expect(report).to.deep.include({ id, event_id: first, room_id: named, name: "Reported Room", user_id: s.bob.userId, sender: s.alice.userId, score: -100 });
    expect(report.event_json).to.deep.include({ type: "m.room.message", sender: s.alice.userId, room_id: named });
    expect(report.event_json?.content).to.deep.equal({ msgtype: "m.text", body: "first" });
  });

  it("answers 400 M_INVALID_PARAM for a report ID that is not a positive integer, 404 M_NOT_FOUND for no such event report", async () => {
    for (const id of ["abc", "0", "-1", "1.5"]) expectError(await get(admin, `${ADMIN}/${id}`), 400, "M_INVALID_PARAM");
    expectError(await get(admin, `${ADMIN}/999999`), 404, "M_NOT_FOUND");
    // The room report stored after the event reports has an ID, but is no event report.
    const rows = (await s.hs.homeserver.db.query("SELECT id FROM content_reports WHERE kind = 'room'")) as Array<{ id: number | string }>;
    expectError(await get(admin, `${ADMIN}/${rows[0]!.id}`), 404, "M_NOT_FOUND");
  });

  it("is for server admins only: 403 M_FORBIDDEN for anyone else, 401 without a token", async () => {
    expectError(await list(s.bob), 403, "M_FORBIDDEN");
    expectError(await get(s.bob, `${ADMIN}/1`), 403, "M_FORBIDDEN");
    const anonymous = await fetch(`${s.hs.baseUrl}${ADMIN}`);
    expect(anonymous.status).to.equal(401);
    expect(((await anonymous.json()) as { errcode: string }).errcode).to.equal("M_MISSING_TOKEN");
  });
});
