/**
 * pushers: users' HTTP pushers (POST /pushers/set), one per (user, app_id, pushkey). A device's
 * pushers go with the device (foreign key, see the migration). `last_stream_ordering`: how far
 * delivery has pushed (PusherDelivery); set to the newest event's when the pusher is first set.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface PusherRow {
  userId: string;
  appId: string;
  pushkey: string;
  /** The device whose access token set it; null for a device-less (appservice) token. */
  deviceId: string | null;
  kind: string;
  appDisplayName: string;
  deviceDisplayName: string;
  profileTag: string | null;
  lang: string;
  /** The PusherData object, `url` included. */
  data: Record<string, unknown>;
  /** When the pushkey was last set, in ms. */
  pushkeyTs: number;
}

/** A pusher as stored: with how far delivery is done with it. */
export interface StoredPusherRow extends PusherRow {
  /** The stream ordering of the last notification delivered (or given up on). */
  lastStreamOrdering: number;
}

interface PusherDbRow {
  user_id: string;
  app_id: string;
  pushkey: string;
  device_id: string | null;
  kind: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag: string | null;
  lang: string;
  data: string;
  pushkey_ts: unknown;
  last_stream_ordering: unknown;
}

const COLUMNS = "user_id, app_id, pushkey, device_id, kind, app_display_name, device_display_name, profile_tag, lang, data, pushkey_ts";

export class PushersStore extends BaseStore {
  /** The pushers of each of `userIds`, oldest pushkey first. */
  async selectPushersOfUsers(userIds: readonly string[], em: EntityManager = this.reader): Promise<StoredPusherRow[]> {
    if (userIds.length === 0) return [];
    const rows = await this.d.query<PusherDbRow>(
      em,
      `SELECT ${COLUMNS}, last_stream_ordering FROM pushers WHERE user_id ${this.d.inArray} ORDER BY pushkey_ts, app_id, pushkey`,
      [this.d.arrayParam(userIds)],
    );
    return rows.map(toPusherRow);
  }

  /** Inserts or replaces the pusher (userId, appId, pushkey); a new one starts at the newest event. */
  async upsertPusher(tx: EntityManager, row: PusherRow): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO pushers (${COLUMNS}, last_stream_ordering)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT MAX(stream_ordering) FROM events), 0))
       ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET device_id = excluded.device_id, kind = excluded.kind,
         app_display_name = excluded.app_display_name, device_display_name = excluded.device_display_name,
         profile_tag = excluded.profile_tag, lang = excluded.lang, data = excluded.data, pushkey_ts = excluded.pushkey_ts`,
      [row.userId, row.appId, row.pushkey, row.deviceId, row.kind, row.appDisplayName, row.deviceDisplayName, row.profileTag, row.lang, JSON.stringify(row.data), row.pushkeyTs],
    );
  }

  /** Moves the pusher's delivery position forward to `position` (never back). */
  async advancePusherPosition(tx: EntityManager, userId: string, appId: string, pushkey: string, position: number): Promise<void> {
    await this.d.execute(
      tx,
      "UPDATE pushers SET last_stream_ordering = ? WHERE user_id = ? AND app_id = ? AND pushkey = ? AND last_stream_ordering < ?",
      [position, userId, appId, pushkey, position],
    );
  }

  /** Deletes the user's pusher (appId, pushkey); whether there was one. */
  async deletePusher(tx: EntityManager, userId: string, appId: string, pushkey: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?", [userId, appId, pushkey])) > 0;
  }

  /** Deletes the pushers (appId, pushkey) of every user but `userId`. */
  async deletePushersOfOtherUsers(tx: EntityManager, appId: string, pushkey: string, userId: string): Promise<number> {
    return this.d.execute(tx, "DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?", [appId, pushkey, userId]);
  }
}

function toPusherRow(row: PusherDbRow): StoredPusherRow {
  return {
    userId: row.user_id,
    appId: row.app_id,
    pushkey: row.pushkey,
    deviceId: row.device_id,
    kind: row.kind,
    appDisplayName: row.app_display_name,
    deviceDisplayName: row.device_display_name,
    profileTag: row.profile_tag,
    lang: row.lang,
    data: JSON.parse(row.data) as Record<string, unknown>,
    pushkeyTs: toNumber(row.pushkey_ts),
    lastStreamOrdering: toNumber(row.last_stream_ordering),
  };
}
