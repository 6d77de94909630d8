import { expect } from "chai";
import { expectation, showValue, toKeyPath } from "../../src/config/describe-schema-error.js";

describe("describeSchemaError", () => {
  it("turns JSON pointers into dotted key paths with list indexes", () => {
    expect(toKeyPath("")).to.equal(null);
    expect(toKeyPath("/listeners/client/port")).to.equal("listeners.client.port");
    expect(toKeyPath("/federation/allow/2")).to.equal("federation.allow[2]");
    expect(toKeyPath("/a~1b/c~0d")).to.equal("a/b.c~d");
  });

  it("describes what a schema expects", () => {
    expect(expectation({ type: "integer", minimum: 1, maximum: 65535 })).to.equal("an integer from 1 to 65535");
    expect(expectation({ type: "integer", minimum: 1 })).to.equal("an integer of at least 1");
    expect(expectation({ type: "number", exclusiveMinimum: 0 })).to.equal("a number greater than 0");
    expect(expectation({ type: "string", enum: ["a", "b"] })).to.equal("one of a, b");
    expect(expectation({ type: "string", description: "a URL" })).to.equal("a URL");
    expect(expectation({ type: "string", minLength: 1 })).to.equal("a non-empty string");
    expect(expectation({ type: "array", items: { type: "string" } })).to.equal("a list of strings");
  });

  it("shows values briefly", () => {
    expect(showValue("x")).to.equal('"x"');
    expect(showValue(70000)).to.equal("70000");
    expect(showValue(false)).to.equal("false");
    expect(showValue([1])).to.equal("a list");
    expect(showValue({})).to.equal("a mapping");
    const long = showValue("y".repeat(500));
    expect(long.length).to.be.at.most(60);
    expect(long.endsWith('…"')).to.equal(true);
  });
});
