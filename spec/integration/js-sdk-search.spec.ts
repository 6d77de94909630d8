/**
 * Server-side search driven by matrix-js-sdk: searchRoomEvents (which asks for one event of
 * context each side and the senders' profiles) finds a message just sent, with its context.
 */
import { expect } from "chai";
import { Preset, type MatrixClient } from "matrix-js-sdk";
import { describeWithSdk } from "../helpers/js-sdk-suite.js";

describeWithSdk("search", ["alice"], (s) => {
  let alice: MatrixClient;
  before(() => {
    [alice] = s.clients as [MatrixClient];
  });

  it("searchRoomEvents finds a message just sent, with its context", async () => {
    const { room_id: roomId } = await alice.createRoom({ preset: Preset.PrivateChat });
    await alice.sendTextMessage(roomId, "before the koala");
    const { event_id: eventId } = await alice.sendTextMessage(roomId, "a sleepy Koala");
    await alice.sendTextMessage(roomId, "after it");
    const results = await alice.searchRoomEvents({ term: "koala" });
    expect(results.count).to.equal(2);
    expect(results.highlights).to.include("koala");
    const ids = results.results.map((r) => r.context.getEvent().getId());
    expect(ids).to.include(eventId);
    const hit = results.results.find((r) => r.context.getEvent().getId() === eventId)!;
    expect(hit.context.getTimeline().map((e) => e.getContent().body)).to.deep.equal(["before the koala", "a sleepy Koala", "after it"]);
  });
});
