import { expect } from "chai";
import type { PduJson } from "../../src/matrix/pdu-json.js";
import { Pdu } from "../../src/room/pdu.js";
import { requiredSignatureServers } from "../../src/room/required-signatures.js";
import { mkMembership, mkMessage } from "../helpers/event-builders.js";
import { ALICE, BOB, RoomBuilder } from "../helpers/room-builder.js";

describe("requiredSignatureServers", () => {
  it("is the sender's server from v3", () => {
    const built = RoomBuilder.create({ version: "10", joinRule: "public" });
    expect(requiredSignatureServers(built.build(BOB, mkMessage("hi")))).to.deep.equal(["beta.test"]);
  });

  it("v1/v2: also the event ID's server", () => {
    const built = RoomBuilder.create({ version: "2", joinRule: "public" });
    const event = built.build(BOB, mkMessage("hi"));
    expect(event.eventId.endsWith(":beta.test")).to.equal(true);
    expect(requiredSignatureServers(event)).to.deep.equal(["beta.test"]);
    const relayed = Pdu.fromJson({ ...(structuredClone(event.json) as PduJson), event_id: "$abc:relay.test" }, built.rules);
    expect(requiredSignatureServers(relayed)).to.deep.equal(["beta.test", "relay.test"]);
  });

  it("adds the authorising server of restricted joins (v8+)", () => {
    const content = { join_authorised_via_users_server: "@mod:gamma.test" };
    const v8 = RoomBuilder.create({ version: "8", joinRule: "public" });
    expect(requiredSignatureServers(v8.build(BOB, mkMembership(BOB, "join", content)))).to.deep.equal(["beta.test", "gamma.test"]);
    const v7 = RoomBuilder.create({ version: "7", joinRule: "public" });
    expect(requiredSignatureServers(v7.build(BOB, mkMembership(BOB, "join", content)))).to.deep.equal(["beta.test"]);
    expect(requiredSignatureServers(v8.build(BOB, mkMembership(BOB, "join", { join_authorised_via_users_server: "mod" })))).to.deep.equal([
      "beta.test",
    ]);
  });

  it("does not require the sender's server for third-party invites", () => {
    const built = RoomBuilder.create({ version: "10", joinRule: "public" });
    const invite = built.build(ALICE, mkMembership(BOB, "invite", { third_party_invite: { signed: {} } }));
    expect(requiredSignatureServers(invite)).to.deep.equal([]);
    expect(requiredSignatureServers(built.build(ALICE, mkMembership(BOB, "invite")))).to.deep.equal(["alpha.test"]);
  });
});
