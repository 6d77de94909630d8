import { expect } from "chai";
import { signJson } from "../../../src/crypto/json-signing.js";
import { SigningKey } from "../../../src/crypto/signing-key.js";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { RoomsStore } from "../../../src/storage/stores/rooms-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, expectForbidden, makeRoomServices, matrixErrorOf, type RoomServices } from "./room-services-fixture.js";

withAllDatabases("MembershipService", function (getDb) {
  let s: RoomServices;
  beforeEach(function () {
    s = makeRoomServices(getDb());
  });

  async function member(roomId: string, userId: string): Promise<JsonObject | undefined> {
    return (await s.persister.getStateEvent(roomId, "m.room.member", userId))?.content;
  }

  async function membershipOf(roomId: string, userId: string): Promise<unknown> {
    return (await member(roomId, userId))?.membership;
  }

  describe("invite and join", function () {
    it("invite → join, the join carrying the joiner's profile and reason", async function () {
      const roomId = await s.createRoom(ALICE);
      s.profiles.set(BOB, { displayname: "Bob", avatar_url: "mxc://hearth.test/b" });
      await s.membership.invite(ALICE, roomId, BOB, "come in", true);
      expect(await member(roomId, BOB)).to.deep.equal({
        membership: "invite",
        displayname: "Bob",
        avatar_url: "mxc://hearth.test/b",
        reason: "come in",
        is_direct: true,
      });
      const invite = await s.persister.getStateEvent(roomId, "m.room.member", BOB);
      expect((invite?.json.unsigned?.invite_room_state as JsonObject[]).map((event) => event.type)).to.include("m.room.create");
      const eventId = await s.membership.join(BOB, roomId, { reason: "hello" });
      expect(await member(roomId, BOB)).to.deep.equal({
        membership: "join",
        displayname: "Bob",
        avatar_url: "mxc://hearth.test/b",
        reason: "hello",
      });
      expect((await s.persister.getEvent(eventId))?.sender).to.equal(BOB);
    });

    it("joining an invite-only room without an invite is M_FORBIDDEN", async function () {
      const roomId = await s.createRoom(ALICE);
      await expectForbidden(s.membership.join(BOB, roomId));
      expect(await member(roomId, BOB)).to.equal(undefined);
    });

    it("anyone may join a public room", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("join");
    });

    it("joining again returns the current join and sends nothing", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      const first = await s.membership.join(BOB, roomId);
      expect(await s.membership.join(BOB, roomId)).to.equal(first);
    });

    it("a room this server does not know is 404 M_NOT_FOUND", async function () {
      const err = await matrixErrorOf(s.membership.join(BOB, "!unknown:remote.test"));
      expect(err.status).to.equal(404);
      expect(err.errcode).to.equal(ErrCode.NotFound);
      expect(err.message).to.match(/not supported yet/);
    });

    it("inviting needs the invite level", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await expectForbidden(s.membership.invite(BOB, roomId, CAROL));
      await s.membership.invite(ALICE, roomId, CAROL);
      expect(await membershipOf(roomId, CAROL)).to.equal("invite");
    });

    it("inviting a member or a banned user is M_FORBIDDEN; a bad user ID is M_INVALID_PARAM", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      expect((await expectForbidden(s.membership.invite(ALICE, roomId, BOB))).message).to.match(/already in the room/);
      await s.membership.ban(ALICE, roomId, CAROL);
      expect((await expectForbidden(s.membership.invite(ALICE, roomId, CAROL))).message).to.match(/banned/);
      expect((await matrixErrorOf(s.membership.invite(ALICE, roomId, "carol"))).errcode).to.equal(ErrCode.InvalidParam);
    });

    it("a non-member cannot invite", async function () {
      const roomId = await s.createRoom(ALICE);
      await expectForbidden(s.membership.invite(BOB, roomId, CAROL));
    });
  });

  describe("leave", function () {
    it("join → leave", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await s.membership.leave(BOB, roomId, "bye");
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "leave", reason: "bye" });
    });

    it("rejects an invite", async function () {
      const roomId = await s.createRoom(ALICE);
      await s.membership.invite(ALICE, roomId, BOB);
      await s.membership.leave(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("leave");
      await expectForbidden(s.membership.join(BOB, roomId));
    });

    it("leaving again returns the leave; never having been a member is M_FORBIDDEN", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      const left = await s.membership.leave(BOB, roomId);
      expect(await s.membership.leave(BOB, roomId)).to.equal(left);
      await expectForbidden(s.membership.leave(CAROL, roomId));
    });
  });

  describe("kick, ban and unban", function () {
    it("kicking needs the kick level and a target in the room", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await s.membership.join(CAROL, roomId);
      await expectForbidden(s.membership.kick(BOB, roomId, CAROL));
      expect((await expectForbidden(s.membership.kick(ALICE, roomId, "@nobody:hearth.test"))).message).to.match(/not in the room/);
      await s.membership.kick(ALICE, roomId, CAROL, "spam");
      expect(await member(roomId, CAROL)).to.deep.equal({ membership: "leave", reason: "spam" });
      const kick = await s.persister.getStateEvent(roomId, "m.room.member", CAROL);
      expect(kick?.sender).to.equal(ALICE);
      // Kicked from a public room: free to come back.
      await s.membership.join(CAROL, roomId);
      expect(await membershipOf(roomId, CAROL)).to.equal("join");
    });

    it("kicking revokes an invite", async function () {
      const roomId = await s.createRoom(ALICE);
      await s.membership.invite(ALICE, roomId, BOB);
      await s.membership.kick(ALICE, roomId, BOB);
      expect(await membershipOf(roomId, BOB)).to.equal("leave");
    });

    it("a ban removes the user and blocks joining until unbanned", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await s.membership.ban(ALICE, roomId, BOB, "abuse");
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "ban", reason: "abuse" });
      expect((await expectForbidden(s.membership.join(BOB, roomId))).message).to.match(/banned/);
      await expectForbidden(s.membership.leave(BOB, roomId));
      await s.membership.unban(ALICE, roomId, BOB);
      expect(await membershipOf(roomId, BOB)).to.equal("leave");
      await s.membership.join(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("join");
    });

    it("banning needs the ban level", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await expectForbidden(s.membership.ban(BOB, roomId, ALICE));
      await expectForbidden(s.membership.ban(BOB, roomId, CAROL));
      expect(await member(roomId, CAROL)).to.equal(undefined);
    });

    it("unbanning needs the ban level and a banned target", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, roomId);
      await s.membership.ban(ALICE, roomId, CAROL);
      await expectForbidden(s.membership.unban(BOB, roomId, CAROL));
      expect(await membershipOf(roomId, CAROL)).to.equal("ban");
      expect((await expectForbidden(s.membership.unban(ALICE, roomId, BOB))).message).to.match(/not banned/);
      expect(await membershipOf(roomId, BOB)).to.equal("join");
    });
  });

  describe("knock", function () {
    async function knockRoom(version = "12"): Promise<string> {
      return s.createRoom(ALICE, { room_version: version, initial_state: [{ type: "m.room.join_rules", content: { join_rule: "knock" } }] });
    }

    it("knocking on a knock room, then being let in by an invite", async function () {
      const roomId = await knockRoom();
      s.profiles.set(BOB, { displayname: "Bob" });
      await s.membership.knock(BOB, roomId, "let me in");
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "knock", displayname: "Bob", reason: "let me in" });
      const knock = await s.persister.getStateEvent(roomId, "m.room.member", BOB);
      expect((knock?.json.unsigned?.knock_room_state as JsonObject[]).map((event) => event.type)).to.deep.equal([
        "m.room.create",
        "m.room.join_rules",
      ]);
      await s.membership.invite(ALICE, roomId, BOB);
      await s.membership.join(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("join");
    });

    it("a knock can be retracted with leave and denied with a kick", async function () {
      const roomId = await knockRoom();
      await s.membership.knock(BOB, roomId);
      await s.membership.leave(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("leave");
      await s.membership.knock(BOB, roomId);
      await s.membership.kick(ALICE, roomId, BOB);
      expect(await membershipOf(roomId, BOB)).to.equal("leave");
    });

    it("knocking on an invite-only room is M_FORBIDDEN", async function () {
      const roomId = await s.createRoom(ALICE);
      await expectForbidden(s.membership.knock(BOB, roomId));
      expect(await member(roomId, BOB)).to.equal(undefined);
    });

    it("members, invitees and banned users cannot knock", async function () {
      const roomId = await knockRoom();
      await expectForbidden(s.membership.knock(ALICE, roomId));
      await s.membership.invite(ALICE, roomId, BOB);
      await expectForbidden(s.membership.knock(BOB, roomId));
      await s.membership.ban(ALICE, roomId, CAROL);
      await expectForbidden(s.membership.knock(CAROL, roomId));
    });

    it("rooms before v7 do not support knocking", async function () {
      const roomId = await knockRoom("6");
      expect((await expectForbidden(s.membership.knock(BOB, roomId))).message).to.match(/not set up for knocking/);
    });

    it("knock_restricted (v10+) allows knocking", async function () {
      const roomId = await s.createRoom(ALICE, {
        room_version: "10",
        initial_state: [{ type: "m.room.join_rules", content: { join_rule: "knock_restricted", allow: [] } }],
      });
      await s.membership.knock(BOB, roomId);
      expect(await membershipOf(roomId, BOB)).to.equal("knock");
    });

    it("a room this server does not know is 404 M_NOT_FOUND", async function () {
      const err = await matrixErrorOf(s.membership.knock(BOB, "!unknown:remote.test"));
      expect(err.status).to.equal(404);
    });
  });

  describe("restricted rooms", function () {
    async function restrictedRoom(allowedRoomId: string, version = "10", joinRule = "restricted"): Promise<string> {
      return s.createRoom(ALICE, {
        room_version: version,
        initial_state: [
          { type: "m.room.join_rules", content: { join_rule: joinRule, allow: [{ type: "m.room_membership", room_id: allowedRoomId }] } },
        ],
      });
    }

    it("a member of an allowed room joins, authorised by a local member who can invite", async function () {
      const space = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, space);
      const roomId = await restrictedRoom(space);
      await s.membership.join(BOB, roomId);
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "join", join_authorised_via_users_server: ALICE });
    });

    it("knock_restricted: joining without an invite follows the restricted rule", async function () {
      const space = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, space);
      const roomId = await restrictedRoom(space, "12", "knock_restricted");
      await s.membership.join(BOB, roomId);
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "join", join_authorised_via_users_server: ALICE });
    });

    it("someone in none of the allowed rooms is M_FORBIDDEN", async function () {
      const space = await s.createRoom(ALICE, { preset: "public_chat" });
      const roomId = await restrictedRoom(space);
      expect((await expectForbidden(s.membership.join(BOB, roomId))).message).to.match(/join conditions/);
    });

    it("an invited user joins without an authoriser", async function () {
      const space = await s.createRoom(ALICE, { preset: "public_chat" });
      const roomId = await restrictedRoom(space);
      await s.membership.invite(ALICE, roomId, BOB);
      await s.membership.join(BOB, roomId);
      expect(await member(roomId, BOB)).to.deep.equal({ membership: "join" });
    });

    it("with no local member able to invite, the join is refused", async function () {
      const space = await s.createRoom(ALICE, { preset: "public_chat" });
      await s.membership.join(BOB, space);
      const roomId = await s.createRoom(ALICE, {
        room_version: "10",
        power_level_content_override: { invite: 200 },
        initial_state: [{ type: "m.room.join_rules", content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: space }] } }],
      });
      expect((await expectForbidden(s.membership.join(BOB, roomId))).message).to.match(/power to authorise/);
    });
  });

  describe("third-party invites", function () {
    const identityKey = SigningKey.fromSeed("0", Buffer.alloc(32, 7));

    async function roomWithThirdPartyInvite(): Promise<string> {
      const roomId = await s.createRoom(ALICE);
      await s.events.sendStateEvent(ALICE, roomId, "m.room.third_party_invite", "tok3n", {
        display_name: "b...@example.com",
        key_validity_url: "https://id.test/_matrix/identity/v2/pubkey/isvalid",
        public_key: identityKey.publicKeyBase64,
      });
      return roomId;
    }

    function signed(mxid: string, token = "tok3n"): JsonObject {
      return signJson({ mxid, sender: ALICE, token }, "id.test", identityKey) as unknown as JsonObject;
    }

    it("third_party_signed turns the pending third-party invite into an invite, then joins", async function () {
      const roomId = await roomWithThirdPartyInvite();
      await s.membership.join(BOB, roomId, { thirdPartySigned: signed(BOB) });
      expect(await membershipOf(roomId, BOB)).to.equal("join");
      const history = await s.persister.getStateEvent(roomId, "m.room.member", BOB);
      const [prev] = history!.prevEventIds;
      const invite = await s.persister.getEvent(prev!);
      expect(invite?.sender).to.equal(ALICE);
      expect(invite?.content).to.deep.equal({ membership: "invite", third_party_invite: { display_name: "b...@example.com", signed: signed(BOB) } });
    });

    it("a signature by another key is refused", async function () {
      const roomId = await roomWithThirdPartyInvite();
      const forged = signJson({ mxid: BOB, sender: ALICE, token: "tok3n" }, "id.test", SigningKey.fromSeed("0", Buffer.alloc(32, 9)));
      await expectForbidden(s.membership.join(BOB, roomId, { thirdPartySigned: forged as unknown as JsonObject }));
      expect(await member(roomId, BOB)).to.equal(undefined);
    });

    it("a signed block for another user or an unknown token is refused", async function () {
      const roomId = await roomWithThirdPartyInvite();
      await expectForbidden(s.membership.join(BOB, roomId, { thirdPartySigned: signed(CAROL) }));
      await expectForbidden(s.membership.join(BOB, roomId, { thirdPartySigned: signed(BOB, "other") }));
      const err = await matrixErrorOf(s.membership.join(BOB, roomId, { thirdPartySigned: { mxid: BOB } }));
      expect(err.errcode).to.equal(ErrCode.BadJson);
    });
  });

  describe("guests, room versions, and a user's rooms", function () {
    it("a guest joins only rooms whose guest_access is can_join (M_GUEST_ACCESS_FORBIDDEN)", async function () {
      const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
      const err = await matrixErrorOf(s.membership.join(BOB, roomId, { isGuest: true }));
      expect([err.status, err.errcode]).to.deep.equal([403, ErrCode.GuestAccessForbidden]);
      await s.events.sendStateEvent(ALICE, roomId, "m.room.guest_access", "", { guest_access: "can_join" });
      await s.membership.join(BOB, roomId, { isGuest: true });
      expect(await membershipOf(roomId, BOB)).to.equal("join");
    });

    it("a room held in a version this server does not support is M_INCOMPATIBLE_ROOM_VERSION", async function () {
      const roomId = "!old:remote.test";
      await runInTransaction(getDb(), (tx) =>
        new RoomsStore(getDb()).insertRoom(tx, { roomId, roomVersion: "org.example.42", creator: "", isPublic: false, createdTs: 1 }),
      );
      for (const attempt of [s.membership.join(BOB, roomId), s.membership.knock(BOB, roomId)]) {
        const err = await matrixErrorOf(attempt);
        expect([err.status, err.errcode, err.extra.room_version]).to.deep.equal([400, ErrCode.IncompatibleRoomVersion, "org.example.42"]);
      }
    });

    it("lists joined rooms; leaveAllRooms leaves, rejects and retracts everything", async function () {
      const joined = await s.createRoom(ALICE, { preset: "public_chat" });
      const invited = await s.createRoom(ALICE, { invite: [BOB] });
      const knocked = await s.createRoom(ALICE, { initial_state: [{ type: "m.room.join_rules", content: { join_rule: "knock" } }] });
      await s.membership.join(BOB, joined);
      await s.membership.knock(BOB, knocked);
      expect(await s.membership.getJoinedRooms(BOB)).to.deep.equal([joined]);
      await s.membership.leaveAllRooms(BOB);
      for (const roomId of [joined, invited, knocked]) expect(await membershipOf(roomId, BOB)).to.equal("leave");
      expect(await s.membership.getJoinedRooms(BOB)).to.deep.equal([]);
    });

    it("propagates a new display name and avatar into the user's joined rooms only", async function () {
      const joined = await s.createRoom(ALICE, { preset: "public_chat" });
      const invited = await s.createRoom(CAROL, { invite: [BOB] });
      await s.membership.join(BOB, joined, { reason: "hi" });
      await s.membership.propagateProfile(BOB, { displayname: "Bobby", avatar_url: "mxc://hearth.test/b" });
      expect(await member(joined, BOB)).to.deep.equal({ membership: "join", reason: "hi", displayname: "Bobby", avatar_url: "mxc://hearth.test/b" });
      expect((await member(invited, BOB))?.displayname).to.equal(undefined);
      const current = await s.persister.getStateEvent(joined, "m.room.member", BOB);
      await s.membership.propagateProfile(BOB, { displayname: "Bobby", avatar_url: "mxc://hearth.test/b" });
      expect((await s.persister.getStateEvent(joined, "m.room.member", BOB))?.eventId).to.equal(current?.eventId);
    });
  });
});
