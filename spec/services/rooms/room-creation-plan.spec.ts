import { expect } from "chai";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { planRoomCreation, topicContent } from "../../../src/services/rooms/room-creation-plan.js";
import { checkCreateRoomRequest, type CreateRoomRequest } from "../../../src/services/rooms/room-creation-request.js";

const ALICE = "@alice:hearth.test";
const BOB = "@bob:hearth.test";
const CAROL = "@carol:other.test";

function plan(req: CreateRoomRequest) {
  return planRoomCreation(ALICE, checkCreateRoomRequest(ALICE, req, "hearth.test", "12"));
}

function types(req: CreateRoomRequest): string[] {
  return plan(req).stateEvents.map((event) => (event.stateKey === "" ? event.type : `${event.type}/${event.stateKey}`));
}

describe("planRoomCreation", function () {
  it("orders the events as the spec says: alias, preset, initial_state, name, topic", function () {
    expect(
      types({
        room_alias_name: "lounge",
        name: "Lounge",
        topic: "chat",
        initial_state: [{ type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
      }),
    ).to.deep.equal([
      "m.room.canonical_alias",
      "m.room.join_rules",
      "m.room.history_visibility",
      "m.room.guest_access",
      "m.room.encryption",
      "m.room.name",
      "m.room.topic",
    ]);
  });

  it("lets initial_state replace the preset's events and the alias's canonical alias", function () {
    const result = plan({
      room_alias_name: "lounge",
      preset: "public_chat",
      initial_state: [
        { type: "m.room.join_rules", content: { join_rule: "knock" } },
        { type: "m.room.canonical_alias", content: { alias: "#other:hearth.test" } },
      ],
    });
    expect(result.stateEvents.map((event) => event.type)).to.deep.equal([
      "m.room.history_visibility",
      "m.room.guest_access",
      "m.room.join_rules",
      "m.room.canonical_alias",
    ]);
    expect(result.stateEvents.find((event) => event.type === "m.room.join_rules")?.content).to.deep.equal({ join_rule: "knock" });
  });

  it("lets name and topic replace those of initial_state", function () {
    const result = plan({
      name: "Given",
      topic: "given topic",
      initial_state: [
        { type: "m.room.name", content: { name: "Initial" } },
        { type: "m.room.topic", content: { topic: "initial topic" } },
      ],
    });
    expect(result.stateEvents.filter((event) => event.type === "m.room.name").map((event) => event.content)).to.deep.equal([{ name: "Given" }]);
    expect(result.stateEvents.filter((event) => event.type === "m.room.topic").map((event) => event.content)).to.deep.equal([
      topicContent("given topic"),
    ]);
  });

  it("sends the topic as text/plain in an m.topic block too", function () {
    expect(topicContent("hi")).to.deep.equal({ topic: "hi", "m.topic": { "m.text": [{ mimetype: "text/plain", body: "hi" }] } });
  });

  it("takes an m.room.power_levels from initial_state as the power levels, with the override on top", function () {
    const result = plan({
      room_version: "11",
      initial_state: [{ type: "m.room.power_levels", content: { users: { [ALICE]: 100 }, state_default: 60, ban: 70 } }],
      power_level_content_override: { ban: 80 },
    });
    expect(result.powerLevels).to.deep.equal({ users: { [ALICE]: 100 }, state_default: 60, ban: 80 });
    expect(result.stateEvents.map((event) => event.type)).to.not.include("m.room.power_levels");
  });

  it("v1–v10 names the creator in the create event; v11 and v12 do not", function () {
    expect(plan({ room_version: "10" }).createContent).to.deep.equal({ room_version: "10", creator: ALICE });
    expect(plan({ room_version: "11" }).createContent).to.deep.equal({ room_version: "11" });
    expect(plan({ creation_content: { type: "m.space" } }).createContent).to.deep.equal({ room_version: "12", type: "m.space" });
  });

  it("v12 trusted_private_chat: invitees join additional_creators (deduplicated) and are not listed in users", function () {
    const result = plan({ preset: "trusted_private_chat", invite: [BOB, CAROL], creation_content: { additional_creators: [BOB] } });
    expect(result.createContent.additional_creators).to.deep.equal([BOB, CAROL]);
    expect(result.creators).to.deep.equal([ALICE, BOB, CAROL]);
    expect(result.powerLevels.users).to.deep.equal({});
    expect(result.invites).to.deep.equal([BOB, CAROL]);
  });

  it("v11 trusted_private_chat: invitees get the creator's level 100; no additional_creators", function () {
    const result = plan({ room_version: "11", preset: "trusted_private_chat", invite: [BOB] });
    expect(result.powerLevels.users).to.deep.equal({ [ALICE]: 100, [BOB]: 100 });
    expect(result.createContent).to.not.have.property("additional_creators");
  });

  it("private_chat invitees get no power", function () {
    expect(plan({ room_version: "11", invite: [BOB] }).powerLevels.users).to.deep.equal({ [ALICE]: 100 });
    expect(plan({ invite: [BOB] }).createContent).to.not.have.property("additional_creators");
  });

  it("v12: refuses power levels that list a creator", function () {
    const requests: CreateRoomRequest[] = [
      { power_level_content_override: { users: { [ALICE]: 100 } } },
      { creation_content: { additional_creators: [BOB] }, power_level_content_override: { users: { [BOB]: 50 } } },
      { initial_state: [{ type: "m.room.power_levels", content: { users: { [ALICE]: 100 } } }] },
    ];
    for (const req of requests) {
      let err: unknown;
      try {
        plan(req);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(MatrixError);
      expect((err as MatrixError).errcode).to.equal(ErrCode.InvalidParam);
    }
  });

  it("merges power_level_content_override at the top level", function () {
    const result = plan({ room_version: "11", power_level_content_override: { events: { "m.room.name": 0 }, kick: 10 } });
    expect(result.powerLevels.events).to.deep.equal({ "m.room.name": 0 });
    expect(result.powerLevels.kick).to.equal(10);
    expect(result.powerLevels.users).to.deep.equal({ [ALICE]: 100 });
    expect(result.finalPowerLevels).to.equal(null);
  });

  it("before v12, raises a creator the override leaves powerless until the last event", function () {
    const override = { users: { [BOB]: 100 }, state_default: 50 };
    const result = plan({ room_version: "11", name: "n", invite: [BOB], power_level_content_override: override });
    expect(result.finalPowerLevels?.users).to.deep.equal({ [BOB]: 100 });
    // High enough for every planned event and for sending the final power levels (100).
    expect(result.powerLevels.users).to.deep.equal({ [BOB]: 100, [ALICE]: 100 });
  });

  it("does not raise the creator when their final level suffices", function () {
    const result = plan({ room_version: "11", power_level_content_override: { users: { [ALICE]: 60 }, events: {} } });
    expect(result.finalPowerLevels).to.equal(null);
    expect(result.powerLevels.users).to.deep.equal({ [ALICE]: 60 });
  });

  it("raises the creator to the highest level a planned event needs", function () {
    const result = plan({
      room_version: "9",
      power_level_content_override: { users: {}, events: { "m.room.power_levels": 100, "org.example": 120 } },
      initial_state: [{ type: "org.example", content: {} }],
    });
    expect(result.powerLevels.users).to.deep.equal({ [ALICE]: 120 });
    expect(result.finalPowerLevels?.users).to.deep.equal({});
  });
});
