/**
 * Server-side search.
 * https://spec.matrix.org/v1.19/client-server-api/#server-side-search
 */
import { search } from "../../matrix/endpoints/client/search.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { route, type Route } from "../../http/route.js";
import type { SearchService } from "../../services/search/search-service.js";

export type SearchDeps = Pick<SearchService, "searchRoomEvents">;

/**
 * POST /_matrix/client/v3/search
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3search
 */
export function handleSearch(deps: SearchDeps): EndpointHandler<typeof search> {
  return async ({ requester, query, body }) => {
    const criteria = body.search_categories.room_events;
    if (criteria === undefined) return { search_categories: {} };
    return { search_categories: { room_events: await deps.searchRoomEvents(requester.userId, criteria, query.next_batch) } };
  };
}

export function searchRoutes(deps: SearchDeps): Route[] {
  return [route(search, handleSearch(deps))];
}
