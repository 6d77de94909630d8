/**
 * The conflicted state subgraph of state resolution v2.1 (room version 12).
 * https://spec.matrix.org/v1.19/rooms/v12/#definitions
 *
 * > Starting from an event in the *conflicted state set* and following `auth_events` edges may lead
 * > to another event in the conflicted state set. The union of all such paths between any pair of
 * > events in the conflicted state set (including endpoints) forms a subgraph of the original
 * > `auth_event` graph, called the *conflicted state subgraph*.
 *
 * An event is on such a path iff it is reachable from a conflicted event (it is conflicted or in
 * the auth chain of one) and a conflicted event is reachable from it (it is conflicted or has one
 * in its own auth chain).
 */

/**
 * The conflicted state subgraph, given the conflicted state set, the union of the conflicted
 * events' auth chains, and each event's auth events (events of the chain that are unknown count
 * as having none).
 */
export function conflictedStateSubgraph(
  conflicted: ReadonlySet<string>,
  authChain: ReadonlySet<string>,
  authEventIdsOf: (eventId: string) => readonly string[] | undefined,
): Set<string> {
  // reaches.get(v): a conflicted event is reachable from v by zero or more auth edges.
  const reaches = new Map<string, boolean>();
  for (const eventId of conflicted) reaches.set(eventId, true);

  // Iterative post-order walk down the auth edges within the chain.
  const stack: string[] = [];
  const expanded = new Set<string>();
  for (const root of authChain) {
    if (reaches.has(root)) continue;
    stack.push(root);
    while (stack.length > 0) {
      const eventId = stack[stack.length - 1] as string;
      if (reaches.has(eventId)) {
        stack.pop();
        continue;
      }
      const authEventIds = authEventIdsOf(eventId) ?? [];
      if (!expanded.has(eventId)) {
        expanded.add(eventId);
        for (const authEventId of authEventIds) {
          if (authChain.has(authEventId) && !reaches.has(authEventId)) stack.push(authEventId);
        }
        continue;
      }
      stack.pop();
      let reachesConflicted = false;
      for (const authEventId of authEventIds) {
        // An auth edge still unresolved here closes a cycle (v1/v2 IDs only): it adds nothing.
        if (reaches.get(authEventId) === true) {
          reachesConflicted = true;
          break;
        }
      }
      reaches.set(eventId, reachesConflicted);
    }
  }

  const subgraph = new Set<string>(conflicted);
  for (const eventId of authChain) if (reaches.get(eventId) === true) subgraph.add(eventId);
  return subgraph;
}
