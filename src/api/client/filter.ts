/** Filters. https://spec.matrix.org/v1.19/client-server-api/#filtering */
import type { defineFilter, getFilter } from "../../matrix/endpoints/client/filter.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { FilterService } from "../../services/filters.js";
import { requireSelf } from "./path-checks.js";

export type FilterDeps = Pick<FilterService, "createFilter" | "getFilter">;

/** POST /_matrix/client/v3/user/{userId}/filter — #post_matrixclientv3useruseridfilter */
export function handleDefineFilter(deps: FilterDeps): EndpointHandler<typeof defineFilter> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "create filters");
    return { filter_id: await deps.createFilter(params.userId, body) };
  };
}

/** GET /_matrix/client/v3/user/{userId}/filter/{filterId} — #get_matrixclientv3useruseridfilterfilterid */
export function handleGetFilter(deps: FilterDeps): EndpointHandler<typeof getFilter> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "get filters");
    const filter = await deps.getFilter(params.userId, params.filterId);
    if (filter === null) throw new MatrixError(404, ErrCode.NotFound, "No such filter.");
    return filter as Record<string, unknown>;
  };
}
