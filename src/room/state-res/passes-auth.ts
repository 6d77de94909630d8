/**
 * Runs the authorization rules for an event against a state map of event IDs, fetching the state
 * events the rules ask for as needed.
 */
import { AuthError } from "../auth/auth-error.js";
import { authorizeEvent } from "../auth/authorize.js";
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey } from "../state-map.js";
import type { EventCache } from "./event-cache.js";

/**
 * Whether `event` passes the authorization rules when the room state is `state`. A key that the
 * state lacks (or whose event is rejected, when `skipRejected`, or unknown) is looked up in
 * `fallback` instead: the iterative auth checks pass the event's own auth events there.
 *
 * The rules ask for state synchronously; a state event that has not been fetched yet is fetched
 * and the check run again, so prefetching is an optimisation, never a requirement.
 */
export async function passesAuth(
  event: Pdu,
  rules: RoomVersionRules,
  cache: EventCache,
  state: ReadonlyMap<string, string>,
  fallback: ReadonlyMap<string, Pdu> | undefined,
  skipRejected: boolean,
): Promise<boolean> {
  for (;;) {
    const missing: string[] = [];
    const lookup = (type: string, stateKey: string): Pdu | undefined => {
      const key = stateMapKey(type, stateKey);
      const eventId = state.get(key);
      if (eventId !== undefined && !(skipRejected && cache.isRejected(eventId))) {
        if (!cache.isLoaded(eventId)) missing.push(eventId);
        else {
          const stateEvent = cache.get(eventId);
          if (stateEvent !== undefined) return stateEvent;
        }
      }
      return fallback?.get(key);
    };
    let allowed = true;
    try {
      authorizeEvent(event, lookup, rules);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      allowed = false;
    }
    if (missing.length === 0) return allowed;
    await cache.load(missing);
  }
}
