import { expect } from "chai";
import { EventFields, parseDottedPath } from "../../src/sync/event-fields.js";

describe("parseDottedPath", () => {
  it("splits on unescaped dots", () => {
    expect(parseDottedPath("content.body")).to.deep.equal(["content", "body"]);
    expect(parseDottedPath("type")).to.deep.equal(["type"]);
  });

  it("reads \\. as a literal dot and \\\\ as a literal backslash (the appendix examples)", () => {
    expect(parseDottedPath("content.m\\.relates_to")).to.deep.equal(["content", "m.relates_to"]);
    expect(parseDottedPath("content.m\\\\foo")).to.deep.equal(["content", "m\\foo"]);
    expect(parseDottedPath("a\\\\.b")).to.deep.equal(["a\\", "b"]);
  });

  it("leaves other escape sequences as they are", () => {
    expect(parseDottedPath("content.\\x")).to.deep.equal(["content", "\\x"]);
    expect(parseDottedPath("content.end\\")).to.deep.equal(["content", "end\\"]);
  });
});

describe("EventFields", () => {
  const event = {
    event_id: "$e",
    type: "m.room.message",
    sender: "@alice:hs",
    origin_server_ts: 5,
    content: {
      body: "hi",
      msgtype: "m.text",
      "m.relates_to": { rel_type: "m.thread", event_id: "$root" },
      "m\\foo": 1,
      nested: { a: { b: 2, c: 3 } },
    },
    unsigned: { age: 10 },
  };

  it("keeps only the listed top-level fields", () => {
    expect(new EventFields(["type", "sender"]).apply(event)).to.deep.equal({ type: "m.room.message", sender: "@alice:hs" });
  });

  it("follows dotted paths into objects", () => {
    expect(new EventFields(["content.body", "content.nested.a.c"]).apply(event)).to.deep.equal({
      content: { body: "hi", nested: { a: { c: 3 } } },
    });
  });

  it("honours escaped dots and backslashes in property names", () => {
    expect(new EventFields(["content.m\\.relates_to.rel_type", "content.m\\\\foo"]).apply(event)).to.deep.equal({
      content: { "m.relates_to": { rel_type: "m.thread" }, "m\\foo": 1 },
    });
  });

  it("keeps a whole object when a path names it, whatever deeper paths also say", () => {
    const whole = { content: event.content };
    expect(new EventFields(["content", "content.body"]).apply(event)).to.deep.equal(whole);
    expect(new EventFields(["content.body", "content"]).apply(event)).to.deep.equal(whole);
  });

  it("adds nothing for paths that lead nowhere", () => {
    expect(new EventFields(["content.missing", "content.body.length", "nope"]).apply(event)).to.deep.equal({});
    expect(new EventFields(["content.missing", "type"]).apply(event)).to.deep.equal({ type: "m.room.message" });
  });

  it("keeps falsy and null values that are present", () => {
    const e = { a: 0, b: null, c: "", d: false };
    expect(new EventFields(["a", "b", "c", "d"]).apply(e)).to.deep.equal(e);
  });

  it("does not descend into arrays or modify the event", () => {
    const e = { list: [{ x: 1 }], content: { body: "x" } };
    expect(new EventFields(["list.0"]).apply(e)).to.deep.equal({});
    new EventFields(["content.body"]).apply(e);
    expect(e).to.deep.equal({ list: [{ x: 1 }], content: { body: "x" } });
  });

  it("copies a __proto__ property as data, not as a prototype", () => {
    const e = JSON.parse('{"content":{"__proto__":{"polluted":true},"body":"x"}}') as object;
    const out = new EventFields(["content.__proto__"]).apply(e) as { content: Record<string, unknown> };
    expect(Object.getPrototypeOf(out.content)).to.equal(Object.prototype);
    expect(JSON.stringify(out)).to.equal('{"content":{"__proto__":{"polluted":true}}}');
  });

  it("keeps nothing for an empty list", () => {
    expect(new EventFields([]).apply(event)).to.deep.equal({});
  });
});
