/**
 * One row of a route table: an endpoint definition and its handler, checked against each other
 * (Conduit's `ruma_route`). Route lists in api/ are arrays of these.
 */
import type { EndpointDefinition } from "../matrix/endpoints/types.js";
import type { EndpointHandler } from "./endpoint-types.js";

export interface Route {
  // Definitions differ in their request and response types; the pairing was checked by route().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table mixes endpoint types
  readonly definition: EndpointDefinition<any, any, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  readonly handler: (request: any) => unknown;
}

export function route<D extends EndpointDefinition>(definition: D, handler: EndpointHandler<D>): Route {
  return { definition, handler };
}
