/** The key server's route table (/_matrix/key/v2). */
import { getServerKeys } from "../../matrix/endpoints/key/server-keys.js";
import { route, type Route } from "../../http/route.js";
import { handleGetServerKeys, type ServerKeysDeps } from "./server-keys.js";

export interface KeyRoutesDeps {
  readonly serverKeys: ServerKeysDeps;
}

export function keyRoutes(deps: KeyRoutesDeps): Route[] {
  return [route(getServerKeys, handleGetServerKeys(deps.serverKeys))];
}
