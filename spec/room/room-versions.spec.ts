import { expect } from "chai";
import { DEFAULT_ROOM_VERSION, getRoomVersion, ROOM_VERSIONS, type RoomVersionRules } from "../../src/room/room-versions.js";

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

/** The versions (of ALL) for which `pick` is true. */
function versionsWhere(pick: (r: RoomVersionRules) => boolean): string[] {
  return ALL.filter((id) => pick(rules(id)));
}

describe("room-versions", () => {
  it("knows stable versions 1 to 12 and nothing else", () => {
    expect([...ROOM_VERSIONS.keys()]).to.deep.equal(ALL);
    for (const id of ALL) {
      expect(rules(id).id).to.equal(id);
      expect(rules(id).stability).to.equal("stable");
    }
    expect(getRoomVersion("13")).to.equal(null);
    expect(getRoomVersion("org.example.custom")).to.equal(null);
  });

  it("defaults to room version 12", () => {
    expect(DEFAULT_ROOM_VERSION).to.equal("12");
    expect(getRoomVersion(DEFAULT_ROOM_VERSION)).to.not.equal(null);
  });

  it("is frozen, including the nested rule groups", () => {
    for (const id of ALL) {
      expect(Object.isFrozen(rules(id))).to.equal(true);
      expect(Object.isFrozen(rules(id).authorization)).to.equal(true);
      expect(Object.isFrozen(rules(id).redaction)).to.equal(true);
    }
  });

  it("changes event and room ID formats where the spec does", () => {
    expect(ALL.map((id) => rules(id).eventFormat)).to.deep.equal(["v1", "v1", "v3", "v4", "v4", "v4", "v4", "v4", "v4", "v4", "v4", "v4"]);
    expect(versionsWhere((r) => r.roomIdFormat === "createEventHash")).to.deep.equal(["12"]);
    expect(versionsWhere((r) => r.eventIdDomainSignature)).to.deep.equal(["1", "2"]);
  });

  it("uses state resolution v1, v2 and v2.1", () => {
    expect(ALL.map((id) => rules(id).stateResolution)).to.deep.equal([
      "v1", "v2", "v2", "v2", "v2", "v2", "v2", "v2", "v2", "v2", "v2", "v2.1",
    ]);
  });

  it("enforces key validity from v5, canonical JSON and the 2^53−1 depth limit from v6", () => {
    expect(versionsWhere((r) => r.enforceKeyValidity)).to.deep.equal(ALL.slice(4));
    expect(versionsWhere((r) => r.strictCanonicalJson)).to.deep.equal(ALL.slice(5));
    expect(versionsWhere((r) => r.maxDepth === Number.MAX_SAFE_INTEGER)).to.deep.equal(ALL.slice(5));
    expect(rules("5").maxDepth).to.be.greaterThan(Number.MAX_SAFE_INTEGER);
  });

  it("moves redacts into content from v11", () => {
    expect(versionsWhere((r) => r.redactsInContent)).to.deep.equal(["11", "12"]);
  });

  it("switches each authorization rule on or off in the version the spec does", () => {
    const table: Array<[keyof RoomVersionRules["authorization"], string[]]> = [
      ["specialCaseAliases", ["1", "2", "3", "4", "5"]],
      ["redactionAuth", ["1", "2"]],
      ["notificationsPowerLevels", ALL.slice(5)],
      ["knockJoinRule", ALL.slice(6)],
      ["restrictedJoinRule", ALL.slice(7)],
      ["knockRestrictedJoinRule", ALL.slice(9)],
      ["integerPowerLevels", ALL.slice(9)],
      ["creatorInContent", ALL.slice(0, 10)],
      ["createEventInAuthEvents", ALL.slice(0, 11)],
      ["privilegedCreators", ["12"]],
      ["additionalCreators", ["12"]],
    ];
    for (const [flag, versions] of table) expect(versionsWhere((r) => r.authorization[flag]), flag).to.deep.equal(versions);
  });

  it("has five redaction algorithms: v1, v6, v8, v9, v11", () => {
    const table: Array<[keyof RoomVersionRules["redaction"], string[]]> = [
      ["keepOriginMembershipPrevState", ALL.slice(0, 10)],
      ["keepAliases", ALL.slice(0, 5)],
      ["keepJoinRulesAllow", ALL.slice(7)],
      ["keepJoinAuthorisedVia", ALL.slice(8)],
      ["keepAllCreateContent", ["11", "12"]],
      ["keepPowerLevelsInvite", ["11", "12"]],
      ["keepRedactionRedacts", ["11", "12"]],
      ["keepThirdPartyInviteSigned", ["11", "12"]],
    ];
    for (const [flag, versions] of table) expect(versionsWhere((r) => r.redaction[flag]), flag).to.deep.equal(versions);
    const distinct = new Set(ALL.map((id) => JSON.stringify(rules(id).redaction)));
    expect(distinct.size).to.equal(5);
  });
});
