import { expect } from "chai";
import { ReservedPositions } from "../../../src/services/ephemeral/reserved-positions.js";
import { TypingService } from "../../../src/services/ephemeral/typing.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { FakeClock } from "./fake-clock.js";

const ROOM = "!room:x";

async function setup(joined: ReadonlySet<string> = new Set(["@a:x", "@b:x"])) {
  const clock = new FakeClock();
  const notifier = new Notifier();
  let stored = 0;
  const positions = new ReservedPositions(async (size) => (stored += size), 100);
  await positions.start();
  const typing = new TypingService({ isJoined: async (userId) => joined.has(userId), notifier, positions, clock, maxTimeoutMs: 60_000 });
  return { clock, notifier, typing };
}

describe("TypingService", () => {
  it("lists typists per room with the room's change position, replacing the whole list", async () => {
    const { typing } = await setup();
    const start = typing.currentPosition();
    await typing.setTyping("@a:x", ROOM, true, 30_000);
    const p1 = typing.currentPosition();
    await typing.setTyping("@b:x", ROOM, true, 30_000);
    const p2 = typing.currentPosition();
    expect(p1).to.be.greaterThan(start);
    expect(p2).to.be.greaterThan(p1);
    expect(typing.getTypingForRooms([ROOM, "!other:x"], start)).to.deep.equal(
      new Map([[ROOM, { type: "m.typing", content: { user_ids: ["@a:x", "@b:x"] } }]]),
    );
    expect(typing.getTypingForRooms([ROOM], p2).size).to.equal(0);
    await typing.setTyping("@a:x", ROOM, false, 0);
    expect(typing.getTypingForRooms([ROOM], p2).get(ROOM)?.content.user_ids).to.deep.equal(["@b:x"]);
  });

  it("stops a typist when the timeout expires (fake clock), and a refresh pushes the expiry back without a new position", async () => {
    const { clock, typing } = await setup();
    await typing.setTyping("@a:x", ROOM, true, 10_000);
    await clock.advance(8_000);
    const before = typing.currentPosition();
    await typing.setTyping("@a:x", ROOM, true, 10_000);
    expect(typing.currentPosition()).to.equal(before);
    await clock.advance(9_000);
    expect(typing.isTyping("@a:x", ROOM)).to.equal(true);
    await clock.advance(1_001);
    expect(typing.isTyping("@a:x", ROOM)).to.equal(false);
    expect(typing.currentPosition()).to.be.greaterThan(before);
    expect(typing.getTypingForRooms([ROOM], before).get(ROOM)?.content.user_ids).to.deep.equal([]);
  });

  it("caps the timeout", async () => {
    const { clock, typing } = await setup();
    await typing.setTyping("@a:x", ROOM, true, 10 * 60_000);
    await clock.advance(60_001);
    expect(typing.isTyping("@a:x", ROOM)).to.equal(false);
  });

  it("wakes a sync waiting on the room", async () => {
    const { notifier, typing } = await setup();
    const since = StreamToken.from({ typing: typing.currentPosition() });
    const woken = notifier.waitForUpdate({ userId: "@b:x", roomIds: () => [ROOM], since, timeoutMs: 5_000 });
    await typing.setTyping("@a:x", ROOM, true, 30_000);
    const token = await woken;
    expect(token?.typing).to.equal(typing.currentPosition());
  });

  it("refuses users not joined to the room with M_FORBIDDEN", async () => {
    const { typing } = await setup(new Set(["@a:x"]));
    let error: { errcode?: string; status?: number } | null = null;
    await typing.setTyping("@c:x", ROOM, true, 1000).catch((err: { errcode?: string; status?: number }) => (error = err));
    expect(error).to.include({ errcode: "M_FORBIDDEN", status: 403 });
  });

  it("ignores stopping someone who is not typing, and close() cancels every timer", async () => {
    const { clock, typing } = await setup();
    const before = typing.currentPosition();
    await typing.setTyping("@a:x", ROOM, false, 0);
    expect(typing.currentPosition()).to.equal(before);
    await typing.setTyping("@a:x", ROOM, true, 5_000);
    expect(clock.pendingTimers).to.equal(1);
    typing.close();
    expect(clock.pendingTimers).to.equal(0);
  });
});
