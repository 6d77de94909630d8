/**
 * Generated forks for state resolution tests and benchmarks: simulated servers share a common
 * room history, then each builds its own branch (power level changes, bans, kicks, joins, leaves,
 * invites, join rule and topic changes, messages), only ever sending what the auth rules allow
 * against its own state, and now and then merging another server's branch into its own (by
 * resolving state, as a server does). Everything derives from the seed.
 */
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { AuthError } from "../../../src/room/auth/auth-error.js";
import { authorizeEvent } from "../../../src/room/auth/authorize.js";
import type { Pdu } from "../../../src/room/pdu.js";
import type { RoomVersionRules } from "../../../src/room/room-versions.js";
import type { StateMap } from "../../../src/room/state-map.js";
import { resolveState } from "../../../src/room/state-res/resolve.js";
import { StateResDag, type EventTemplate } from "./state-res-dag.js";

/** mulberry32: a small deterministic PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FORK_USERS = ["@alice:a.example", "@bob:b.example", "@carol:c.example", "@dave:a.example", "@erin:b.example", "@frank:c.example"];
const CREATOR = FORK_USERS[0] as string;

export interface ForkOptions {
  /** Number of simulated servers (branches), at least 2. */
  readonly servers: number;
  /** Events each server tries to add to its branch. */
  readonly steps: number;
  /** Chance per step that a server merges another server's branch tip into its own. */
  readonly mergeChance: number;
}

export interface GeneratedFork {
  readonly dag: StateResDag;
  /** The state at each server's branch tip. */
  readonly tips: StateMap<string>[];
}

interface Branch {
  readonly name: string;
  state: StateMap<string>;
  last: string;
  step: number;
}

/** Builds a common history and diverging branches on top of it. */
export async function generateFork(rules: RoomVersionRules, seed: number, options: ForkOptions): Promise<GeneratedFork> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const dag = new StateResDag(rules);
  const levels = (users: Record<string, number>): Record<string, number> => {
    if (!rules.authorization.privilegedCreators) return users;
    const { [CREATOR]: _creator, ...others } = users;
    return others;
  };

  const [alice, bob, carol, dave] = FORK_USERS as [string, string, string, string];
  const history: EventTemplate[] = [
    { id: "CREATE", sender: alice, type: "m.room.create", state_key: "", content: { creator: alice } },
    { id: "H1", sender: alice, type: "m.room.member", state_key: alice, content: { membership: "join" } },
    { id: "H2", sender: alice, type: "m.room.power_levels", state_key: "", content: { users: levels({ [alice]: 100, [bob]: 75, [carol]: 50 }) } },
    { id: "H3", sender: alice, type: "m.room.join_rules", state_key: "", content: { join_rule: "public" } },
    { id: "H4", sender: bob, type: "m.room.member", state_key: bob, content: { membership: "join" } },
    { id: "H5", sender: carol, type: "m.room.member", state_key: carol, content: { membership: "join" } },
    { id: "H6", sender: dave, type: "m.room.member", state_key: dave, content: { membership: "join" } },
    { id: "H7", sender: carol, type: "m.room.topic", state_key: "", content: { topic: "start" } },
  ];
  const common = dag.addChain(history);
  const branches: Branch[] = [];
  for (let i = 0; i < options.servers; i++) {
    branches.push({ name: String.fromCharCode(65 + i), state: new Map(common.get("H7")), last: dag.eventId("H7"), step: 0 });
  }

  for (let round = 0; round < options.steps; round++) {
    for (const branch of branches) {
      if (random() < options.mergeChance) {
        const other = pick(branches.filter((candidate) => candidate !== branch));
        await merge(dag, branch, other, pick(FORK_USERS));
        continue;
      }
      // A few attempts to find something this server's state allows.
      for (let attempt = 0; attempt < 12; attempt++) {
        const template = randomAction(branch, random, pick, levels);
        if (tryAdd(dag, branch, template)) break;
      }
    }
  }
  return { dag, tips: branches.map((branch) => branch.state) };
}

function nextId(branch: Branch): string {
  return `${branch.name}${++branch.step}`;
}

/** The next event of the branch if its state allows it; returns whether it was added. */
function tryAdd(dag: StateResDag, branch: Branch, template: EventTemplate): boolean {
  const event = dag.build(template, dag.selectAuthEvents(template, branch.state), [branch.last]);
  if (!allowed(dag, event, branch.state)) {
    branch.step--;
    return false;
  }
  dag.events.set(event.eventId, event);
  branch.last = event.eventId;
  if (event.stateKey !== undefined) branch.state = new Map(branch.state).set(event.stateMapKey(), event.eventId);
  return true;
}

function allowed(dag: StateResDag, event: Pdu, state: ReadonlyMap<string, string>): boolean {
  try {
    authorizeEvent(event, dag.lookup(state));
    return true;
  } catch (err) {
    if (err instanceof AuthError) return false;
    throw err;
  }
}

/** `branch` learns of `other`'s tip: a message citing both tips, with the resolved state before it. */
async function merge(dag: StateResDag, branch: Branch, other: Branch, sender: string): Promise<void> {
  const state = await resolveState(dag.rules, [branch.state, other.state], dag.callbacks());
  const template: EventTemplate = { id: nextId(branch), sender, type: "m.room.message", content: { body: `merge ${other.name}` } };
  dag.add(template, dag.selectAuthEvents(template, state), [branch.last, other.last]);
  branch.last = dag.eventId(template.id);
  branch.state = state;
}

function randomAction(
  branch: Branch,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
  levels: (users: Record<string, number>) => Record<string, number>,
): EventTemplate {
  const sender = pick(FORK_USERS);
  const target = pick(FORK_USERS);
  const id = nextId(branch);
  // Timestamps collide across branches now and then, so event IDs break ties too.
  const origin_server_ts = 1000 * branch.step + (random() < 0.6 ? 0 : Math.floor(random() * 3));
  const member = (membership: string): EventTemplate => ({
    id,
    sender,
    type: "m.room.member",
    state_key: target,
    content: { membership },
    origin_server_ts,
  });
  const roll = random();
  if (roll < 0.15) {
    const users: Record<string, number> = {};
    for (const user of FORK_USERS) if (random() < 0.5) users[user] = pick([0, 25, 50, 75, 100]);
    const content: JsonObject = { users: levels(users) };
    if (random() < 0.3) content.state_default = pick([25, 50, 75]);
    if (random() < 0.3) content.ban = pick([25, 50, 75]);
    return { id, sender, type: "m.room.power_levels", state_key: "", content, origin_server_ts };
  }
  if (roll < 0.25) return member("ban");
  if (roll < 0.35) return member("leave");
  if (roll < 0.45) return { ...member("join"), sender: target };
  if (roll < 0.52) return member("invite");
  if (roll < 0.6) {
    return { id, sender, type: "m.room.join_rules", state_key: "", content: { join_rule: pick(["public", "invite"]) }, origin_server_ts };
  }
  if (roll < 0.78) return { id, sender, type: "m.room.topic", state_key: "", content: { topic: id }, origin_server_ts };
  if (roll < 0.88) {
    return { id, sender, type: "org.example.tag", state_key: pick(["x", "y"]), content: { tag: id }, origin_server_ts };
  }
  return { id, sender, type: "m.room.message", content: { body: id }, origin_server_ts };
}
