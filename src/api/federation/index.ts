/** The server-server API route table (the key server's routes are in api/key/). */
import { exchangeOpenIdToken } from "../../matrix/endpoints/federation/openid.js";
import { getFederationVersion } from "../../matrix/endpoints/federation/version.js";
import { getWellKnownServer } from "../../matrix/endpoints/well-known.js";
import { route, type Route } from "../../http/route.js";
import { handleGetWellKnownServer, type WellKnownDeps } from "../well-known.js";
import { handleExchangeOpenIdToken, type OpenIdUserInfoDeps } from "./openid.js";
import { handleGetFederationVersion } from "./version.js";

export interface FederationRoutesDeps {
  readonly wellKnown: Pick<WellKnownDeps, "serverDelegation">;
  /** Third parties checking users' OpenID tokens. */
  readonly openId: OpenIdUserInfoDeps["openId"];
}

export function federationRoutes(deps: FederationRoutesDeps): Route[] {
  return [
    route(getFederationVersion, handleGetFederationVersion()),
    route(getWellKnownServer, handleGetWellKnownServer(deps.wellKnown)),
    route(exchangeOpenIdToken, handleExchangeOpenIdToken(deps)),
  ];
}
