/**
 * Push rules applied to one new event for every local user in its room.
 * https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-8
 *
 * "When receiving a new event homeservers process push rules for each of the local users in the
 * room (excluding the sender)": here, the local users joined in the state before the event, and
 * a local user the event invites (`.m.rule.invite_for_me`). Users who ignore the sender are left
 * out. An event that notifies a user is recorded with its thread: "the server follows the event
 * relationship until it finds a thread root via an `m.thread` relation … a maximum of 3 hops".
 *
 * The event also moves read positions: "When the user updates their read receipt (either by
 * using the API or by sending an event), notifications prior to and including that event MUST
 * be marked as read": a local sender's notifications before it in its thread are cleared (a
 * join clears the invite's). A local user who leaves (or is kicked or banned) has all of the
 * room's cleared, so a later join starts from nothing.
 *
 * Users whose rules have the same shape (ruleset-shapes.ts: the server defaults, for most) share
 * one evaluation per event, but those the event singles out (mentions, invites): a join to a
 * room of thousands evaluates rules a few times, not once per member.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { MAIN_THREAD, type PushActionRow, type PushReadMark } from "../../storage/stores/event-push-actions-store.js";
import type { PushContext, PushOutcome, PushRules } from "./push-rules.js";
import { notificationPermission, type RoomPushState } from "./room-push-states.js";
import type { RulesetShape } from "./ruleset-shapes.js";

/** "implementations are encouraged to do a maximum of 3 hops to find a thread". */
const MAX_THREAD_HOPS = 3;

/** Notifications of `userId` in `roomId` before `before` are read: in `threadId`, or all (null). */
export type ReadMark = PushReadMark;

/** Reads events by ID (missing ones are absent). */
export interface PushEventReader {
  getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>>;
}

export interface EventPushEvaluatorDeps {
  isLocal(userId: string): boolean;
  events: PushEventReader;
  /** Each user's rules, in the order asked. */
  rules: { getCompiledRules(userIds: readonly string[]): Promise<PushRules[]> };
  ignoredUsers(userId: string): Promise<ReadonlySet<string>>;
}

/** The outcome the users of a ruleset shape share for one event (undefined: not evaluated yet). */
interface SharedOutcome {
  readonly singledOut: ReadonlySet<string> | "everyone";
  outcome: PushOutcome | null | undefined;
}

export interface EventPushResult {
  readonly actions: PushActionRow[];
  readonly reads: ReadMark[];
}

export class EventPushEvaluator {
  constructor(private readonly deps: EventPushEvaluatorDeps) {}

  /**
   * Loads, in one read, the rules of the local users that member events among `pdus` (a batch,
   * in order) bring into their rooms: each is a recipient of the events after theirs, and
   * would otherwise cost a read of its own there.
   */
  async prepare(pdus: Iterable<Pdu>): Promise<void> {
    const users = new Set<string>();
    for (const pdu of pdus) {
      const membership = pdu.content.membership;
      if (pdu.type === "m.room.member" && pdu.stateKey !== undefined && (membership === "join" || membership === "invite") && this.deps.isLocal(pdu.stateKey)) {
        users.add(pdu.stateKey);
      }
    }
    if (users.size > 0) await this.deps.rules.getCompiledRules([...users]);
  }

  /**
   * The rows and read marks event `pdu` (at `streamOrdering`, in state `state`) leads to.
   * `events` reads the events it refers to (thread roots, member events); by default the
   * committed ones, and inside a transaction, its own too.
   */
  async evaluate(pdu: Pdu, streamOrdering: number, state: RoomPushState, events: PushEventReader = this.deps.events): Promise<EventPushResult> {
    const actions: PushActionRow[] = [];
    const reads: ReadMark[] = [];
    const { sender, roomId } = pdu;
    let thread: string | null = null;
    const threadOf = async (): Promise<string> => (thread ??= await this.threadOf(pdu, events));

    // Their join too: it reads the invite that led to it (and anything before it).
    if (this.deps.isLocal(sender)) {
      reads.push({ userId: sender, roomId, threadId: await threadOf(), before: streamOrdering });
    }
    const target = pdu.type === "m.room.member" ? pdu.stateKey : undefined;
    const membership = pdu.content.membership;
    if (target !== undefined && this.deps.isLocal(target) && membership !== "join" && membership !== "invite") {
      reads.push({ userId: target, roomId, threadId: null, before: streamOrdering + 1 });
    }

    const recipients: string[] = [];
    for (const userId of state.localMembers.keys()) if (userId !== sender) recipients.push(userId);
    if (target !== undefined && membership === "invite" && target !== sender && this.deps.isLocal(target) && !state.localMembers.has(target)) {
      recipients.push(target);
    }
    if (recipients.length === 0) return { actions, reads };

    const rules = await this.deps.rules.getCompiledRules(recipients);
    const names = await this.displayNames(recipients, rules, state, events);
    const event: JsonObject = { ...(pdu.json as JsonObject), event_id: pdu.eventId, room_id: roomId };
    const senderHasNotificationPermission = notificationPermission(state, sender);
    const roomCtx: PushContext = { roomMemberCount: state.joinedCount, displayName: null, senderHasNotificationPermission };
    // Users of a ruleset shape share its outcome, but those the event singles out (ruleset-shapes.ts).
    const shared = new Map<RulesetShape, SharedOutcome>();
    let sharing: SharedOutcome | undefined;
    let lastShape: RulesetShape | null = null;
    for (let i = 0; i < recipients.length; i++) {
      const userId = recipients[i]!;
      const userRules = rules[i]!;
      const shape = userRules.shape;
      if (shape !== lastShape) {
        lastShape = shape;
        sharing = shape === null ? undefined : shared.get(shape);
        if (shape !== null && sharing === undefined) shared.set(shape, (sharing = { singledOut: shape.singledOut(event, roomCtx), outcome: undefined }));
      }
      const shares = sharing !== undefined && sharing.singledOut !== "everyone" && !sharing.singledOut.has(userId);
      let outcome = shares ? sharing!.outcome : undefined;
      if (outcome === undefined) {
        const displayName = names.size === 0 ? null : (names.get(userId) ?? null);
        outcome = userRules.evaluate(event, displayName === null ? roomCtx : { ...roomCtx, displayName });
        if (shares) sharing!.outcome = outcome;
      }
      if (outcome === null || !outcome.notify || (await this.deps.ignoredUsers(userId)).has(sender)) continue;
      actions.push({ userId, roomId, streamOrdering, threadId: await threadOf(), highlight: outcome.highlight, actions: outcome.storedActions });
    }
    return { actions, reads };
  }

  /** The display names in the room of the recipients whose rules (`rules`, in the same order) look at them. */
  private async displayNames(
    recipients: readonly string[],
    rules: readonly PushRules[],
    state: RoomPushState,
    reader: PushEventReader,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const memberEvents = new Map<string, string>();
    for (let i = 0; i < recipients.length; i++) {
      if (!rules[i]!.usesDisplayName) continue;
      const eventId = state.localMembers.get(recipients[i]!);
      if (eventId !== undefined) memberEvents.set(recipients[i]!, eventId);
    }
    if (memberEvents.size === 0) return out;
    const events = await reader.getEvents(memberEvents.values());
    for (const [userId, eventId] of memberEvents) {
      const name = events.get(eventId)?.content.displayname;
      if (typeof name === "string") out.set(userId, name);
    }
    return out;
  }

  /**
   * The thread `pdu` belongs to: the root of an `m.thread` relation, found by following other
   * relations (a reaction to a thread reply is in the thread) up to MAX_THREAD_HOPS events away;
   * otherwise the main timeline ("Thread roots are considered to be in the main timeline").
   */
  async threadOf(pdu: Pdu, events: PushEventReader = this.deps.events): Promise<string> {
    let content = pdu.content;
    for (let hops = 0; ; hops++) {
      const relation = content["m.relates_to"];
      if (!isJsonObject(relation) || typeof relation.event_id !== "string" || typeof relation.rel_type !== "string") return MAIN_THREAD;
      if (relation.rel_type === "m.thread") return relation.event_id;
      if (hops === MAX_THREAD_HOPS) return MAIN_THREAD;
      const parent = (await events.getEvents([relation.event_id])).get(relation.event_id);
      if (parent === undefined) return MAIN_THREAD;
      content = parent.content;
    }
  }
}
