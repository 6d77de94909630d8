/**
 * Third-party lookups: the protocols, locations and users of the networks that application
 * services bridge. https://spec.matrix.org/v1.19/client-server-api/#third-party-lookups
 *
 * The wire shapes are the application service API's (`protocol.yaml`, `location.yaml`,
 * `user.yaml`), which the client-server API reuses. Lookups take their fields from the query
 * string, so none of these definitions has a query schema: the handler reads the raw query.
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

/** The definition of one field of `user_fields` / `location_fields`. */
export interface FieldTypeJson {
  regexp: string;
  placeholder: string;
}

/** One independent configuration of a protocol (an IRC network, say). */
export interface ProtocolInstanceJson {
  desc: string;
  icon?: string;
  fields: Record<string, unknown>;
  network_id: string;
  /** Added by the homeserver: unique across the application services providing the protocol. */
  instance_id?: string;
  [key: string]: unknown;
}

export interface ProtocolJson {
  user_fields: string[];
  location_fields: string[];
  icon: string;
  field_types: Record<string, FieldTypeJson>;
  instances: ProtocolInstanceJson[];
  [key: string]: unknown;
}

export interface ThirdPartyLocationJson {
  alias: string;
  protocol: string;
  fields: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ThirdPartyUserJson {
  userid: string;
  protocol: string;
  fields: Record<string, unknown>;
  [key: string]: unknown;
}

type ProtocolRequest = { params: { protocol: string } };

/** GET /_matrix/client/v3/thirdparty/protocols */
export const getProtocols: EndpointDefinition<EmptyRequest, Record<string, ProtocolJson>, "accessToken"> = {
  name: "getProtocols",
  method: "GET",
  paths: clientPaths("/thirdparty/protocols"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/thirdparty/protocol/{protocol} */
export const getProtocolMetadata: EndpointDefinition<ProtocolRequest, ProtocolJson, "accessToken"> = {
  name: "getProtocolMetadata",
  method: "GET",
  paths: clientPaths("/thirdparty/protocol/:protocol"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/thirdparty/location/{protocol}?{fields} */
export const queryLocationByProtocol: EndpointDefinition<ProtocolRequest, ThirdPartyLocationJson[], "accessToken"> = {
  name: "queryLocationByProtocol",
  method: "GET",
  paths: clientPaths("/thirdparty/location/:protocol"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/thirdparty/user/{protocol}?{fields} */
export const queryUserByProtocol: EndpointDefinition<ProtocolRequest, ThirdPartyUserJson[], "accessToken"> = {
  name: "queryUserByProtocol",
  method: "GET",
  paths: clientPaths("/thirdparty/user/:protocol"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/thirdparty/location?alias= */
export const queryLocationByAlias: EndpointDefinition<EmptyRequest, ThirdPartyLocationJson[], "accessToken"> = {
  name: "queryLocationByAlias",
  method: "GET",
  paths: clientPaths("/thirdparty/location"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/thirdparty/user?userid= */
export const queryUserByID: EndpointDefinition<EmptyRequest, ThirdPartyUserJson[], "accessToken"> = {
  name: "queryUserByID",
  method: "GET",
  paths: clientPaths("/thirdparty/user"),
  auth: "accessToken",
};
