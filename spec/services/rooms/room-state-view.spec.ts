import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, DAN, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("RoomStateView", function (getDb) {
  let e: RoomEngine;
  let roomId: string;
  beforeEach(async function () {
    e = makeRoomEngine(getDb());
    roomId = await e.createRoom(ALICE, { preset: "public_chat", name: "Lounge" });
  });

  const memberIds = (events: { state_key?: string }[]) => events.map((event) => event.state_key).sort();

  it("members see the current state; the event's content or, with format=event, the event", async function () {
    await e.membership.join(BOB, roomId);
    await e.setState(ALICE, roomId, "m.room.topic", { topic: "now" });
    const state = await e.state.getState(BOB, roomId);
    expect(state.find((event) => event.type === "m.room.topic")?.content).to.deep.equal({ topic: "now" });
    expect(await e.state.getStateEvent(BOB, roomId, "m.room.name", "")).to.deep.equal({ name: "Lounge" });
    const event = await e.state.getStateEvent(BOB, roomId, "m.room.name", "", "event");
    expect(event).to.include({ type: "m.room.name", sender: ALICE, state_key: "", room_id: roomId });
    const err = await matrixErrorOf(e.state.getStateEvent(BOB, roomId, "m.room.avatar", ""));
    expect(err.errcode).to.equal(ErrCode.NotFound);
  });

  it("a user who left sees the state as it was when they left", async function () {
    await e.membership.join(BOB, roomId);
    await e.setState(ALICE, roomId, "m.room.topic", { topic: "before" });
    await e.membership.leave(BOB, roomId);
    await e.setState(ALICE, roomId, "m.room.topic", { topic: "after" });
    expect(await e.state.getStateEvent(BOB, roomId, "m.room.topic", "")).to.deep.equal({ topic: "before" });
    expect(await e.state.getStateEvent(ALICE, roomId, "m.room.topic", "")).to.deep.equal({ topic: "after" });
    const members = await e.state.getMembers(BOB, roomId);
    expect(members.find((event) => event.state_key === BOB)?.content.membership).to.equal("leave");
  });

  it("others get 403 M_FORBIDDEN, unless the room is world-readable", async function () {
    expect((await matrixErrorOf(e.state.getState(CAROL, roomId))).errcode).to.equal(ErrCode.Forbidden);
    await e.setState(ALICE, roomId, "m.room.history_visibility", { history_visibility: "world_readable" });
    expect((await e.state.getState(CAROL, roomId)).length).to.be.greaterThan(0);
  });

  it("filters members by membership, and by membership OR not_membership together", async function () {
    await e.membership.join(BOB, roomId);
    await e.membership.invite(ALICE, roomId, CAROL);
    await e.membership.ban(ALICE, roomId, DAN);
    expect(memberIds(await e.state.getMembers(ALICE, roomId))).to.deep.equal([ALICE, BOB, CAROL, DAN]);
    expect(memberIds(await e.state.getMembers(ALICE, roomId, { membership: "join" }))).to.deep.equal([ALICE, BOB]);
    expect(memberIds(await e.state.getMembers(ALICE, roomId, { notMembership: "join" }))).to.deep.equal([CAROL, DAN]);
    expect(memberIds(await e.state.getMembers(ALICE, roomId, { membership: "ban", notMembership: "invite" }))).to.deep.equal([ALICE, BOB, DAN]);
  });

  it("members `at` a pagination token: the members at that point of the timeline", async function () {
    const page = await e.timeline.getMessages(ALICE, roomId, { dir: "b", limit: 1 });
    await e.membership.join(BOB, roomId);
    expect(memberIds(await e.state.getMembers(ALICE, roomId, { at: page.start }))).to.deep.equal([ALICE]);
    expect(memberIds(await e.state.getMembers(ALICE, roomId))).to.deep.equal([ALICE, BOB]);
  });

  it("joined members with their display names and avatars, for members only", async function () {
    e.profiles.set(BOB, { displayname: "Bob", avatar_url: "mxc://hearth.test/bob" });
    await e.membership.join(BOB, roomId);
    await e.membership.invite(ALICE, roomId, CAROL);
    expect(await e.state.getJoinedMembers(ALICE, roomId)).to.deep.equal({
      [ALICE]: {},
      [BOB]: { display_name: "Bob", avatar_url: "mxc://hearth.test/bob" },
    });
    expect((await matrixErrorOf(e.state.getJoinedMembers(CAROL, roomId))).errcode).to.equal(ErrCode.Forbidden);
  });
});
