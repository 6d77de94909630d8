import type { sync } from "../../matrix/endpoints/client/sync.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { SyncHandler } from "../../sync/sync-handler.js";
import { parseSyncRequest, type SyncRequestParser } from "../../sync/sync-request.js";

export interface SyncDeps {
  readonly handler: Pick<SyncHandler, "sync">;
  readonly parser: SyncRequestParser;
  /** Longest `timeout` honoured, in ms (a longer one is cut to it); default 5 minutes. */
  readonly maxTimeoutMs?: number;
}

const DEFAULT_MAX_TIMEOUT_MS = 5 * 60_000;

/**
 * GET /_matrix/client/v3/sync
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
 *
 * A long-poll stops waiting as soon as the client disconnects (the request's abort signal).
 */
export function handleSync(deps: SyncDeps): EndpointHandler<typeof sync> {
  const maxTimeoutMs = deps.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS;
  return async (http) => {
    const { requester, query } = http;
    const request = await parseSyncRequest(requester.userId, requester.deviceId, query, deps.parser);
    const timeoutMs = Math.min(Math.max(0, query.timeout ?? 0), maxTimeoutMs);
    // The signal is made on first use: only requests that may wait pay for it.
    return deps.handler.sync(request, timeoutMs > 0 ? { timeoutMs, signal: http.signal } : { timeoutMs });
  };
}
