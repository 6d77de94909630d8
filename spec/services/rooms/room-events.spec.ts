import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, expectForbidden, makeRoomServices, matrixErrorOf, type RoomServices } from "./room-services-fixture.js";

withAllDatabases("RoomEventsService", function (getDb) {
  let s: RoomServices;
  beforeEach(function () {
    s = makeRoomServices(getDb());
  });

  /** A public room of `version` with ALICE (creator) and BOB joined. */
  async function roomWithBob(version = "12"): Promise<string> {
    const roomId = await s.createRoom(ALICE, { room_version: version, preset: "public_chat" });
    await s.membership.join(BOB, roomId);
    return roomId;
  }

  describe("sendMessage", function () {
    it("sends a message event", async function () {
      const roomId = await roomWithBob();
      const eventId = await s.events.sendMessage(BOB, roomId, "m.room.message", { msgtype: "m.text", body: "hello" });
      const pdu = await s.persister.getEvent(eventId);
      expect(pdu?.type).to.equal("m.room.message");
      expect(pdu?.sender).to.equal(BOB);
      expect(pdu?.stateKey).to.equal(undefined);
      expect(pdu?.content).to.deep.equal({ msgtype: "m.text", body: "hello" });
    });

    it("a retry with the same transaction ID returns the first event", async function () {
      const roomId = await roomWithBob();
      const txn = { deviceId: "DEV", txnId: "t1" };
      const first = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "once" }, txn);
      expect(await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "once" }, txn)).to.equal(first);
      expect(await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "once" }, { deviceId: "DEV", txnId: "t2" })).to.not.equal(first);
    });

    it("a non-member's send is M_FORBIDDEN", async function () {
      const roomId = await roomWithBob();
      await expectForbidden(s.events.sendMessage(CAROL, roomId, "m.room.message", { body: "let me" }));
    });

    it("a member who left can no longer send", async function () {
      const roomId = await roomWithBob();
      await s.membership.leave(BOB, roomId);
      await expectForbidden(s.events.sendMessage(BOB, roomId, "m.room.message", { body: "still here?" }));
    });

    it("an unknown room is 404 M_NOT_FOUND", async function () {
      const err = await matrixErrorOf(s.events.sendMessage(ALICE, "!nowhere:hearth.test", "m.room.message", { body: "x" }));
      expect(err.status).to.equal(404);
      expect(err.errcode).to.equal(ErrCode.NotFound);
    });

    it("events_default above the sender's level is M_FORBIDDEN", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat", power_level_content_override: { events_default: 10 } });
      await s.membership.join(BOB, roomId);
      await expectForbidden(s.events.sendMessage(BOB, roomId, "m.room.message", { body: "muted" }));
    });
  });

  describe("sendStateEvent", function () {
    it("sets state, governed by the power levels", async function () {
      const roomId = await roomWithBob();
      await s.events.sendStateEvent(ALICE, roomId, "m.room.name", "", { name: "Renamed" });
      expect((await s.persister.getStateEvent(roomId, "m.room.name", ""))?.content).to.deep.equal({ name: "Renamed" });
      await expectForbidden(s.events.sendStateEvent(BOB, roomId, "m.room.name", "", { name: "Mine" }));
      expect((await s.persister.getStateEvent(roomId, "m.room.name", ""))?.content).to.deep.equal({ name: "Renamed" });
    });

    it("the same content from the same sender returns the current event and sends nothing", async function () {
      const roomId = await roomWithBob();
      const first = await s.events.sendStateEvent(ALICE, roomId, "org.example.flag", "k", { on: true, n: 1 });
      expect(await s.events.sendStateEvent(ALICE, roomId, "org.example.flag", "k", { n: 1, on: true })).to.equal(first);
      expect(await s.events.sendStateEvent(ALICE, roomId, "org.example.flag", "k", { on: false })).to.not.equal(first);
    });

    it("allows m.room.member, under the auth rules", async function () {
      const roomId = await roomWithBob();
      await s.events.sendStateEvent(BOB, roomId, "m.room.member", BOB, { membership: "join", displayname: "Bobby" });
      expect((await s.persister.getStateEvent(roomId, "m.room.member", BOB))?.content).to.deep.equal({ membership: "join", displayname: "Bobby" });
      await expectForbidden(s.events.sendStateEvent(BOB, roomId, "m.room.member", CAROL, { membership: "join" }));
      await s.events.sendStateEvent(ALICE, roomId, "m.room.member", CAROL, { membership: "ban" });
      expect((await s.persister.getStateEvent(roomId, "m.room.member", CAROL))?.content.membership).to.equal("ban");
    });

    it("refuses a canonical alias with bad syntax (M_INVALID_PARAM)", async function () {
      const roomId = await roomWithBob();
      const contents: JsonObject[] = [{ alias: "lounge" }, { alias: "#lounge" }, { alt_aliases: ["#ok:hearth.test", "bad"] }, { alt_aliases: "#x:y" }];
      for (const content of contents) {
        const err = await matrixErrorOf(s.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", content));
        expect(err.errcode, JSON.stringify(content)).to.equal(ErrCode.InvalidParam);
      }
      await s.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", { alias: "#lounge:hearth.test", alt_aliases: [] });
    });

    it("a state key naming another user is M_FORBIDDEN", async function () {
      const roomId = await roomWithBob();
      await expectForbidden(s.events.sendStateEvent(ALICE, roomId, "org.example.profile", BOB, { x: 1 }));
    });
  });

  describe("redact", function () {
    it("a sender may redact their own event", async function () {
      const roomId = await roomWithBob();
      const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "oops" });
      const redaction = await s.events.redact(BOB, roomId, message, "typo");
      const pdu = await s.persister.getEvent(redaction);
      expect(pdu?.type).to.equal("m.room.redaction");
      expect(pdu?.redacts).to.equal(message);
      expect(pdu?.content.reason).to.equal("typo");
    });

    it("a moderator may redact other users' events; others may not", async function () {
      const roomId = await roomWithBob();
      await s.membership.join(CAROL, roomId);
      const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "spam" });
      const err = await expectForbidden(s.events.redact(CAROL, roomId, message));
      expect(err.message).to.match(/redact/);
      const redaction = await s.events.redact(ALICE, roomId, message, "spam");
      expect((await s.persister.getEvent(redaction))?.sender).to.equal(ALICE);
    });

    it("a non-member cannot redact", async function () {
      const roomId = await roomWithBob();
      const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "hi" });
      await expectForbidden(s.events.redact(CAROL, roomId, message));
    });

    it("an event not in the room is 404 M_NOT_FOUND", async function () {
      const roomId = await roomWithBob();
      const other = await s.createRoom(ALICE, { preset: "public_chat" });
      const elsewhere = await s.events.sendMessage(ALICE, other, "m.room.message", { body: "x" });
      expect((await matrixErrorOf(s.events.redact(ALICE, roomId, elsewhere))).status).to.equal(404);
      expect((await matrixErrorOf(s.events.redact(ALICE, roomId, "$missing"))).errcode).to.equal(ErrCode.NotFound);
    });

    it("v11+: redacts goes in content; v1–v10: at the top level", async function () {
      for (const [version, inContent] of [["11", true], ["12", true], ["10", false], ["1", false]] as const) {
        const roomId = await roomWithBob(version);
        const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "x" });
        const pdu = await s.persister.getEvent(await s.events.redact(BOB, roomId, message));
        if (inContent) {
          expect(pdu?.content.redacts, `v${version}`).to.equal(message);
          expect(pdu?.json, `v${version}`).to.not.have.property("redacts");
        } else {
          expect(pdu?.json.redacts, `v${version}`).to.equal(message);
          expect(pdu?.content, `v${version}`).to.not.have.property("redacts");
        }
      }
    });

    it("m.room.redaction through sendMessage is a redaction; before v11 redacts moves to the top level", async function () {
      const roomId = await roomWithBob("10");
      await s.membership.join(CAROL, roomId);
      const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "x" });
      await expectForbidden(s.events.sendMessage(CAROL, roomId, "m.room.redaction", { redacts: message }));
      const eventId = await s.events.sendMessage(BOB, roomId, "m.room.redaction", { redacts: message, reason: "r" }, { deviceId: "D", txnId: "1" });
      const pdu = await s.persister.getEvent(eventId);
      expect(pdu?.json.redacts).to.equal(message);
      expect(pdu?.content).to.deep.equal({ reason: "r" });
      const err = await matrixErrorOf(s.events.sendMessage(BOB, roomId, "m.room.redaction", { reason: "no target" }));
      expect(err.errcode).to.equal(ErrCode.BadJson);
    });

    it("a retried redaction with the same transaction ID returns the first", async function () {
      const roomId = await roomWithBob();
      const message = await s.events.sendMessage(BOB, roomId, "m.room.message", { body: "x" });
      const txn = { deviceId: "D", txnId: "r1" };
      const first = await s.events.redact(BOB, roomId, message, undefined, txn);
      expect(await s.events.redact(BOB, roomId, message, undefined, txn)).to.equal(first);
    });
  });
});
