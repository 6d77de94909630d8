import { expect } from "chai";
import { EventFilter, compileTypeList, passesLists } from "../../src/sync/event-filter.js";

describe("compileTypeList", () => {
  it("matches literal types exactly", () => {
    const match = compileTypeList(["m.room.message", "m.room.member"]);
    expect(match("m.room.message")).to.equal(true);
    expect(match("m.room.member")).to.equal(true);
    expect(match("m.room.messages")).to.equal(false);
    expect(match("m.room")).to.equal(false);
  });

  it("lets * match any sequence of characters, anywhere in the pattern", () => {
    const match = compileTypeList(["m.room.*", "*.call.*", "org.*.x", "exact"]);
    expect(match("m.room.message")).to.equal(true);
    expect(match("m.room.")).to.equal(true); // the empty sequence
    expect(match("m.roomy")).to.equal(false);
    expect(match("m.call.invite")).to.equal(true);
    expect(match("org.matrix.msc1.call.answer")).to.equal(true);
    expect(match("org.example.x")).to.equal(true);
    expect(match("org.x")).to.equal(false);
    expect(match("org.a.b.x")).to.equal(true);
    expect(match("exact")).to.equal(true);
    expect(match("exactly")).to.equal(false);
    expect(compileTypeList(["*"])("anything at all\nwith newline")).to.equal(true);
  });

  it("treats every other character literally (no regexp or glob syntax)", () => {
    const match = compileTypeList(["m.room.?", "a+b", "(x)", "[y]", "c|d", "^e$", "f\\g"]);
    expect(match("m.room.?")).to.equal(true);
    expect(match("m.room.x")).to.equal(false);
    expect(match("mxroom.?")).to.equal(false);
    for (const t of ["a+b", "(x)", "[y]", "c|d", "^e$", "f\\g"]) expect(match(t), t).to.equal(true);
    for (const t of ["aab", "x", "y", "c", "d", "e", "fg"]) expect(match(t), t).to.equal(false);
    const wild = compileTypeList(["m.*.(x)"]);
    expect(wild("m.foo.(x)")).to.equal(true);
    expect(wild("mxfoo.(x)")).to.equal(false);
    expect(wild("m.foo.x")).to.equal(false);
  });

  it("matches nothing when the list is empty", () => {
    expect(compileTypeList([])("m.room.message")).to.equal(false);
  });
});

describe("passesLists", () => {
  it("lets everything through without lists, and a missing value through only without an include list", () => {
    expect(passesLists("a", null, null)).to.equal(true);
    expect(passesLists(undefined, null, new Set(["a"]))).to.equal(true);
    expect(passesLists(undefined, new Set(["a"]), null)).to.equal(false);
  });

  it("excludes what the exclude list names even if the include list names it too", () => {
    expect(passesLists("a", new Set(["a"]), new Set(["a"]))).to.equal(false);
    expect(passesLists("b", new Set(["a"]), null)).to.equal(false);
    expect(passesLists("a", new Set(["a"]), new Set(["b"]))).to.equal(true);
  });
});

describe("EventFilter", () => {
  const message = { type: "m.room.message", sender: "@alice:hs" };

  it("includes everything when no lists are given", () => {
    expect(new EventFilter({}).matches(message)).to.equal(true);
    expect(EventFilter.ALL.matches({ type: "x" })).to.equal(true);
    expect(new EventFilter({ types: null, senders: null }).matches(message)).to.equal(true);
  });

  it("includes only the listed types, and none for an empty list", () => {
    expect(new EventFilter({ types: ["m.room.message"] }).matches(message)).to.equal(true);
    expect(new EventFilter({ types: ["m.room.member"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ types: [] }).matches(message)).to.equal(false);
    expect(new EventFilter({ types: ["m.*"] }).matches(message)).to.equal(true);
  });

  it("excludes not_types, which wins over types", () => {
    expect(new EventFilter({ not_types: ["m.room.message"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ types: ["m.room.message"], not_types: ["m.room.message"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ types: ["m.room.*"], not_types: ["m.room.mess*"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ types: ["m.room.*"], not_types: ["m.room.member"] }).matches(message)).to.equal(true);
    expect(new EventFilter({ not_types: [] }).matches(message)).to.equal(true);
  });

  it("includes only the listed senders; not_senders wins", () => {
    expect(new EventFilter({ senders: ["@alice:hs"] }).matches(message)).to.equal(true);
    expect(new EventFilter({ senders: ["@bob:hs"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ senders: [] }).matches(message)).to.equal(false);
    expect(new EventFilter({ not_senders: ["@alice:hs"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ senders: ["@alice:hs"], not_senders: ["@alice:hs"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ not_senders: ["@bob:hs"] }).matches(message)).to.equal(true);
  });

  it("does not treat sender IDs as patterns", () => {
    expect(new EventFilter({ senders: ["@*"] }).matches(message)).to.equal(false);
    expect(new EventFilter({ not_senders: ["@*"] }).matches(message)).to.equal(true);
  });

  it("excludes an event without a sender from a senders list but not by not_senders", () => {
    expect(new EventFilter({ senders: ["@alice:hs"] }).matches({ type: "m.typing" })).to.equal(false);
    expect(new EventFilter({ not_senders: ["@alice:hs"] }).matches({ type: "m.typing" })).to.equal(true);
  });

  it("reports the requested limit, or null", () => {
    expect(new EventFilter({ limit: 7 }).limit).to.equal(7);
    expect(new EventFilter({}).limit).to.equal(null);
    expect(new EventFilter({ limit: null }).limit).to.equal(null);
  });
});
