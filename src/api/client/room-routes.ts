/**
 * The routes of rooms and their events: creation, membership, sending, reading the timeline and
 * state, aliases, the published room directory, room upgrades and the user directory.
 */
import { createRoom } from "../../matrix/endpoints/client/create-room.js";
import { deleteRoomAlias, getLocalAliases, getRoomIdByAlias, setRoomAlias } from "../../matrix/endpoints/client/directory.js";
import {
  ban,
  forgetRoom,
  getJoinedRooms,
  inviteUser,
  joinRoom,
  joinRoomById,
  kick,
  knockRoom,
  leaveRoom,
  unban,
} from "../../matrix/endpoints/client/membership.js";
import {
  getPublicRooms,
  getRoomVisibilityOnDirectory,
  queryPublicRooms,
  setRoomVisibilityOnDirectory,
} from "../../matrix/endpoints/client/room-directory.js";
import { redactEvent, sendMessage, setRoomStateWithKey } from "../../matrix/endpoints/client/room-send.js";
import { getJoinedMembersByRoom, getMembersByRoom, getRoomState, getRoomStateWithKey } from "../../matrix/endpoints/client/room-state.js";
import { getEventByTimestamp, getEventContext, getOneRoomEvent, getRoomEvents } from "../../matrix/endpoints/client/room-timeline.js";
import { upgradeRoom } from "../../matrix/endpoints/client/room-upgrades.js";
import { searchUserDirectory } from "../../matrix/endpoints/client/user-directory.js";
import { getRoomSummary } from "../../matrix/endpoints/client/room-summary.js";
import { getSpaceHierarchy } from "../../matrix/endpoints/client/space-hierarchy.js";
import { route, type Route } from "../../http/route.js";
import { handleCreateRoom, type CreateRoomDeps } from "./create-room.js";
import { relationsRoutes, type RelationsDeps } from "./relations.js";
import { handleDeleteRoomAlias, handleGetLocalAliases, handleGetRoomIdByAlias, handleSetRoomAlias, type DirectoryDeps } from "./directory.js";
import {
  handleBan,
  handleForgetRoom,
  handleGetJoinedRooms,
  handleInviteUser,
  handleJoinRoom,
  handleJoinRoomById,
  handleKick,
  handleKnockRoom,
  handleLeaveRoom,
  handleUnban,
  type MembershipDeps,
} from "./membership.js";
import {
  handleGetPublicRooms,
  handleGetRoomVisibilityOnDirectory,
  handleQueryPublicRooms,
  handleSetRoomVisibilityOnDirectory,
  type RoomDirectoryDeps,
} from "./room-directory.js";
import { handleRedactEvent, handleSendMessage, handleSetRoomStateWithKey, type RoomSendDeps } from "./room-send.js";
import { handleGetJoinedMembersByRoom, handleGetMembersByRoom, handleGetRoomState, handleGetRoomStateWithKey, type RoomStateDeps } from "./room-state.js";
import { handleGetEventByTimestamp, handleGetEventContext, handleGetOneRoomEvent, handleGetRoomEvents, type RoomTimelineDeps } from "./room-timeline.js";
import { handleUpgradeRoom, type RoomUpgradeDeps } from "./room-upgrades.js";
import { handleSearchUserDirectory, type UserDirectoryDeps } from "./user-directory.js";
import { handleGetRoomSummary, type RoomSummaryDeps } from "./room-summary.js";
import { handleGetSpaceHierarchy, type SpaceHierarchyDeps } from "./space-hierarchy.js";

export interface RoomRoutesDeps {
  readonly creation: CreateRoomDeps;
  readonly membership: MembershipDeps;
  readonly send: RoomSendDeps;
  readonly timeline: RoomTimelineDeps;
  readonly state: RoomStateDeps;
  readonly aliases: DirectoryDeps;
  readonly directory: RoomDirectoryDeps;
  readonly upgrade: RoomUpgradeDeps;
  readonly userDirectory: UserDirectoryDeps;
  /** `/relations` and `/threads` (relations.ts). */
  readonly relations?: RelationsDeps;
  readonly spaces: SpaceHierarchyDeps;
  readonly summary: RoomSummaryDeps;
}

export function roomRoutes(deps: RoomRoutesDeps): Route[] {
  const m = deps.membership;
  return [
    route(createRoom, handleCreateRoom(deps.creation)),
    route(joinRoomById, handleJoinRoomById(m)),
    route(joinRoom, handleJoinRoom(m)),
    route(knockRoom, handleKnockRoom(m)),
    route(inviteUser, handleInviteUser(m)),
    route(leaveRoom, handleLeaveRoom(m)),
    route(forgetRoom, handleForgetRoom(m)),
    route(kick, handleKick(m)),
    route(ban, handleBan(m)),
    route(unban, handleUnban(m)),
    route(getJoinedRooms, handleGetJoinedRooms(m)),
    route(sendMessage, handleSendMessage(deps.send)),
    route(setRoomStateWithKey, handleSetRoomStateWithKey(deps.send)),
    route(redactEvent, handleRedactEvent(deps.send)),
    route(getRoomEvents, handleGetRoomEvents(deps.timeline)),
    route(getEventContext, handleGetEventContext(deps.timeline)),
    route(getOneRoomEvent, handleGetOneRoomEvent(deps.timeline)),
    route(getEventByTimestamp, handleGetEventByTimestamp(deps.timeline)),
    route(getRoomState, handleGetRoomState(deps.state)),
    route(getRoomStateWithKey, handleGetRoomStateWithKey(deps.state)),
    route(getMembersByRoom, handleGetMembersByRoom(deps.state)),
    route(getJoinedMembersByRoom, handleGetJoinedMembersByRoom(deps.state)),
    route(setRoomAlias, handleSetRoomAlias(deps.aliases)),
    route(getRoomIdByAlias, handleGetRoomIdByAlias(deps.aliases)),
    route(deleteRoomAlias, handleDeleteRoomAlias(deps.aliases)),
    route(getLocalAliases, handleGetLocalAliases(deps.aliases)),
    route(getRoomVisibilityOnDirectory, handleGetRoomVisibilityOnDirectory(deps.directory)),
    route(setRoomVisibilityOnDirectory, handleSetRoomVisibilityOnDirectory(deps.directory)),
    route(getPublicRooms, handleGetPublicRooms(deps.directory)),
    route(queryPublicRooms, handleQueryPublicRooms(deps.directory)),
    route(upgradeRoom, handleUpgradeRoom(deps.upgrade)),
    route(searchUserDirectory, handleSearchUserDirectory(deps.userDirectory)),
    ...(deps.relations ? relationsRoutes(deps.relations) : []),
    route(getSpaceHierarchy, handleGetSpaceHierarchy(deps.spaces)),
    route(getRoomSummary, handleGetRoomSummary(deps.summary)),
  ];
}
