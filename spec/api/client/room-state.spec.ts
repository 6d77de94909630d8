import { expect } from "chai";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

interface Event {
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
}

describeRooms("api/client/room-state", (s) => {
  it("GET /state lists the current state; /state/{type}/{key} its content, or the event with format=event", async () => {
    const roomId = await s.alice.createRoom({ name: "Stateful" });
    const state = (await s.alice.request("GET", `/rooms/${enc(roomId)}/state`)).body as unknown as Event[];
    expect(state.map((e) => e.type)).to.include.members(["m.room.create", "m.room.power_levels", "m.room.name", "m.room.join_rules"]);
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.name/`)).body).to.deep.equal({ name: "Stateful" });
    const event = await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.name?format=event`);
    expect(event.body).to.deep.include({ type: "m.room.name", state_key: "", sender: s.alice.userId, content: { name: "Stateful" } });
    expectError(await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.avatar`), 404, "M_NOT_FOUND");
    expectError(await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.name?format=html`), 400, "M_INVALID_PARAM");
  });

  it("non-members get 403 M_FORBIDDEN for state and members", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/state`), 403, "M_FORBIDDEN");
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/state/m.room.create`), 403, "M_FORBIDDEN");
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/members`), 403, "M_FORBIDDEN");
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/joined_members`), 403, "M_FORBIDDEN");
  });

  it("GET /members filters by membership and not_membership; /joined_members maps joined users to profiles", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    await s.alice.request("POST", `/rooms/${enc(roomId)}/invite`, { user_id: s.carol.userId });
    const ids = async (query: string) =>
      ((await s.alice.request("GET", `/rooms/${enc(roomId)}/members${query}`)).body.chunk as Event[]).map((e) => e.state_key).sort();
    expect(await ids("")).to.deep.equal([s.alice.userId, s.bob.userId, s.carol.userId].sort());
    expect(await ids("?membership=invite")).to.deep.equal([s.carol.userId]);
    expect(await ids("?not_membership=invite")).to.deep.equal([s.alice.userId, s.bob.userId].sort());
    expectError(await s.alice.request("GET", `/rooms/${enc(roomId)}/members?membership=lurking`), 400, "M_INVALID_PARAM");
    const joined = await s.alice.request("GET", `/rooms/${enc(roomId)}/joined_members`);
    expect(Object.keys(joined.body.joined as object).sort()).to.deep.equal([s.alice.userId, s.bob.userId].sort());
    expect((joined.body.joined as Record<string, unknown>)[s.bob.userId]).to.deep.equal({ display_name: "bob" });
  });

  it("GET /members?at= gives the members at a pagination token", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    const page = await s.alice.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=1`);
    await s.bob.join(roomId);
    const then = await s.alice.request("GET", `/rooms/${enc(roomId)}/members?at=${enc(page.body.start as string)}`);
    expect((then.body.chunk as Event[]).map((e) => e.state_key)).to.deep.equal([s.alice.userId]);
  });
});
