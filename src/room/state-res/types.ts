/**
 * The inputs of state resolution: everything comes through callbacks, so the algorithms stay pure
 * (STYLE.md: "State res and auth rules as pure modules with fetch callbacks").
 */
import type { Pdu } from "../pdu.js";

export interface StateResCallbacks {
  /** The event with this ID, or undefined if it is not known (it is then left out, as the spec's
   * "no events rejected due to failure to auth against their auth chain" implies). */
  fetchEvent(eventId: string): Promise<Pdu | undefined>;
  /** The union of the full auth chains of these events (every event reachable by `auth_events`). */
  fetchAuthChain(eventIds: string[]): Promise<Set<string>>;
  /**
   * Which of these events were rejected. Rejected events are never used as auth events during the
   * iterative auth checks ("Rejected auth events are deliberately excluded"). Omitted: none are.
   */
  fetchRejected?(eventIds: string[]): Promise<Set<string>>;
}
