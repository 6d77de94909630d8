/**
 * Every migration, oldest first. Listed explicitly (no globs) so the same list works under tsx
 * and after tsc; TypeORM orders them by the timestamp that ends each class name.
 */
import { CreateUsers1763700001000 } from "./1763700001000-create-users.js";
import { CreateDevices1763700002000 } from "./1763700002000-create-devices.js";
import { CreateAccessTokens1763700003000 } from "./1763700003000-create-access-tokens.js";
import { CreateRefreshTokens1763700004000 } from "./1763700004000-create-refresh-tokens.js";
import { CreateRegistrationTokens1763700005000 } from "./1763700005000-create-registration-tokens.js";
import { CreateServerSigningKeys1763700006000 } from "./1763700006000-create-server-signing-keys.js";
import { CreateRemoteServerKeys1763700007000 } from "./1763700007000-create-remote-server-keys.js";
import { CreateRooms1763700008000 } from "./1763700008000-create-rooms.js";
import { CreateEvents1763700009000 } from "./1763700009000-create-events.js";
import { CreateEventEdges1763700010000 } from "./1763700010000-create-event-edges.js";
import { CreateEventAuthEdges1763700011000 } from "./1763700011000-create-event-auth-edges.js";
import { CreateForwardExtremities1763700012000 } from "./1763700012000-create-forward-extremities.js";
import { CreateStateGroups1763700013000 } from "./1763700013000-create-state-groups.js";
import { CreateStateGroupEntries1763700014000 } from "./1763700014000-create-state-group-entries.js";
import { CreateEventStateGroups1763700015000 } from "./1763700015000-create-event-state-groups.js";
import { CreateCurrentState1763700016000 } from "./1763700016000-create-current-state.js";
import { CreateRoomMemberships1763700017000 } from "./1763700017000-create-room-memberships.js";
import { CreateEventTxnIds1763700018000 } from "./1763700018000-create-event-txn-ids.js";
import { CreateStreamPositions1763700019000 } from "./1763700019000-create-stream-positions.js";
import { CreateUiAuthSessions1763700100000 } from "./1763700100000-create-ui-auth-sessions.js";
import { CreateAccountData1763700200100 } from "./1763700200100-create-account-data.js";
import { CreateUserFilters1763700200200 } from "./1763700200200-create-user-filters.js";
import { CreatePresence1763700200300 } from "./1763700200300-create-presence.js";
import { CreateReceipts1763700200400 } from "./1763700200400-create-receipts.js";
import { CreateProfileFields1763700200500 } from "./1763700200500-create-profile-fields.js";
import { CreateRoomAliases1763700300100 } from "./1763700300100-create-room-aliases.js";
import { CreateForgottenRooms1763700300200 } from "./1763700300200-create-forgotten-rooms.js";
import { IndexRoomAccessState1763700300300 } from "./1763700300300-index-room-access-state.js";
import { KeyEventAuthEdgesByOrdering1763700400100 } from "./1763700400100-key-event-auth-edges-by-ordering.js";
import { KeyEventEdgesByOrdering1763700400200 } from "./1763700400200-key-event-edges-by-ordering.js";
import { KeyEventStateGroupsByOrdering1763700400300 } from "./1763700400300-key-event-state-groups-by-ordering.js";
import { KeyRoomMembershipsByOrdering1763700400400 } from "./1763700400400-key-room-memberships-by-ordering.js";
import { CreatePushRules1763700500100 } from "./1763700500100-create-push-rules.js";
import { CreateEventPushActions1763700500200 } from "./1763700500200-create-event-push-actions.js";
import { AddUiAuthSessionFlows1763700600100 } from "./1763700600100-add-ui-auth-session-flows.js";
import { CreateLoginTokens1763700600200 } from "./1763700600200-create-login-tokens.js";
import { CreateEventRelations1763700600300 } from "./1763700600300-create-event-relations.js";
import { CreatePushers1763700600400 } from "./1763700600400-create-pushers.js";
import { CreateEventSearch1763700600500 } from "./1763700600500-create-event-search.js";
import { CreateOpenIdTokens1763700600700 } from "./1763700600700-create-openid-tokens.js";
import { CreateContentReports1763700600800 } from "./1763700600800-create-content-reports.js";
import { AddEventPushActionsActions1763700601100 } from "./1763700601100-add-event-push-actions-actions.js";
import { CreateReadNotifications1763700601200 } from "./1763700601200-create-read-notifications.js";
import { AddPushersLastStreamOrdering1763700601300 } from "./1763700601300-add-pushers-last-stream-ordering.js";

export const migrations = [
  CreateUsers1763700001000,
  CreateDevices1763700002000,
  CreateAccessTokens1763700003000,
  CreateRefreshTokens1763700004000,
  CreateRegistrationTokens1763700005000,
  CreateServerSigningKeys1763700006000,
  CreateRemoteServerKeys1763700007000,
  CreateRooms1763700008000,
  CreateEvents1763700009000,
  CreateEventEdges1763700010000,
  CreateEventAuthEdges1763700011000,
  CreateForwardExtremities1763700012000,
  CreateStateGroups1763700013000,
  CreateStateGroupEntries1763700014000,
  CreateEventStateGroups1763700015000,
  CreateCurrentState1763700016000,
  CreateRoomMemberships1763700017000,
  CreateEventTxnIds1763700018000,
  CreateStreamPositions1763700019000,
  CreateUiAuthSessions1763700100000,
  CreateAccountData1763700200100,
  CreateUserFilters1763700200200,
  CreatePresence1763700200300,
  CreateReceipts1763700200400,
  CreateProfileFields1763700200500,
  CreateRoomAliases1763700300100,
  CreateForgottenRooms1763700300200,
  IndexRoomAccessState1763700300300,
  KeyEventAuthEdgesByOrdering1763700400100,
  KeyEventEdgesByOrdering1763700400200,
  KeyEventStateGroupsByOrdering1763700400300,
  KeyRoomMembershipsByOrdering1763700400400,
  CreatePushRules1763700500100,
  CreateEventPushActions1763700500200,
  AddUiAuthSessionFlows1763700600100,
  CreateLoginTokens1763700600200,
  CreateEventRelations1763700600300,
  CreatePushers1763700600400,
  CreateEventSearch1763700600500,
  CreateOpenIdTokens1763700600700,
  CreateContentReports1763700600800,
  AddEventPushActionsActions1763700601100,
  CreateReadNotifications1763700601200,
  AddPushersLastStreamOrdering1763700601300,
];
