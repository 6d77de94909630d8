/**
 * Send-to-device messages: the top-level `to_device` events.
 * https://spec.matrix.org/v1.19/client-server-api/#extensions-to-sync
 *
 * Until the send-to-device module exists there is no source: the section is sent empty and the
 * stream stays at position 0. A source plugs in here without touching the handler.
 */
import type { BasicEventJson } from "../../matrix/endpoints/client/sync.js";
import type { StreamProvider, SyncContext } from "./stream-provider.js";

/** A to-device message store as this provider would read it. */
export interface ToDeviceSource {
  currentPosition(): number;
  /** The messages for the device at positions in (since, upTo], oldest first. */
  getMessagesSince(userId: string, deviceId: string, since: number, upTo: number): Promise<BasicEventJson[]>;
}

export class ToDeviceStreamProvider implements StreamProvider {
  readonly stream = "toDevice" as const;

  constructor(private readonly source: ToDeviceSource | null = null) {}

  latestPosition(): number {
    return this.source?.currentPosition() ?? 0;
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    await this.incrementalSync(ctx, 0, ctx.to.toDevice);
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    const { userId, deviceId } = ctx.request;
    if (this.source === null || deviceId === null || from >= to) return;
    ctx.result.toDevice.push(...(await this.source.getMessagesSince(userId, deviceId, from, to)));
  }
}
