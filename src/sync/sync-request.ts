/**
 * A /sync query (or a WebSocket sync's query) as a SyncRequest: the `since` token and the
 * filter resolved. https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
 *
 * `filter`: "The ID of a filter created using the filter API or a filter JSON object encoded as
 * a string. The server will detect whether it is an ID or a JSON object by whether the first
 * character is a "{" open brace." Errors: 400 M_NOT_JSON for inline JSON that does not parse,
 * M_BAD_JSON for an invalid filter, M_INVALID_PARAM for an unknown filter ID (as Synapse answers)
 * and for a `since` that is not one of our tokens.
 */
import type { SetPresence } from "../matrix/endpoints/client/sync.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import { LruCache } from "../storage/lru-cache.js";
import { SyncFilter, type SyncFilterOptions } from "./filters.js";
import { StreamToken } from "./stream-token.js";
import type { SyncRequest } from "./streams/stream-provider.js";

/** The stored filters, as sync reads them. */
export interface SyncFilterLookup {
  /** The compiled filter `filterId` of the user, or null when there is none. */
  getSyncFilter(userId: string, filterId: string): Promise<SyncFilter | null>;
}

export interface SyncQueryParams {
  readonly filter?: string | null;
  readonly since?: string | null;
  readonly full_state?: boolean | null;
  readonly set_presence?: SetPresence | null;
  readonly use_state_after?: boolean | null;
}

export interface SyncRequestParser {
  readonly filters: SyncFilterLookup | null;
  readonly filterOptions?: SyncFilterOptions;
}

export async function parseSyncRequest(
  userId: string,
  deviceId: string | null,
  query: SyncQueryParams,
  parser: SyncRequestParser,
): Promise<SyncRequest> {
  return {
    userId,
    deviceId,
    filter: await resolveFilter(userId, query.filter ?? null, parser),
    since: query.since == null || query.since === "" ? null : StreamToken.parse(query.since),
    fullState: query.full_state ?? false,
    useStateAfter: query.use_state_after ?? false,
    setPresence: query.set_presence ?? "online",
  };
}

/**
 * Inline filters compiled before, by their text: a client long-polling with an inline filter sends
 * the same one every time. Keyed by the options object too (one per parser in practice).
 */
const inlineFilters = new WeakMap<object, LruCache<string, SyncFilter>>();
const NO_OPTIONS = {};

function compileInline(text: string, options: SyncRequestParser["filterOptions"]): SyncFilter {
  const key = options ?? NO_OPTIONS;
  let cache = inlineFilters.get(key);
  if (cache === undefined) inlineFilters.set(key, (cache = new LruCache(1_000)));
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MatrixError(400, ErrCode.NotJson, "The filter parameter is not valid JSON");
  }
  const filter = SyncFilter.fromJson(json, options);
  cache.set(text, filter);
  return filter;
}

async function resolveFilter(userId: string, filter: string | null, parser: SyncRequestParser): Promise<SyncFilter> {
  if (filter === null || filter === "") {
    return parser.filterOptions === undefined ? SyncFilter.DEFAULT : SyncFilter.fromJson({}, parser.filterOptions);
  }
  if (filter.startsWith("{")) return compileInline(filter, parser.filterOptions);
  const stored = parser.filters === null ? null : await parser.filters.getSyncFilter(userId, filter);
  if (stored === null) throw new MatrixError(400, ErrCode.InvalidParam, `No such filter: ${filter}`);
  return stored;
}
