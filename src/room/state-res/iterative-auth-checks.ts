/**
 * The iterative auth checks of state resolution v2.
 * https://spec.matrix.org/v1.19/rooms/v2/#definitions
 *
 * > The *iterative auth checks algorithm* takes as input an initial room state and a sorted list
 * > of state events, and constructs a new room state by iterating through the event list and
 * > applying the state event to the room state if the state event is allowed by the authorisation
 * > rules. If the state event is not allowed by the authorisation rules, then the event is ignored.
 * > If a `(event_type, state_key)` key that is required for checking the authorisation rules is not
 * > present in the state, then the appropriate state event from the event's `auth_events` is used
 * > if the auth event is not rejected.
 *
 * > Rejected auth events are deliberately excluded from use in the iterative auth checks, as auth
 * > events aren't re-authed (although non-auth events are) during the iterative auth checks.
 *
 * So rejected events are never used to authorise another event (neither from the state nor from
 * `auth_events`), while the listed events themselves are checked afresh whatever their earlier
 * rejection status.
 */
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey, type StateMap } from "../state-map.js";
import type { EventCache } from "./event-cache.js";
import { passesAuth } from "./passes-auth.js";

const CREATE_KEY = stateMapKey("m.room.create", "");
const POWER_LEVELS_KEY = stateMapKey("m.room.power_levels", "");
const JOIN_RULES_KEY = stateMapKey("m.room.join_rules", "");

/** Applies `eventIds` in order to a copy of `initialState`, keeping those the rules allow. */
export async function iterativeAuthChecks(
  rules: RoomVersionRules,
  eventIds: readonly string[],
  initialState: ReadonlyMap<string, string>,
  cache: EventCache,
): Promise<StateMap<string>> {
  const state: StateMap<string> = new Map(initialState);
  await cache.loadWithAuthEvents(eventIds);
  await cache.load(likelyStateEventIds(eventIds, initialState, cache));

  for (const eventId of eventIds) {
    const event = cache.get(eventId);
    if (event === undefined || event.stateKey === undefined) continue;
    const authEvents = cache.authEventsByKey(event, true);
    if (await passesAuth(event, rules, cache, state, authEvents, true)) {
      state.set(stateMapKey(event.type, event.stateKey), eventId);
    }
  }
  return state;
}

/**
 * The events of `initialState` that the authorization rules will most likely read for these
 * events (create, power levels, join rules, the memberships of sender and target), fetched in one
 * batch up front. Anything else the rules ask for is fetched on demand by passesAuth.
 */
function likelyStateEventIds(
  eventIds: readonly string[],
  initialState: ReadonlyMap<string, string>,
  cache: EventCache,
): Set<string> {
  const ids = new Set<string>();
  const add = (key: string): void => {
    const eventId = initialState.get(key);
    if (eventId !== undefined) ids.add(eventId);
  };
  if (initialState.size === 0) return ids;
  add(CREATE_KEY);
  add(POWER_LEVELS_KEY);
  add(JOIN_RULES_KEY);
  for (const eventId of eventIds) {
    const event: Pdu | undefined = cache.get(eventId);
    if (event === undefined) continue;
    add(stateMapKey("m.room.member", event.sender));
    if (event.type === "m.room.member" && event.stateKey !== undefined) {
      add(stateMapKey("m.room.member", event.stateKey));
      const via = event.content.join_authorised_via_users_server;
      if (typeof via === "string") add(stateMapKey("m.room.member", via));
    }
  }
  return ids;
}
