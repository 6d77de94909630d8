import { expect } from "chai";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { defaultPowerLevels, isRoomPreset, PRESETS } from "../../../src/services/rooms/preset-state.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`no room version ${id}`);
  return found;
}

describe("presets", function () {
  it("set the spec's join rule, history visibility and guest access", function () {
    expect(PRESETS.private_chat).to.include({ joinRule: "invite", historyVisibility: "shared", guestAccess: "can_join" });
    expect(PRESETS.trusted_private_chat).to.include({ joinRule: "invite", historyVisibility: "shared", guestAccess: "can_join" });
    expect(PRESETS.public_chat).to.include({ joinRule: "public", historyVisibility: "shared", guestAccess: "forbidden" });
  });

  it("isRoomPreset knows exactly the three presets", function () {
    expect(["private_chat", "trusted_private_chat", "public_chat"].every(isRoomPreset)).to.equal(true);
    expect(isRoomPreset("toString")).to.equal(false);
    expect(isRoomPreset(undefined)).to.equal(false);
  });

  describe("defaultPowerLevels", function () {
    it("v1–v11: lists the creator at 100 and the tombstone at 100", function () {
      const content = defaultPowerLevels(PRESETS.public_chat, rules("11"), ["@a:x.test"], []);
      expect(content.users).to.deep.equal({ "@a:x.test": 100 });
      expect(content).to.include({ users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 50 });
      expect((content.events as Record<string, number>)["m.room.tombstone"]).to.equal(100);
      expect((content.events as Record<string, number>)["m.room.power_levels"]).to.equal(100);
    });

    it("v12: lists no creator, and the tombstone above state_default (150)", function () {
      const content = defaultPowerLevels(PRESETS.private_chat, rules("12"), ["@a:x.test", "@b:x.test"], []);
      expect(content.users).to.deep.equal({});
      expect((content.events as Record<string, number>)["m.room.tombstone"]).to.equal(150);
    });

    it("lets anyone invite in private presets, moderators in public ones", function () {
      expect(defaultPowerLevels(PRESETS.private_chat, rules("10"), ["@a:x.test"], []).invite).to.equal(0);
      expect(defaultPowerLevels(PRESETS.trusted_private_chat, rules("10"), ["@a:x.test"], []).invite).to.equal(0);
      expect(defaultPowerLevels(PRESETS.public_chat, rules("10"), ["@a:x.test"], []).invite).to.equal(50);
    });

    it("lists peers at the creator's level, except v12 creators", function () {
      expect(defaultPowerLevels(PRESETS.trusted_private_chat, rules("9"), ["@a:x.test"], ["@b:x.test"]).users).to.deep.equal({
        "@a:x.test": 100,
        "@b:x.test": 100,
      });
      expect(defaultPowerLevels(PRESETS.trusted_private_chat, rules("12"), ["@a:x.test"], ["@a:x.test", "@b:x.test"]).users).to.deep.equal({
        "@b:x.test": 100,
      });
    });
  });
});
