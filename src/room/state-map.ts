/**
 * State maps: `(event type, state key)` → value, keyed by one string so that a plain Map works.
 * The separator is NUL; check-pdu-format refuses event types containing NUL, so parsing at the
 * first NUL is unambiguous (state keys may contain anything).
 */

/** Room state keyed by `stateMapKey(type, stateKey)`. */
export type StateMap<T> = Map<string, T>;

/** The map key for `(type, stateKey)`: `${type}\u0000${stateKey}`. */
export function stateMapKey(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

/** Splits a key made by stateMapKey back into its type and state key. */
export function parseStateMapKey(key: string): { type: string; stateKey: string } {
  const separator = key.indexOf("\u0000");
  if (separator < 0) throw new Error(`not a state map key: ${JSON.stringify(key)}`);
  return { type: key.slice(0, separator), stateKey: key.slice(separator + 1) };
}
