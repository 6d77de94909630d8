import { expect } from "chai";
import { parseDottedPath } from "../../../src/matrix/dotted-path.js";
import { lookupProperty } from "../../../src/services/push/event-property-path.js";

describe("lookupProperty", () => {
  const event = { type: "m.room.message", content: { body: "hi", "m.relates_to": { rel_type: "m.replace" }, list: [1], nothing: null } };

  it("follows a dot-separated path, escaped dots naming one property", () => {
    expect(lookupProperty(event, parseDottedPath("type"))).to.equal("m.room.message");
    expect(lookupProperty(event, parseDottedPath("content.body"))).to.equal("hi");
    expect(lookupProperty(event, parseDottedPath("content.m\\.relates_to.rel_type"))).to.equal("m.replace");
    expect(lookupProperty(event, parseDottedPath("content.list"))).to.deep.equal([1]);
    expect(lookupProperty(event, parseDottedPath("content.nothing"))).to.equal(null);
  });

  it("is undefined when a step is missing or not an object", () => {
    expect(lookupProperty(event, parseDottedPath("content.missing"))).to.equal(undefined);
    expect(lookupProperty(event, parseDottedPath("content.body.length"))).to.equal(undefined);
    expect(lookupProperty(event, parseDottedPath("content.list.0"))).to.equal(undefined);
    expect(lookupProperty(event, parseDottedPath("content.m.relates_to"))).to.equal(undefined);
    expect(lookupProperty(event, parseDottedPath("toString"))).to.equal(undefined);
  });
});
