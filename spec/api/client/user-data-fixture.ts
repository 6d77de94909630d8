/**
 * Shared set-up of the user-data endpoint tests: users registered through POST /register,
 * joined rooms and events written straight through the stores (the room engine is another
 * area), and a small JSON client for one user.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../../../src/config/config.js";
import { CurrentStateStore } from "../../../src/storage/stores/current-state-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { startTestHomeserver, type TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface TestUser {
  readonly userId: string;
  readonly accessToken: string;
  /** A request as this user; `body` objects are sent as JSON, strings as they are. */
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
}

export const V3 = "/_matrix/client/v3";

/** `@user:server` as a path segment. */
export function enc(id: string): string {
  return encodeURIComponent(id);
}

export async function request(hs: TestHomeserver, method: string, path: string, body?: unknown, accessToken?: string): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
  let payload: string | undefined;
  if (typeof body === "string") payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(hs.baseUrl + path, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/**
 * Registers `localpart` through the real POST /register (User-Interactive Authentication:
 * the first request opens the session, m.login.dummy completes it).
 */
export async function createTestUser(hs: TestHomeserver, localpart: string): Promise<TestUser> {
  const body = { username: localpart, password: `${localpart}-password` };
  const first = await request(hs, "POST", `${V3}/register`, body);
  const done = await request(hs, "POST", `${V3}/register`, { ...body, auth: { type: "m.login.dummy", session: first.body.session } });
  if (done.status !== 200) throw new Error(`register ${localpart}: ${done.status} ${JSON.stringify(done.body)}`);
  const userId = done.body.user_id as string;
  const accessToken = done.body.access_token as string;
  return { userId, accessToken, request: (method, path, payload) => request(hs, method, path, payload, accessToken) };
}

/** Makes `userId`'s current membership of `roomId` a join (the current_state row the room engine keeps). */
export async function joinRoom(hs: TestHomeserver, userId: string, roomId: string): Promise<void> {
  const state = new CurrentStateStore(hs.homeserver.db);
  const eventId = `$join-${randomBytes(6).toString("hex")}`;
  await runInTransaction(hs.homeserver.db, (tx) =>
    state.upsertCurrentState(tx, roomId, [{ type: "m.room.member", stateKey: userId, eventId, membership: "join" }]),
  );
}

/** Stores a timeline event of `roomId`; returns its stream ordering. */
export async function addEvent(hs: TestHomeserver, roomId: string, eventId: string, sender: string): Promise<number> {
  const events = new EventsStore(hs.homeserver.db);
  const json = JSON.stringify({ event_id: eventId, room_id: roomId, sender, type: "m.room.message", content: { body: "hi" } });
  const [ordering] = await runInTransaction(hs.homeserver.db, (tx) =>
    events.insertEvents(tx, [{ eventId, roomId, type: "m.room.message", stateKey: null, sender, depth: 1, originServerTs: Date.now(), json }]),
  );
  return ordering!;
}

/** Registration open (users register for real), cheap password hashing, no rate limit in the way. */
export function openRegistration(config: Config): void {
  config.registration.enabled = true;
  config.password_hashing.scrypt_log_n = 1;
  config.rate_limits.enabled = false;
}

/** What a suite of describeUserData gets, filled in by its `before` hook. */
export interface UserDataSuite {
  hs: TestHomeserver;
  alice: TestUser;
  bob: TestUser;
}

/**
 * One describe per database engine around a homeserver (server name hearth.test) with two users,
 * alice and bob; `setup` adds what else the suite needs (rooms, events).
 */
export function describeUserData(title: string, fn: (suite: UserDataSuite) => void, setup?: (suite: UserDataSuite) => Promise<void>): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, () => {
      const suite = {} as UserDataSuite;
      before(async () => {
        suite.hs = await startTestHomeserver({ engine, serverName: "hearth.test", configure: openRegistration });
        suite.alice = await createTestUser(suite.hs, "alice");
        suite.bob = await createTestUser(suite.hs, "bob");
        await setup?.(suite);
      });
      after(() => suite.hs.stop());
      fn(suite);
    });
  }
}
