import type { getWellKnownClient, getWellKnownServer } from "../matrix/endpoints/well-known.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import type { EndpointHandler } from "../http/endpoint-types.js";

export interface WellKnownDeps {
  /** The client API base URL; null serves 404. */
  readonly clientBaseUrl: string | null;
  /** `host[:port]` other servers should reach us at; null serves 404. */
  readonly serverDelegation: string | null;
}

/**
 * The values to serve: configured ones win; otherwise the client document points at
 * `public_baseurl` and the server document at our server name's host on the federation port.
 */
export function deriveWellKnown(input: {
  serverName: string;
  publicBaseurl: string | null;
  federationPort: number | null;
  configured?: { client?: string; server?: string };
}): WellKnownDeps {
  return {
    clientBaseUrl: input.configured?.client ?? input.publicBaseurl,
    serverDelegation:
      input.configured?.server ?? (input.federationPort === null ? null : `${hostOf(input.serverName)}:${input.federationPort}`),
  };
}

/** The host part of a server name: `[::1]:8448` → `[::1]`, `example.org:8448` → `example.org`. */
function hostOf(serverName: string): string {
  const colon = serverName.lastIndexOf(":");
  if (colon < 0 || serverName.endsWith("]")) return serverName;
  return serverName.slice(0, colon);
}

function notConfigured(): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, "No server discovery information available");
}

/**
 * GET /.well-known/matrix/client
 * https://spec.matrix.org/v1.19/client-server-api/#getwell-knownmatrixclient
 */
export function handleGetWellKnownClient(deps: Pick<WellKnownDeps, "clientBaseUrl">): EndpointHandler<typeof getWellKnownClient> {
  const response = deps.clientBaseUrl === null ? null : { "m.homeserver": { base_url: deps.clientBaseUrl } };
  return () => {
    if (response === null) throw notConfigured();
    return response;
  };
}

/**
 * GET /.well-known/matrix/server
 * https://spec.matrix.org/v1.19/server-server-api/#getwell-knownmatrixserver
 */
export function handleGetWellKnownServer(deps: Pick<WellKnownDeps, "serverDelegation">): EndpointHandler<typeof getWellKnownServer> {
  const response = deps.serverDelegation === null ? null : { "m.server": deps.serverDelegation };
  return () => {
    if (response === null) throw notConfigured();
    return response;
  };
}
