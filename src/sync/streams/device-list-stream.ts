/**
 * Device list changes: the top-level `device_lists` (`changed`, `left`).
 * https://spec.matrix.org/v1.19/client-server-api/#e2e-extensions-to-sync
 *
 * Until end-to-end encryption support exists there is no source: both lists are sent empty and
 * the stream stays at position 0. A source plugs in here without touching the handler.
 */
import type { StreamProvider, SyncContext } from "./stream-provider.js";

/** Device list tracking as this provider would read it. */
export interface DeviceListSource {
  currentPosition(): number;
  /** Users sharing a room with `userId` whose devices changed in (since, upTo], and users who stopped sharing one. */
  getChangesSince(userId: string, since: number, upTo: number): Promise<{ changed: string[]; left: string[] }>;
}

export class DeviceListStreamProvider implements StreamProvider {
  readonly stream = "deviceList" as const;

  constructor(private readonly source: DeviceListSource | null = null) {}

  latestPosition(): number {
    return this.source?.currentPosition() ?? 0;
  }

  /** "changed" lists changes since a previous sync; an initial sync has none to report. */
  async completeSync(): Promise<void> {}

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    if (this.source === null || from >= to) return;
    const { changed, left } = await this.source.getChangesSince(ctx.request.userId, from, to);
    ctx.result.deviceLists.changed.push(...changed);
    ctx.result.deviceLists.left.push(...left);
  }
}
