import { expect } from "chai";
import { getEventListeners } from "node:events";
import { Notifier, type NotifyOrigin, type NotifyTargets } from "../../src/sync/notifier.js";
import { StreamToken, type StreamName } from "../../src/sync/stream-token.js";

/** Tracks a promise's outcome without awaiting it. */
function track<T>(promise: Promise<T>): { settled: boolean; value: T | undefined; promise: Promise<T> } {
  const state = { settled: false, value: undefined as T | undefined, promise };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** Lets pending promise callbacks run. */
async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe("Notifier", () => {
  let notifier: Notifier;
  const start = StreamToken.from({ pdu: 100, typing: 10, toDevice: 5 });

  beforeEach(() => {
    notifier = new Notifier(start);
  });

  afterEach(() => {
    notifier.close();
  });

  function wait(userId: string, roomIds: string[], since = start, timeoutMs = 10_000, signal?: AbortSignal) {
    return notifier.waitForUpdate({ userId, roomIds: () => roomIds, since, timeoutMs, signal });
  }

  it("starts at the token it was given", () => {
    expect(notifier.currentToken().toString()).to.equal(start.toString());
    expect(new Notifier().currentToken().toString()).to.equal(StreamToken.ZERO.toString());
  });

  it("wakes a waiter within milliseconds when one of its rooms gets an event", async () => {
    const waiting = wait("@alice:hs", ["!a:hs", "!b:hs"]);
    await flush();
    const before = performance.now();
    notifier.notify("pdu", 101, { roomIds: ["!b:hs"] });
    const token = await waiting;
    expect(performance.now() - before).to.be.lessThan(50);
    expect(token?.pdu).to.equal(101);
    expect(token?.typing).to.equal(10);
    expect(notifier.waiterCount).to.equal(0);
  });

  it("wakes a waiter for something addressed to its user", async () => {
    const waiting = wait("@alice:hs", ["!a:hs"]);
    notifier.notify("toDevice", 6, { userIds: ["@alice:hs"] });
    expect((await waiting)?.toDevice).to.equal(6);
  });

  it("wakes a user for a room it is not yet registered in when the notify names the user (a join)", async () => {
    const waiting = wait("@alice:hs", []);
    notifier.notify("pdu", 101, { roomIds: ["!new:hs"], userIds: ["@alice:hs"] });
    expect((await waiting)?.pdu).to.equal(101);
  });

  it("leaves waiters of other rooms and other users asleep", async () => {
    const alice = track(wait("@alice:hs", ["!a:hs"]));
    const bob = track(wait("@bob:hs", ["!b:hs"]));
    notifier.notify("pdu", 101, { roomIds: ["!c:hs"], userIds: ["@carol:hs"] });
    notifier.notify("toDevice", 6, { userIds: ["@carol:hs"] });
    notifier.notify("pdu", 102, { roomIds: ["!b:hs"] });
    await flush();
    expect(alice.settled).to.equal(false);
    expect(bob.settled).to.equal(true);
    expect(bob.value?.pdu).to.equal(102);
    expect(notifier.waiterCount).to.equal(1);
  });

  it("ignores positions the waiter already has on that stream", async () => {
    const since = start.withUpdates({ pdu: 105 });
    const waiting = track(wait("@alice:hs", ["!a:hs"], since));
    notifier.notify("pdu", 104, { roomIds: ["!a:hs"] });
    notifier.notify("pdu", 105, { roomIds: ["!a:hs"] });
    await flush();
    expect(waiting.settled).to.equal(false);
    notifier.notify("typing", 11, { roomIds: ["!a:hs"] });
    await flush();
    expect(waiting.settled).to.equal(true);
    expect(waiting.value?.typing).to.equal(11);
  });

  it("resolves at once when a relevant update arrived after `since` but before waiting", async () => {
    notifier.notify("receipt", 3, { roomIds: ["!a:hs"] });
    const token = await wait("@alice:hs", ["!z:hs", "!a:hs"], start, 60_000);
    expect(token?.receipt).to.equal(3);
    expect(notifier.waiterCount).to.equal(0);
  });

  it("waits when the updates after `since` concern only other rooms and users", async () => {
    notifier.notify("pdu", 150, { roomIds: ["!other:hs"], userIds: ["@bob:hs"] });
    const waiting = track(wait("@alice:hs", ["!a:hs"]));
    await flush();
    expect(waiting.settled).to.equal(false);
  });

  it("resolves with null at the timeout and forgets the waiter", async () => {
    const before = performance.now();
    const token = await wait("@alice:hs", ["!a:hs", "!b:hs"], start, 30);
    expect(token).to.equal(null);
    expect(performance.now() - before).to.be.greaterThanOrEqual(25);
    expect(notifier.waiterCount).to.equal(0);
    expect(notifier.indexedKeyCount).to.equal(0);
  });

  it("resolves with null at once for a zero timeout when nothing is new", async () => {
    expect(await wait("@alice:hs", ["!a:hs"], start, 0)).to.equal(null);
    expect(notifier.waiterCount).to.equal(0);
  });

  it("resolves with null when aborted, and removes its abort listener when woken", async () => {
    const controller = new AbortController();
    const waiting = wait("@alice:hs", ["!a:hs"], start, 60_000, controller.signal);
    await flush();
    expect(notifier.waiterCount).to.equal(1);
    controller.abort();
    expect(await waiting).to.equal(null);
    expect(notifier.waiterCount).to.equal(0);
    expect(notifier.indexedKeyCount).to.equal(0);

    expect(await wait("@alice:hs", ["!a:hs"], start, 60_000, controller.signal)).to.equal(null);

    // A woken waiter leaves no listener on its signal.
    const other = new AbortController();
    const woken = wait("@alice:hs", ["!a:hs"], start, 60_000, other.signal);
    expect(getEventListeners(other.signal, "abort")).to.have.length(1);
    notifier.notify("pdu", 101, { roomIds: ["!a:hs"] });
    expect((await woken)?.pdu).to.equal(101);
    expect(getEventListeners(other.signal, "abort")).to.have.length(0);
  });

  it("reads the room list once, as a Set or an array", async () => {
    let calls = 0;
    const waiting = notifier.waitForUpdate({
      userId: "@alice:hs",
      roomIds: () => {
        calls++;
        return new Set(["!a:hs"]);
      },
      since: start,
      timeoutMs: 1000,
    });
    notifier.notify("typing", 11, { roomIds: ["!a:hs"] });
    expect((await waiting)?.typing).to.equal(11);
    expect(calls).to.equal(1);
  });

  it("keeps currentToken at the highest position seen per stream", () => {
    notifier.notify("pdu", 120);
    notifier.notify("pdu", 110);
    notifier.notify("invite", 2, { userIds: ["@bob:hs"] });
    expect(notifier.currentToken().toString()).to.equal("s120_10_0_5_0_0_0_2");
  });

  it("rejects invalid positions", () => {
    expect(() => notifier.notify("pdu", -1)).to.throw(RangeError);
    expect(() => notifier.notify("pdu", 1.5)).to.throw(RangeError);
    expect(() => notifier.notify("nope" as StreamName, 1)).to.throw(RangeError);
    expect(() => notifier.notify("toString" as StreamName, 1)).to.throw(RangeError);
    expect(notifier.currentToken().toString()).to.equal(start.toString());
  });

  it("mayHaveUpdate tells whether a wait from `since` would start woken", () => {
    const notifier = new Notifier();
    notifier.notify("pdu", 5, { roomIds: ["!a:hs"] });
    notifier.notify("accountData", 2, { userIds: ["@u:hs"] });
    const at = (pdu: number, accountData: number) => StreamToken.from({ pdu, accountData });
    expect(notifier.mayHaveUpdate("@v:hs", ["!a:hs"], at(4, 2))).to.equal(true);
    expect(notifier.mayHaveUpdate("@v:hs", new Set(["!a:hs"]), at(5, 2))).to.equal(false);
    expect(notifier.mayHaveUpdate("@v:hs", ["!b:hs"], at(0, 0))).to.equal(false);
    expect(notifier.mayHaveUpdate("@u:hs", [], at(5, 1))).to.equal(true);
    expect(notifier.mayHaveUpdate("@u:hs", [], at(5, 2))).to.equal(false);
  });

  it("emits a typed notify event with its origin", () => {
    const seen: [StreamName, number, NotifyTargets, NotifyOrigin][] = [];
    notifier.on("notify", (stream, position, targets, origin) => seen.push([stream, position, targets, origin]));
    notifier.notify("receipt", 4, { roomIds: ["!a:hs"] });
    notifier.notify("presence", 9, { userIds: ["@bob:hs"] }, "remote");
    expect(seen).to.deep.equal([
      ["receipt", 4, { roomIds: ["!a:hs"] }, "local"],
      ["presence", 9, { userIds: ["@bob:hs"] }, "remote"],
    ]);
  });

  it("close() resolves every pending wait with null", async () => {
    const a = wait("@alice:hs", ["!a:hs"]);
    const b = wait("@bob:hs", ["!a:hs", "!b:hs"]);
    notifier.close();
    expect(await a).to.equal(null);
    expect(await b).to.equal(null);
    expect(notifier.waiterCount).to.equal(0);
    expect(notifier.indexedKeyCount).to.equal(0);
  });

  it("wakes exactly the right waiters among 10,000 across 1,000 rooms, and keeps nothing afterwards", async () => {
    const rooms = Array.from({ length: 1000 }, (_, i) => `!room${i}:hs`);
    const waiters = Array.from({ length: 10_000 }, (_, i) => {
      // Every user is in three rooms; the room sets overlap across users.
      const memberOf = [i % 1000, (i * 7 + 3) % 1000, (i * 13 + 500) % 1000];
      return { memberOf, state: track(wait(`@user${i}:hs`, memberOf.map((r) => rooms[r] as string))) };
    });
    expect(notifier.waiterCount).to.equal(10_000);

    const notified = new Set<number>();
    const before = performance.now();
    for (let r = 0; r < 1000; r += 10) {
      notifier.notify("pdu", 1000 + r, { roomIds: [rooms[r] as string] });
      notified.add(r);
    }
    notifier.notify("toDevice", 50, { userIds: ["@user9999:hs"] });
    const elapsed = performance.now() - before;
    await flush();

    for (const [i, { memberOf, state }] of waiters.entries()) {
      const expected = memberOf.some((r) => notified.has(r)) || i === 9999;
      expect(state.settled, `user${i}`).to.equal(expected);
    }
    const woken = waiters.filter((w) => w.state.settled).length;
    expect(notifier.waiterCount).to.equal(10_000 - woken);
    expect(elapsed).to.be.lessThan(1000);

    // Wake everyone else; nothing may stay behind in the indexes.
    for (let r = 0; r < 1000; r++) notifier.notify("typing", 20 + r, { roomIds: [rooms[r] as string] });
    await flush();
    expect(waiters.every((w) => w.state.settled)).to.equal(true);
    expect(notifier.waiterCount).to.equal(0);
    expect(notifier.indexedKeyCount).to.equal(0);
  });

  it("remembers a bounded number of rooms, and a forgotten room wakes its waiter rather than miss", async () => {
    const small = new Notifier(start, { maxTrackedKeys: 2 });
    small.notify("pdu", 101, { roomIds: ["!a:hs"] });
    small.notify("pdu", 102, { roomIds: ["!b:hs"] });
    small.notify("pdu", 103, { roomIds: ["!c:hs"] }); // forgets !a:hs
    // !d:hs never had anything, but after forgetting !a:hs (pdu 101) the notifier cannot be sure.
    expect(await small.waitForUpdate({ userId: "@x:hs", roomIds: () => ["!d:hs"], since: start, timeoutMs: 0 })).to.not.equal(null);
    const unforgetting = new Notifier(start, { maxTrackedKeys: 3 });
    for (const [room, pdu] of [["!a:hs", 101], ["!b:hs", 102], ["!c:hs", 103]] as const) unforgetting.notify("pdu", pdu, { roomIds: [room] });
    expect(await unforgetting.waitForUpdate({ userId: "@x:hs", roomIds: () => ["!d:hs"], since: start, timeoutMs: 0 })).to.equal(null);
    // A room still remembered is judged exactly.
    const exact = start.withUpdates({ pdu: 103 });
    expect(await small.waitForUpdate({ userId: "@x:hs", roomIds: () => ["!c:hs"], since: exact, timeoutMs: 0 })).to.equal(null);
  });
});
