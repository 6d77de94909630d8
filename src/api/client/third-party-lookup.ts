/**
 * The third-party lookup routes, answered by the application services that bridge the networks.
 * https://spec.matrix.org/v1.19/client-server-api/#third-party-lookups
 *
 * The lookups' fields are the query string: every parameter is handed to the appservices except
 * `access_token`, and, on an appservice's own token, the identity assertion (`user_id`,
 * `device_id`), which are the homeserver's.
 */
import {
  getProtocolMetadata,
  getProtocols,
  queryLocationByAlias,
  queryLocationByProtocol,
  queryUserByID,
  queryUserByProtocol,
} from "../../matrix/endpoints/client/third-party-lookup.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler, RawQuery } from "../../http/endpoint-types.js";
import { route, type Route } from "../../http/route.js";
import type { LookupFields, ThirdPartyKind, ThirdPartyLookup } from "../../services/appservices/third-party-lookup.js";

export interface ThirdPartyLookupDeps {
  readonly lookup: Pick<ThirdPartyLookup, "getProtocols" | "getProtocol" | "queryByProtocol" | "reverseLookup">;
}

export function thirdPartyLookupRoutes(deps: ThirdPartyLookupDeps): Route[] {
  return [
    route(getProtocols, handleGetProtocols(deps)),
    route(getProtocolMetadata, handleGetProtocolMetadata(deps)),
    route(queryLocationByProtocol, handleQueryLocationByProtocol(deps)),
    route(queryUserByProtocol, handleQueryUserByProtocol(deps)),
    route(queryLocationByAlias, handleQueryLocationByAlias(deps)),
    route(queryUserByID, handleQueryUserByID(deps)),
  ];
}

/**
 * GET /_matrix/client/v3/thirdparty/protocols: `{}` when no appservice provides a protocol.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartyprotocols
 */
export function handleGetProtocols(deps: ThirdPartyLookupDeps): EndpointHandler<typeof getProtocols> {
  return async () => deps.lookup.getProtocols();
}

/**
 * GET /_matrix/client/v3/thirdparty/protocol/{protocol}: 404 M_NOT_FOUND "The protocol is unknown."
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartyprotocolprotocol
 */
export function handleGetProtocolMetadata(deps: ThirdPartyLookupDeps): EndpointHandler<typeof getProtocolMetadata> {
  return async ({ params }) => deps.lookup.getProtocol(params.protocol);
}

/**
 * GET /_matrix/client/v3/thirdparty/location/{protocol}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartylocationprotocol
 */
export function handleQueryLocationByProtocol(deps: ThirdPartyLookupDeps): EndpointHandler<typeof queryLocationByProtocol> {
  return async ({ params, query, requester }) => deps.lookup.queryByProtocol("location", params.protocol, lookupFields(query, requester));
}

/**
 * GET /_matrix/client/v3/thirdparty/user/{protocol}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartyuserprotocol
 */
export function handleQueryUserByProtocol(deps: ThirdPartyLookupDeps): EndpointHandler<typeof queryUserByProtocol> {
  return async ({ params, query, requester }) => deps.lookup.queryByProtocol("user", params.protocol, lookupFields(query, requester));
}

/**
 * GET /_matrix/client/v3/thirdparty/location?alias=: `alias` is required.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartylocation
 */
export function handleQueryLocationByAlias(deps: ThirdPartyLookupDeps): EndpointHandler<typeof queryLocationByAlias> {
  return async ({ query, requester }) => reverseLookup(deps, "location", "alias", query, requester);
}

/**
 * GET /_matrix/client/v3/thirdparty/user?userid=: `userid` is required.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3thirdpartyuser
 */
export function handleQueryUserByID(deps: ThirdPartyLookupDeps): EndpointHandler<typeof queryUserByID> {
  return async ({ query, requester }) => reverseLookup(deps, "user", "userid", query, requester);
}

async function reverseLookup<K extends ThirdPartyKind>(deps: ThirdPartyLookupDeps, kind: K, key: string, query: RawQuery, requester: Requester) {
  const value = query[key];
  if (value === undefined) throw new MatrixError(400, ErrCode.MissingParam, `Missing required query parameter: ${key}`);
  if (typeof value !== "string" || value === "") throw new MatrixError(400, ErrCode.InvalidParam, `Query parameter ${key} must be given once, not empty`);
  return deps.lookup.reverseLookup(kind, lookupFields(query, requester));
}

/** The query parameters the appservices see, in order, repeated names kept. */
function lookupFields(query: RawQuery, requester: Requester): LookupFields {
  const reserved = requester.appserviceId === null ? ["access_token"] : ["access_token", "user_id", "device_id"];
  const fields: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || reserved.includes(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) fields.push([name, one]);
  }
  return fields;
}
