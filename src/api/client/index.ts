/** The client-server API route table. */
import { sync } from "../../matrix/endpoints/client/sync.js";
import { getVersions } from "../../matrix/endpoints/client/versions.js";
import { getWellKnownClient } from "../../matrix/endpoints/well-known.js";
import { route, type Route } from "../../http/route.js";
import { handleGetWellKnownClient, type WellKnownDeps } from "../well-known.js";
import { accountRoutes, type AccountRoutesDeps } from "./account-routes.js";
import type { PushRulesDeps } from "./push-rules.js";
import { pushRulesRoutes } from "./push-rules-routes.js";
import { pushersRoutes, type PushersDeps } from "./pushers.js";
import { reportContentRoutes, type ReportContentRoutesDeps } from "./report-content.js";
import { roomRoutes, type RoomRoutesDeps } from "./room-routes.js";
import { searchRoutes, type SearchDeps } from "./search.js";
import { userDataRoutes, type UserDataRoutesDeps } from "./user-data-routes.js";
import { handleSync, type SyncDeps } from "./sync.js";
import { thirdPartyLookupRoutes, type ThirdPartyLookupDeps } from "./third-party-lookup.js";
import { handleGetVersions, type VersionsDeps } from "./versions.js";

export interface ClientRoutesDeps {
  readonly versions: VersionsDeps;
  readonly wellKnown: Pick<WellKnownDeps, "clientBaseUrl">;
  /** Account data, filters, presence, typing, receipts, profiles, TURN (user-data-routes.ts). */
  readonly userData?: UserDataRoutesDeps;
  /** Login, registration, sessions, account management, devices, capabilities (account-routes.ts). */
  readonly accounts?: AccountRoutesDeps;
  /** GET /sync (sync.ts). */
  readonly sync?: SyncDeps;
  /** Rooms: creation, membership, events, state, aliases, directories, upgrades (room-routes.ts). */
  readonly rooms?: RoomRoutesDeps;
  /** Push rules (push-rules-routes.ts). */
  readonly pushRules?: PushRulesDeps;
  /** POST /search (search.ts). */
  readonly search?: SearchDeps;
  /** Pushers and GET /notifications (pushers.ts). */
  readonly pushers?: PushersDeps;
  /** Content reports, and the admin API over them (report-content.ts). */
  readonly reports?: ReportContentRoutesDeps;
  /** Third-party protocols, locations and users, from the appservices (third-party-lookup.ts). */
  readonly thirdParty?: ThirdPartyLookupDeps;
}

export function clientRoutes(deps: ClientRoutesDeps): Route[] {
  return [
    route(getVersions, handleGetVersions(deps.versions)),
    route(getWellKnownClient, handleGetWellKnownClient(deps.wellKnown)),
    ...(deps.userData ? userDataRoutes(deps.userData) : []),
    ...(deps.accounts ? accountRoutes(deps.accounts) : []),
    ...(deps.sync ? [route(sync, handleSync(deps.sync))] : []),
    ...(deps.rooms ? roomRoutes(deps.rooms) : []),
    ...(deps.pushRules ? pushRulesRoutes(deps.pushRules) : []),
    ...(deps.search ? searchRoutes(deps.search) : []),
    ...(deps.pushers ? pushersRoutes(deps.pushers) : []),
    ...(deps.reports ? reportContentRoutes(deps.reports) : []),
    ...(deps.thirdParty ? thirdPartyLookupRoutes(deps.thirdParty) : []),
  ];
}
