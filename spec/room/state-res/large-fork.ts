/**
 * A large two-server fork for the state resolution benchmark (bench/state-res.bench.ts) and its
 * size check: a room of 400 members and 10 moderators, then two branches that each add hundreds
 * of joins, power levels changes, kicks or bans, profile changes and topics. Every event is one the
 * auth rules allow on its branch. The two branch tips conflict on more than 1,000 events.
 */
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { RoomVersionRules } from "../../../src/room/room-versions.js";
import type { StateMap } from "../../../src/room/state-map.js";
import { StateResDag, type EventTemplate } from "./state-res-dag.js";

const ADMIN = "@admin:example.com";
const mod = (i: number): string => `@mod${i}:example.com`;
const user = (prefix: string, i: number): string => `@${prefix}${i}:${prefix}.example`;

export interface LargeFork {
  readonly dag: StateResDag;
  readonly tips: [StateMap<string>, StateMap<string>];
}

export interface LargeForkSize {
  /** Members in the common history. */
  readonly members: number;
  /** New joins on each branch. */
  readonly joinsPerBranch: number;
}

export const DEFAULT_LARGE_FORK: LargeForkSize = { members: 400, joinsPerBranch: 470 };

export function buildLargeFork(rules: RoomVersionRules, size: LargeForkSize = DEFAULT_LARGE_FORK): LargeFork {
  const dag = new StateResDag(rules);
  let counter = 0;
  const id = (prefix: string): string => `${prefix}${++counter}`;
  const users: Record<string, number> = {};
  if (!rules.authorization.privilegedCreators) users[ADMIN] = 100;
  for (let i = 0; i < 10; i++) users[mod(i)] = 50;
  const powerLevels = (sender: string, extra: Record<string, number>): EventTemplate => ({
    id: id("P"),
    sender,
    type: "m.room.power_levels",
    state_key: "",
    content: { users: { ...users, ...extra } } as JsonObject,
  });
  const member = (sender: string, target: string, membership: string, content: JsonObject = {}): EventTemplate => ({
    id: id("M"),
    sender,
    type: "m.room.member",
    state_key: target,
    content: { membership, ...content },
  });
  const topic = (sender: string): EventTemplate => {
    const name = id("T");
    return { id: name, sender, type: "m.room.topic", state_key: "", content: { topic: name } };
  };

  const history: EventTemplate[] = [
    { id: "CREATE", sender: ADMIN, type: "m.room.create", state_key: "", content: { creator: ADMIN } },
    member(ADMIN, ADMIN, "join"),
    powerLevels(ADMIN, {}),
    { id: id("J"), sender: ADMIN, type: "m.room.join_rules", state_key: "", content: { join_rule: "public" } },
  ];
  for (let i = 0; i < 10; i++) history.push(member(mod(i), mod(i), "join"));
  for (let i = 0; i < size.members; i++) history.push(member(user("u", i), user("u", i), "join"));
  const common = dag.addChain(history, undefined, true);
  const start = { state: common.get(history.at(-1)?.id as string) as StateMap<string>, last: dag.eventId(history.at(-1)?.id as string) };

  // Branch A: joins, the admin's power levels changes, moderators' kicks, topics.
  const a: EventTemplate[] = [];
  for (let i = 0; i < size.joinsPerBranch; i++) {
    a.push(member(user("a", i), user("a", i), "join"));
    if (i % 25 === 0) a.push(powerLevels(ADMIN, { [user("a", i)]: 10 + (i % 40) }));
    if (i % 25 === 5) a.push(member(mod(i % 10), user("u", i % size.members), "leave"));
    if (i % 50 === 7) a.push(topic(mod((i + 3) % 10)));
  }
  // Branch B: joins, bans, profile changes of existing members, a moderator's topics.
  const b: EventTemplate[] = [];
  for (let i = 0; i < size.joinsPerBranch; i++) {
    b.push(member(user("b", i), user("b", i), "join"));
    if (i % 25 === 0) b.push(member(ADMIN, user("u", (i + 200) % size.members), "ban"));
    if (i % 15 === 3) b.push(member(user("u", (i + 100) % size.members), user("u", (i + 100) % size.members), "join", { displayname: `U${i}` }));
    if (i % 50 === 9) b.push(topic(mod(i % 10)));
    if (i % 100 === 11) b.push(powerLevels(ADMIN, { [user("b", i)]: 20 }));
  }
  const tipA = dag.addChain(a, start, true).get(a.at(-1)?.id as string) as StateMap<string>;
  const tipB = dag.addChain(b, start, true).get(b.at(-1)?.id as string) as StateMap<string>;
  return { dag, tips: [tipA, tipB] };
}

/** The number of events in the conflicted state set of the tips. */
export function conflictedEventCount(tips: readonly StateMap<string>[]): number {
  const keys = new Set(tips.flatMap((tip) => [...tip.keys()]));
  let count = 0;
  for (const key of keys) {
    const values = new Set(tips.map((tip) => tip.get(key)));
    if (values.size > 1) {
      values.delete(undefined);
      count += values.size;
    }
  }
  return count;
}
