import { expect } from "chai";
import type { JsonResponse } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, type RoomClient } from "./rooms-fixture.js";

const V1 = "/_matrix/client/v1";
const SPACE = { creation_content: { type: "m.space" } };

interface HierarchyRoom {
  room_id: string;
  children_state: { type: string; state_key: string; content: Record<string, unknown>; sender: string; origin_server_ts: number }[];
  [key: string]: unknown;
}

function hierarchy(client: RoomClient, roomId: string, query = ""): Promise<JsonResponse> {
  return client.request("GET", `${V1}/rooms/${enc(roomId)}/hierarchy${query}`);
}

function roomsOf(response: JsonResponse): HierarchyRoom[] {
  expect(response.status, JSON.stringify(response.body)).to.equal(200);
  return response.body.rooms as HierarchyRoom[];
}

describeRooms("api/client/space-hierarchy", (s) => {
  /** alice's space tree; every room made by alice, children ordered by their `order` key. */
  const t = {} as Record<"space" | "sub" | "inSub" | "pub" | "priv" | "readable" | "knock" | "restricted", string>;
  const missing = "!unknown:hearth.test";
  const child = (parent: string, roomId: string, order: string, extra: Record<string, unknown> = {}) =>
    s.alice.setState(parent, "m.space.child", roomId, { via: ["hearth.test"], order, ...extra });

  before(async () => {
    t.space = await s.alice.createRoom({ ...SPACE, preset: "public_chat", name: "Space" });
    t.sub = await s.alice.createRoom({ ...SPACE, preset: "private_chat", name: "Private subspace" });
    t.inSub = await s.alice.createRoom({ preset: "public_chat", name: "In the subspace" });
    t.pub = await s.alice.createRoom({ preset: "public_chat", name: "Public", topic: "for all" });
    t.priv = await s.alice.createRoom({ preset: "private_chat", name: "Private" });
    t.readable = await s.alice.createRoom({
      preset: "private_chat",
      name: "Readable",
      initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: "world_readable" } }],
    });
    t.knock = await s.alice.createRoom({
      preset: "private_chat",
      initial_state: [
        { type: "m.room.join_rules", content: { join_rule: "knock" } },
        { type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } },
      ],
    });
    t.restricted = await s.alice.createRoom({
      preset: "private_chat",
      initial_state: [{ type: "m.room.join_rules", content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: t.space }] } }],
    });
    await child(t.space, t.sub, "a", { suggested: true });
    await child(t.space, t.pub, "b", { suggested: true });
    await child(t.space, t.priv, "c");
    await child(t.space, t.readable, "d");
    await child(t.space, t.knock, "e");
    await child(t.space, t.restricted, "f");
    await child(t.space, missing, "g");
    await s.alice.setState(t.space, "m.space.child", t.inSub, { via: [] }); // no via: not a child
    await child(t.sub, t.inSub, "a");
  });

  it("a member sees the whole tree depth first, each room with its summary and children", async () => {
    const rooms = roomsOf(await hierarchy(s.alice, t.space));
    expect(rooms.map((r) => r.room_id)).to.deep.equal([t.space, t.sub, t.inSub, t.pub, t.priv, t.readable, t.knock, t.restricted]);
    const [space] = rooms;
    expect(space!.children_state.map((c) => c.state_key)).to.deep.equal([t.sub, t.pub, t.priv, t.readable, t.knock, t.restricted, missing]);
    const first = space!.children_state[0]!;
    expect(first).to.have.keys(["type", "state_key", "content", "sender", "origin_server_ts"]);
    expect(first).to.deep.include({ type: "m.space.child", sender: s.alice.userId, content: { via: ["hearth.test"], order: "a", suggested: true } });
    expect({ ...space, children_state: [] }).to.deep.equal({
      room_id: t.space, name: "Space", num_joined_members: 1, world_readable: false, guest_can_join: false,
      join_rule: "public", room_type: "m.space", room_version: "12", children_state: [],
    });
    const byId = new Map(rooms.map((r) => [r.room_id, r]));
    expect(byId.get(t.pub)).to.deep.include({ name: "Public", topic: "for all", join_rule: "public", children_state: [] });
    expect(byId.get(t.knock)).to.deep.include({ join_rule: "knock", encryption: "m.megolm.v1.aes-sha2" });
    expect(byId.get(t.restricted)).to.deep.include({ join_rule: "restricted", allowed_room_ids: [t.space] });
    expect(byId.get(t.readable)).to.deep.include({ world_readable: true, join_rule: "invite" });
  });

  it("a non-member sees only the rooms they may join, knock on or read; joining the space opens the restricted room", async () => {
    const dave = await s.newUser("dave");
    expect(roomsOf(await hierarchy(dave, t.space)).map((r) => r.room_id)).to.deep.equal([t.space, t.pub, t.readable, t.knock]);
    expect((await dave.join(t.space)).status).to.equal(200);
    expect(roomsOf(await hierarchy(dave, t.space)).map((r) => r.room_id)).to.deep.equal([t.space, t.pub, t.readable, t.knock, t.restricted]);
    // An invite opens the private subspace, and the public room inside it.
    expect((await s.alice.request("POST", `/rooms/${enc(t.sub)}/invite`, { user_id: dave.userId })).status).to.equal(200);
    expect(roomsOf(await hierarchy(dave, t.space)).map((r) => r.room_id)).to.deep.equal([t.space, t.sub, t.inSub, t.pub, t.readable, t.knock, t.restricted]);
  });

  it("suggested_only keeps the suggested children; max_depth stops the walk", async () => {
    const suggested = roomsOf(await hierarchy(s.alice, t.space, "?suggested_only=true"));
    expect(suggested.map((r) => r.room_id)).to.deep.equal([t.space, t.sub, t.pub]);
    expect(suggested[0]!.children_state.map((c) => c.state_key)).to.deep.equal([t.sub, t.pub]);
    expect(roomsOf(await hierarchy(s.alice, t.space, "?max_depth=0")).map((r) => r.room_id)).to.deep.equal([t.space]);
    expect(roomsOf(await hierarchy(s.alice, t.space, "?max_depth=1")).map((r) => r.room_id)).to.deep.equal([
      t.space, t.sub, t.pub, t.priv, t.readable, t.knock, t.restricted,
    ]);
    expectError(await hierarchy(s.alice, t.space, "?max_depth=-1"), 400, "M_INVALID_PARAM");
    expectError(await hierarchy(s.alice, t.space, "?limit=0"), 400, "M_INVALID_PARAM");
  });

  it("pages through the whole tree with limit and from; the token keeps its parameters", async () => {
    const seen: string[] = [];
    let from: string | undefined;
    const pages: number[] = [];
    do {
      const response = await hierarchy(s.alice, t.space, `?limit=3${from === undefined ? "" : `&from=${enc(from)}`}`);
      const rooms = roomsOf(response);
      pages.push(rooms.length);
      seen.push(...rooms.map((r) => r.room_id));
      from = response.body.next_batch as string | undefined;
    } while (from !== undefined && pages.length < 10);
    expect(pages).to.deep.equal([3, 3, 2]);
    expect(seen).to.deep.equal([t.space, t.sub, t.inSub, t.pub, t.priv, t.readable, t.knock, t.restricted]);

    const token = (await hierarchy(s.alice, t.space, "?limit=2")).body.next_batch as string;
    const next = roomsOf(await hierarchy(s.alice, t.space, `?limit=4&from=${enc(token)}`)); // the limit may change
    expect(next.map((r) => r.room_id)).to.deep.equal([t.inSub, t.pub, t.priv, t.readable]);
    expectError(await hierarchy(s.alice, t.space, `?from=${enc(token)}&max_depth=1`), 400, "M_INVALID_PARAM");
    expectError(await hierarchy(s.alice, t.space, `?from=${enc(token)}&suggested_only=true`), 400, "M_INVALID_PARAM");
    expectError(await hierarchy(s.alice, t.sub, `?from=${enc(token)}`), 400, "M_INVALID_PARAM");
    expectError(await hierarchy(s.alice, t.space, "?from=bogus"), 400, "M_INVALID_PARAM");
  });

  it("visits each room once, through cycles and rooms listed twice", async () => {
    const a = await s.alice.createRoom({ ...SPACE, name: "A" });
    const b = await s.alice.createRoom({ ...SPACE, name: "B" });
    const shared = await s.alice.createRoom({ name: "Shared" });
    await child(a, b, "1");
    await child(a, shared, "2");
    await child(a, a, "3"); // a space that contains itself
    await child(b, a, "1"); // a loop back to the root
    await child(b, shared, "2");
    const response = await hierarchy(s.alice, a, "?limit=1");
    const seen = roomsOf(response).map((r) => r.room_id);
    for (let from = response.body.next_batch as string | undefined; from !== undefined;) {
      const page = await hierarchy(s.alice, a, `?limit=1&from=${enc(from)}`);
      seen.push(...roomsOf(page).map((r) => r.room_id));
      from = page.body.next_batch as string | undefined;
    }
    expect(seen).to.deep.equal([a, b, shared]);
  });

  it("403 M_FORBIDDEN for a root the user cannot see, or a room the server does not hold", async () => {
    expectError(await hierarchy(s.bob, t.priv), 403, "M_FORBIDDEN");
    expectError(await hierarchy(s.bob, t.sub), 403, "M_FORBIDDEN");
    expectError(await hierarchy(s.bob, missing), 403, "M_FORBIDDEN");
    expect(roomsOf(await hierarchy(s.bob, t.readable)).map((r) => r.room_id)).to.deep.equal([t.readable]);
  });
});
