import { expect } from "chai";
import type { Pdu } from "../../../src/room/pdu.js";
import { compareChildren } from "../../../src/services/rooms/space-hierarchy.js";

/** A `m.space.child` event as far as the ordering reads it. */
function childEvent(stateKey: string, originServerTs: number, order?: unknown): Pdu {
  const content: Record<string, unknown> = { via: ["example.org"] };
  if (order !== undefined) content.order = order;
  return { type: "m.space.child", stateKey, originServerTs, content } as unknown as Pdu;
}

describe("services/rooms/space-hierarchy compareChildren", () => {
  it("orders the spec's example: valid order keys first, then by timestamp", () => {
    const children = [
      childEvent("!b:example.org", 1640341000000, " "),
      childEvent("!a:example.org", 1640141000000, "aaaa"),
      childEvent("!c:example.org", 1640841000000, "first"),
      childEvent("!e:example.org", 1640641000000),
      childEvent("!d:example.org", 1640741000000),
    ];
    expect([...children].reverse().sort(compareChildren).map((c) => c.stateKey)).to.deep.equal([
      "!b:example.org", "!a:example.org", "!c:example.org", "!e:example.org", "!d:example.org",
    ]);
  });

  it("treats invalid orders as absent; equal orders fall back to timestamps, then room IDs", () => {
    const children = [
      childEvent("!z:x", 5, "x".repeat(51)), // too long
      childEvent("!y:x", 4, "caf\u00e9"), // not within \x20–\x7E
      childEvent("!x:x", 3, 7), // not a string
      childEvent("!w:x", 9, "same"),
      childEvent("!v:x", 8, "same"),
      childEvent("!u:x", 3),
    ];
    expect([...children].sort(compareChildren).map((c) => c.stateKey)).to.deep.equal(["!v:x", "!w:x", "!u:x", "!x:x", "!y:x", "!z:x"]);
  });
});
