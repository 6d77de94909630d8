import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import { AppserviceRegistry } from "../../../src/services/appservices/appservice-registry.js";
import { ns, testAppservice } from "./appservice-fixture.js";

function refusal(fn: () => void): [number, string] | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof MatrixError)) throw err;
    return [err.status, err.errcode];
  }
}

describe("AppserviceRegistry", () => {
  const irc = testAppservice({
    id: "irc",
    namespaces: { users: [ns(true, "@_irc_.*")], aliases: [ns(true, "#_irc_.*")] },
  });
  const logger = testAppservice({
    id: "logger",
    namespaces: { users: [ns(false, "@.*")], aliases: [ns(false, "#.*")] },
  });
  const registry = new AppserviceRegistry([irc, logger]);

  it("finds an appservice by as_token and by id, and nothing for other tokens", () => {
    expect(registry.findByToken("irc-as-token")).to.equal(irc);
    expect(registry.findByToken("logger-as-token")).to.equal(logger);
    expect(registry.findByToken("irc-hs-token")).to.equal(null);
    expect(registry.findById("logger")).to.equal(logger);
    expect(registry.findById("nope")).to.equal(null);
    expect(registry.size).to.equal(2);
  });

  it("knows which users and aliases are held exclusively, and by whom", () => {
    expect(registry.exclusiveUserOwner("@_irc_alice:hs.test")).to.equal(irc);
    expect(registry.isExclusiveUser("@_irc_alice:hs.test")).to.equal(true);
    expect(registry.isExclusiveUser("@alice:hs.test")).to.equal(false);
    expect(registry.exclusiveUserOwner("@_logger_bot:hs.test")).to.equal(logger);
    expect(registry.isExclusiveAlias("#_irc_chan:hs.test")).to.equal(true);
    expect(registry.exclusiveAliasOwner("#chan:hs.test")).to.equal(null);
  });

  it("lists the appservices interested in a user", () => {
    expect(registry.interestedInUser("@_irc_alice:hs.test")).to.deep.equal([irc, logger]);
    expect(registry.interestedInUser("@alice:hs.test")).to.deep.equal([logger]);
    expect(registry.interestedInUser("@alice:other.test")).to.deep.equal([]);
  });

  describe("checkUserNamespace", () => {
    it("keeps people out of exclusive namespaces (400 M_EXCLUSIVE), not out of shared ones", () => {
      expect(refusal(() => registry.checkUserNamespace("@_irc_alice:hs.test", null))).to.deep.equal([400, "M_EXCLUSIVE"]);
      expect(refusal(() => registry.checkUserNamespace("@_irc_bot:hs.test", null))).to.deep.equal([400, "M_EXCLUSIVE"]);
      expect(refusal(() => registry.checkUserNamespace("@alice:hs.test", null))).to.equal(null);
    });

    it("lets an appservice into its own namespace only", () => {
      expect(refusal(() => registry.checkUserNamespace("@_irc_alice:hs.test", irc))).to.equal(null);
      expect(refusal(() => registry.checkUserNamespace("@alice:hs.test", irc))).to.deep.equal([400, "M_EXCLUSIVE"]);
    });

    it("keeps an appservice out of another's exclusive namespace even where its own covers the user", () => {
      expect(refusal(() => registry.checkUserNamespace("@alice:hs.test", logger))).to.equal(null);
      expect(refusal(() => registry.checkUserNamespace("@_irc_alice:hs.test", logger))).to.deep.equal([400, "M_EXCLUSIVE"]);
    });
  });

  describe("checkAliasNamespace", () => {
    it("applies the same rules to room aliases", () => {
      expect(refusal(() => registry.checkAliasNamespace("#_irc_chan:hs.test", null))).to.deep.equal([400, "M_EXCLUSIVE"]);
      expect(refusal(() => registry.checkAliasNamespace("#chan:hs.test", null))).to.equal(null);
      expect(refusal(() => registry.checkAliasNamespace("#_irc_chan:hs.test", irc))).to.equal(null);
      expect(refusal(() => registry.checkAliasNamespace("#chan:hs.test", irc))).to.deep.equal([400, "M_EXCLUSIVE"]);
      expect(refusal(() => registry.checkAliasNamespace("#_irc_chan:hs.test", logger))).to.deep.equal([400, "M_EXCLUSIVE"]);
    });
  });

  it("with no appservices, reserves nothing", () => {
    const empty = new AppserviceRegistry([]);
    expect(empty.findByToken("irc-as-token")).to.equal(null);
    expect(refusal(() => empty.checkUserNamespace("@_irc_alice:hs.test", null))).to.equal(null);
    expect(refusal(() => empty.checkAliasNamespace("#_irc_chan:hs.test", null))).to.equal(null);
  });
});
