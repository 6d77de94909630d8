import { expect } from "chai";
import { DeviceService } from "../../../src/services/users/device-service.js";
import { MatrixError } from "../../../src/matrix/errors.js";
import { DevicesStore } from "../../../src/storage/stores/devices-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ALICE = "@alice:hs.test";

withAllDatabases("DeviceService", (getDb) => {
  let now: number;
  let store: DevicesStore;
  let service: DeviceService;

  beforeEach(async () => {
    now = 5000;
    store = new DevicesStore(getDb());
    service = new DeviceService({ db: getDb(), devices: store, now: () => now, flushDelayMs: 60_000 });
    await runInTransaction(getDb(), async (tx) => {
      await new UsersStore(getDb()).insertUser(tx, { userId: ALICE, localpart: "alice", createdTs: 1 });
      await store.insertDevice(tx, { userId: ALICE, deviceId: "A", displayName: "Phone" });
      await store.insertDevice(tx, { userId: ALICE, deviceId: "B" });
    });
  });

  const errcode = async (promise: Promise<unknown>) => promise.then(() => null, (err: unknown) => (err instanceof MatrixError ? err.errcode : String(err)));

  it("lists and gets devices; an unknown one is M_NOT_FOUND", async () => {
    expect((await service.listDevices(ALICE)).map((d) => d.deviceId)).to.deep.equal(["A", "B"]);
    expect((await service.getDevice(ALICE, "A")).displayName).to.equal("Phone");
    expect(await errcode(service.getDevice(ALICE, "Z"))).to.equal("M_NOT_FOUND");
    expect(await errcode(service.getDevice("@bob:hs.test", "A"))).to.equal("M_NOT_FOUND");
  });

  it("renames a device, leaves it alone without a name, and refuses unknown ones", async () => {
    await service.renameDevice(ALICE, "B", "Tablet");
    await service.renameDevice(ALICE, "B", undefined);
    expect((await service.getDevice(ALICE, "B")).displayName).to.equal("Tablet");
    expect(await errcode(service.renameDevice(ALICE, "Z", "x"))).to.equal("M_NOT_FOUND");
    expect(await errcode(service.renameDevice(ALICE, "Z", undefined))).to.equal("M_NOT_FOUND");
  });

  it("deletes the devices that exist", async () => {
    await service.deleteDevices(ALICE, ["A", "NOPE"]);
    await service.deleteDevices(ALICE, []);
    expect((await service.listDevices(ALICE)).map((d) => d.deviceId)).to.deep.equal(["B"]);
  });

  it("buffers last-seen updates, shows them at once, and writes them on flush", async () => {
    service.noteActivity(ALICE, "A", "10.0.0.1");
    expect(await service.getDevice(ALICE, "A")).to.include({ lastSeenTs: 5000, lastSeenIp: "10.0.0.1" });
    expect(await store.selectDevice(ALICE, "A")).to.include({ lastSeenTs: null });
    await service.flushActivity();
    expect(await store.selectDevice(ALICE, "A")).to.include({ lastSeenTs: 5000, lastSeenIp: "10.0.0.1" });
  });

  it("notes a device again only after a minute, or at once from a new address", async () => {
    service.noteActivity(ALICE, "A", "10.0.0.1");
    now += 30_000;
    service.noteActivity(ALICE, "A", "10.0.0.1");
    expect((await service.getDevice(ALICE, "A")).lastSeenTs).to.equal(5000);
    service.noteActivity(ALICE, "A", "10.0.0.2");
    expect(await service.getDevice(ALICE, "A")).to.include({ lastSeenTs: 35_000, lastSeenIp: "10.0.0.2" });
    now += 60_000;
    service.noteActivity(ALICE, "A", "10.0.0.2");
    expect((await service.getDevice(ALICE, "A")).lastSeenTs).to.equal(95_000);
  });

  it("writes the activity of many requests and devices in one statement, visible in the table after the flush", async () => {
    const statements: number[] = [];
    const spy = Object.create(store) as DevicesStore;
    spy.updateDevicesLastSeen = async (tx, rows) => (statements.push(rows.length), store.updateDevicesLastSeen(tx, rows));
    const spied = new DeviceService({ db: getDb(), devices: spy, now: () => now, flushDelayMs: 60_000 });
    for (let i = 0; i < 50; i++) {
      spied.noteActivity(ALICE, "A", "10.0.0.1");
      spied.noteActivity(ALICE, "B", "10.0.0.2");
      now += 10;
    }
    expect(statements).to.deep.equal([]);
    await spied.flushActivity();
    expect(statements).to.deep.equal([2]);
    expect(await store.selectDevice(ALICE, "A")).to.include({ lastSeenTs: 5000, lastSeenIp: "10.0.0.1" });
    expect(await store.selectDevice(ALICE, "B")).to.include({ lastSeenTs: 5000, lastSeenIp: "10.0.0.2" });
  });

  it("does not write again for a request from the address a session just started at", async () => {
    const statements: number[] = [];
    const spy = Object.create(store) as DevicesStore;
    spy.updateDevicesLastSeen = async (tx, rows) => (statements.push(rows.length), store.updateDevicesLastSeen(tx, rows));
    const spied = new DeviceService({ db: getDb(), devices: spy, now: () => now, flushDelayMs: 60_000 });
    spied.noteSessionStart(ALICE, "A", now, "10.0.0.1");
    now += 1000;
    spied.noteActivity(ALICE, "A", "10.0.0.1");
    await spied.flushActivity();
    expect(statements).to.deep.equal([]);
    spied.noteActivity(ALICE, "A", "10.0.0.3");
    await spied.flushActivity();
    expect(statements).to.deep.equal([1]);
    expect(await store.selectDevice(ALICE, "A")).to.include({ lastSeenTs: 6000, lastSeenIp: "10.0.0.3" });
  });

  it("flushes by itself after the delay", async () => {
    const quick = new DeviceService({ db: getDb(), devices: store, now: () => now, flushDelayMs: 5 });
    quick.noteActivity(ALICE, "B", null);
    for (let i = 0; i < 100 && (await store.selectDevice(ALICE, "B"))?.lastSeenTs !== 5000; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await store.selectDevice(ALICE, "B"))?.lastSeenTs).to.equal(5000);
  });

  it("drops buffered activity of deleted devices, and logs a failed write instead of throwing", async () => {
    const written: string[] = [];
    const spy = Object.create(store) as DevicesStore;
    spy.updateDevicesLastSeen = async (tx, rows) => (written.push(...rows.map((r) => r.deviceId)), store.updateDevicesLastSeen(tx, rows));
    const spied = new DeviceService({ db: getDb(), devices: spy, now: () => now, flushDelayMs: 60_000 });
    spied.noteActivity(ALICE, "A", "10.0.0.1");
    spied.noteActivity(ALICE, "B", "10.0.0.1");
    await spied.deleteDevices(ALICE, ["A"]);
    await spied.flushActivity();
    expect(written).to.deep.equal(["B"]);
    const warnings: unknown[] = [];
    const failing = new DeviceService({
      db: getDb(),
      devices: { ...store, updateDevicesLastSeen: async () => Promise.reject(new Error("disk full")), selectDevice: store.selectDevice.bind(store) } as unknown as DevicesStore,
      logger: { warn: (obj: unknown) => void warnings.push(obj) } as never,
      flushDelayMs: 60_000,
    });
    failing.noteActivity(ALICE, "B", null);
    await failing.flushActivity();
    expect(warnings).to.have.length(1);
  });
});
