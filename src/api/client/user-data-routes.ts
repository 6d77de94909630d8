/**
 * The routes of per-user data that /sync also delivers: account data and tags, filters,
 * presence, typing, receipts and read markers, profiles, and the TURN server endpoint.
 */
import {
  deleteRoomTag,
  getAccountData,
  getAccountDataPerRoom,
  getRoomTags,
  setAccountData,
  setAccountDataPerRoom,
  setRoomTag,
} from "../../matrix/endpoints/client/account-data.js";
import { defineFilter, getFilter } from "../../matrix/endpoints/client/filter.js";
import { getPresence, setPresence } from "../../matrix/endpoints/client/presence.js";
import { deleteProfileField, getProfileField, getUserProfile, setProfileField } from "../../matrix/endpoints/client/profile.js";
import { postReceipt, setReadMarker } from "../../matrix/endpoints/client/receipts.js";
import { setTyping } from "../../matrix/endpoints/client/typing.js";
import { getTurnServer } from "../../matrix/endpoints/client/voip.js";
import { route, type Route } from "../../http/route.js";
import {
  handleDeleteRoomTag,
  handleGetAccountData,
  handleGetAccountDataPerRoom,
  handleGetRoomTags,
  handleSetAccountData,
  handleSetAccountDataPerRoom,
  handleSetRoomTag,
  type AccountDataDeps,
} from "./account-data.js";
import { handleDefineFilter, handleGetFilter, type FilterDeps } from "./filter.js";
import { handleGetPresence, handleSetPresence, type PresenceDeps } from "./presence.js";
import { handleDeleteProfileField, handleGetProfileField, handleGetUserProfile, handleSetProfileField, type ProfileDeps } from "./profile.js";
import { handlePostReceipt, handleSetReadMarker, type ReceiptsDeps } from "./receipts.js";
import { handleSetTyping, type TypingDeps } from "./typing.js";
import { handleGetTurnServer, type VoipDeps } from "./voip.js";

export interface UserDataRoutesDeps {
  readonly accountData: AccountDataDeps;
  readonly filters: FilterDeps;
  readonly presence: PresenceDeps;
  readonly typing: TypingDeps;
  readonly receipts: ReceiptsDeps;
  readonly profiles: ProfileDeps;
  readonly voip: VoipDeps;
}

export function userDataRoutes(deps: UserDataRoutesDeps): Route[] {
  return [
    route(setAccountData, handleSetAccountData(deps.accountData)),
    route(getAccountData, handleGetAccountData(deps.accountData)),
    route(setAccountDataPerRoom, handleSetAccountDataPerRoom(deps.accountData)),
    route(getAccountDataPerRoom, handleGetAccountDataPerRoom(deps.accountData)),
    route(getRoomTags, handleGetRoomTags(deps.accountData)),
    route(setRoomTag, handleSetRoomTag(deps.accountData)),
    route(deleteRoomTag, handleDeleteRoomTag(deps.accountData)),
    route(defineFilter, handleDefineFilter(deps.filters)),
    route(getFilter, handleGetFilter(deps.filters)),
    route(setPresence, handleSetPresence(deps.presence)),
    route(getPresence, handleGetPresence(deps.presence)),
    route(setTyping, handleSetTyping(deps.typing)),
    route(postReceipt, handlePostReceipt(deps.receipts)),
    route(setReadMarker, handleSetReadMarker(deps.receipts)),
    route(getUserProfile, handleGetUserProfile(deps.profiles)),
    route(getProfileField, handleGetProfileField(deps.profiles)),
    route(setProfileField, handleSetProfileField(deps.profiles)),
    route(deleteProfileField, handleDeleteProfileField(deps.profiles)),
    route(getTurnServer, handleGetTurnServer(deps.voip)),
  ];
}
