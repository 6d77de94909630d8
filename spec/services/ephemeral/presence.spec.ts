import { expect } from "chai";
import { PresenceService, type PresenceServiceDeps } from "../../../src/services/ephemeral/presence.js";
import { PresenceStore } from "../../../src/storage/stores/presence-store.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { FakeClock } from "./fake-clock.js";
import { rejectionOf } from "../rejection-of.js";

withAllDatabases("PresenceService", (getDb) => {
  let clock: FakeClock;
  let notifier: Notifier;
  let services: PresenceService[];

  beforeEach(() => {
    clock = new FakeClock();
    notifier = new Notifier();
    services = [];
  });
  afterEach(async () => {
    for (const service of services) await service.close();
  });

  async function start(extra: Partial<PresenceServiceDeps> = {}): Promise<PresenceService> {
    const service = new PresenceService({
      db: getDb(),
      store: new PresenceStore(getDb()),
      notifier,
      clock,
      idleTimeoutMs: 300_000,
      offlineTimeoutMs: 90_000,
      sweepIntervalMs: 1_000,
      ...extra,
    });
    await service.start();
    services.push(service);
    return service;
  }

  it("sets presence and status message, reads it back with last_active_ago", async () => {
    const presence = await start();
    await presence.setPresence("@a:x", "online", "here");
    await clock.advance(1_500);
    expect(await presence.getPresence("@a:x", "@a:x")).to.deep.equal({
      presence: "online", status_msg: "here", last_active_ago: 1_500, currently_active: true,
    });
    await presence.setPresence("@a:x", "unavailable", null);
    expect(await presence.getPresence("@a:x", "@a:x")).to.deep.equal({ presence: "unavailable", last_active_ago: 1_500, currently_active: false });
  });

  it("refuses an unknown state with M_INVALID_PARAM", async () => {
    const presence = await start();
    expect(await rejectionOf(presence.setPresence("@a:x", "busy", null))).to.include({ errcode: "M_INVALID_PARAM", status: 400 });
  });

  it("reports users who never set presence as offline", async () => {
    const presence = await start();
    expect(await presence.getPresence("@a:x", "@a:x")).to.deep.equal({ presence: "offline" });
  });

  it("shows presence only to users sharing a room (default: nobody else)", async () => {
    const alone = await start();
    await alone.setPresence("@a:x", "online", null);
    expect(await rejectionOf(alone.getPresence("@b:x", "@a:x"))).to.include({ errcode: "M_FORBIDDEN", status: 403 });
    const shared = await start({ usersSharingRoomWith: async (userId) => [userId, "@b:x"] });
    expect((await shared.getPresence("@b:x", "@a:x")).presence).to.equal("online");
    expect(await rejectionOf(shared.getPresence("@c:x", "@a:x"))).to.include({ errcode: "M_FORBIDDEN" });
  });

  it("gives each visible change a new presence position and wakes the users who can see it", async () => {
    const presence = await start({ usersSharingRoomWith: async (userId) => [userId, "@b:x"] });
    const since = StreamToken.from({ presence: presence.currentPosition() });
    const woken = notifier.waitForUpdate({ userId: "@b:x", roomIds: () => [], since, timeoutMs: 5_000 });
    await presence.setPresence("@a:x", "online", null);
    const p1 = presence.currentPosition();
    expect((await woken)?.presence).to.equal(p1);
    expect(p1).to.be.greaterThan(since.presence);

    // The same state again is no change: no new position.
    await presence.setPresence("@a:x", "online", null);
    expect(presence.currentPosition()).to.equal(p1);
    await presence.setPresence("@a:x", "online", "busy");
    expect(presence.currentPosition()).to.be.greaterThan(p1);

    const events = await presence.getPresenceChangesSince(["@a:x", "@c:x"], since.presence);
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ type: "m.presence", sender: "@a:x" });
    expect(events[0]!.content).to.include({ presence: "online", status_msg: "busy" });
    expect(await presence.getPresenceChangesSince(["@a:x"], presence.currentPosition())).to.deep.equal([]);
  });

  it("turns an idle online user unavailable, and activity brings them back online", async () => {
    const presence = await start({ offlineTimeoutMs: 10 * 60_000 });
    await presence.setPresence("@a:x", "online", null);
    await clock.advance(299_000);
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("online");
    await clock.advance(3_000);
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("unavailable");
    await presence.bumpActivity("@a:x");
    expect(await presence.getPresence("@a:x", "@a:x")).to.include({ presence: "online", last_active_ago: 0 });
  });

  it("reports a user offline once they stop syncing, and a sync brings them back", async () => {
    const presence = await start();
    await presence.setPresenceFromSync("@a:x", "online");
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("online");
    await clock.advance(60_000);
    await presence.setPresenceFromSync("@a:x", "online");
    await clock.advance(60_000);
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("online");
    await clock.advance(32_000);
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("offline");
    await presence.setPresenceFromSync("@a:x", "online");
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("online");
  });

  it("follows set_presence: online does not override unavailable, offline changes nothing", async () => {
    const presence = await start();
    await presence.setPresenceFromSync("@a:x", "offline");
    expect((await presence.getPresence("@a:x", "@a:x")).presence).to.equal("offline");
    await presence.setPresence("@a:x", "unavailable", "away");
    await presence.setPresenceFromSync("@a:x", "online");
    expect(await presence.getPresence("@a:x", "@a:x")).to.include({ presence: "unavailable", status_msg: "away" });
    await presence.setPresenceFromSync("@b:x", "unavailable");
    expect((await presence.getPresence("@b:x", "@b:x")).presence).to.equal("unavailable");
  });

  it("keeps the last state across a restart and times it out afterwards", async () => {
    const first = await start();
    await first.setPresence("@a:x", "online", "hi");
    await first.close();
    const second = await start();
    expect(second.currentPosition()).to.equal(first.currentPosition());
    expect(await second.getPresence("@a:x", "@a:x")).to.include({ presence: "online", status_msg: "hi" });
    await clock.advance(91_000);
    expect((await second.getPresence("@a:x", "@a:x")).presence).to.equal("offline");
  });

  it("includes display name and avatar, and touch() re-sends presence at a new position", async () => {
    const presence = await start({
      profiles: async (userIds) => new Map(userIds.map((id) => [id, { displayname: "Alice", avatarUrl: "mxc://x/a" }])),
    });
    await presence.setPresence("@a:x", "online", null);
    const before = presence.currentPosition();
    await presence.touch("@a:x");
    expect(presence.currentPosition()).to.be.greaterThan(before);
    const [event] = await presence.getPresenceChangesSince(["@a:x"], before);
    expect(event?.content).to.include({ presence: "online", displayname: "Alice", avatar_url: "mxc://x/a" });
  });
});
