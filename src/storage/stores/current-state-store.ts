/**
 * current_state (the resolved state of each room now) and room_memberships (every membership
 * event, for history). The `membership` column of current_state mirrors the content of
 * m.room.member events so member lists and "rooms of a user" are plain indexed queries.
 */
import type { EntityManager } from "typeorm";
import { stateMapKey } from "../../room/state-map.js";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

const MEMBER_EVENT = "m.room.member";

export interface CurrentStateEntry {
  type: string;
  stateKey: string;
  eventId: string;
  /** content.membership, for m.room.member entries; null otherwise. */
  membership?: string | null;
}

export interface RoomMembershipRow {
  eventId: string;
  userId: string;
  roomId: string;
  sender: string;
  membership: string;
  streamOrdering: number;
}

interface MembershipDbRow {
  event_id: string;
  user_id: string;
  room_id: string;
  sender: string;
  membership: string;
  stream_ordering: unknown;
}

export class CurrentStateStore extends BaseStore {
  /** Sets entries of a room's current state (a later duplicate key wins). */
  async upsertCurrentState(tx: EntityManager, roomId: string, entries: readonly CurrentStateEntry[]): Promise<void> {
    // One statement may not update a row twice (pg): keep the last entry for each key.
    const unique = new Map<string, CurrentStateEntry>();
    for (const entry of entries) unique.set(stateMapKey(entry.type, entry.stateKey), entry);
    await this.d.insertMany(
      tx,
      "current_state",
      ["room_id", "type", "state_key", "event_id", "membership"],
      [...unique.values()].map((e) => [roomId, e.type, e.stateKey, e.eventId, e.membership ?? null]),
      "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id, membership = excluded.membership",
    );
  }

  /** Removes keys from a room's current state. */
  async deleteCurrentState(tx: EntityManager, roomId: string, keys: readonly { type: string; stateKey: string }[]): Promise<void> {
    for (const key of keys) {
      await this.d.execute(tx, "DELETE FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?", [roomId, key.type, key.stateKey]);
    }
  }

  /** The room's current state: stateMapKey → event ID. */
  async selectCurrentState(roomId: string, em: EntityManager = this.reader): Promise<Map<string, string>> {
    const rows = await this.d.query<{ type: string; state_key: string; event_id: string }>(
      em,
      "SELECT type, state_key, event_id FROM current_state WHERE room_id = ?",
      [roomId],
    );
    const state = new Map<string, string>();
    for (const row of rows) state.set(stateMapKey(row.type, row.state_key), row.event_id);
    return state;
  }

  async selectCurrentStateEventId(roomId: string, type: string, stateKey: string, em: EntityManager = this.reader): Promise<string | null> {
    const rows = await this.d.query<{ event_id: string }>(
      em,
      "SELECT event_id FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?",
      [roomId, type, stateKey],
    );
    return rows[0]?.event_id ?? null;
  }

  /** Users whose current membership in the room is `membership` (default join), sorted. */
  async selectRoomMembers(roomId: string, membership = "join", em: EntityManager = this.reader): Promise<string[]> {
    const rows = await this.d.query<{ state_key: string }>(
      em,
      "SELECT state_key FROM current_state WHERE room_id = ? AND type = ? AND membership = ? ORDER BY state_key",
      [roomId, MEMBER_EVENT, membership],
    );
    return rows.map((row) => row.state_key);
  }

  /** Rooms where the user's current membership is one of `memberships`, with that membership. */
  async selectRoomsForUser(
    userId: string,
    memberships: readonly string[] = ["join"],
    em: EntityManager = this.reader,
  ): Promise<{ roomId: string; membership: string; eventId: string }[]> {
    const rows = await this.d.query<{ room_id: string; membership: string; event_id: string }>(
      em,
      `SELECT room_id, membership, event_id FROM current_state
       WHERE type = ? AND state_key = ? AND membership ${this.d.inArray} ORDER BY room_id`,
      [MEMBER_EVENT, userId, this.d.arrayParam(memberships)],
    );
    return rows.map((row) => ({ roomId: row.room_id, membership: row.membership, eventId: row.event_id }));
  }

  async insertRoomMemberships(tx: EntityManager, rows: readonly RoomMembershipRow[]): Promise<void> {
    await this.d.insertMany(
      tx,
      "room_memberships",
      ["event_id", "user_id", "room_id", "sender", "membership", "stream_ordering"],
      rows.map((row) => [row.eventId, row.userId, row.roomId, row.sender, row.membership, row.streamOrdering]),
    );
  }

  /** A user's membership events, in one room or all, oldest first. */
  async selectRoomMemberships(userId: string, roomId: string | null = null, em: EntityManager = this.reader): Promise<RoomMembershipRow[]> {
    const rows = roomId === null
      ? await this.d.query<MembershipDbRow>(
        em,
        "SELECT event_id, user_id, room_id, sender, membership, stream_ordering FROM room_memberships WHERE user_id = ? ORDER BY stream_ordering",
        [userId],
      )
      : await this.d.query<MembershipDbRow>(
        em,
        "SELECT event_id, user_id, room_id, sender, membership, stream_ordering FROM room_memberships WHERE user_id = ? AND room_id = ? ORDER BY stream_ordering",
        [userId, roomId],
      );
    return rows.map((row) => ({
      eventId: row.event_id,
      userId: row.user_id,
      roomId: row.room_id,
      sender: row.sender,
      membership: row.membership,
      streamOrdering: toNumber(row.stream_ordering),
    }));
  }
}
