/**
 * Test support for state resolution: a room's events held in memory, with readable event IDs
 * (`$NAME` from v3, `$NAME:example.com` before), the callbacks resolveState takes, and a replay
 * that walks a `prev_events` DAG computing the state at every event the way a server does.
 * Signatures and hashes play no part in state resolution, so events here carry none.
 */
import type { JsonObject, PduJson } from "../../../src/matrix/pdu-json.js";
import { selectAuthEventKeys } from "../../../src/room/auth/auth-events-selection.js";
import type { AuthState } from "../../../src/room/auth/auth-state.js";
import { authorizeEvent } from "../../../src/room/auth/authorize.js";
import { Pdu } from "../../../src/room/pdu.js";
import type { RoomVersionRules } from "../../../src/room/room-versions.js";
import { stateMapKey, type StateMap } from "../../../src/room/state-map.js";
import { resolveState } from "../../../src/room/state-res/resolve.js";
import { reverseTopologicalPowerSort } from "../../../src/room/state-res/reverse-topological-power-sort.js";
import type { StateResCallbacks } from "../../../src/room/state-res/types.js";

/** An event before it is placed in the DAG. */
export interface EventTemplate {
  /** Node name; the event ID is derived from it. */
  readonly id: string;
  readonly sender: string;
  readonly type: string;
  readonly state_key?: string;
  readonly content: JsonObject;
  /** Default: one more than the previous event's. */
  readonly origin_server_ts?: number;
  /** Default: one more than the deepest prev event's. */
  readonly depth?: number;
}

export class StateResDag {
  readonly events = new Map<string, Pdu>();
  readonly rejected = new Set<string>();
  /** Statistics of the callbacks, for tests on batching. */
  readonly calls = { fetchEvent: 0, fetchAuthChain: 0 };
  /** Every event ID fetchEvent was asked for, in order. */
  readonly fetched: string[] = [];
  private nextTs = 0;

  constructor(readonly rules: RoomVersionRules) {}

  eventId(name: string): string {
    return this.rules.eventFormat === "v1" ? `$${name}:example.com` : `$${name}`;
  }

  /** `!room:example.com`, or in v12 the ID the create event named CREATE gives. */
  get roomId(): string {
    return this.rules.roomIdFormat === "createEventHash" ? "!CREATE" : "!room:example.com";
  }

  /** Adds an event citing the given auth and prev events (by event ID); origin_server_ts counts up. */
  add(template: EventTemplate, authEventIds: readonly string[], prevEventIds: readonly string[]): Pdu {
    const pdu = this.build(template, authEventIds, prevEventIds);
    this.events.set(pdu.eventId, pdu);
    return pdu;
  }

  /** Builds the event as add() does, without adding it to the room. */
  build(template: EventTemplate, authEventIds: readonly string[], prevEventIds: readonly string[]): Pdu {
    const eventId = this.eventId(template.id);
    const ref = (id: string): string | [string, JsonObject] => (this.rules.eventFormat === "v1" ? [id, {}] : id);
    const json: PduJson = {
      sender: template.sender,
      type: template.type,
      content: template.content,
      origin_server_ts: template.origin_server_ts ?? this.nextTs++,
      depth: template.depth ?? 1 + Math.max(0, ...prevEventIds.map((id) => this.events.get(id)?.depth ?? 0)),
      prev_events: prevEventIds.map(ref),
      auth_events: authEventIds.map(ref),
      hashes: { sha256: "" },
      signatures: {},
    };
    if (this.rules.eventFormat === "v1") json.event_id = eventId;
    if (!(this.rules.roomIdFormat === "createEventHash" && template.type === "m.room.create")) json.room_id = this.roomId;
    if (template.state_key !== undefined) json.state_key = template.state_key;
    return Pdu.fromJson(json, this.rules, eventId);
  }

  /**
   * Adds events one after the other, each citing the one before as prev event and selecting its
   * auth events from the running state. Returns the state after each event, by name. With
   * `check`, throws the AuthError of an event the auth rules do not allow in the running state.
   */
  addChain(
    templates: readonly EventTemplate[],
    from: { state: ReadonlyMap<string, string>; last?: string } = { state: new Map() },
    check = false,
  ): Map<string, StateMap<string>> {
    const states = new Map<string, StateMap<string>>();
    let state: StateMap<string> = new Map(from.state);
    let last = from.last;
    for (const template of templates) {
      const event = this.add(template, this.selectAuthEvents(template, state), last === undefined ? [] : [last]);
      if (check) authorizeEvent(event, this.lookup(state));
      state = new Map(state);
      if (event.stateKey !== undefined) state.set(event.stateMapKey(), event.eventId);
      states.set(template.id, state);
      last = event.eventId;
    }
    return states;
  }

  /** The events of a state map, as the authorization rules read them. */
  lookup(state: ReadonlyMap<string, string>): AuthState {
    return (type, stateKey) => {
      const eventId = state.get(stateMapKey(type, stateKey));
      return eventId === undefined ? undefined : this.events.get(eventId);
    };
  }

  /** The auth events the auth-events selection picks from `state` for this template. */
  selectAuthEvents(template: EventTemplate, state: ReadonlyMap<string, string>): string[] {
    const keys = selectAuthEventKeys(template.type, template.state_key, template.sender, template.content, this.rules);
    return keys.map((key) => state.get(key)).filter((id) => id !== undefined);
  }

  /** The full auth chain of the given events, by walking `auth_events`. */
  authChain(eventIds: readonly string[]): Set<string> {
    const chain = new Set<string>();
    const stack = eventIds.flatMap((id) => this.events.get(id)?.authEventIds ?? []);
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (chain.has(id)) continue;
      chain.add(id);
      for (const authId of this.events.get(id)?.authEventIds ?? []) stack.push(authId);
    }
    return chain;
  }

  callbacks(): StateResCallbacks {
    return {
      fetchEvent: async (id) => {
        this.calls.fetchEvent++;
        this.fetched.push(id);
        return this.events.get(id);
      },
      fetchAuthChain: async (ids) => {
        this.calls.fetchAuthChain++;
        return this.authChain(ids);
      },
      fetchRejected: async (ids) => new Set(ids.filter((id) => this.rejected.has(id))),
    };
  }

  /** Resolves state sets given as lists of event IDs. */
  async resolve(stateSets: readonly (readonly string[])[]): Promise<StateMap<string>> {
    return resolveState(this.rules, stateSets.map((ids) => this.stateOf(ids)), this.callbacks());
  }

  /** A state map of these events (later ones win). */
  stateOf(eventIds: readonly string[]): StateMap<string> {
    const state: StateMap<string> = new Map();
    for (const id of eventIds) state.set(this.get(id).stateMapKey(), id);
    return state;
  }

  get(eventId: string): Pdu {
    const event = this.events.get(eventId);
    if (event === undefined) throw new Error(`no event ${eventId}`);
    return event;
  }

  /**
   * Replays a DAG: `edges` are chains [A, B, C] meaning A's prev event is B, B's is C. Events are
   * processed in topological order (ties by name); the state before each event is the resolution
   * of the states after its prev events; its auth events are selected from that state. Returns the
   * state after every event, by name.
   */
  async replay(templates: readonly EventTemplate[], edges: readonly (readonly string[])[]): Promise<Map<string, StateMap<string>>> {
    const byName = new Map(templates.map((template) => [template.id, template]));
    const prevs = new Map<string, string[]>(templates.map((template) => [template.id, []]));
    for (const chain of edges) {
      for (let i = 0; i + 1 < chain.length; i++) {
        const list = prevs.get(chain[i] as string);
        if (list === undefined) throw new Error(`edge from unknown event ${chain[i]}`);
        if (!list.includes(chain[i + 1] as string)) list.push(chain[i + 1] as string);
      }
    }
    const order = reverseTopologicalPowerSort(prevs, () => ({ powerLevel: 0, originServerTs: 0 }));
    const stateAfter = new Map<string, StateMap<string>>();
    for (const name of order) {
      const template = byName.get(name) as EventTemplate;
      const prevNames = prevs.get(name) as string[];
      const prevStates = prevNames.map((prev) => stateAfter.get(prev) as StateMap<string>);
      const before = prevStates.length === 0 ? new Map<string, string>() : await resolveState(this.rules, prevStates, this.callbacks());
      const event = this.add(template, this.selectAuthEvents(template, before), prevNames.map((prev) => this.eventId(prev)));
      const after = new Map(before);
      if (event.stateKey !== undefined) after.set(stateMapKey(event.type, event.stateKey), event.eventId);
      stateAfter.set(name, after);
    }
    return stateAfter;
  }
}
