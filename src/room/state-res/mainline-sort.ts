/**
 * The mainline ordering of state resolution v2.
 * https://spec.matrix.org/v1.19/rooms/v2/#definitions
 *
 * > Let *P* = *P*<sub>0</sub> be an `m.room.power_levels` event. […] The *mainline of P*<sub>0</sub>
 * > is the list of events [*P*<sub>0</sub>, *P*<sub>1</sub>, …, *P<sub>n</sub>*], [each the
 * > `m.room.power_levels` event in the `auth_events` of the one before].
 * >
 * > Let *e* = *e<sub>0</sub>* be another event […]. We can compute a similar list of events
 * > [*e*<sub>1</sub>, …, *e<sub>m</sub>*] […]. (Note that the event we started with,
 * > *e<sub>0</sub>*, is not included in this list.)
 * > * Find the smallest index *j* ≥ 1 for which *e<sub>j</sub>* belongs to the mainline of *P*.
 * > * If such a *j* exists, then *e<sub>j</sub>* = *P<sub>i</sub>* for some unique index *i* ≥ 0.
 * >   Otherwise set *i* = ∞.
 * > * In both cases, the *mainline position* of *e* is *i*.
 * >
 * > […] *x* < *y* if
 * > 1. the mainline position of *x* is **greater** than the mainline position of *y*; or
 * > 2. the mainline positions of the events are the same, but *x*'s `origin_server_ts` is *less*
 * >    than *y*'s `origin_server_ts`; or
 * > 3. the mainline positions of the events are the same and the events have the same
 * >    `origin_server_ts`, but *x*'s `event_id` is *less* than *y*'s `event_id`.
 */

/** What the mainline ordering needs to know about events; every answer is synchronous. */
export interface MainlineLookup {
  /** The ID of the `m.room.power_levels` (state key "") event among the event's auth events. */
  powerLevelsAuthEvent(eventId: string): string | undefined;
  originServerTs(eventId: string): number;
}

interface SortEntry {
  readonly eventId: string;
  readonly position: number;
  readonly originServerTs: number;
}

function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.position !== b.position) return a.position > b.position ? -1 : 1;
  if (a.originServerTs !== b.originServerTs) return a.originServerTs < b.originServerTs ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * Orders `eventIds` by the mainline ordering based on the power levels event
 * `powerLevelsEventId` (the one of the partially resolved state; with none, every position is ∞).
 */
export function mainlineSort(
  eventIds: readonly string[],
  powerLevelsEventId: string | undefined,
  lookup: MainlineLookup,
): string[] {
  if (eventIds.length === 0) return [];

  // Position of each power levels event reached so far: its mainline index if it is on the
  // mainline, else the position of the first mainline event below it (∞ when there is none).
  const positions = new Map<string, number>();
  let index = 0;
  for (let p = powerLevelsEventId; p !== undefined && !positions.has(p); p = lookup.powerLevelsAuthEvent(p)) {
    positions.set(p, index++);
  }

  const positionFrom = (start: string | undefined): number => {
    const walked = new Set<string>();
    let position = Infinity;
    // `walked` also stops a walk round an auth-event cycle (only possible with v1/v2 event IDs).
    for (let p = start; p !== undefined && !walked.has(p); p = lookup.powerLevelsAuthEvent(p)) {
      const known = positions.get(p);
      if (known !== undefined) {
        position = known;
        break;
      }
      walked.add(p);
    }
    for (const p of walked) positions.set(p, position);
    return position;
  };

  const entries: SortEntry[] = eventIds.map((eventId) => ({
    eventId,
    position: positionFrom(lookup.powerLevelsAuthEvent(eventId)),
    originServerTs: lookup.originServerTs(eventId),
  }));
  entries.sort(compareEntries);
  return entries.map((entry) => entry.eventId);
}
