import { expect } from "chai";
import { AccountDataService } from "../../../src/services/account-data.js";
import { ReceiptsService } from "../../../src/services/ephemeral/receipts.js";
import { AccountDataStore } from "../../../src/storage/stores/account-data-store.js";
import { ReceiptsStore } from "../../../src/storage/stores/receipts-store.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejectionOf } from "../rejection-of.js";

const ROOM = "!room:x";
/** Events of ROOM with their stream orderings. */
const EVENTS = new Map([["$1", 1], ["$2", 2], ["$3", 3]]);

withAllDatabases("ReceiptsService", (getDb) => {
  let notifier: Notifier;
  let accountData: AccountDataService;
  let receipts: ReceiptsService;

  beforeEach(async () => {
    notifier = new Notifier();
    accountData = new AccountDataService({ db: getDb(), store: new AccountDataStore(getDb()), notifier });
    receipts = new ReceiptsService({
      db: getDb(),
      store: new ReceiptsStore(getDb()),
      notifier,
      accountData,
      isJoined: async (userId, roomId) => roomId === ROOM && userId !== "@outsider:x",
      eventPosition: async (roomId, eventId) => (roomId === ROOM ? (EVENTS.get(eventId) ?? null) : null),
      now: () => 1234,
    });
    await receipts.start();
  });

  it("builds the m.receipt content of receipts since a position, threaded ones with thread_id", async () => {
    const start = receipts.currentPosition();
    await receipts.sendReceipt("@a:x", ROOM, "m.read", "$2", undefined);
    await receipts.sendReceipt("@b:x", ROOM, "m.read", "$2", "main");
    await receipts.sendReceipt("@b:x", ROOM, "m.read", "$3", "$1");
    expect(receipts.currentPosition()).to.equal(start + 3);
    const events = await receipts.getReceiptsSince([ROOM, "!other:x"], start, "@c:x");
    expect([...events.keys()]).to.deep.equal([ROOM]);
    expect(events.get(ROOM)).to.deep.equal({
      type: "m.receipt",
      content: {
        $2: { "m.read": { "@a:x": { ts: 1234 }, "@b:x": { ts: 1234, thread_id: "main" } } },
        $3: { "m.read": { "@b:x": { ts: 1234, thread_id: "$1" } } },
      },
    });
    expect((await receipts.getReceiptsSince([ROOM], start + 2, "@c:x")).get(ROOM)?.content).to.deep.equal({
      $3: { "m.read": { "@b:x": { ts: 1234, thread_id: "$1" } } },
    });
  });

  it("shows private receipts to their owner only, and wakes only the owner", async () => {
    const since = StreamToken.from({ receipt: receipts.currentPosition() });
    const owner = notifier.waitForUpdate({ userId: "@a:x", roomIds: () => [], since, timeoutMs: 5_000 });
    const other = notifier.waitForUpdate({ userId: "@b:x", roomIds: () => [ROOM], since, timeoutMs: 50 });
    await receipts.sendReceipt("@a:x", ROOM, "m.read.private", "$2", undefined);
    expect((await owner)?.receipt).to.equal(receipts.currentPosition());
    expect(await other).to.equal(null);
    expect((await receipts.getReceiptsSince([ROOM], since.receipt, "@a:x")).get(ROOM)?.content).to.deep.equal({ $2: { "m.read.private": { "@a:x": { ts: 1234 } } } });
    expect((await receipts.getReceiptsSince([ROOM], since.receipt, "@b:x")).size).to.equal(0);
  });

  it("wakes the room's members for a public receipt", async () => {
    const since = StreamToken.from({ receipt: receipts.currentPosition() });
    const member = notifier.waitForUpdate({ userId: "@b:x", roomIds: () => [ROOM], since, timeoutMs: 5_000 });
    await receipts.sendReceipt("@a:x", ROOM, "m.read", "$1", undefined);
    expect((await member)?.receipt).to.equal(receipts.currentPosition());
  });

  it("only moves receipts forward", async () => {
    await receipts.sendReceipt("@a:x", ROOM, "m.read", "$3", undefined);
    const position = receipts.currentPosition();
    await receipts.sendReceipt("@a:x", ROOM, "m.read", "$1", undefined);
    await receipts.sendReceipt("@a:x", ROOM, "m.read", "$3", undefined);
    expect((await receipts.getReceiptsSince([ROOM], 0, "@a:x")).get(ROOM)?.content).to.deep.equal({ $3: { "m.read": { "@a:x": { ts: 1234 } } } });
    expect((await receipts.getReceiptsSince([ROOM], position, "@a:x")).size).to.equal(0);
  });

  it("validates receipt type, thread_id, membership and the event", async () => {
    expect(await rejectionOf(receipts.sendReceipt("@a:x", ROOM, "m.unread", "$1", undefined))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
    expect(await rejectionOf(receipts.sendReceipt("@a:x", ROOM, "m.read", "$1", ""))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
    expect(await rejectionOf(receipts.sendReceipt("@a:x", ROOM, "m.read", "$1", 5))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
    expect(await rejectionOf(receipts.sendReceipt("@a:x", ROOM, "m.fully_read", "$1", "main"))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
    expect(await rejectionOf(receipts.sendReceipt("@outsider:x", ROOM, "m.read", "$1", undefined))).to.include({ status: 403, errcode: "M_FORBIDDEN" });
    expect(await rejectionOf(receipts.sendReceipt("@a:x", ROOM, "m.read", "$unknown", undefined))).to.include({ status: 404, errcode: "M_NOT_FOUND" });
  });

  it("sets the fully read marker as room account data, forward only, and read receipts with it", async () => {
    await receipts.setReadMarkers("@a:x", ROOM, { fullyRead: "$2", read: "$3", readPrivate: "$3" });
    expect(await accountData.getAccountData("@a:x", ROOM, "m.fully_read")).to.deep.equal({ event_id: "$2" });
    const content = (await receipts.getReceiptsSince([ROOM], 0, "@a:x")).get(ROOM)?.content;
    expect(content).to.deep.equal({ $3: { "m.read": { "@a:x": { ts: 1234 } }, "m.read.private": { "@a:x": { ts: 1234 } } } });
    await receipts.sendReceipt("@a:x", ROOM, "m.fully_read", "$1", undefined);
    expect(await accountData.getAccountData("@a:x", ROOM, "m.fully_read")).to.deep.equal({ event_id: "$2" });
    await receipts.sendReceipt("@a:x", ROOM, "m.fully_read", "$3", undefined);
    expect(await accountData.getAccountData("@a:x", ROOM, "m.fully_read")).to.deep.equal({ event_id: "$3" });
  });
});
