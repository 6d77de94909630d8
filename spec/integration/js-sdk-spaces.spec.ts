/**
 * Spaces driven by matrix-js-sdk: a space with a subspace and rooms, walked with
 * `getRoomHierarchy` page by page (its `next_batch` fed back as `fromToken`; no empty last page
 * behind a hidden room), with `suggestedOnly` and `maxDepth`, and the error for a space the user
 * may not see.
 */
import { expect } from "chai";
import { Preset, type MatrixClient } from "matrix-js-sdk";
import { sdkMatrixError } from "../helpers/js-sdk-error.js";
import { describeWithSdk } from "../helpers/js-sdk-suite.js";

describeWithSdk("spaces", ["alice", "bob"], (s) => {
  let alice: MatrixClient;
  let bob: MatrixClient;
  before(() => {
    [alice, bob] = s.clients as [MatrixClient, MatrixClient];
  });

  it("getRoomHierarchy pages through a space tree; suggestedOnly and maxDepth narrow it", async () => {
    const space = (name: string, preset: Preset) => alice.createRoom({ name, preset, creation_content: { type: "m.space" } });
    const { room_id: root } = await space("Root", Preset.PublicChat);
    const { room_id: sub } = await space("Sub", Preset.PublicChat);
    const { room_id: lounge } = await alice.createRoom({ name: "Lounge", preset: Preset.PublicChat });
    const { room_id: attic } = await alice.createRoom({ name: "Attic", preset: Preset.PublicChat });
    const { room_id: hidden } = await alice.createRoom({ name: "Hidden", preset: Preset.PrivateChat });
    const link = (parent: string, child: string, order: string, suggested = false) =>
      alice.sendStateEvent(parent, "m.space.child" as never, { via: ["sdk.test"], order, suggested } as never, child);
    await link(root, sub, "1", true);
    await link(root, lounge, "2");
    await link(root, hidden, "3");
    await link(sub, attic, "1");

    const names: string[] = [];
    let from: string | undefined;
    let pages = 0;
    do {
      const page = await bob.getRoomHierarchy(root, 2, undefined, false, from);
      names.push(...page.rooms.map((room) => room.name ?? room.room_id));
      from = page.next_batch;
      pages++;
    } while (from !== undefined && pages < 10);
    expect({ names, pages }).to.deep.equal({ names: ["Root", "Sub", "Attic", "Lounge"], pages: 2 });

    const suggested = await bob.getRoomHierarchy(root, undefined, undefined, true);
    expect(suggested.rooms.map((room) => room.name)).to.deep.equal(["Root", "Sub"]); // Attic is not suggested in Sub
    const shallow = await alice.getRoomHierarchy(root, undefined, 1);
    expect(shallow.rooms.map((room) => room.name)).to.deep.equal(["Root", "Sub", "Lounge", "Hidden"]);
    expect(shallow.rooms[0]!.children_state.map((event) => event.state_key)).to.deep.equal([sub, lounge, hidden]);
    expect((await sdkMatrixError(bob.getRoomHierarchy(hidden))).errcode).to.equal("M_FORBIDDEN");
  });
});
