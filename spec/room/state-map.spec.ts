import { expect } from "chai";
import { parseStateMapKey, stateMapKey } from "../../src/room/state-map.js";

describe("state-map", () => {
  it("joins type and state key with NUL", () => {
    expect(stateMapKey("m.room.member", "@a:b")).to.equal("m.room.member\u0000@a:b");
    expect(stateMapKey("m.room.name", "")).to.equal("m.room.name\u0000");
  });

  it("distinguishes pairs that plain concatenation would confuse", () => {
    expect(stateMapKey("a.b", "c")).to.not.equal(stateMapKey("a", ".bc"));
  });

  it("parses keys back, keeping NULs inside the state key", () => {
    expect(parseStateMapKey(stateMapKey("m.room.member", "@a:b"))).to.deep.equal({ type: "m.room.member", stateKey: "@a:b" });
    expect(parseStateMapKey(stateMapKey("t", ""))).to.deep.equal({ type: "t", stateKey: "" });
    expect(parseStateMapKey(stateMapKey("t", "x\u0000y"))).to.deep.equal({ type: "t", stateKey: "x\u0000y" });
  });

  it("refuses a string that is not a key", () => {
    expect(() => parseStateMapKey("m.room.name")).to.throw(/not a state map key/);
  });
});
