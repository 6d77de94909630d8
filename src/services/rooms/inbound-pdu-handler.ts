/**
 * The checks performed on receipt of a PDU, in the spec's order.
 * https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
 *
 * 1. "Is a valid event, otherwise it is dropped."                       (inbound-pdu-checks.ts)
 * 2. "Passes signature checks, otherwise it is dropped."                (inbound-pdu-checks.ts)
 * 3. "Passes hash checks, otherwise it is redacted before being processed further."
 * 4. "Passes authorisation rules based on the event's auth events, otherwise it is rejected."
 * 5. "Passes authorisation rules based on the state before the event, otherwise it is rejected."
 * 6. "Passes authorisation rules based on the current state of the room, otherwise it is 'soft
 *    failed'."                                         (under the room's writer: event-persister-process.ts)
 * (7. Policy servers are not supported: no event is soft-failed for them.)
 *
 * Dropped events throw MatrixError and are not stored. Rejected events are stored with their
 * reason, so they are not fetched again, and are never used as auth events or state ("The state
 * used in the checks should be calculated as normal, except not updating with the rejected
 * event"). Soft-failed events are stored with their state but stay out of the timeline and the
 * forward extremities.
 *
 * Missing events: auth events we do not have are fetched through `fetchMissing` and stored as
 * outliers after checks 1–4 of their own; without it the event is rejected (its authorization
 * cannot be shown). Missing prev events are fetched the same way and persisted as ordinary
 * events first. When the state before the event still cannot be computed (no `fetchMissing`,
 * or prev events we only have as outliers) we do not know the state before it, and the spec
 * gives no ground to reject it: it passed checks 1–4, so it is stored as an outlier (not in the
 * timeline, never a forward extremity), as other servers do until they fetch the state
 * (`/state_ids`) at the event.
 */
import { AuthError } from "../../room/auth/auth-error.js";
import { selectAuthEventKeys } from "../../room/auth/auth-events-selection.js";
import type { AuthState } from "../../room/auth/auth-state.js";
import { authorizeEvent } from "../../room/auth/authorize.js";
import { checkAuthEvents } from "../../room/auth/check-auth-events.js";
import type { Pdu } from "../../room/pdu.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { stateMapKey } from "../../room/state-map.js";
import { StateGroupMap } from "../../storage/state-group-map.js";
import type { PduJson } from "../../matrix/pdu-json.js";
import type { BatchEvent } from "./event-persister-batch.js";
import type { InboundEvent } from "./event-persister-process.js";
import type { ReceivePduOptions, ReceivePduResult } from "./event-persister-types.js";
import { applyContentHashCheck, checkEventSignatures, parseReceivedPdu } from "./inbound-pdu-checks.js";
import type { StateAccessor } from "./state-accessor.js";
import type { GroupedState, StateResolver } from "./state-resolver.js";

/** How deep fetching missing events may recurse (auth chains of auth events, prev chains). */
const MAX_FETCH_DEPTH = 20;
const CREATE_KEY = stateMapKey("m.room.create", "");

type Persist = (event: InboundEvent) => Promise<{ entry: BatchEvent; softFailReason: string | null }>;

export class InboundPduHandler {
  /** Events being received, by event ID: a second copy waits for the first. */
  private readonly inFlight = new Map<string, Promise<ReceivePduResult>>();

  constructor(
    private readonly accessor: StateAccessor,
    private readonly resolver: StateResolver,
    private readonly persist: Persist,
  ) {}

  async receivePdu(json: PduJson, rules: RoomVersionRules, opts: ReceivePduOptions, fetchDepth = 0): Promise<ReceivePduResult> {
    // Step 1: format (throws when dropped).
    const received = parseReceivedPdu(json, rules);
    const known = await this.accessor.getRoomVersion(received.roomId);
    if (known !== null && known.id !== rules.id) {
      throw new AuthError(`event ${received.eventId} claims room version ${rules.id}, the room is ${known.id}`);
    }
    const stored = await this.accessor.getEntry(received.eventId);
    if (stored) return duplicate(stored.pdu, stored);
    const inFlight = this.inFlight.get(received.eventId);
    if (inFlight) return { ...(await inFlight), status: "duplicate" };
    const promise = this.check(received, opts, fetchDepth);
    this.inFlight.set(received.eventId, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(received.eventId);
    }
  }

  private async check(received: Pdu, opts: ReceivePduOptions, fetchDepth: number): Promise<ReceivePduResult> {
    // Step 2: signatures (throws when dropped).
    await checkEventSignatures(received, opts.verifiedKeys);
    // Step 3: content hash; a mismatch keeps only the redacted form, which is what we store.
    const { pdu } = applyContentHashCheck(received);

    // Step 4: authorization against the event's own auth events.
    let rejectedReason = await this.checkAgainstAuthEvents(pdu, opts, fetchDepth);
    if (opts.outlier === true) return this.store({ pdu, outlier: true, rejectedReason, stateBefore: null });

    // Step 5: authorization against the state before the event.
    const stateBefore = await this.stateBefore(pdu, opts, fetchDepth);
    if (stateBefore === null) return this.store({ pdu, outlier: true, rejectedReason, stateBefore: null });
    if (rejectedReason === null) {
      const keys = selectAuthEventKeys(pdu.type, pdu.stateKey, pdu.sender, pdu.content, pdu.rules);
      rejectedReason = this.authorize(pdu, await this.lookup(stateBefore.state, [...keys, CREATE_KEY]));
    }
    // Step 6 runs under the room's writer, against the current state at that moment.
    return this.store({ pdu, outlier: false, rejectedReason, stateBefore });
  }

  private async store(event: InboundEvent): Promise<ReceivePduResult> {
    const { entry, softFailReason } = await this.persist(event);
    const status = event.rejectedReason !== null ? "rejected" : softFailReason !== null ? "soft_failed" : "accepted";
    const result: ReceivePduResult = { status, pdu: entry.pdu, streamOrdering: entry.streamOrdering, outlier: entry.outlier };
    const reason = event.rejectedReason ?? softFailReason;
    if (reason !== null) result.reason = reason;
    return result;
  }

  /**
   * Step 4. Returns the rejection reason, or null when the event passes. Auth events we lack
   * are fetched (and stored as outliers) when we can; rejected auth events reject the event
   * (authorization rules: "If there are entries which were themselves rejected under the checks
   * performed on receipt of a PDU, reject.").
   */
  private async checkAgainstAuthEvents(pdu: Pdu, opts: ReceivePduOptions, fetchDepth: number): Promise<string | null> {
    if (pdu.type === "m.room.create") return this.authorize(pdu, () => undefined);
    const needed = [...pdu.authEventIds];
    // Room version 12: the create event is named by the room ID, not listed in auth_events.
    const createId = pdu.rules.roomIdFormat === "createEventHash" ? "$" + pdu.roomId.slice(1) : null;
    if (createId !== null) needed.push(createId);
    let entries = await this.accessor.getEntries(needed);
    const missing = needed.filter((id) => !entries.has(id));
    if (missing.length > 0 && opts.fetchMissing && fetchDepth < MAX_FETCH_DEPTH) {
      await this.fetchAndReceive(pdu, missing, { ...opts, outlier: true }, fetchDepth);
      entries = await this.accessor.getEntries(needed);
    }
    const authEvents: Pdu[] = [];
    for (const eventId of pdu.authEventIds) {
      const entry = entries.get(eventId);
      if (!entry) return `auth event ${eventId} is unknown`;
      if (entry.rejected) return `auth event ${eventId} was rejected`;
      authEvents.push(entry.pdu);
    }
    try {
      checkAuthEvents(pdu, authEvents);
    } catch (err) {
      if (err instanceof AuthError) return err.reason;
      throw err;
    }
    const byKey = new Map<string, Pdu>();
    for (const event of authEvents) byKey.set(event.stateMapKey(), event);
    if (createId !== null) {
      const create = entries.get(createId);
      if (!create) return `create event ${createId} is unknown`;
      if (create.rejected) return `create event ${createId} was rejected`;
      byKey.set(CREATE_KEY, create.pdu);
    }
    return this.authorize(pdu, (type, stateKey) => byKey.get(stateMapKey(type, stateKey)));
  }

  /**
   * The state before the event: the resolution of the states after its prev_events. Null when
   * it cannot be known (missing prev events, or prev events stored without state).
   */
  private async stateBefore(pdu: Pdu, opts: ReceivePduOptions, fetchDepth: number): Promise<InboundEvent["stateBefore"]> {
    if (pdu.type === "m.room.create" && pdu.prevEventIds.length === 0) {
      return { group: null, state: StateGroupMap.empty(), baseGroup: null };
    }
    if (pdu.prevEventIds.length === 0) return null;
    if ((await this.accessor.getRoomVersion(pdu.roomId)) === null) return null;
    // Prev events being received right now (another call) are waited for.
    await Promise.all(pdu.prevEventIds.map((id) => this.inFlight.get(id)?.catch(() => undefined)));
    let states = await this.resolver.statesAfter(pdu.prevEventIds);
    if (states.size < pdu.prevEventIds.length && opts.fetchMissing && fetchDepth < MAX_FETCH_DEPTH) {
      const stored = await this.accessor.getEntries(pdu.prevEventIds);
      const missing = pdu.prevEventIds.filter((id) => !stored.has(id));
      if (missing.length > 0) {
        await this.fetchAndReceive(pdu, missing, { ...opts, outlier: false }, fetchDepth);
        states = await this.resolver.statesAfter(pdu.prevEventIds);
      }
    }
    if (states.size < new Set(pdu.prevEventIds).size) return null;
    const resolved: GroupedState = await this.resolver.resolveGroups(pdu.rules, [...states.values()]);
    const baseGroup = resolved.group ?? [...states.values()][0]!.group;
    return { group: resolved.group, state: resolved.state, baseGroup };
  }

  /** Fetches events of `pdu`'s room and receives them, oldest first; failures are left missing. */
  private async fetchAndReceive(pdu: Pdu, eventIds: string[], opts: ReceivePduOptions, fetchDepth: number): Promise<void> {
    let fetched: PduJson[];
    try {
      fetched = await opts.fetchMissing!(pdu.roomId, eventIds);
    } catch {
      return;
    }
    const ordered = [...fetched].sort((a, b) => (typeof a.depth === "number" ? a.depth : 0) - (typeof b.depth === "number" ? b.depth : 0));
    for (const json of ordered) {
      try {
        await this.receivePdu(json, pdu.rules, opts, fetchDepth + 1);
      } catch {
        // Dropped (bad format or signature): it stays missing.
      }
    }
  }

  /** The state events authorization may read from `state`, rejected ones left out. */
  private async lookup(state: ReadonlyMap<string, string>, keys: readonly string[]): Promise<AuthState> {
    const ids: string[] = [];
    for (const key of keys) {
      const eventId = state.get(key);
      if (eventId !== undefined) ids.push(eventId);
    }
    const entries = await this.accessor.getEntries(ids);
    return (type, stateKey) => {
      const eventId = state.get(stateMapKey(type, stateKey));
      const entry = eventId === undefined ? undefined : entries.get(eventId);
      return entry && !entry.rejected ? entry.pdu : undefined;
    };
  }

  /** null when allowed, else the reason. */
  private authorize(pdu: Pdu, state: AuthState): string | null {
    try {
      authorizeEvent(pdu, state);
      return null;
    } catch (err) {
      if (err instanceof AuthError) return err.reason;
      throw err;
    }
  }
}

function duplicate(pdu: Pdu, stored: { streamOrdering: number; outlier: boolean }): ReceivePduResult {
  return { status: "duplicate", pdu, streamOrdering: stored.streamOrdering, outlier: stored.outlier };
}
