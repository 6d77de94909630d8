import { expect } from "chai";
import { Notifier } from "../../src/sync/notifier.js";
import { RedisNotifierBridge } from "../../src/sync/redis-notifier-bridge.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import { FakeBus, FakeClient } from "../helpers/fake-pubsub.js";

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("RedisNotifierBridge (in-memory pub/sub; the real-Redis suite below is registered only when HEARTH_TEST_REDIS_URL is set)", () => {
  let bus: FakeBus;
  let one: Notifier;
  let two: Notifier;
  let bridges: RedisNotifierBridge[];
  let errors: Error[];

  beforeEach(async () => {
    bus = new FakeBus();
    one = new Notifier();
    two = new Notifier();
    errors = [];
    const options = (processId: string) => ({ processId, onError: (err: Error) => errors.push(err) });
    bridges = [
      await RedisNotifierBridge.attach(one, new FakeClient(bus), new FakeClient(bus), options("one")),
      await RedisNotifierBridge.attach(two, new FakeClient(bus), new FakeClient(bus), options("two")),
    ];
  });

  afterEach(async () => {
    for (const bridge of bridges) await bridge.close();
    one.close();
    two.close();
  });

  it("wakes a waiter in the other process", async () => {
    const waiting = two.waitForUpdate({ userId: "@a:hs", roomIds: () => ["!r:hs"], since: StreamToken.ZERO, timeoutMs: 5000 });
    one.notify("pdu", 7, { roomIds: ["!r:hs"] });
    expect((await waiting)?.pdu).to.equal(7);
    expect(two.currentToken().pdu).to.equal(7);
  });

  it("applies each notification once per process and never echoes remote ones back", async () => {
    const seenByOne: string[] = [];
    const seenByTwo: string[] = [];
    one.on("notify", (stream, position, _targets, origin) => seenByOne.push(`${stream}:${position}:${origin}`));
    two.on("notify", (stream, position, _targets, origin) => seenByTwo.push(`${stream}:${position}:${origin}`));
    one.notify("toDevice", 3, { userIds: ["@a:hs"] });
    await settle();
    expect(seenByOne).to.deep.equal(["toDevice:3:local"]);
    expect(seenByTwo).to.deep.equal(["toDevice:3:remote"]);
    expect(bus.published).to.have.length(1);
    expect(JSON.parse(bus.published[0] as string)).to.deep.equal({ o: "one", s: "toDevice", p: 3, u: ["@a:hs"] });
  });

  it("carries room and user targets", async () => {
    const byRoom = two.waitForUpdate({ userId: "@x:hs", roomIds: () => ["!r:hs"], since: StreamToken.ZERO, timeoutMs: 5000 });
    const byUser = two.waitForUpdate({ userId: "@y:hs", roomIds: () => [], since: StreamToken.ZERO, timeoutMs: 5000 });
    one.notify("pdu", 9, { roomIds: ["!r:hs"], userIds: ["@y:hs"] });
    expect((await byRoom)?.pdu).to.equal(9);
    expect((await byUser)?.pdu).to.equal(9);
  });

  it("reports malformed messages and ignores them", async () => {
    const subscriber = new FakeClient(bus);
    await subscriber.subscribe("hearth:notifier");
    for (const bad of ["not json", '{"o":"x","s":"bogus","p":1}', '{"o":"x","s":"pdu","p":-1}', '{"o":"x","s":"pdu","p":1,"r":[1]}', '{"s":"pdu","p":1}']) {
      await subscriber.publish("hearth:notifier", bad);
    }
    await settle();
    expect(errors).to.have.length(10); // five messages, two receiving bridges
    expect(one.currentToken().toString()).to.equal(StreamToken.ZERO.toString());
  });

  it("stops relaying in both directions after close()", async () => {
    await bridges[0]?.close();
    one.notify("pdu", 4);
    await settle();
    expect(two.currentToken().pdu).to.equal(0);
    two.notify("pdu", 5);
    await settle();
    expect(one.currentToken().pdu).to.equal(4);
  });
});

const redisUrl = process.env.HEARTH_TEST_REDIS_URL;
describe(`RedisNotifierBridge against a real Redis (${redisUrl === undefined ? "not registered: HEARTH_TEST_REDIS_URL is not set" : redisUrl})`, () => {
  if (redisUrl === undefined) return;

  it("a notify in one process wakes a waiter in another", async () => {
    const channel = `hearth:test:${process.pid}:${Date.now()}`;
    const one = new Notifier();
    const two = new Notifier();
    const a = await RedisNotifierBridge.connect(one, redisUrl, { channel });
    const b = await RedisNotifierBridge.connect(two, redisUrl, { channel });
    try {
      const echoes: string[] = [];
      one.on("notify", (_s, _p, _t, origin) => echoes.push(origin));
      const waiting = two.waitForUpdate({ userId: "@a:hs", roomIds: () => ["!r:hs"], since: StreamToken.ZERO, timeoutMs: 5000 });
      const before = performance.now();
      one.notify("pdu", 42, { roomIds: ["!r:hs"] });
      const token = await waiting;
      expect(token?.pdu).to.equal(42);
      expect(performance.now() - before).to.be.lessThan(1000);
      // The reverse direction, and no echo of one's own message back into one.
      const back = one.waitForUpdate({ userId: "@b:hs", roomIds: () => [], since: StreamToken.ZERO, timeoutMs: 5000 });
      two.notify("accountData", 3, { userIds: ["@b:hs"] });
      expect((await back)?.accountData).to.equal(3);
      expect(echoes).to.deep.equal(["local", "remote"]);
    } finally {
      await a.close();
      await b.close();
      one.close();
      two.close();
    }
  });
});
