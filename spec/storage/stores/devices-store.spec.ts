import { expect } from "chai";
import { DevicesStore } from "../../../src/storage/stores/devices-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { AccessTokensStore } from "../../../src/storage/stores/access-tokens-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ALICE = "@alice:hs.test";

withAllDatabases("DevicesStore", (getDb) => {
  let devices: DevicesStore;
  beforeEach(async () => {
    devices = new DevicesStore(getDb());
    await runInTransaction(getDb(), (tx) => new UsersStore(getDb()).insertUser(tx, { userId: ALICE, localpart: "alice", createdTs: 1 }));
  });

  it("inserts devices, reusing an existing device ID instead of failing", async () => {
    await runInTransaction(getDb(), async (tx) => {
      expect(await devices.insertDevice(tx, { userId: ALICE, deviceId: "PHONE", displayName: "Phone" })).to.equal(true);
      expect(await devices.insertDevice(tx, { userId: ALICE, deviceId: "PHONE", displayName: "Other" })).to.equal(false);
      expect(await devices.insertDevice(tx, { userId: ALICE, deviceId: "LAPTOP", lastSeenTs: 5, lastSeenIp: "10.0.0.1" })).to.equal(true);
    });
    expect(await devices.selectDevice(ALICE, "PHONE")).to.deep.equal({ userId: ALICE, deviceId: "PHONE", displayName: "Phone", lastSeenTs: null, lastSeenIp: null });
    expect(await devices.selectDevicesByUser(ALICE)).to.deep.equal([
      { userId: ALICE, deviceId: "LAPTOP", displayName: null, lastSeenTs: 5, lastSeenIp: "10.0.0.1" },
      { userId: ALICE, deviceId: "PHONE", displayName: "Phone", lastSeenTs: null, lastSeenIp: null },
    ]);
    expect(await devices.selectDevice(ALICE, "NONE")).to.equal(null);
  });

  it("updates display name and last seen", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await devices.insertDevice(tx, { userId: ALICE, deviceId: "PHONE" });
      expect(await devices.updateDeviceDisplayName(tx, ALICE, "PHONE", "Mine")).to.equal(true);
      expect(await devices.updateDevicesLastSeen(tx, [{ userId: ALICE, deviceId: "PHONE", lastSeenTs: 1_700_000_000_123, lastSeenIp: "::1" }])).to.equal(1);
      expect(await devices.updateDeviceDisplayName(tx, ALICE, "NONE", "x")).to.equal(false);
    });
    expect(await devices.selectDevice(ALICE, "PHONE")).to.deep.equal({
      userId: ALICE, deviceId: "PHONE", displayName: "Mine", lastSeenTs: 1_700_000_000_123, lastSeenIp: "::1",
    });
  });

  it("updates many devices' last seen in one statement, skipping unknown devices", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await devices.insertDevice(tx, { userId: ALICE, deviceId: "A", lastSeenTs: 1, lastSeenIp: "10.0.0.9" });
      await devices.insertDevice(tx, { userId: ALICE, deviceId: "B" });
    });
    const changed = await runInTransaction(getDb(), (tx) =>
      devices.updateDevicesLastSeen(tx, [
        { userId: ALICE, deviceId: "A", lastSeenTs: 1_700_000_000_123, lastSeenIp: null },
        { userId: ALICE, deviceId: "B", lastSeenTs: 7, lastSeenIp: "::1" },
        { userId: ALICE, deviceId: "GONE", lastSeenTs: 8, lastSeenIp: "::1" },
      ]),
    );
    expect(changed).to.equal(2);
    expect(await devices.selectDevicesByUser(ALICE)).to.deep.equal([
      { userId: ALICE, deviceId: "A", displayName: null, lastSeenTs: 1_700_000_000_123, lastSeenIp: null },
      { userId: ALICE, deviceId: "B", displayName: null, lastSeenTs: 7, lastSeenIp: "::1" },
    ]);
    expect(await runInTransaction(getDb(), (tx) => devices.updateDevicesLastSeen(tx, []))).to.equal(0);
  });

  it("deleting devices deletes their access tokens", async () => {
    const tokens = new AccessTokensStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      for (const id of ["A", "B", "C"]) {
        await devices.insertDevice(tx, { userId: ALICE, deviceId: id });
        await tokens.insertAccessToken(tx, { token: `tok_${id}`, userId: ALICE, deviceId: id, validUntilMs: null });
      }
    });
    await runInTransaction(getDb(), async (tx) => {
      expect(await devices.deleteDevice(tx, ALICE, "A")).to.equal(true);
      expect(await devices.deleteDevice(tx, ALICE, "A")).to.equal(false);
      expect(await devices.deleteDevices(tx, ALICE, ["B", "nope"])).to.equal(1);
      expect(await devices.deleteDevices(tx, ALICE, [])).to.equal(0);
    });
    expect((await devices.selectDevicesByUser(ALICE)).map((d) => d.deviceId)).to.deep.equal(["C"]);
    expect(await tokens.selectAccessToken("tok_A")).to.equal(null);
    expect(await tokens.selectAccessToken("tok_B")).to.equal(null);
    expect((await tokens.selectAccessToken("tok_C"))?.deviceId).to.equal("C");
  });
});
