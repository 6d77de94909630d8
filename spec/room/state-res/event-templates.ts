/** Short constructors for the event templates the state resolution tests use. */
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { RoomVersionRules } from "../../../src/room/room-versions.js";
import type { EventTemplate } from "./state-res-dag.js";

export const ALICE = "@alice:example.com";
export const BOB = "@bob:example.com";
export const CHARLIE = "@charlie:example.com";
export const ZARA = "@zara:example.com";

type Extra = Partial<Pick<EventTemplate, "origin_server_ts" | "depth">>;

export function create(id: string, sender: string, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.create", state_key: "", content: { creator: sender }, ...extra };
}

export function member(id: string, sender: string, target: string, membership: string, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.member", state_key: target, content: { membership }, ...extra };
}

export function powerLevels(id: string, sender: string, users: Record<string, number>, more: JsonObject = {}, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.power_levels", state_key: "", content: { users, ...more }, ...extra };
}

export function joinRules(id: string, sender: string, joinRule: string, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.join_rules", state_key: "", content: { join_rule: joinRule }, ...extra };
}

export function topic(id: string, sender: string, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.topic", state_key: "", content: { topic: id }, ...extra };
}

export function message(id: string, sender: string, extra: Extra = {}): EventTemplate {
  return { id, sender, type: "m.room.message", content: { body: id }, ...extra };
}

/** Power levels `users`: in room version 12 the creator (Alice) has infinite power and is not listed. */
export function usersFor(rules: RoomVersionRules, levels: Record<string, number>): Record<string, number> {
  if (!rules.authorization.privilegedCreators) return levels;
  const { [ALICE]: _alice, ...others } = levels;
  return others;
}

/**
 * Alice creates a public room (power levels `levels`, events named `names.pl` and `names.jr`);
 * Bob and Charlie join: CREATE, IMA, power levels, join rules, IMB, IMC.
 */
export function publicRoom(
  rules: RoomVersionRules,
  levels: Record<string, number> = { [ALICE]: 100, [BOB]: 50 },
  names: { pl: string; jr: string } = { pl: "IPL", jr: "IJR" },
): EventTemplate[] {
  return [
    create("CREATE", ALICE),
    member("IMA", ALICE, ALICE, "join"),
    powerLevels(names.pl, ALICE, usersFor(rules, levels)),
    joinRules(names.jr, ALICE, "public"),
    member("IMB", BOB, BOB, "join"),
    member("IMC", CHARLIE, CHARLIE, "join"),
  ];
}
