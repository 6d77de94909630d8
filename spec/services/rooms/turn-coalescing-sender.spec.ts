import { expect } from "chai";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import type { LocalEventRequest, PersistedEvent } from "../../../src/services/rooms/event-persister-types.js";
import { TurnCoalescingSender } from "../../../src/services/rooms/turn-coalescing-sender.js";
import { closeTestDatabase, openTestDatabase } from "../../helpers/with-all-databases.js";
import { createPublicRoom, LOCAL_ALICE, makePersister } from "./event-persister-fixture.js";

const message = (body: string): LocalEventRequest => ({ roomId: "!r:hs.test", sender: LOCAL_ALICE, type: "m.room.message", content: { msgtype: "m.text", body } });

/** Runs `fn` from `count` separate callbacks of one turn of the event loop, as requests read from different sockets are. */
function fromSeparateCallbacks<T>(count: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise<T>((resolve, reject) => setImmediate(() => fn(i).then(resolve, reject)))));
}

describe("TurnCoalescingSender", () => {
  it("hands the sends of one turn to the persister together, after that turn's callbacks", async () => {
    const calls: string[] = [];
    const sender = new TurnCoalescingSender({
      sendLocalEvent: async (request) => {
        calls.push(`send ${(request.content as { body: string }).body}`);
        return { deduplicated: false, streamOrdering: calls.length } as unknown as PersistedEvent;
      },
    });
    const results = fromSeparateCallbacks(3, (i) => {
      calls.push(`callback ${i}`);
      return sender.sendLocalEvent(message(String(i)));
    });
    expect((await results).map((r) => r.streamOrdering)).to.deep.equal([4, 5, 6]);
    expect(calls).to.deep.equal(["callback 0", "callback 1", "callback 2", "send 0", "send 1", "send 2"]);
  });

  it("passes each send's own refusal back to it", async () => {
    const sender = new TurnCoalescingSender({
      sendLocalEvent: async (request) => {
        if ((request.content as { body: string }).body === "bad") throw new MatrixError(403, ErrCode.Forbidden, "no");
        return { deduplicated: false } as unknown as PersistedEvent;
      },
    });
    const [good, bad] = await Promise.allSettled([sender.sendLocalEvent(message("good")), sender.sendLocalEvent(message("bad"))]);
    expect(good.status).to.equal("fulfilled");
    expect(bad.status === "rejected" && (bad.reason as MatrixError).errcode).to.equal(ErrCode.Forbidden);
  });

  // On SQLite a persister batch runs to its commit without waiting for I/O, so without the
  // coalescer each of these sends takes a transaction of its own (one notification each).
  it("makes sends arriving in separate callbacks of one turn share one persister batch (SQLite)", async () => {
    const db = await openTestDatabase("sqlite");
    try {
      const { persister, notifications } = makePersister(db);
      const roomId = await createPublicRoom(persister);
      const send = (via: Pick<TurnCoalescingSender, "sendLocalEvent">, i: number) =>
        via.sendLocalEvent({ ...message(`m${i}`), roomId, txn: { deviceId: "DEV", txnId: `t${i}` } });

      const before = notifications.length;
      const sender = new TurnCoalescingSender(persister);
      const sent = await fromSeparateCallbacks(5, (i) => send(sender, 10 + i));
      expect(notifications.length - before, "through the coalescer").to.equal(1);
      expect(new Set(sent.map((s) => s.pdu.eventId)).size).to.equal(5);
    } finally {
      await closeTestDatabase(db);
    }
  });
});
