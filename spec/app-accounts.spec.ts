/**
 * The account services as app-accounts.ts wires them: what the server's stop path (close) must
 * not lose, and the hooks between sessions, devices and the token cache.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { buildAccountServices } from "../src/app-accounts.js";
import type { Config } from "../src/config/config.js";
import { generateConfig } from "../src/config/generate-config.js";
import { loadConfig } from "../src/config/load-config.js";
import { DevicesStore } from "../src/storage/stores/devices-store.js";
import { UsersStore } from "../src/storage/stores/users-store.js";
import { runInTransaction } from "../src/storage/transaction.js";
import { withAllDatabases } from "./helpers/with-all-databases.js";

const ALICE = "@alice:example.org";

withAllDatabases("app-accounts: account services", (getDb) => {
  let dir: string;
  let config: Config;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "hearth-accounts-"));
    generateConfig({ serverName: "example.org", outPath: join(dir, "config.yaml"), dataDir: join(dir, "data") });
    config = loadConfig(join(dir, "config.yaml"));
    await runInTransaction(getDb(), (tx) => new UsersStore(getDb()).insertUser(tx, { userId: ALICE, localpart: "alice", createdTs: 1 }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("close() writes the devices' buffered last-seen times (the server's stop path)", async () => {
    const accounts = buildAccountServices(config, getDb());
    const session = await accounts.sessions.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ip: "10.0.0.1" });
    await accounts.accessTokenAuth.authenticate(session.accessToken, "10.0.0.2");
    const store = new DevicesStore(getDb());
    expect((await store.selectDevice(ALICE, session.deviceId))?.lastSeenIp).to.equal("10.0.0.1");
    await accounts.close();
    expect((await store.selectDevice(ALICE, session.deviceId))?.lastSeenIp).to.equal("10.0.0.2");
  });

  it("a session's first request from the address it started at writes nothing", async () => {
    const accounts = buildAccountServices(config, getDb());
    const session = await accounts.sessions.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ip: "10.0.0.1" });
    await accounts.accessTokenAuth.authenticate(session.accessToken, "10.0.0.1");
    const store = new DevicesStore(getDb());
    const before = await store.selectDevice(ALICE, session.deviceId);
    await runInTransaction(getDb(), (tx) => store.updateDevicesLastSeen(tx, [{ userId: ALICE, deviceId: session.deviceId, lastSeenTs: 1, lastSeenIp: "sentinel" }]));
    await accounts.close();
    expect(await store.selectDevice(ALICE, session.deviceId)).to.include({ lastSeenTs: 1, lastSeenIp: "sentinel" });
    expect(before?.lastSeenIp).to.equal("10.0.0.1");
  });
});
