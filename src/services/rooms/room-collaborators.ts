/**
 * The narrow collaborators of the room verbs (room creation, membership, sending): the slice of
 * the event persister each one uses, and the callbacks that other services fill in later (profiles,
 * aliases, the published room directory). STYLE.md habit 3: consumers name what they use.
 */
import type { EventPersister } from "./event-persister.js";

/** Sending a local event (auth failures are MatrixError 403 M_FORBIDDEN). */
export type RoomEventSender = Pick<EventPersister, "sendLocalEvent">;

/** Reading a room's current state, its events and its version. */
export type RoomStateReader = Pick<EventPersister, "getStateEvent" | "getCurrentState" | "getEvent" | "getRoomVersion">;

/** A user's global profile, copied into their `m.room.member` events. */
export interface MemberProfile {
  displayname?: string | null;
  avatar_url?: string | null;
}

export interface ProfileLookup {
  /** The user's profile, or null when unknown (then the member event carries none). */
  getProfile(userId: string): Promise<MemberProfile | null>;
}

/** Room aliases on this server, as far as room creation needs them (the alias service comes later). */
export interface AliasReserver {
  /** Whether `alias` is free; asked before the room exists, so a taken alias creates no room. */
  isAliasAvailable(alias: string): Promise<boolean>;
  /** Maps `alias` to `roomId` on behalf of `creator`; false when it was taken meanwhile. */
  reserveAlias(alias: string, roomId: string, creator: string): Promise<boolean>;
  /**
   * Throws 400 M_EXCLUSIVE when `alias` lies in an application service namespace closed to the
   * creator (`appserviceId`: the appservice making the request, or null for a person).
   */
  checkAliasNamespace?(alias: string, appserviceId: string | null): void;
}

/** Where a room alias points (local aliases; remote ones once federation queries exist). */
export interface AliasResolver {
  /** The room `alias` points to, or null when it points nowhere or cannot be resolved. */
  resolveRoomId(alias: string): Promise<string | null>;
}

/** The published room directory (`visibility` of /createRoom). */
export interface RoomDirectoryPublisher {
  setRoomVisibility(roomId: string, visibility: "public" | "private"): Promise<void>;
}
