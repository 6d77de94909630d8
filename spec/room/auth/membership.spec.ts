import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { checkMemberEvent } from "../../../src/room/auth/membership.js";
import { getRoomVersion } from "../../../src/room/room-versions.js";
import { mkJoinRules, mkMembership, mkPowerLevels, mkRestrictedJoinRules } from "../../helpers/event-builders.js";
import { ALICE, BOB, CAROL, countersign, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
const has = (version: string, flag: "knockJoinRule" | "restrictedJoinRule" | "knockRestrictedJoinRule"): boolean =>
  getRoomVersion(version)?.authorization[flag] === true;

/** A room of `version` with join rule `joinRule`, Alice admin (100), Bob moderator (50), Carol joined (0). */
function room(version: string, joinRule = "invite", powerLevels: JsonObject = {}): RoomBuilder {
  const users: JsonObject = version === "12" ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 };
  const built = RoomBuilder.create({ version, joinRule: "public", powerLevels: { users, ...powerLevels } });
  built.send(BOB, mkMembership(BOB, "join"));
  built.send(CAROL, mkMembership(CAROL, "join"));
  if (joinRule !== "public") built.send(ALICE, mkJoinRules(joinRule));
  return built;
}

describe("membership", () => {
  it("refuses a member event without state_key or membership", () => {
    const built = room("10");
    expect(built.try(DAVE, { type: "m.room.member", content: { membership: "join" } })).to.match(/without state_key or membership/);
    expect(built.try(DAVE, { type: "m.room.member", stateKey: DAVE, content: {} })).to.match(/without state_key or membership/);
    expect(() => checkMemberEvent(built.build(DAVE, { type: "m.room.member", content: { membership: "join" } }), built.authState(), built.rules)).to.throw();
  });

  it("refuses unknown memberships, and knock before v7", () => {
    for (const version of ALL) {
      const built = room(version, "knock");
      expect(built.try(DAVE, mkMembership(DAVE, "wave")), version).to.match(/unknown membership "wave"/);
      expect(built.try(DAVE, { type: "m.room.member", stateKey: DAVE, content: { membership: 5 } })).to.match(/unknown membership 5/);
      const knock = built.try(DAVE, mkMembership(DAVE, "knock"));
      if (has(version, "knockJoinRule")) expect(knock, version).to.equal("allowed");
      else expect(knock, version).to.match(/unknown membership "knock"/);
    }
  });

  describe("join", () => {
    it("allows the creator's join right after the create event (content.creator up to v10, the sender from v11)", () => {
      for (const version of ALL) {
        const built = RoomBuilder.create({ version, createOnly: true, createContent: { creator: DAVE } });
        const creatorJoin = built.try(ALICE, mkMembership(ALICE, "join"));
        const daveJoin = built.try(DAVE, mkMembership(DAVE, "join"));
        if (built.rules.authorization.creatorInContent) {
          expect(daveJoin, version).to.equal("allowed");
          expect(creatorJoin, version).to.match(/not invited/);
        } else {
          expect(creatorJoin, version).to.equal("allowed");
          expect(daveJoin, version).to.match(/not invited/);
        }
      }
    });

    it("the creator's first-join exception needs the create event as the only prev event", () => {
      const built = RoomBuilder.create({ version: "11", createOnly: true });
      const other = built.build(BOB, mkMembership(BOB, "leave"));
      expect(built.try(ALICE, mkMembership(ALICE, "join"), { prevEvents: [built.create, other] })).to.match(/not invited/);
      expect(built.try(ALICE, mkMembership(ALICE, "join"), { prevEvents: [other] })).to.match(/not invited/);
    });

    it("refuses joining on behalf of someone else", () => {
      expect(room("10", "public").try(ALICE, mkMembership(DAVE, "join"))).to.match(/sender is not the state_key/);
    });

    it("refuses a banned user", () => {
      const built = room("10", "public");
      built.send(ALICE, mkMembership(DAVE, "ban"));
      expect(built.try(DAVE, mkMembership(DAVE, "join"))).to.match(/banned/);
    });

    it("invite rule (and knock from v7): only invited or joined users", () => {
      for (const version of ALL) {
        for (const joinRule of ["invite", "knock"]) {
          const built = room(version, joinRule);
          const uninvited = built.try(DAVE, mkMembership(DAVE, "join"));
          const rejoin = built.try(CAROL, mkMembership(CAROL, "join", { displayname: "C" }));
          built.send(ALICE, mkMembership(DAVE, "invite"));
          const invited = built.try(DAVE, mkMembership(DAVE, "join"));
          if (joinRule === "knock" && !has(version, "knockJoinRule")) {
            expect([uninvited, rejoin, invited], version).to.deep.equal([
              'join: join rule "knock" does not allow joining',
              'join: join rule "knock" does not allow joining',
              'join: join rule "knock" does not allow joining',
            ]);
          } else {
            expect(uninvited, `${version} ${joinRule}`).to.match(/not invited/);
            expect([rejoin, invited], `${version} ${joinRule}`).to.deep.equal(["allowed", "allowed"]);
          }
        }
      }
    });

    it("public rule: anyone not banned", () => {
      for (const version of ALL) expect(room(version, "public").try(DAVE, mkMembership(DAVE, "join")), version).to.equal("allowed");
    });

    it("defaults to the invite rule without a join rules event", () => {
      const built = RoomBuilder.create({ version: "10", joinRule: null });
      expect(built.try(BOB, mkMembership(BOB, "join"))).to.match(/join rule is invite/);
      built.send(ALICE, mkMembership(BOB, "invite"));
      expect(built.try(BOB, mkMembership(BOB, "join"))).to.equal("allowed");
    });

    it("refuses other join rules", () => {
      expect(room("10", "private").try(DAVE, mkMembership(DAVE, "join"))).to.match(/"private" does not allow joining/);
    });

    describe("restricted and knock_restricted", () => {
      function restricted(version: string, joinRule: string, powerLevels: JsonObject = {}): RoomBuilder {
        const built = room(version, "public", powerLevels);
        built.send(ALICE, mkRestrictedJoinRules(["!other:alpha.test"], joinRule));
        return built;
      }
      /** Dave's join authorised by `authoriser`, signed by the authoriser's server too. */
      const authorisedJoin = (built: RoomBuilder, authoriser: string) =>
        countersign(built.build(DAVE, mkMembership(DAVE, "join", { join_authorised_via_users_server: authoriser })), authoriser.split(":")[1] as string);

      it("is a join rule from v8 (restricted) and v10 (knock_restricted)", () => {
        for (const version of ALL) {
          for (const [joinRule, flag] of [["restricted", "restrictedJoinRule"], ["knock_restricted", "knockRestrictedJoinRule"]] as const) {
            const built = restricted(version, joinRule);
            const verdict = built.verdict(authorisedJoin(built, BOB));
            if (has(version, flag)) expect(verdict, `${version} ${joinRule}`).to.equal("allowed");
            else expect(verdict, `${version} ${joinRule}`).to.match(/does not allow joining/);
          }
        }
      });

      it("allows invited or already joined users without an authoriser", () => {
        const built = restricted("10", "restricted");
        expect(built.try(CAROL, mkMembership(CAROL, "join"))).to.equal("allowed");
        built.send(ALICE, mkMembership(DAVE, "invite"));
        expect(built.try(DAVE, mkMembership(DAVE, "join"))).to.equal("allowed");
      });

      it("needs a joined authoriser who can invite", () => {
        const built = restricted("10", "knock_restricted", { invite: 10 });
        expect(built.try(DAVE, mkMembership(DAVE, "join"))).to.match(/authorising user is not joined/);
        expect(built.verdict(authorisedJoin(built, "@eve:beta.test"))).to.match(/authorising user is not joined/);
        expect(built.verdict(authorisedJoin(built, CAROL))).to.match(/authorising user cannot invite/);
        expect(built.verdict(authorisedJoin(built, BOB))).to.equal("allowed");
      });

      it("v12: a creator can always authorise", () => {
        const built = restricted("12", "restricted", { invite: 100 });
        expect(built.verdict(authorisedJoin(built, BOB))).to.match(/cannot invite/);
        expect(built.verdict(authorisedJoin(built, ALICE))).to.equal("allowed");
      });
    });
  });

  describe("join_authorised_via_users_server signature (v8+)", () => {
    it("must be signed by the authorising user's server, whatever the membership", () => {
      for (const version of ALL) {
        const built = room(version, "public");
        const unsigned = built.build(DAVE, mkMembership(DAVE, "join", { join_authorised_via_users_server: CAROL }));
        const signed = countersign(unsigned, "gamma.test");
        const leave = built.build(CAROL, mkMembership(CAROL, "leave", { join_authorised_via_users_server: BOB }));
        if (has(version, "restrictedJoinRule")) {
          expect(built.verdict(unsigned), version).to.match(/not signed by the authorising user's server/);
          expect(built.verdict(leave), version).to.match(/not signed by the authorising user's server/);
          expect(built.verdict(signed), version).to.equal("allowed");
        } else {
          expect([built.verdict(unsigned), built.verdict(leave)], version).to.deep.equal(["allowed", "allowed"]);
        }
      }
    });

    it("refuses an authoriser that is not a user ID", () => {
      const built = room("9", "public");
      expect(built.try(DAVE, mkMembership(DAVE, "join", { join_authorised_via_users_server: "gamma.test" }))).to.match(/not signed/);
      expect(built.try(DAVE, mkMembership(DAVE, "join", { join_authorised_via_users_server: 7 }))).to.match(/not signed/);
    });
  });

  describe("invite", () => {
    it("needs a joined sender at the invite level and a target neither joined nor banned", () => {
      for (const version of ALL) {
        const built = room(version, "invite", { invite: 10 });
        expect(built.try(DAVE, mkMembership("@x:delta.test", "invite")), version).to.match(/invite: sender is not joined/);
        expect(built.try(CAROL, mkMembership(DAVE, "invite"))).to.match(/below the invite level/);
        expect(built.try(BOB, mkMembership(CAROL, "invite"))).to.match(/target's membership is join/);
        expect(built.try(BOB, mkMembership(DAVE, "invite"))).to.equal("allowed");
        built.send(BOB, mkMembership(DAVE, "invite"));
        expect(built.try(BOB, mkMembership(DAVE, "invite")), "re-invite").to.equal("allowed");
        built.send(ALICE, mkMembership(DAVE, "ban"));
        expect(built.try(BOB, mkMembership(DAVE, "invite"))).to.match(/target's membership is ban/);
      }
    });

    it("uses the default invite level 0", () => {
      const built = room("10");
      expect(built.try(CAROL, mkMembership(DAVE, "invite"))).to.equal("allowed");
    });
  });

  describe("leave", () => {
    it("lets users leave from join or invite, and (v7+) from knock", () => {
      for (const version of ALL) {
        const built = room(version, "knock");
        expect(built.try(CAROL, mkMembership(CAROL, "leave")), version).to.equal("allowed");
        built.send(ALICE, mkMembership(DAVE, "invite"));
        expect(built.try(DAVE, mkMembership(DAVE, "leave")), version).to.equal("allowed");
        expect(built.try("@eve:beta.test", mkMembership("@eve:beta.test", "leave"))).to.match(/cannot leave from membership leave/);
        if (has(version, "knockJoinRule")) {
          built.send("@eve:beta.test", mkMembership("@eve:beta.test", "knock"));
          expect(built.try("@eve:beta.test", mkMembership("@eve:beta.test", "leave")), version).to.equal("allowed");
        }
      }
    });

    it("a banned user cannot unban themselves", () => {
      const built = room("10", "public");
      built.send(ALICE, mkMembership(DAVE, "ban"));
      expect(built.try(DAVE, mkMembership(DAVE, "leave"))).to.match(/cannot leave from membership ban/);
    });

    it("kicks need a joined sender at the kick level above the target", () => {
      for (const version of ["1", "7", "10", "11"]) {
        const built = room(version, "public", { kick: 40 });
        built.send(DAVE, mkMembership(DAVE, "join"));
        built.send(DAVE, mkMembership(DAVE, "leave"));
        expect(built.try(DAVE, mkMembership(CAROL, "leave")), version).to.match(/kick: sender is not joined/);
        expect(built.try(CAROL, mkMembership(BOB, "leave"))).to.match(/kick: sender's power level is too low/);
        expect(built.try(BOB, mkMembership(CAROL, "leave"))).to.equal("allowed");
        expect(built.try(BOB, mkMembership(ALICE, "leave"))).to.match(/too low/);
        built.send(ALICE, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, kick: 40 }));
        expect(built.try(BOB, mkMembership(CAROL, "leave")), "equal levels").to.match(/too low/);
        built.send(ALICE, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 30 }, kick: 40 }));
        expect(built.try(BOB, mkMembership(CAROL, "leave")), "below kick level").to.match(/too low/);
      }
    });

    it("unbans need the ban level as well as the kick level", () => {
      const built = room("10", "public", { ban: 60, kick: 40 });
      built.send(ALICE, mkMembership(DAVE, "ban"));
      expect(built.try(BOB, mkMembership(DAVE, "leave"))).to.match(/below the ban level/);
      expect(built.try(ALICE, mkMembership(DAVE, "leave"))).to.equal("allowed");
    });

    it("v12: creators can kick anyone but each other", () => {
      const built = RoomBuilder.create({ version: "12", joinRule: "public", createContent: { additional_creators: [CAROL] }, powerLevels: { users: { [BOB]: 1000 } } });
      built.send(BOB, mkMembership(BOB, "join"));
      built.send(CAROL, mkMembership(CAROL, "join"));
      expect(built.try(ALICE, mkMembership(BOB, "leave"))).to.equal("allowed");
      expect(built.try(BOB, mkMembership(ALICE, "leave"))).to.match(/too low/);
      expect(built.try(ALICE, mkMembership(CAROL, "leave"))).to.match(/too low/);
    });
  });

  describe("ban", () => {
    it("needs a joined sender at the ban level above the target", () => {
      for (const version of ["1", "10", "12"]) {
        const built = room(version, "public", { ban: 50 });
        expect(built.try(DAVE, mkMembership(CAROL, "ban")), version).to.match(/ban: sender is not joined/);
        expect(built.try(CAROL, mkMembership(DAVE, "ban"))).to.match(/ban: sender's power level is too low/);
        expect(built.try(BOB, mkMembership(DAVE, "ban"))).to.equal("allowed");
        expect(built.try(BOB, mkMembership(CAROL, "ban"))).to.equal("allowed");
        expect(built.try(BOB, mkMembership(ALICE, "ban"))).to.match(/too low/);
        expect(built.try(BOB, mkMembership(BOB, "ban")), "self, equal level").to.match(/too low/);
      }
    });
  });

  describe("knock (v7+)", () => {
    it("needs the knock join rule (or v10+ knock_restricted)", () => {
      for (const version of ALL.filter((v) => has(v, "knockJoinRule"))) {
        expect(room(version, "knock").try(DAVE, mkMembership(DAVE, "knock")), version).to.equal("allowed");
        expect(room(version, "public").try(DAVE, mkMembership(DAVE, "knock"))).to.match(/"public" does not allow knocking/);
        expect(room(version, "invite").try(DAVE, mkMembership(DAVE, "knock"))).to.match(/does not allow knocking/);
        const knockRestricted = room(version, "knock_restricted").try(DAVE, mkMembership(DAVE, "knock"));
        if (has(version, "knockRestrictedJoinRule")) expect(knockRestricted, version).to.equal("allowed");
        else expect(knockRestricted, version).to.match(/does not allow knocking/);
      }
    });

    it("only for oneself, and not when banned, invited or joined", () => {
      const built = room("10", "knock");
      expect(built.try(ALICE, mkMembership(DAVE, "knock"))).to.match(/knock: sender is not the state_key/);
      expect(built.try(CAROL, mkMembership(CAROL, "knock"))).to.match(/already join/);
      built.send(ALICE, mkMembership(DAVE, "invite"));
      expect(built.try(DAVE, mkMembership(DAVE, "knock"))).to.match(/already invite/);
      built.send(ALICE, mkMembership("@eve:beta.test", "ban"));
      expect(built.try("@eve:beta.test", mkMembership("@eve:beta.test", "knock"))).to.match(/already ban/);
      built.send("@frank:beta.test", mkMembership("@frank:beta.test", "knock"));
      expect(built.try("@frank:beta.test", mkMembership("@frank:beta.test", "knock")), "knock again").to.equal("allowed");
    });
  });
});
