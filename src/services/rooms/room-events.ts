/**
 * Sending events into a room: messages, state, redactions.
 * https://spec.matrix.org/v1.19/client-server-api/#sending-events-to-a-room
 * https://spec.matrix.org/v1.19/client-server-api/#redactions
 *
 * The event persister authorizes every event (a non-member's send is 403 M_FORBIDDEN there).
 * Checked here: what the auth rules leave to "handling redactions" (v3+) — redacting another
 * user's event needs the *redact level* — and the client API's own rules for
 * `m.room.canonical_alias`: "servers SHOULD ensure that any new aliases being listed in the event
 * are valid per their grammar/syntax [M_INVALID_PARAM] and that they point to the room ID where
 * the state event is to be sent [M_BAD_ALIAS]. Servers do not validate aliases which are being
 * removed or are already present in the state event."
 */
import { canonicalJson } from "../../crypto/canonical-json.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { membershipOf } from "../../room/auth/auth-state.js";
import { getNamedPowerLevel, getUserPowerLevel } from "../../room/auth/power-levels.js";
import type { Pdu } from "../../room/pdu.js";
import { parseRoomAlias } from "../../room/room-alias.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { loadPowerState } from "./room-auth-state.js";
import type { AliasResolver, RoomEventSender, RoomStateReader } from "./room-collaborators.js";

export interface RoomEventsDeps {
  persister: RoomEventSender;
  reader: Pick<RoomStateReader, "getStateEvent" | "getEvent" | "getRoomVersion">;
  /** Where aliases point, for M_BAD_ALIAS; without it canonical aliases are checked for syntax only. */
  aliases?: AliasResolver;
}

/** The client's transaction: a retry with the same (sender, device, txnId) returns the first event. */
export interface ClientTxn {
  deviceId: string;
  txnId: string;
}

export class RoomEventsService {
  constructor(private readonly deps: RoomEventsDeps) {}

  /**
   * `PUT /rooms/{roomId}/send/{eventType}/{txnId}`. `m.room.redaction` is a redaction (of
   * `content.redacts`): "In rooms with a version older than 11 they MUST move the `redacts`
   * property inside the `content` to the top level of the event."
   */
  async sendMessage(sender: string, roomId: string, type: string, content: JsonObject, txn?: ClientTxn): Promise<string> {
    const rules = await this.requireRoom(roomId);
    if (type === "m.room.redaction") {
      const redacts = content.redacts;
      if (typeof redacts !== "string") throw new MatrixError(400, ErrCode.BadJson, "m.room.redaction needs content.redacts, an event ID");
      return this.sendRedaction(sender, roomId, rules, redacts, content, txn);
    }
    const { pdu } = await this.deps.persister.sendLocalEvent({ roomId, sender, type, content, txn });
    return pdu.eventId;
  }

  /**
   * `PUT /rooms/{roomId}/state/{eventType}/{stateKey}`. `m.room.member` is allowed too (the auth
   * rules decide). Sending the content the sender already set returns that event, sending nothing.
   */
  async sendStateEvent(sender: string, roomId: string, type: string, stateKey: string, content: JsonObject): Promise<string> {
    await this.requireRoom(roomId);
    const current = await this.deps.reader.getStateEvent(roomId, type, stateKey);
    if (type === "m.room.canonical_alias" && stateKey === "") await this.checkCanonicalAlias(roomId, content, current);
    if (current !== null && current.sender === sender && canonicalJson(current.content) === canonicalJson(content)) {
      return current.eventId;
    }
    const { pdu } = await this.deps.persister.sendLocalEvent({ roomId, sender, type, stateKey, content });
    return pdu.eventId;
  }

  /** `PUT /rooms/{roomId}/redact/{eventId}/{txnId}`. */
  async redact(sender: string, roomId: string, eventId: string, reason?: string, txn?: ClientTxn): Promise<string> {
    const rules = await this.requireRoom(roomId);
    return this.sendRedaction(sender, roomId, rules, eventId, reason === undefined ? {} : { reason }, txn);
  }

  /**
   * "Any user with a power level greater than or equal to the `m.room.redaction` event power
   * level may send redactions for their own events in the room. If the user's power level is also
   * greater than or equal to the `redact` power level of the room, the user may redact events sent
   * by other users." (The first part is the auth rules', in the persister.)
   */
  private async sendRedaction(
    sender: string,
    roomId: string,
    rules: RoomVersionRules,
    redacts: string,
    content: JsonObject,
    txn: ClientTxn | undefined,
  ): Promise<string> {
    const state = await loadPowerState(this.deps.reader, roomId, [sender]);
    if (membershipOf(state, sender) !== "join") throw new MatrixError(403, ErrCode.Forbidden, "You are not joined to this room");
    const target = await this.deps.reader.getEvent(redacts);
    if (target === null || target.roomId !== roomId) throw new MatrixError(404, ErrCode.NotFound, `Event ${redacts} not found in this room`);
    if (target.sender !== sender && getUserPowerLevel(sender, state, rules) < getNamedPowerLevel("redact", state, rules)) {
      throw new MatrixError(403, ErrCode.Forbidden, "You do not have the power level to redact other users' events");
    }
    const redactionContent = { ...content };
    // v1–v10 carry `redacts` at the top level only; from v11 the builder puts it in content.
    if (!rules.redactsInContent) delete redactionContent.redacts;
    const { pdu } = await this.deps.persister.sendLocalEvent({
      roomId,
      sender,
      type: "m.room.redaction",
      content: redactionContent,
      redacts,
      txn,
    });
    return pdu.eventId;
  }

  /** The new aliases of a canonical alias event: valid syntax, and pointing to this room. */
  private async checkCanonicalAlias(roomId: string, content: JsonObject, current: Pdu | null): Promise<void> {
    const present = new Set(current === null ? [] : canonicalAliases(current.content, false));
    for (const alias of canonicalAliases(content)) {
      if (typeof alias === "string" && present.has(alias)) continue;
      if (parseRoomAlias(alias) === null) throw new MatrixError(400, ErrCode.InvalidParam, `${JSON.stringify(alias)} is not a valid room alias`);
      if (this.deps.aliases && (await this.deps.aliases.resolveRoomId(alias as string)) !== roomId) {
        throw new MatrixError(400, ErrCode.BadAlias, `The alias ${alias as string} does not point to this room`);
      }
    }
  }

  private async requireRoom(roomId: string): Promise<RoomVersionRules> {
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (rules === null) throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} is not known to this server`);
    return rules;
  }
}

/**
 * The aliases of an `m.room.canonical_alias` content. `strict` (what a client sends): an
 * `alt_aliases` that is not an array is M_INVALID_PARAM; otherwise it is ignored.
 */
function canonicalAliases(content: JsonObject, strict = true): unknown[] {
  const aliases: unknown[] = [];
  if (content.alias !== undefined && content.alias !== null) aliases.push(content.alias);
  if (Array.isArray(content.alt_aliases)) aliases.push(...content.alt_aliases);
  else if (content.alt_aliases !== undefined && strict) {
    throw new MatrixError(400, ErrCode.InvalidParam, "alt_aliases must be an array of room aliases");
  }
  return aliases;
}
