/**
 * forgotten_rooms: the rooms each user has forgotten, with the membership event that was
 * current when they did. A room counts as forgotten only while that event is still the user's
 * membership (a later join, invite or knock replaces it).
 * https://spec.matrix.org/v1.19/client-server-api/#leaving-rooms
 */
import type { EntityManager } from "typeorm";
import { BaseStore } from "./base-store.js";

export class ForgottenRoomsStore extends BaseStore {
  /** Records (or moves forward) the forgetting of `roomId` at membership event `membershipEventId`. */
  async upsertForgottenRoom(tx: EntityManager, userId: string, roomId: string, membershipEventId: string): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO forgotten_rooms (user_id, room_id, membership_event_id) VALUES (?, ?, ?)
       ON CONFLICT (user_id, room_id) DO UPDATE SET membership_event_id = excluded.membership_event_id`,
      [userId, roomId, membershipEventId],
    );
  }

  /** The membership event the user forgot the room at, or null. */
  async selectForgottenRoom(userId: string, roomId: string, em: EntityManager = this.reader): Promise<string | null> {
    const rows = await this.d.query<{ membership_event_id: string }>(
      em,
      "SELECT membership_event_id FROM forgotten_rooms WHERE user_id = ? AND room_id = ?",
      [userId, roomId],
    );
    return rows[0]?.membership_event_id ?? null;
  }

  /** Every room the user has forgotten: room ID → the membership event forgotten at. */
  async selectForgottenRooms(userId: string, em: EntityManager = this.reader): Promise<Map<string, string>> {
    const rows = await this.d.query<{ room_id: string; membership_event_id: string }>(
      em,
      "SELECT room_id, membership_event_id FROM forgotten_rooms WHERE user_id = ?",
      [userId],
    );
    return new Map(rows.map((row) => [row.room_id, row.membership_event_id]));
  }
}
