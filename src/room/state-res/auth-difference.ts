/**
 * The auth difference of state resolution v2.
 * https://spec.matrix.org/v1.19/rooms/v2/#definitions
 *
 * > The *auth difference* is calculated by first calculating the full auth chain for each state
 * > *S<sub>i</sub>*, that is the union of the auth chains for each event in *S<sub>i</sub>*, and
 * > then taking every event that doesn't appear in every auth chain. If *C<sub>i</sub>* is the
 * > full auth chain of *S<sub>i</sub>*, then the auth difference is ∪ *C<sub>i</sub>* − ∩ *C<sub>i</sub>*.
 */

/** ∪ C<sub>i</sub> − ∩ C<sub>i</sub> over the full auth chains of the state sets. */
export function authDifference(fullAuthChains: readonly ReadonlySet<string>[]): Set<string> {
  const difference = new Set<string>();
  const count = fullAuthChains.length;
  if (count < 2) return difference;
  // An event of chain i is in the difference iff some other chain lacks it.
  for (let i = 0; i < count; i++) {
    const chain = fullAuthChains[i] as ReadonlySet<string>;
    for (const id of chain) {
      if (difference.has(id)) continue;
      for (let j = 0; j < count; j++) {
        if (j !== i && !(fullAuthChains[j] as ReadonlySet<string>).has(id)) {
          difference.add(id);
          break;
        }
      }
    }
  }
  return difference;
}
