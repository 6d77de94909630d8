/**
 * The data-driven scenarios of spec/fixtures/state-res/<case>/case.json (STYLE.md habit 11): a
 * starting room, events, `prev_events` chains, and the expected state at END.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { RoomVersionRules } from "../../../src/room/room-versions.js";
import { StateResDag, type EventTemplate } from "./state-res-dag.js";

export const FIXTURES_DIR = join(import.meta.dirname, "..", "..", "fixtures", "state-res");

export interface ScenarioCase {
  readonly name: string;
  readonly description: string;
  /** A folder holding events.json with the starting events and edges. */
  readonly initial: string;
  readonly events: EventTemplate[];
  readonly edges: string[][];
  /** Names of the events expected in the state at END (among keys changed since START). */
  readonly expected: string[];
  /** Room versions to run in; default: one per state resolution algorithm the case holds for. */
  readonly roomVersions?: string[];
}

interface InitialRoom {
  readonly events: EventTemplate[];
  readonly edges: string[][];
}

/** Every case.json under spec/fixtures/state-res, by folder name. */
export function loadScenarioCases(): ScenarioCase[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(FIXTURES_DIR, entry.name, "case.json")))
    .map((entry) => ({ name: entry.name, ...(readJson(join(entry.name, "case.json")) as Omit<ScenarioCase, "name">) }));
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, path), "utf8"));
}

/**
 * Room version 12 gives the creator infinite power and forbids listing them in `users`; there the
 * creator's entry is dropped from every power levels event (their level only grows).
 */
function adaptTemplate(template: EventTemplate, creator: string, rules: RoomVersionRules): EventTemplate {
  if (!rules.authorization.privilegedCreators || template.type !== "m.room.power_levels") return template;
  const users = template.content.users as JsonObject | undefined;
  if (users === undefined || !Object.hasOwn(users, creator)) return template;
  const { [creator]: _creator, ...others } = users;
  return { ...template, content: { ...template.content, users: others } };
}

/**
 * Replays the case in a room of the given version. Returns the state at END restricted, as in the
 * expectations, to the keys of expected events and the keys that changed since START, mapped back
 * to event names; and the expected state in the same form.
 */
export async function runScenarioCase(
  scenario: ScenarioCase,
  rules: RoomVersionRules,
): Promise<{ actual: Record<string, string>; expected: Record<string, string> }> {
  const initial = readJson(join(scenario.initial, "events.json")) as InitialRoom;
  const creator = initial.events.find((event) => event.type === "m.room.create")?.sender ?? "";
  const templates = [...initial.events, ...scenario.events].map((template) => adaptTemplate(template, creator, rules));
  const dag = new StateResDag(rules);
  const states = await dag.replay(templates, [...initial.edges, ...scenario.edges]);
  const nameOf = (eventId: string): string => eventId.replace(/^\$/, "").replace(/:example\.com$/, "");

  const expected: Record<string, string> = {};
  for (const name of scenario.expected) expected[dag.get(dag.eventId(name)).stateMapKey()] = name;
  const start = states.get("START") as Map<string, string>;
  const actual: Record<string, string> = {};
  for (const [key, eventId] of states.get("END") as Map<string, string>) {
    if (Object.hasOwn(expected, key) || start.get(key) !== eventId) actual[key] = nameOf(eventId);
  }
  return { actual, expected };
}
