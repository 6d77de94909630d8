/**
 * Signed test rooms, built quickly (like Dendrite `test.NewRoom`). Every server gets a fixed fake
 * Ed25519 key derived from its name, so events are really hashed and signed and their IDs real.
 *
 *   const room = RoomBuilder.create({ version: "10", creator: ALICE, joinRule: "public" });
 *   room.send(BOB, mkMembership(BOB, "join"));
 *   const kick = room.build(ALICE, mkMembership(BOB, "leave"));   // not added
 *   authorizeEvent(kick, room.authState());
 */
import { createHash } from "node:crypto";
import { signJson } from "../../src/crypto/json-signing.js";
import { SigningKey } from "../../src/crypto/signing-key.js";
import type { JsonObject, PduJson } from "../../src/matrix/pdu-json.js";
import { AuthError } from "../../src/room/auth/auth-error.js";
import { selectAuthEventKeys } from "../../src/room/auth/auth-events-selection.js";
import type { AuthState } from "../../src/room/auth/auth-state.js";
import { authorizeEvent } from "../../src/room/auth/authorize.js";
import { checkAuthEvents } from "../../src/room/auth/check-auth-events.js";
import { buildEvent } from "../../src/room/event-builder.js";
import { Pdu } from "../../src/room/pdu.js";
import { redactPduJson } from "../../src/room/redaction.js";
import { getRoomVersion, type RoomVersionRules } from "../../src/room/room-versions.js";
import { stateMapKey, type StateMap } from "../../src/room/state-map.js";
import { type EventTemplate, mkJoinRules, mkMembership, mkPowerLevels } from "./event-builders.js";

export const ALICE = "@alice:alpha.test";
export const BOB = "@bob:beta.test";
export const CAROL = "@carol:gamma.test";
export const DAVE = "@dave:alpha.test";

const keys = new Map<string, SigningKey>();
let roomCounter = 0;
/** One clock for all test rooms, so two rooms built alike still differ (v12 room IDs hash the create event). */
let clock = 1_700_000_000_000;

/** The fixed test signing key of `serverName` (seed = SHA-256 of the name). */
export function testSigningKey(serverName: string): SigningKey {
  let key = keys.get(serverName);
  if (key === undefined) {
    key = SigningKey.fromSeed("test", createHash("sha256").update(serverName).digest());
    keys.set(serverName, key);
  }
  return key;
}

export function serverOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}

/** A copy of `pdu` also signed by `serverName`'s test key (e.g. a restricted join's authorising server). */
export function countersign(pdu: Pdu, serverName: string): Pdu {
  const json = structuredClone(pdu.json) as PduJson;
  const { signatures } = signJson(redactPduJson(json, pdu.rules), serverName, testSigningKey(serverName));
  return Pdu.fromJson({ ...json, signatures }, pdu.rules, pdu.eventId);
}

export interface CreateRoomOptions {
  version?: string;
  creator?: string;
  /** Extra `m.room.create` content (e.g. `additional_creators`, `m.federate`). */
  createContent?: JsonObject;
  /** Initial join rule; null for none. Default "invite". */
  joinRule?: string | null;
  /** Initial power levels content; null for none. Default: the creator at 100 (v12: `{}`). */
  powerLevels?: JsonObject | null;
  /** Only the create event: no creator join, power levels or join rules. */
  createOnly?: boolean;
}

export interface SendOptions {
  /** Default: the latest event. */
  prevEvents?: Pdu[];
  /** Default: the auth-events selection against the current state. */
  authEvents?: Pdu[];
  originServerTs?: number;
  /** Run checkAuthEvents + authorizeEvent before adding (default true). */
  check?: boolean;
}

export class RoomBuilder {
  readonly events: Pdu[] = [];
  readonly state: StateMap<Pdu> = new Map();
  private roomIdValue: string | undefined;

  constructor(readonly rules: RoomVersionRules) {}

  /** A room with create event, the creator's join, power levels and join rules (as configured). */
  static create(options: CreateRoomOptions = {}): RoomBuilder {
    const rules = getRoomVersion(options.version ?? "12");
    if (rules === null) throw new Error(`unknown room version ${options.version}`);
    const creator = options.creator ?? ALICE;
    const room = new RoomBuilder(rules);
    const createContent: JsonObject = { room_version: rules.id };
    if (rules.authorization.creatorInContent) createContent.creator = creator;
    Object.assign(createContent, options.createContent);
    if (rules.roomIdFormat === "server") room.roomIdValue = `!room${++roomCounter}:${serverOf(creator)}`;
    room.send(creator, { type: "m.room.create", stateKey: "", content: createContent });
    if (options.createOnly === true) return room;
    room.send(creator, mkMembership(creator, "join"));
    const powerLevels =
      options.powerLevels === undefined ? (rules.authorization.privilegedCreators ? {} : { users: { [creator]: 100 } }) : options.powerLevels;
    if (powerLevels !== null) room.send(creator, mkPowerLevels(powerLevels));
    const joinRule = options.joinRule === undefined ? "invite" : options.joinRule;
    if (joinRule !== null) room.send(creator, mkJoinRules(joinRule));
    return room;
  }

  get roomId(): string {
    if (this.roomIdValue === undefined) throw new Error("the room has no create event yet");
    return this.roomIdValue;
  }

  get create(): Pdu {
    const create = this.get("m.room.create", "");
    if (create === undefined) throw new Error("no create event");
    return create;
  }

  get latest(): Pdu {
    const last = this.events.at(-1);
    if (last === undefined) throw new Error("empty room");
    return last;
  }

  get(type: string, stateKey: string): Pdu | undefined {
    return this.state.get(stateMapKey(type, stateKey));
  }

  /** The current state as the authorization rules read it. */
  authState(): AuthState {
    const snapshot = new Map(this.state);
    return (type, stateKey) => snapshot.get(stateMapKey(type, stateKey));
  }

  /** The auth events the selection algorithm picks from the current state. */
  selectAuthEvents(sender: string, template: EventTemplate): Pdu[] {
    const keys = selectAuthEventKeys(template.type, template.stateKey, sender, template.content, this.rules);
    return keys.flatMap((key) => {
      const event = this.state.get(key);
      return event === undefined ? [] : [event];
    });
  }

  /** Builds a signed event on top of the room without adding it. */
  build(sender: string, template: EventTemplate, options: SendOptions = {}): Pdu {
    const server = serverOf(sender);
    const isCreate = template.type === "m.room.create";
    clock += 1000;
    const pdu = buildEvent({
      rules: this.rules,
      roomId: isCreate && this.rules.roomIdFormat === "createEventHash" ? undefined : this.roomIdValue,
      sender,
      type: template.type,
      stateKey: template.stateKey,
      content: template.content,
      redacts: template.redacts,
      prevEvents: options.prevEvents ?? (this.events.length === 0 ? [] : [this.latest]),
      authEvents: options.authEvents ?? (isCreate ? [] : this.selectAuthEvents(sender, template)),
      originServerTs: options.originServerTs ?? clock,
      signingKey: testSigningKey(server),
      serverName: server,
    });
    return pdu;
  }

  /** Builds, (by default) authorizes against the current state, and adds an event. */
  send(sender: string, template: EventTemplate, options: SendOptions = {}): Pdu {
    const pdu = this.build(sender, template, options);
    if (options.check !== false) {
      const authEvents = options.authEvents ?? (pdu.type === "m.room.create" ? [] : this.selectAuthEvents(sender, template));
      checkAuthEvents(pdu, authEvents);
      authorizeEvent(pdu, this.authState());
    }
    this.add(pdu);
    return pdu;
  }

  /** "allowed", or the AuthError reason of authorizeEvent against the current state. */
  verdict(pdu: Pdu): string {
    try {
      authorizeEvent(pdu, this.authState());
      return "allowed";
    } catch (err) {
      if (err instanceof AuthError) return err.reason;
      throw err;
    }
  }

  /** verdict() of `sender` sending `template` now. */
  try(sender: string, template: EventTemplate, options: SendOptions = {}): string {
    return this.verdict(this.build(sender, template, options));
  }

  /** Appends an event (already built) and applies it to the state if it is a state event. */
  add(pdu: Pdu): void {
    if (pdu.type === "m.room.create" && pdu.stateKey === "") this.roomIdValue = pdu.roomId;
    this.events.push(pdu);
    if (pdu.stateKey !== undefined) this.state.set(pdu.stateMapKey(), pdu);
  }

  /** Joins `user` (inviting them first from the creator when the join rule needs it). */
  join(user: string, inviter?: string): Pdu {
    const joinRule = this.get("m.room.join_rules", "")?.content.join_rule;
    if (joinRule !== "public" && inviter !== undefined) this.send(inviter, mkMembership(user, "invite"));
    return this.send(user, mkMembership(user, "join"));
  }
}
