import { expect } from "chai";
import type { JsonObject } from "../../src/matrix/pdu-json.js";
import { AccountDataService } from "../../src/services/account-data.js";
import { AccountDataStore } from "../../src/storage/stores/account-data-store.js";
import { Notifier } from "../../src/sync/notifier.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { rejectionOf } from "./rejection-of.js";

withAllDatabases("AccountDataService", (getDb) => {
  let notifier: Notifier;
  let service: AccountDataService;

  beforeEach(async () => {
    notifier = new Notifier();
    service = new AccountDataService({ db: getDb(), store: new AccountDataStore(getDb()), notifier });
    await service.start();
  });

  it("stores global and room entries and moves the stream position on each write", async () => {
    expect(service.currentPosition()).to.equal(0);
    await service.setClientAccountData("@a:x", null, "org.example", { a: 1 });
    await service.setClientAccountData("@a:x", "!r:x", "org.example", { b: 2 });
    expect(service.currentPosition()).to.equal(2);
    expect(await service.getAccountData("@a:x", null, "org.example")).to.deep.equal({ a: 1 });
    expect(await service.getAccountData("@a:x", "!r:x", "org.example")).to.deep.equal({ b: 2 });
    const changes = await service.getAccountDataChangedSince("@a:x", 1);
    expect(changes.map((c) => [c.roomId, c.type])).to.deep.equal([["!r:x", "org.example"]]);
  });

  it("wakes the user's sync, and only theirs", async () => {
    const since = StreamToken.from({ accountData: service.currentPosition() });
    const mine = notifier.waitForUpdate({ userId: "@a:x", roomIds: () => [], since, timeoutMs: 5_000 });
    const theirs = notifier.waitForUpdate({ userId: "@b:x", roomIds: () => [], since, timeoutMs: 50 });
    await service.setClientAccountData("@a:x", null, "org.example", {});
    expect((await mine)?.accountData).to.equal(service.currentPosition());
    expect(await theirs).to.equal(null);
  });

  it("refuses the server-managed types through the client API with 405 M_BAD_JSON, but writes them internally", async () => {
    for (const type of ["m.fully_read", "m.push_rules"]) {
      expect(await rejectionOf(service.setClientAccountData("@a:x", null, type, {}))).to.include({ status: 405, errcode: "M_BAD_JSON" });
      expect(await rejectionOf(service.setClientAccountData("@a:x", "!r:x", type, {}))).to.include({ status: 405, errcode: "M_BAD_JSON" });
    }
    await service.setAccountData("@a:x", "!r:x", "m.fully_read", { event_id: "$e" });
    expect(await service.getAccountData("@a:x", "!r:x", "m.fully_read")).to.deep.equal({ event_id: "$e" });
  });

  it("validates m.ignored_user_list and serves the ignored set, updated on write", async () => {
    const bads: JsonObject[] = [{}, { ignored_users: [] }, { ignored_users: { "not-a-user": {} } }, { ignored_users: { "@b:x": true } }];
    for (const bad of bads) {
      expect(await rejectionOf(service.setClientAccountData("@a:x", null, "m.ignored_user_list", bad))).to.include({ status: 400, errcode: "M_BAD_JSON" });
    }
    expect([...(await service.getIgnoredUsers("@a:x"))]).to.deep.equal([]);
    await service.setClientAccountData("@a:x", null, "m.ignored_user_list", { ignored_users: { "@b:x": {}, "@c:y": {} } });
    expect([...(await service.getIgnoredUsers("@a:x"))].sort()).to.deep.equal(["@b:x", "@c:y"]);
    await service.setClientAccountData("@a:x", null, "m.ignored_user_list", { ignored_users: {} });
    expect([...(await service.getIgnoredUsers("@a:x"))]).to.deep.equal([]);
  });

  it("adds and removes tags in the m.tag room account data", async () => {
    await service.setTag("@a:x", "!r:x", "m.favourite", { order: 0.5 });
    await service.setTag("@a:x", "!r:x", "u.work", {});
    expect(await service.getTags("@a:x", "!r:x")).to.deep.equal({ "m.favourite": { order: 0.5 }, "u.work": {} });
    expect(await service.getAccountData("@a:x", "!r:x", "m.tag")).to.deep.equal({ tags: { "m.favourite": { order: 0.5 }, "u.work": {} } });
    const before = service.currentPosition();
    await service.removeTag("@a:x", "!r:x", "u.work");
    expect(service.currentPosition()).to.be.greaterThan(before);
    expect(await service.getTags("@a:x", "!r:x")).to.deep.equal({ "m.favourite": { order: 0.5 } });
    const after = service.currentPosition();
    await service.removeTag("@a:x", "!r:x", "u.absent");
    expect(service.currentPosition()).to.equal(after);
    expect(await service.getTags("@a:x", "!other:x")).to.deep.equal({});
  });

  it("loses no tag when many are added at once", async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => service.setTag("@a:x", "!r:x", `u.t${i}`, { order: i / 100 })));
    expect(Object.keys(await service.getTags("@a:x", "!r:x"))).to.have.length(12);
  });

  it("refuses tags over 255 bytes with M_INVALID_PARAM", async () => {
    expect(await rejectionOf(service.setTag("@a:x", "!r:x", `u.${"é".repeat(127)}`, {}))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
  });

  it("starts from the stored position after a restart", async () => {
    await service.setClientAccountData("@a:x", null, "t", {});
    const again = new AccountDataService({ db: getDb(), store: new AccountDataStore(getDb()), notifier });
    await again.start();
    expect(again.currentPosition()).to.equal(service.currentPosition());
  });

  it("serves the server's default for a global type never written, until it is written", async () => {
    const defaults = new Map([["m.push_rules", (userId: string) => ({ global: { for: userId } })]]);
    const withDefaults = new AccountDataService({ db: getDb(), store: new AccountDataStore(getDb()), notifier, serverDefaults: defaults });
    await withDefaults.start();
    await withDefaults.setClientAccountData("@a:x", null, "org.example", { a: 1 });
    expect(await withDefaults.getAccountData("@a:x", null, "m.push_rules")).to.deep.equal({ global: { for: "@a:x" } });
    expect(await withDefaults.getAccountData("@a:x", "!r:x", "m.push_rules")).to.equal(null);
    // An initial sync (from 0) gets it; an incremental one does not.
    const initial = await withDefaults.getAccountDataChangedSince("@a:x", 0);
    expect(initial.map((e) => [e.type, e.streamId])).to.deep.equal([["m.push_rules", 0], ["org.example", 1]]);
    expect((await withDefaults.getAccountDataChangedSince("@a:x", 1)).map((e) => e.type)).to.deep.equal([]);
    await withDefaults.setAccountData("@a:x", null, "m.push_rules", { global: { changed: true } });
    expect(await withDefaults.getAccountData("@a:x", null, "m.push_rules")).to.deep.equal({ global: { changed: true } });
    expect((await withDefaults.getAccountDataChangedSince("@a:x", 0)).map((e) => [e.type, e.content])).to.deep.equal([
      ["org.example", { a: 1 }],
      ["m.push_rules", { global: { changed: true } }],
    ]);
  });
});
