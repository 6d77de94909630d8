/**
 * A user's devices: listing, renaming, deleting (the device management module), and their
 * last-seen time and address. https://spec.matrix.org/v1.19/client-server-api/#device-management
 *
 * Last-seen updates come with every authenticated request, so they are buffered: at most one
 * per device per ACTIVITY_INTERVAL_MS, written together in one statement up to FLUSH_DELAY_MS
 * later and when the server stops (AccountServices.close). The spec allows it: "May be a few
 * minutes out of date, for efficiency reasons". Precision: this process's reads (GET /devices)
 * see buffered values at once, to within ACTIVITY_INTERVAL_MS of the device's latest request;
 * other processes see them to within that plus FLUSH_DELAY_MS. A session's start writes the
 * device's last-seen time itself (SessionService): noteSessionStart keeps the first requests
 * from the same address from writing it again.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { DeviceRow, DevicesStore } from "../../storage/stores/devices-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Logger } from "../../util/logger.js";

export interface DeviceServiceDeps {
  db: DataSource;
  devices: Pick<DevicesStore, "selectDevice" | "selectDevicesByUser" | "updateDeviceDisplayName" | "updateDevicesLastSeen" | "deleteDevices">;
  logger?: Pick<Logger, "warn">;
  now?: () => number;
  /** Delay before buffered last-seen updates are written; default FLUSH_DELAY_MS. */
  flushDelayMs?: number;
  /** Forgets the cached tokens of a user (AccessTokenCache.forgetUser); called after commit. */
  forgetTokens?: (userId: string) => void;
}

/** A device as this service describes it (the storage row's shape). */
export type DeviceInfo = DeviceRow;

interface Activity {
  userId: string;
  deviceId: string;
  ts: number;
  ip: string | null;
}

/** A device used again within this long from the same address is not noted again. */
const ACTIVITY_INTERVAL_MS = 60_000;
/** How long last-seen updates are buffered before they are written. */
const FLUSH_DELAY_MS = 30_000;
/** Devices whose last note is remembered; forgetting one only costs an extra write. */
const MAX_REMEMBERED = 50_000;

export class DeviceService {
  private readonly now: () => number;
  private readonly pending = new Map<string, Activity>();
  /** Per device, what was last noted (written or buffered). */
  private readonly noted = new Map<string, { ts: number; ip: string | null }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeviceServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** GET /devices: the user's devices, ordered by ID. */
  async listDevices(userId: string): Promise<DeviceRow[]> {
    const rows = await this.deps.devices.selectDevicesByUser(userId);
    return rows.map((row) => this.withActivity(row));
  }

  /** GET /devices/{deviceId}; 404 M_NOT_FOUND when the user has no such device. */
  async getDevice(userId: string, deviceId: string): Promise<DeviceRow> {
    const row = await this.deps.devices.selectDevice(userId, deviceId);
    if (row === null) throw notFound(deviceId);
    return this.withActivity(row);
  }

  /** PUT /devices/{deviceId}: an absent name leaves it unchanged; 404 for an unknown device. */
  async renameDevice(userId: string, deviceId: string, displayName: string | undefined): Promise<void> {
    if (displayName === undefined) {
      await this.getDevice(userId, deviceId);
      return;
    }
    const changed = await runInTransaction(this.deps.db, (tx) => this.deps.devices.updateDeviceDisplayName(tx, userId, deviceId, displayName));
    if (!changed) throw notFound(deviceId);
  }

  /** Deletes the devices (those that exist) and, with them, their tokens. */
  async deleteDevices(userId: string, deviceIds: readonly string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await runInTransaction(this.deps.db, (tx) => this.deps.devices.deleteDevices(tx, userId, deviceIds));
    this.deps.forgetTokens?.(userId);
    for (const deviceId of deviceIds) {
      this.pending.delete(deviceKey(userId, deviceId));
      this.noted.delete(deviceKey(userId, deviceId));
    }
  }

  /** The device was just used from `ip`: buffered, written within flushDelayMs. */
  noteActivity(userId: string, deviceId: string, ip: string | null): void {
    const key = deviceKey(userId, deviceId);
    const ts = this.now();
    const last = this.noted.get(key);
    if (last !== undefined && last.ip === ip && ts - last.ts < ACTIVITY_INTERVAL_MS) return;
    this.remember(key, ts, ip);
    this.pending.set(key, { userId, deviceId, ts, ip });
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.flushActivity(), this.deps.flushDelayMs ?? FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** A session started on the device at `ts` from `ip`, which its row already records (nothing to write). */
  noteSessionStart(userId: string, deviceId: string, ts: number, ip: string | null): void {
    const key = deviceKey(userId, deviceId);
    if (!this.pending.has(key)) this.remember(key, ts, ip);
  }

  /** Writes the buffered last-seen updates now. */
  async flushActivity(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const previous = this.flushing;
    this.flushing = (async () => {
      await previous;
      if (batch.length === 0) return;
      try {
        const rows = batch.map((a) => ({ userId: a.userId, deviceId: a.deviceId, lastSeenTs: a.ts, lastSeenIp: a.ip }));
        await runInTransaction(this.deps.db, (tx) => this.deps.devices.updateDevicesLastSeen(tx, rows));
      } catch (err) {
        this.deps.logger?.warn({ err, devices: batch.length }, "could not record devices' last-seen times");
      }
    })();
    await this.flushing;
  }

  private remember(key: string, ts: number, ip: string | null): void {
    if (this.noted.size >= MAX_REMEMBERED) this.noted.clear();
    this.noted.set(key, { ts, ip });
  }

  private withActivity(row: DeviceRow): DeviceRow {
    const buffered = this.pending.get(deviceKey(row.userId, row.deviceId));
    return buffered === undefined ? row : { ...row, lastSeenTs: buffered.ts, lastSeenIp: buffered.ip };
  }
}

function deviceKey(userId: string, deviceId: string): string {
  return `${userId}\u0000${deviceId}`;
}

function notFound(deviceId: string): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, `No device ${deviceId}`);
}
