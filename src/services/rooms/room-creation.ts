/**
 * Creating rooms: `POST /_matrix/client/v3/createRoom` as a domain verb over the event persister.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 *
 * The request is checked in full first (room-creation-request.ts) and turned into the spec's
 * ordered list of events (room-creation-plan.ts); only then is anything sent, so a bad request
 * creates no room. An event of the plan that fails authorization (e.g. `initial_state` the
 * creator's power cannot set) is 400 M_INVALID_ROOM_STATE, as the spec's examples say; the events
 * before it stay (the DAG is append-only).
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { DEFAULT_ROOM_VERSION } from "../../room/room-versions.js";
import type { AliasReserver, ProfileLookup, RoomDirectoryPublisher, RoomEventSender, RoomStateReader } from "./room-collaborators.js";
import { checkCreateRoomRequest, type CreateRoomRequest } from "./room-creation-request.js";
import { planRoomCreation } from "./room-creation-plan.js";
import { memberContent } from "./room-member-content.js";
import { strippedRoomState } from "./room-stripped-state.js";

export interface RoomCreationDeps {
  serverName: string;
  persister: RoomEventSender;
  reader: Pick<RoomStateReader, "getStateEvent">;
  profiles: ProfileLookup;
  aliases: AliasReserver;
  directory: RoomDirectoryPublisher;
  /** The version of rooms created without `room_version` (default DEFAULT_ROOM_VERSION). */
  defaultRoomVersion?: string;
}

export interface CreateRoomResult {
  room_id: string;
  /** The alias made from `room_alias_name`, when given. */
  room_alias?: string;
}

export class RoomCreationService {
  private readonly defaultRoomVersion: string;

  constructor(private readonly deps: RoomCreationDeps) {
    this.defaultRoomVersion = deps.defaultRoomVersion ?? DEFAULT_ROOM_VERSION;
  }

  /**
   * Creates a room for the local user `creator`. 400 M_BAD_JSON / M_INVALID_PARAM for a bad
   * request, M_UNSUPPORTED_ROOM_VERSION for an unknown version, M_ROOM_IN_USE for a taken alias,
   * M_INVALID_ROOM_STATE when the implied state is not allowed, M_EXCLUSIVE for an alias in an
   * application service's namespace (`appserviceId`: the requester's, when it is one).
   */
  async createRoom(creator: string, req: CreateRoomRequest, appserviceId: string | null = null): Promise<CreateRoomResult> {
    const checked = checkCreateRoomRequest(creator, req, this.deps.serverName, this.defaultRoomVersion);
    const plan = planRoomCreation(creator, checked);
    const { persister } = this.deps;
    if (checked.alias !== null) this.deps.aliases.checkAliasNamespace?.(checked.alias, appserviceId);
    if (checked.alias !== null && !(await this.deps.aliases.isAliasAvailable(checked.alias))) {
      throw new MatrixError(400, ErrCode.RoomInUse, `The room alias ${checked.alias} is already in use`);
    }
    const profile = await this.deps.profiles.getProfile(creator);

    // 1. m.room.create: the persister picks the room ID (v1–v11 random, v12 the event's hash).
    const create = await persister.sendLocalEvent({
      roomId: null,
      roomVersion: checked.rules.id,
      sender: creator,
      type: "m.room.create",
      stateKey: "",
      content: plan.createContent,
    });
    const roomId = create.pdu.roomId;
    if (checked.alias !== null && !(await this.deps.aliases.reserveAlias(checked.alias, roomId, creator))) {
      throw new MatrixError(400, ErrCode.RoomInUse, `The room alias ${checked.alias} is already in use`);
    }

    const send = async (type: string, stateKey: string, content: JsonObject, unsigned?: JsonObject): Promise<void> => {
      try {
        await persister.sendLocalEvent({ roomId, sender: creator, type, stateKey, content, unsigned });
      } catch (err) {
        if (err instanceof MatrixError && err.status === 403) {
          throw new MatrixError(400, ErrCode.InvalidRoomState, `Cannot create the room: ${type} (${JSON.stringify(stateKey)}): ${err.message}`);
        }
        throw err;
      }
    };
    // 2. The creator joins; 3. power levels; 4–7. alias, preset, initial_state, name and topic.
    await send("m.room.member", creator, memberContent("join", { profile }));
    await send("m.room.power_levels", "", plan.powerLevels);
    for (const event of plan.stateEvents) await send(event.type, event.stateKey, event.content);
    // 8. Invites. Remote invitees get the event in the room's DAG; telling their server
    // (federation /invite) belongs to the federation sender.
    if (plan.invites.length > 0) {
      const unsigned = { invite_room_state: await strippedRoomState(this.deps.reader, roomId) };
      for (const invitee of plan.invites) {
        const inviteeProfile = await this.deps.profiles.getProfile(invitee);
        await send("m.room.member", invitee, memberContent("invite", { profile: inviteeProfile, isDirect: checked.isDirect }), unsigned);
      }
    }
    if (plan.finalPowerLevels !== null) await send("m.room.power_levels", "", plan.finalPowerLevels);

    if (checked.visibility === "public") await this.deps.directory.setRoomVisibility(roomId, "public");
    return checked.alias === null ? { room_id: roomId } : { room_id: roomId, room_alias: checked.alias };
  }
}
