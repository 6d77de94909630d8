/**
 * Room aliases on this server: `PUT/GET/DELETE /directory/room/{roomAlias}` and
 * `GET /rooms/{roomId}/aliases`, and the alias side of room creation and upgrades.
 * https://spec.matrix.org/v1.19/client-server-api/#room-aliases
 *
 * Rules beyond the spec's minimum, which leaves access control to servers:
 * - an alias is made by a member of the room it points to (or a server admin), so nobody can
 *   squat aliases on rooms they are not in;
 * - it may be deleted by its creator, a server admin, or a room moderator: a member whose power
 *   level reaches the level needed to send `m.room.canonical_alias`;
 * - deleting an alias listed in the room's `m.room.canonical_alias` also removes it there when
 *   the deleter may change that event ("Servers which choose to update the canonical alias
 *   event are recommended to … delete the alias and return a successful response even if the
 *   user does not have permission to update the `m.room.canonical_alias` event").
 *
 * Application services (https://spec.matrix.org/v1.19/application-service-api/#server-admin-style-permissions):
 * an appservice may create and delete any alias inside its alias namespace (it has "full
 * control", so neither room membership nor the creator rule applies) and none outside it; nobody
 * else may create or delete an alias inside an appservice's exclusive namespace. Both are 400
 * M_EXCLUSIVE.
 *
 * Aliases of other servers need a federation query, which this server does not make yet: they
 * are 404 M_NOT_FOUND when resolved, and cannot be created or deleted here (M_INVALID_PARAM).
 */
import type { DataSource, EntityManager } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { domainOf } from "../../room/auth/user-ids.js";
import { parseRoomAlias } from "../../room/room-alias.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { RoomAliasesStore } from "../../storage/stores/room-aliases-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Appservice } from "../appservices/appservice.js";
import type { AppserviceRegistry } from "../appservices/appservice-registry.js";
import type { Clock } from "./event-persister-types.js";
import { canSendStateEvent } from "./room-auth-state.js";
import type { AliasReserver, AliasResolver, RoomEventSender, RoomStateReader } from "./room-collaborators.js";
import type { RoomVisibility } from "./visibility.js";

export interface AliasServiceDeps {
  db: DataSource;
  serverName: string;
  store: Pick<RoomAliasesStore, "insertRoomAlias" | "selectRoomAlias" | "selectAliasesForRoom" | "deleteRoomAlias" | "updateAliasesRoom">;
  members: Pick<CurrentStateStore, "selectRoomMembers">;
  reader: Pick<RoomStateReader, "getRoomVersion" | "getStateEvent">;
  persister: RoomEventSender;
  visibility: Pick<RoomVisibility, "getRoomAccess">;
  /** Whether the user is a server administrator. */
  isServerAdmin: (userId: string) => Promise<boolean>;
  clock: Clock;
  /** The registered application services and their alias namespaces; none when absent. */
  appservices?: Pick<AppserviceRegistry, "findById" | "checkAliasNamespace">;
}

export interface ResolvedAlias {
  room_id: string;
  servers: string[];
}

export class AliasService implements AliasReserver, AliasResolver {
  constructor(private readonly deps: AliasServiceDeps) {}

  async isAliasAvailable(alias: string): Promise<boolean> {
    return (await this.deps.store.selectRoomAlias(alias)) === null;
  }

  async reserveAlias(alias: string, roomId: string, creator: string): Promise<boolean> {
    return runInTransaction(this.deps.db, (tx) => this.insert(tx, alias, roomId, creator));
  }

  /** The room a local alias points to; null for unknown and remote aliases. */
  async resolveRoomId(alias: string): Promise<string | null> {
    if (parseRoomAlias(alias)?.serverName !== this.deps.serverName) return null;
    return (await this.deps.store.selectRoomAlias(alias))?.roomId ?? null;
  }

  /**
   * `PUT /directory/room/{roomAlias}`: 409 when taken, 404 for an unknown room, 403 for
   * non-members, 400 M_EXCLUSIVE against an appservice namespace. `appserviceId` is the
   * requester's, when it is an application service.
   */
  async setAlias(userId: string, alias: string, roomId: string, appserviceId: string | null = null): Promise<void> {
    this.requireLocalAlias(alias);
    const appservice = this.checkAliasNamespace(alias, appserviceId);
    if ((await this.deps.reader.getRoomVersion(roomId)) === null) throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} not found`);
    if (appservice === null) {
      const membership = (await this.deps.reader.getStateEvent(roomId, "m.room.member", userId))?.content.membership;
      if (membership !== "join" && !(await this.deps.isServerAdmin(userId))) {
        throw new MatrixError(403, ErrCode.Forbidden, "You must be in the room to give it an alias");
      }
    }
    if (!(await this.reserveAlias(alias, roomId, userId))) {
      throw new MatrixError(409, ErrCode.Unknown, `Room alias ${alias} already exists`);
    }
  }

  /** `GET /directory/room/{roomAlias}`: the room and the servers in it. */
  async resolveAlias(alias: string): Promise<ResolvedAlias> {
    const parts = parseRoomAlias(alias);
    if (parts === null) throw new MatrixError(400, ErrCode.InvalidParam, "Room alias invalid");
    if (parts.serverName !== this.deps.serverName) {
      throw new MatrixError(404, ErrCode.NotFound, `Room alias ${alias} not found (resolving other servers' aliases is not supported yet)`);
    }
    const row = await this.deps.store.selectRoomAlias(alias);
    if (row === null) throw new MatrixError(404, ErrCode.NotFound, `Room alias ${alias} not found`);
    const servers = new Set([this.deps.serverName]);
    for (const member of await this.deps.members.selectRoomMembers(row.roomId)) {
      const server = domainOf(member);
      if (server !== null) servers.add(server);
    }
    return { room_id: row.roomId, servers: [...servers] };
  }

  /** `DELETE /directory/room/{roomAlias}`; `appserviceId` as for setAlias. */
  async deleteAlias(userId: string, alias: string, appserviceId: string | null = null): Promise<void> {
    this.requireLocalAlias(alias);
    const appservice = this.checkAliasNamespace(alias, appserviceId);
    const row = await this.deps.store.selectRoomAlias(alias);
    if (row === null) throw new MatrixError(404, ErrCode.NotFound, `Room alias ${alias} not found`);
    if (appservice === null && row.creator !== userId && !(await canSendStateEvent(this.deps.reader, row.roomId, userId, "m.room.canonical_alias")) && !(await this.deps.isServerAdmin(userId))) {
      throw new MatrixError(403, ErrCode.Forbidden, "Only the alias's creator, a room moderator or a server admin may delete it");
    }
    if (!(await runInTransaction(this.deps.db, (tx) => this.deps.store.deleteRoomAlias(tx, alias)))) {
      throw new MatrixError(404, ErrCode.NotFound, `Room alias ${alias} not found`);
    }
    await this.removeFromCanonicalAlias(userId, row.roomId, alias);
  }

  /**
   * `GET /rooms/{roomId}/aliases`: "This endpoint can be called by users who are in the room
   * (external users receive an `M_FORBIDDEN` error response). If the room's
   * `m.room.history_visibility` maps to `world_readable`, any user can call this endpoint."
   */
  async getLocalAliases(userId: string, roomId: string): Promise<string[]> {
    const access = await this.deps.visibility.getRoomAccess(userId, roomId);
    if (access.membership !== "join" && !access.worldReadable) throw new MatrixError(403, ErrCode.Forbidden, "You are not a member of the room");
    return this.deps.store.selectAliasesForRoom(roomId);
  }

  /** Points every local alias of `fromRoomId` to `toRoomId` (room upgrades). */
  async moveAliases(fromRoomId: string, toRoomId: string): Promise<string[]> {
    return runInTransaction(this.deps.db, (tx) => this.deps.store.updateAliasesRoom(tx, fromRoomId, toRoomId));
  }

  private insert(tx: EntityManager, alias: string, roomId: string, creator: string): Promise<boolean> {
    return this.deps.store.insertRoomAlias(tx, { alias, roomId, creator, createdTs: this.deps.clock.now() });
  }

  /**
   * The requesting appservice (null for a person) once the namespace rules allow it `alias`;
   * else 400 M_EXCLUSIVE. Room creation asks too, for `room_alias_name`.
   */
  checkAliasNamespace(alias: string, appserviceId: string | null): Appservice | null {
    const registry = this.deps.appservices;
    if (registry === undefined) return null;
    const appservice = appserviceId === null ? null : registry.findById(appserviceId);
    registry.checkAliasNamespace(alias, appservice);
    return appservice;
  }

  private requireLocalAlias(alias: string): void {
    const parts = parseRoomAlias(alias);
    if (parts === null) throw new MatrixError(400, ErrCode.InvalidParam, "Room alias invalid");
    if (parts.serverName !== this.deps.serverName) {
      throw new MatrixError(400, ErrCode.InvalidParam, `Room alias ${alias} is not on this server (${this.deps.serverName})`);
    }
  }

  private async removeFromCanonicalAlias(userId: string, roomId: string, alias: string): Promise<void> {
    const current = await this.deps.reader.getStateEvent(roomId, "m.room.canonical_alias", "");
    if (current === null) return;
    const content: JsonObject = { ...current.content };
    let changed = false;
    if (content.alias === alias) {
      delete content.alias;
      changed = true;
    }
    if (Array.isArray(content.alt_aliases) && content.alt_aliases.includes(alias)) {
      content.alt_aliases = content.alt_aliases.filter((a) => a !== alias);
      changed = true;
    }
    if (!changed) return;
    try {
      await this.deps.persister.sendLocalEvent({ roomId, sender: userId, type: "m.room.canonical_alias", stateKey: "", content });
    } catch (err) {
      // The alias is gone either way; the room's own list stays as its moderators left it.
      if (!(err instanceof MatrixError)) throw err;
    }
  }
}
