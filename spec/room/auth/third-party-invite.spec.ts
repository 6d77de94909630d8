import { expect } from "chai";
import { signJson } from "../../../src/crypto/json-signing.js";
import { SigningKey } from "../../../src/crypto/signing-key.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { checkThirdPartyInvite } from "../../../src/room/auth/third-party-invite.js";
import { mkMembership, mkState } from "../../helpers/event-builders.js";
import { ALICE, BOB, CAROL, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

const identityKey = SigningKey.fromSeed("0", Buffer.alloc(32, 7));
const otherKey = SigningKey.fromSeed("0", Buffer.alloc(32, 8));

function signed(fields: JsonObject, key = identityKey, server = "id.test"): JsonObject {
  return signJson(fields, server, key) as JsonObject;
}

/** A v10 room where Bob (joined) issued a third-party invite with token "tok". */
function room(inviteContent: JsonObject = { public_key: identityKey.publicKeyBase64 }, version = "10"): RoomBuilder {
  const built = RoomBuilder.create({ version, joinRule: "public" });
  built.send(BOB, mkMembership(BOB, "join"));
  built.send(BOB, mkState("m.room.third_party_invite", "tok", { display_name: "d...@e.test", key_validity_url: "https://id.test/v", ...inviteContent }));
  return built;
}

function invite(signedBlock: unknown, target = DAVE): ReturnType<typeof mkMembership> {
  return mkMembership(target, "invite", { third_party_invite: { display_name: "d...@e.test", signed: signedBlock as JsonObject } });
}

describe("third-party invites", () => {
  it("allows an invite whose signed block is signed by the invite's public_key", () => {
    for (const version of ["1", "6", "10", "12"]) {
      const built = room(undefined, version);
      expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "tok" }))), version).to.equal("allowed");
    }
  });

  it("accepts any key of public_keys", () => {
    const built = room({ public_key: otherKey.publicKeyBase64, public_keys: [{ public_key: "not base64!" }, { public_key: identityKey.publicKeyBase64, key_validity_url: "x" }] });
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "tok" })))).to.equal("allowed");
  });

  it("refuses a signature by another key, a tampered block or a non-ed25519 key ID", () => {
    const built = room();
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "tok" }, otherKey)))).to.match(/no valid signature/);
    const tampered = { ...signed({ mxid: DAVE, token: "tok" }), extra: 1 };
    expect(built.try(BOB, invite(tampered))).to.match(/no valid signature/);
    const good = signed({ mxid: DAVE, token: "tok" });
    const signature = ((good.signatures as JsonObject)["id.test"] as JsonObject)["ed25519:0"];
    expect(built.try(BOB, invite({ mxid: DAVE, token: "tok", signatures: { "id.test": { "curve25519:0": signature } } }))).to.match(/no valid signature/);
    expect(built.try(BOB, invite({ mxid: DAVE, token: "tok" }))).to.match(/no valid signature/);
    expect(built.try(BOB, invite({ mxid: DAVE, token: "tok", signatures: { "id.test": "x" } }))).to.match(/no valid signature/);
  });

  it("refuses when the invite event has no usable keys", () => {
    const built = room({ public_key: 5, public_keys: "none" });
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "tok" })))).to.match(/no valid signature/);
  });

  it("refuses a banned target", () => {
    const built = room();
    built.send(ALICE, mkMembership(DAVE, "ban"));
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "tok" })))).to.match(/target is banned/);
  });

  it("refuses a missing or malformed signed block", () => {
    const built = room();
    expect(built.try(BOB, mkMembership(DAVE, "invite", { third_party_invite: { display_name: "x" } }))).to.match(/no signed block/);
    expect(built.try(BOB, mkMembership(DAVE, "invite", { third_party_invite: "x" }))).to.match(/no signed block/);
    expect(built.try(BOB, invite(signed({ token: "tok" })))).to.match(/no mxid or token/);
    expect(built.try(BOB, invite(signed({ mxid: DAVE })))).to.match(/no mxid or token/);
  });

  it("refuses an mxid other than the state_key", () => {
    expect(room().try(BOB, invite(signed({ mxid: CAROL, token: "tok" })))).to.match(/mxid does not match/);
  });

  it("refuses a token without an m.room.third_party_invite event", () => {
    const built = room();
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: "other" })))).to.match(/no m.room.third_party_invite for the token/);
    expect(built.try(BOB, invite(signed({ mxid: DAVE, token: 5 })))).to.match(/no m.room.third_party_invite/);
  });

  it("refuses a sender other than the one who issued the third-party invite", () => {
    expect(room().try(ALICE, invite(signed({ mxid: DAVE, token: "tok" })))).to.match(/sender differs/);
  });

  it("does not look at the sender's membership (the issuer may have left)", () => {
    const built = room();
    built.send(BOB, mkMembership(BOB, "leave"));
    const event = built.build(BOB, invite(signed({ mxid: DAVE, token: "tok" })));
    expect(() => checkThirdPartyInvite(event, DAVE, built.authState())).to.not.throw();
  });
});
