/**
 * Relations and threads driven by a real client library, matrix-js-sdk, without its sync loop:
 * a thread and a reaction sent through the SDK, read back at once with `client.relations` (one
 * page, then the next with its token, filtered by relation and event type), the thread list
 * through `createThreadListMessagesRequest`, and the bundled thread summary on the root.
 */
import { expect } from "chai";
import { Direction, EventType, FeatureSupport, Preset, RelationType, THREAD_RELATION_TYPE, Thread, ThreadFilterType, type MatrixClient } from "matrix-js-sdk";
import { describeWithSdk } from "../helpers/js-sdk-suite.js";

describeWithSdk("relations", ["alice", "bob"], (s) => {
  let alice: MatrixClient;
  let bob: MatrixClient;
  let listSupport: FeatureSupport;

  before(() => {
    [alice, bob] = s.clients as [MatrixClient, MatrixClient];
    // The SDK learns this from /versions in its sync loop; here we say the stable /threads is served.
    listSupport = Thread.hasServerSideListSupport;
    Thread.setServerSideListSupport(FeatureSupport.Stable);
  });
  after(() => Thread.setServerSideListSupport(listSupport));

  it("reads a thread and its reactions with client.relations, and lists threads", async () => {
    const { room_id: roomId } = await alice.createRoom({ preset: Preset.PublicChat });
    await bob.joinRoom(roomId);
    const root = (await alice.sendTextMessage(roomId, "root")).event_id;
    const other = (await bob.sendTextMessage(roomId, "another root")).event_id;
    const replies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const content = { msgtype: "m.text", body: `reply ${i}`, "m.relates_to": { rel_type: THREAD_RELATION_TYPE.name, event_id: root } };
      replies.push((await (i === 1 ? bob : alice).sendEvent(roomId, EventType.RoomMessage, content as never)).event_id);
    }
    const reaction = (await bob.sendEvent(roomId, EventType.Reaction, { "m.relates_to": { rel_type: RelationType.Annotation, event_id: root, key: "👍" } })).event_id;
    await bob.sendEvent(roomId, EventType.RoomMessage, { msgtype: "m.text", body: "other reply", "m.relates_to": { rel_type: THREAD_RELATION_TYPE.name, event_id: other } } as never);

    const page = await bob.relations(roomId, root, THREAD_RELATION_TYPE.name, null, { dir: Direction.Backward, limit: 2 });
    expect(page.originalEvent?.getId()).to.equal(root);
    expect(page.events.map((e) => e.getId())).to.deep.equal([replies[2], replies[1]]);
    expect(page.nextBatch).to.be.a("string");
    const rest = await bob.relations(roomId, root, THREAD_RELATION_TYPE.name, null, { dir: Direction.Backward, limit: 2, from: page.nextBatch! });
    expect(rest.events.map((e) => e.getId())).to.deep.equal([replies[0]]);
    expect(rest.nextBatch).to.equal(null);
    const reactions = await alice.relations(roomId, root, RelationType.Annotation, EventType.Reaction);
    expect(reactions.events.map((e) => e.getId())).to.deep.equal([reaction]);

    // The SDK reverses the chunk (oldest activity first); `other` has the latest reply.
    const threads = await alice.createThreadListMessagesRequest(roomId, null, 10, Direction.Backward, ThreadFilterType.All);
    expect(threads.chunk.map((e) => e.event_id)).to.deep.equal([root, other]);
    const summary = threads.chunk[0]!.unsigned?.["m.relations"]?.[THREAD_RELATION_TYPE.name] as { count: number; current_user_participated: boolean; latest_event: { event_id: string } };
    expect(summary).to.deep.include({ count: 3, current_user_participated: true });
    expect(summary.latest_event.event_id).to.equal(replies[2]);
    const mine = await alice.createThreadListMessagesRequest(roomId, null, 10, Direction.Backward, ThreadFilterType.My);
    expect(mine.chunk.map((e) => e.event_id)).to.deep.equal([root]);
  });
});
