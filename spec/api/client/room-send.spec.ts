import { expect } from "chai";
import { call, login } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, V3 } from "./rooms-fixture.js";

describeRooms("api/client/room-send", (s) => {
  it("PUT /send is idempotent per device and transaction ID", async () => {
    const roomId = await s.alice.createRoom();
    const path = `/rooms/${enc(roomId)}/send/m.room.message/same-txn`;
    const first = await s.alice.request("PUT", path, { msgtype: "m.text", body: "once" });
    const again = await s.alice.request("PUT", path, { msgtype: "m.text", body: "once" });
    expect(first.status).to.equal(200);
    expect(again.body.event_id).to.equal(first.body.event_id);
    // Another device of the same user has its own transaction IDs.
    const other = await login(s.hs, "alice", "alice-password");
    const fromOther = await call(s.hs, "PUT", V3 + path, { body: { msgtype: "m.text", body: "once" }, token: other.body.access_token as string });
    expect(fromOther.body.event_id).to.be.a("string").and.not.equal(first.body.event_id);
    const messages = await s.alice.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=3`);
    expect((messages.body.chunk as { content: { body?: string } }[]).filter((e) => e.content.body === "once").length).to.equal(2);
  });

  it("a non-member's send is 403 M_FORBIDDEN; a body that is not JSON is 400 M_NOT_JSON", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await s.bob.request("PUT", `/rooms/${enc(roomId)}/send/m.room.message/x1`, { body: "hi" }), 403, "M_FORBIDDEN");
    expectError(await s.alice.request("PUT", `/rooms/${enc(roomId)}/send/m.room.message/x2`, "nope"), 400, "M_NOT_JSON");
    expectError(await s.alice.request("PUT", `/rooms/${enc("!unknown:hearth.test")}/send/m.room.message/x3`, {}), 404, "M_NOT_FOUND");
  });

  it("PUT state with a state key, without one, and with a trailing slash; GET reads it back", async () => {
    const roomId = await s.alice.createRoom();
    const keyed = await s.alice.request("PUT", `/rooms/${enc(roomId)}/state/org.example.pet/${enc(s.alice.userId)}`, { animal: "cat" });
    expect(keyed.body.event_id).to.match(/^\$/);
    await s.alice.request("PUT", `/rooms/${enc(roomId)}/state/m.room.topic`, { topic: "no key" });
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.topic/`)).body).to.deep.equal({ topic: "no key" });
    await s.alice.request("PUT", `/rooms/${enc(roomId)}/state/m.room.topic/`, { topic: "slash" });
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.topic`)).body).to.deep.equal({ topic: "slash" });
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/org.example.pet/${enc(s.alice.userId)}`)).body).to.deep.equal({ animal: "cat" });
    expectError(await s.alice.request("PUT", `/rooms/${enc(roomId)}/state/org.example.pet/${enc(s.bob.userId)}`, { animal: "dog" }), 403, "M_FORBIDDEN");
  });

  it("canonical aliases: bad syntax is 400 M_INVALID_PARAM, an alias not pointing here 400 M_BAD_ALIAS", async () => {
    const roomId = await s.alice.createRoom({ room_alias_name: "send-here" });
    const other = await s.alice.createRoom({ room_alias_name: "send-there" });
    expect(other).to.not.equal(roomId);
    const path = `/rooms/${enc(roomId)}/state/m.room.canonical_alias`;
    expectError(await s.alice.request("PUT", path, { alias: "send-here" }), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("PUT", path, { alias: "#send-there:hearth.test" }), 400, "M_BAD_ALIAS");
    expectError(await s.alice.request("PUT", path, { alias: "#send-here:hearth.test", alt_aliases: ["#nope:hearth.test"] }), 400, "M_BAD_ALIAS");
    expect((await s.alice.request("PUT", path, { alias: "#send-here:hearth.test" })).status).to.equal(200);
  });

  it("redacts through /redact and through /send of m.room.redaction; others' events need power", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    const mine = await s.bob.send(roomId, "mine");
    const theirs = await s.alice.send(roomId, "theirs");
    const redaction = await s.bob.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(mine)}/r1`, { reason: "typo" });
    expect(redaction.body.event_id).to.match(/^\$/);
    expect((await s.bob.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(mine)}/r1`, { reason: "typo" })).body).to.deep.equal(redaction.body);
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(mine)}`)).body.content).to.deep.equal({});
    expectError(await s.bob.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(theirs)}/r2`, {}), 403, "M_FORBIDDEN");
    const viaSend = await s.alice.request("PUT", `/rooms/${enc(roomId)}/send/m.room.redaction/r3`, { redacts: theirs });
    expect(viaSend.status).to.equal(200);
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(theirs)}`)).body.unsigned).to.have.nested.property("redacted_because.event_id", viaSend.body.event_id);
    expectError(await s.alice.request("PUT", `/rooms/${enc(roomId)}/redact/${enc("$nope")}/r4`, {}), 404, "M_NOT_FOUND");
  });
});
