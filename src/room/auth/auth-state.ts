/**
 * The state an event is authorized against, as a lookup: the event's auth events, the state
 * before it, or the current state. Rejected events must not be returned.
 */
import type { Pdu } from "../pdu.js";

/** `(type, stateKey)` → the state event, or undefined when there is none. */
export type AuthState = (type: string, stateKey: string) => Pdu | undefined;

/** A user's membership in `state`; "leave" when there is no member event. */
export function membershipOf(state: AuthState, userId: string): string {
  const membership = state("m.room.member", userId)?.content.membership;
  return typeof membership === "string" ? membership : "leave";
}
