/** devices: a user's logged-in devices. Deleting one also deletes its tokens (foreign keys). */
import type { EntityManager } from "typeorm";
import { toNullableNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface DeviceRow {
  userId: string;
  deviceId: string;
  displayName: string | null;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
}

export interface NewDevice {
  userId: string;
  deviceId: string;
  displayName?: string | null;
  lastSeenTs?: number | null;
  lastSeenIp?: string | null;
}

export interface DeviceLastSeen {
  userId: string;
  deviceId: string;
  lastSeenTs: number;
  lastSeenIp: string | null;
}

interface DeviceDbRow {
  user_id: string;
  device_id: string;
  display_name: string | null;
  last_seen_ts: unknown;
  last_seen_ip: string | null;
}

const COLUMNS = "user_id, device_id, display_name, last_seen_ts, last_seen_ip";

export class DevicesStore extends BaseStore {
  /**
   * Adds the device unless the user already has one with that ID (a login that names an
   * existing device reuses it). Returns whether a row was added.
   */
  async insertDevice(tx: EntityManager, device: NewDevice): Promise<boolean> {
    const added = await this.d.execute(
      tx,
      `INSERT INTO devices (${COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO NOTHING`,
      [device.userId, device.deviceId, device.displayName ?? null, device.lastSeenTs ?? null, device.lastSeenIp ?? null],
    );
    return added > 0;
  }

  async selectDevice(userId: string, deviceId: string, em: EntityManager = this.reader): Promise<DeviceRow | null> {
    const rows = await this.d.query<DeviceDbRow>(em, `SELECT ${COLUMNS} FROM devices WHERE user_id = ? AND device_id = ?`, [userId, deviceId]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  /** A user's devices ordered by device ID. */
  async selectDevicesByUser(userId: string, em: EntityManager = this.reader): Promise<DeviceRow[]> {
    const rows = await this.d.query<DeviceDbRow>(em, `SELECT ${COLUMNS} FROM devices WHERE user_id = ? ORDER BY device_id`, [userId]);
    return rows.map(toDevice);
  }

  async updateDeviceDisplayName(tx: EntityManager, userId: string, deviceId: string, displayName: string | null): Promise<boolean> {
    const changed = await this.d.execute(tx, "UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?", [displayName, userId, deviceId]);
    return changed > 0;
  }

  /**
   * Many devices' last-seen times in one statement, whatever their number: the rows travel as one
   * JSON parameter. Devices that no longer exist are skipped. Returns how many rows changed.
   */
  async updateDevicesLastSeen(tx: EntityManager, updates: readonly DeviceLastSeen[]): Promise<number> {
    if (updates.length === 0) return 0;
    const json = JSON.stringify(updates.map((u) => ({ u: u.userId, d: u.deviceId, ts: u.lastSeenTs, ip: u.lastSeenIp })));
    if (this.d.engine === "postgres") {
      return this.d.execute(
        tx,
        `UPDATE devices SET last_seen_ts = v.ts, last_seen_ip = v.ip
         FROM jsonb_to_recordset(?::jsonb) AS v(u text, d text, ts bigint, ip text)
         WHERE devices.user_id = v.u AND devices.device_id = v.d`,
        [json],
      );
    }
    return this.d.execute(
      tx,
      `UPDATE devices SET last_seen_ts = v.ts, last_seen_ip = v.ip
       FROM (SELECT value ->> 'u' AS u, value ->> 'd' AS d, value ->> 'ts' AS ts, value ->> 'ip' AS ip FROM json_each(?)) AS v
       WHERE devices.user_id = v.u AND devices.device_id = v.d`,
      [json],
    );
  }

  /** Deletes the device and, through the foreign keys, its access and refresh tokens. */
  async deleteDevice(tx: EntityManager, userId: string, deviceId: string): Promise<boolean> {
    return (await this.deleteDevices(tx, userId, [deviceId])) > 0;
  }

  /** Returns how many of the devices existed. */
  async deleteDevices(tx: EntityManager, userId: string, deviceIds: readonly string[]): Promise<number> {
    if (deviceIds.length === 0) return 0;
    return this.d.execute(tx, `DELETE FROM devices WHERE user_id = ? AND device_id ${this.d.inArray}`, [userId, this.d.arrayParam(deviceIds)]);
  }
}

function toDevice(row: DeviceDbRow): DeviceRow {
  return {
    userId: row.user_id,
    deviceId: row.device_id,
    displayName: row.display_name,
    lastSeenTs: toNullableNumber(row.last_seen_ts),
    lastSeenIp: row.last_seen_ip,
  };
}
