/**
 * Push wired into the homeserver: unread notification counts through /sync, from messages sent
 * over the client API, by the users' push rules, cleared by read receipts and own messages.
 */
import { expect } from "chai";
import type { JoinedRoomJson, SyncResponseJson } from "../src/matrix/endpoints/client/sync.js";
import { EventPushActionsStore } from "../src/storage/stores/event-push-actions-store.js";
import { describeRooms, enc, type RoomClient } from "./api/client/rooms-fixture.js";

interface Counts {
  notification_count: number;
  highlight_count: number;
}

describeRooms("push: notification counts in /sync", (suite) => {
  let counter = 0;
  /** Fresh users, so that each test sees only its own rooms. */
  const users = async (n: number): Promise<RoomClient[]> => Promise.all(Array.from({ length: n }, () => suite.newUser(`counted${++counter}`)));

  /** A room of `owner` that `others` have joined. */
  async function roomOf(owner: RoomClient, ...others: RoomClient[]): Promise<string> {
    const roomId = await owner.createRoom({ preset: "public_chat" });
    for (const other of others) expect((await other.join(roomId)).status).to.equal(200);
    return roomId;
  }

  async function sync(user: RoomClient, query: Record<string, string> = {}): Promise<SyncResponseJson> {
    const response = await user.request("GET", `/sync?${new URLSearchParams(query).toString()}`);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body as unknown as SyncResponseJson;
  }

  const room = (body: SyncResponseJson, roomId: string): JoinedRoomJson | undefined => body.rooms.join[roomId];
  const countsIn = async (user: RoomClient, roomId: string, query: Record<string, string> = {}): Promise<Counts | undefined> => room(await sync(user, query), roomId)?.unread_notifications;
  const counts = (notification_count: number, highlight_count = 0): Counts => ({ notification_count, highlight_count });
  const mention = (body: string, userIds: string[]) => ({ msgtype: "m.text", body, "m.mentions": { user_ids: userIds } });

  it("counts a plain message in a room of two (.m.rule.room_one_to_one), not a notice, nor one's own messages", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    await bob!.send(roomId, "hello alice");
    await bob!.send(roomId, { msgtype: "m.notice", body: "beep" });
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1));
    expect(await countsIn(bob!, roomId)).to.deep.equal(counts(0));
  });

  it("counts messages in a group (.m.rule.message) and highlights mentions (.m.rule.is_user_mention)", async () => {
    const [alice, bob, carol] = await users(3);
    const roomId = await roomOf(alice!, bob!, carol!);
    await bob!.send(roomId, "hi all");
    await bob!.send(roomId, mention("alice?", [alice!.userId]));
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(2, 1));
    expect(await countsIn(carol!, roomId)).to.deep.equal(counts(2, 0));
  });

  it("counts a message written in one batch with the recipient's join (push reads the batch's own state)", async () => {
    const [alice, bob] = await users(2);
    const roomId = await alice!.createRoom({ preset: "public_chat" });
    const { persister } = suite.hs.homeserver.rooms;
    // Asked for in one turn, the two share a batch and its transaction: the join is not committed
    // when the message's recipients are worked out.
    const [join, message] = await Promise.all([
      persister.sendLocalEvent({ roomId, sender: bob!.userId, type: "m.room.member", stateKey: bob!.userId, content: { membership: "join" } }),
      persister.sendLocalEvent({ roomId, sender: alice!.userId, type: "m.room.message", content: { msgtype: "m.text", body: "welcome" } }),
    ]);
    expect(message.streamOrdering).to.equal(join.streamOrdering + 1);
    // Evaluated in that transaction: the worker's position committed with the events.
    expect(await new EventPushActionsStore(suite.hs.homeserver.db).selectProcessedPosition()).to.be.at.least(message.streamOrdering);
    expect(await countsIn(bob!, roomId)).to.deep.equal(counts(1));
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(0));
  });

  it("sends the new count in the same incremental sync as the event", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    const first = await sync(alice!);
    expect(room(first, roomId)?.unread_notifications).to.deep.equal(counts(0));
    const polling = sync(alice!, { since: first.next_batch, timeout: "10000" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bob!.send(roomId, mention("look", [alice!.userId]));
    const next = await polling;
    expect(room(next, roomId)?.timeline?.events.map((e) => e.type)).to.deep.equal(["m.room.message"]);
    expect(room(next, roomId)?.unread_notifications).to.deep.equal(counts(1, 1));
  });

  it("resets the counts when the read receipt moves, m.read or m.read.private, in the sync carrying the receipt", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    const first = await bob!.send(roomId, "one");
    await bob!.send(roomId, "two");
    const last = await bob!.send(roomId, "three");
    const initial = await sync(alice!);
    expect(room(initial, roomId)?.unread_notifications).to.deep.equal(counts(3));
    expect((await alice!.request("POST", `/rooms/${enc(roomId)}/receipt/m.read/${enc(first)}`, {})).status).to.equal(200);
    const afterFirst = await sync(alice!, { since: initial.next_batch, timeout: "5000" });
    expect(room(afterFirst, roomId)?.unread_notifications).to.deep.equal(counts(2));
    expect((await alice!.request("POST", `/rooms/${enc(roomId)}/receipt/m.read.private/${enc(last)}`, {})).status).to.equal(200);
    const afterLast = await sync(alice!, { since: afterFirst.next_batch, timeout: "5000" });
    expect(room(afterLast, roomId)?.unread_notifications).to.deep.equal(counts(0));
  });

  it("clears one's notifications on sending a message (the user has read up to their own event)", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    await bob!.send(roomId, "ping");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1));
    await alice!.send(roomId, "pong");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(0));
    await bob!.send(roomId, "again");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1));
  });

  it("stops counting a notification once its event is redacted", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    await bob!.send(roomId, "hello");
    const spam = await bob!.send(roomId, mention("spam", [alice!.userId]));
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(2, 1));
    expect((await bob!.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(spam)}/r${++counter}`, {})).status).to.equal(200);
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1, 0));
  });

  it("follows the user's own rules, as soon as they change", async () => {
    const [alice, bob, carol] = await users(3);
    const roomId = await roomOf(alice!, bob!, carol!);
    expect((await alice!.request("PUT", `/pushrules/global/room/${enc(roomId)}`, { actions: [] })).status).to.equal(200);
    await bob!.send(roomId, "muted for alice");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(0));
    expect((await alice!.request("PUT", `/pushrules/global/content/lunch`, { pattern: "lunch", actions: ["notify", { set_tweak: "highlight" }] })).status).to.equal(200);
    await bob!.send(roomId, "Lunch time!");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1, 1));
    expect((await alice!.request("PUT", `/pushrules/global/override/.m.rule.master/enabled`, { enabled: true })).status).to.equal(200);
    await bob!.send(roomId, mention("lunch?", [alice!.userId]));
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(1, 1));
    expect(await countsIn(carol!, roomId)).to.deep.equal(counts(3));
  });

  it("leaves out messages of ignored users", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    expect((await alice!.request("PUT", `/user/${enc(alice!.userId)}/account_data/m.ignored_user_list`, { ignored_users: { [bob!.userId]: {} } })).status).to.equal(200);
    await bob!.send(roomId, "you won't see this");
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(0));
  });

  it("counts nothing from before a join: the join reads the invite that notified", async () => {
    const [alice, bob] = await users(2);
    const roomId = await alice!.createRoom({ preset: "private_chat" });
    await alice!.send(roomId, "before bob");
    expect((await alice!.request("POST", `/rooms/${enc(roomId)}/invite`, { user_id: bob!.userId })).status).to.equal(200);
    expect((await bob!.join(roomId)).status).to.equal(200);
    // The message before the invite notified nobody; the invite notified bob, and his join read it.
    expect(await countsIn(bob!, roomId)).to.deep.equal(counts(0));
    await alice!.send(roomId, "after");
    expect(await countsIn(bob!, roomId)).to.deep.equal(counts(1));
  });

  it("counts threads apart when the filter asks for unread_thread_notifications", async () => {
    const [alice, bob] = await users(2);
    const roomId = await roomOf(alice!, bob!);
    const root = await bob!.send(roomId, "root");
    await bob!.send(roomId, { msgtype: "m.text", body: "in thread", "m.relates_to": { rel_type: "m.thread", event_id: root } });
    await bob!.send(roomId, { ...mention("thread ping", [alice!.userId]), "m.relates_to": { rel_type: "m.thread", event_id: root } });
    const threaded = JSON.stringify({ room: { timeline: { unread_thread_notifications: true } } });
    const body = await sync(alice!, { filter: threaded });
    expect(room(body, roomId)?.unread_notifications).to.deep.equal(counts(1));
    expect(room(body, roomId)?.unread_thread_notifications).to.deep.equal({ [root]: counts(2, 1) });
    expect(await countsIn(alice!, roomId)).to.deep.equal(counts(3, 1));
    expect(room(await sync(alice!), roomId)?.unread_thread_notifications).to.equal(undefined);
    // A threaded receipt in the thread reads the thread only.
    expect((await alice!.request("POST", `/rooms/${enc(roomId)}/receipt/m.read/${enc(root)}`, { thread_id: "main" })).status).to.equal(200);
    const afterMain = await sync(alice!, { filter: threaded });
    expect(room(afterMain, roomId)?.unread_notifications).to.deep.equal(counts(0));
    expect(room(afterMain, roomId)?.unread_thread_notifications).to.deep.equal({ [root]: counts(2, 1) });
  });
});
