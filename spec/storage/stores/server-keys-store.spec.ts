import { expect } from "chai";
import { ServerKeysStore, type RemoteServerKey } from "../../../src/storage/stores/server-keys-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

function key(keyId: string, overrides: Partial<RemoteServerKey> = {}): RemoteServerKey {
  return { serverName: "remote.test", keyId, publicKey: `pk-${keyId}`, validUntilTs: 1000, expiredTs: null, fetchedTs: 10, ...overrides };
}

withAllDatabases("ServerKeysStore", (getDb) => {
  let store: ServerKeysStore;
  beforeEach(() => {
    store = new ServerKeysStore(getDb());
  });

  it("keeps our old verify keys, first expiry wins", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await store.insertOldVerifyKey(tx, { keyId: "ed25519:old", publicKey: "AAA", expiredTs: 1_600_000_000_000 });
      await store.insertOldVerifyKey(tx, { keyId: "ed25519:old", publicKey: "AAA", expiredTs: 5 });
      await store.insertOldVerifyKey(tx, { keyId: "ed25519:older", publicKey: "BBB", expiredTs: 7 });
    });
    expect(await store.selectOldVerifyKeys()).to.deep.equal([
      { keyId: "ed25519:old", publicKey: "AAA", expiredTs: 1_600_000_000_000 },
      { keyId: "ed25519:older", publicKey: "BBB", expiredTs: 7 },
    ]);
  });

  it("stores fetched keys and selects them by server and key ID", async () => {
    await runInTransaction(getDb(), (tx) =>
      store.upsertRemoteServerKeys(tx, [key("ed25519:a"), key("ed25519:b"), key("ed25519:a", { serverName: "other.test" })]),
    );
    expect(await store.selectRemoteServerKeys("remote.test")).to.deep.equal([key("ed25519:a"), key("ed25519:b")]);
    expect(await store.selectRemoteServerKeys("remote.test", ["ed25519:b", "ed25519:zz"])).to.deep.equal([key("ed25519:b")]);
    expect(await store.selectRemoteServerKeys("nobody.test")).to.deep.equal([]);
  });

  it("a refetch never shortens validity and never un-expires a key", async () => {
    await runInTransaction(getDb(), (tx) => store.upsertRemoteServerKeys(tx, [key("ed25519:a", { validUntilTs: 5000, expiredTs: 4000 })]));
    await runInTransaction(getDb(), (tx) =>
      store.upsertRemoteServerKeys(tx, [key("ed25519:a", { validUntilTs: 3000, fetchedTs: 20 }), key("ed25519:a", { validUntilTs: 3500, fetchedTs: 30 })]),
    );
    expect(await store.selectRemoteServerKeys("remote.test")).to.deep.equal([key("ed25519:a", { validUntilTs: 5000, expiredTs: 4000, fetchedTs: 30 })]);
    await runInTransaction(getDb(), (tx) => store.upsertRemoteServerKeys(tx, [key("ed25519:a", { validUntilTs: 9000, publicKey: "new", fetchedTs: 40 })]));
    expect(await store.selectRemoteServerKeys("remote.test")).to.deep.equal([
      key("ed25519:a", { validUntilTs: 9000, expiredTs: 4000, publicKey: "new", fetchedTs: 40 }),
    ]);
  });

  it("selects the keys valid at a timestamp: current keys until valid_until_ts, old ones until expired_ts", async () => {
    await runInTransaction(getDb(), (tx) =>
      store.upsertRemoteServerKeys(tx, [
        key("ed25519:current", { validUntilTs: 2000 }),
        key("ed25519:old", { validUntilTs: 9999, expiredTs: 1000 }),
      ]),
    );
    const ids = async (ts: number) =>
      (await store.selectRemoteServerKeysValidAt("remote.test", ["ed25519:current", "ed25519:old", "ed25519:none"], ts)).map((k) => k.keyId);
    expect(await ids(500)).to.deep.equal(["ed25519:current", "ed25519:old"]);
    expect(await ids(1500)).to.deep.equal(["ed25519:current"]);
    expect(await ids(2000)).to.deep.equal(["ed25519:current"]);
    expect(await ids(2001)).to.deep.equal([]);
  });
});
