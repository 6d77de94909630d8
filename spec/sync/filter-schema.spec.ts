import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { validateFilterJson, validateRoomEventFilterJson } from "../../src/sync/filter-schema.js";

function rejection(validate: (json: unknown) => unknown, json: unknown): MatrixError {
  try {
    validate(json);
  } catch (err) {
    expect(err).to.be.instanceOf(MatrixError);
    return err as MatrixError;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

describe("filter schema", () => {
  it("accepts the spec's example filter", () => {
    const example = {
      room: {
        state: { types: ["m.room.*"], not_rooms: ["!726s6s6q:example.com"] },
        timeline: { limit: 10, types: ["m.room.message"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
        ephemeral: { types: ["m.receipt", "m.typing"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
      },
      presence: { types: ["m.presence"], not_senders: ["@alice:example.com"] },
      event_format: "client",
      event_fields: ["type", "content", "sender"],
    };
    expect(validateFilterJson(example)).to.equal(example);
  });

  it("accepts every field of the spec with valid values", () => {
    const roomEventFilter = {
      limit: 1,
      types: ["*"],
      not_types: [],
      senders: ["@a:hs"],
      not_senders: ["@b:hs"],
      rooms: ["!r:hs"],
      not_rooms: ["!s:hs"],
      contains_url: false,
      lazy_load_members: true,
      include_redundant_members: true,
      unread_thread_notifications: true,
    };
    const filter = {
      event_fields: ["content.m\\.relates_to"],
      event_format: "federation",
      presence: { limit: 5, types: [], not_types: [], senders: [], not_senders: [] },
      account_data: { limit: 5 },
      room: {
        rooms: ["!r:hs"],
        not_rooms: [],
        include_leave: true,
        timeline: roomEventFilter,
        state: roomEventFilter,
        ephemeral: roomEventFilter,
        account_data: roomEventFilter,
      },
    };
    expect(() => validateFilterJson(filter)).to.not.throw();
    expect(() => validateRoomEventFilterJson(roomEventFilter)).to.not.throw();
  });

  it("keeps unknown (unstable) fields", () => {
    const filter = { room: { timeline: { "org.matrix.msc3874.not_rel_types": ["m.thread"] } }, "org.example.x": 1 };
    expect(validateFilterJson(filter)).to.deep.equal(filter);
  });

  it("treats null like an absent field", () => {
    expect(() => validateFilterJson({ room: null, presence: { limit: null, types: null } })).to.not.throw();
  });

  it("rejects bad filters with M_BAD_JSON and a message naming the field", () => {
    const cases: [unknown, string][] = [
      [[], "filter must be an object"],
      ["{}", "filter must be an object"],
      [{ room: { timeline: { limit: 0 } } }, "room.timeline.limit must be an integer greater than 0"],
      [{ room: { timeline: { limit: -5 } } }, "room.timeline.limit must be an integer greater than 0"],
      [{ room: { state: { limit: 2.5 } } }, "room.state.limit must be an integer greater than 0"],
      [{ room: { state: { limit: "10" } } }, "room.state.limit must be an integer greater than 0"],
      [{ presence: { types: "m.presence" } }, "presence.types must be an array"],
      [{ presence: { types: [1] } }, "presence.types[0] must be a string"],
      [{ account_data: { not_types: [null] } }, "account_data.not_types[0] must be a string"],
      [{ room: { ephemeral: { senders: ["alice"] } } }, "room.ephemeral.senders[0] must be a user ID"],
      [{ room: { timeline: { not_senders: ["@ok:hs", "bad"] } } }, "room.timeline.not_senders[1] must be a user ID"],
      [{ room: { rooms: ["#alias:hs"] } }, "room.rooms[0] must be a room ID"],
      [{ room: { account_data: { not_rooms: ["r"] } } }, "room.account_data.not_rooms[0] must be a room ID"],
      [{ event_format: "json" }, 'event_format must be one of "client", "federation"'],
      [{ event_fields: "content" }, "event_fields must be an array"],
      [{ event_fields: [3] }, "event_fields[0] must be a string"],
      [{ room: { include_leave: "yes" } }, "room.include_leave must be a boolean"],
      [{ room: { timeline: { lazy_load_members: 1 } } }, "room.timeline.lazy_load_members must be a boolean"],
      [{ room: { state: { include_redundant_members: "true" } } }, "room.state.include_redundant_members must be a boolean"],
      [{ room: { timeline: { unread_thread_notifications: 0 } } }, "room.timeline.unread_thread_notifications must be a boolean"],
      [{ room: { timeline: { contains_url: "true" } } }, "room.timeline.contains_url must be a boolean"],
      [{ room: { timeline: [] } }, "room.timeline must be an object"],
      [{ room: "all" }, "room must be an object"],
    ];
    for (const [json, message] of cases) {
      const err = rejection(validateFilterJson, json);
      expect(err.status, JSON.stringify(json)).to.equal(400);
      expect(err.errcode).to.equal(ErrCode.BadJson);
      expect(err.message, JSON.stringify(json)).to.include(message);
    }
  });

  it("validates a RoomEventFilter on its own (/messages)", () => {
    expect(rejection(validateRoomEventFilterJson, { limit: 0 }).message).to.include("limit must be an integer greater than 0");
    expect(rejection(validateRoomEventFilterJson, { rooms: ["x"] }).message).to.include("rooms[0] must be a room ID");
    expect(rejection(validateRoomEventFilterJson, null).message).to.include("filter must be an object");
    expect(validateRoomEventFilterJson({ lazy_load_members: true })).to.deep.equal({ lazy_load_members: true });
  });
});
