/**
 * Shared set-up of the room endpoint suites: one test homeserver per database engine (server
 * name hearth.test) with users registered through the real POST /register, and a small client
 * per user for the room endpoints.
 */
import { expect } from "chai";
import { accountsConfig, call, registerUser, type JsonResponse } from "../../helpers/accounts.js";
import { startTestHomeserver, type TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";

export const SERVER = "hearth.test";
export const V3 = "/_matrix/client/v3";

/** An ID as one path segment. */
export function enc(id: string): string {
  return encodeURIComponent(id);
}

export interface RoomClient {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
  /** A request under `/_matrix/client/v3` (or a full path starting with `/_matrix`). */
  request(method: string, path: string, body?: unknown): Promise<JsonResponse>;
  /** POST /createRoom; returns the room ID (fails the test on an error). */
  createRoom(body?: Record<string, unknown>): Promise<string>;
  /** PUT /send with a fresh transaction ID; returns the event ID. */
  send(roomId: string, body: string | Record<string, unknown>, type?: string): Promise<string>;
  /** PUT /state; returns the event ID. */
  setState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string>;
  join(roomIdOrAlias: string): Promise<JsonResponse>;
}

export interface RoomsSuite {
  hs: TestHomeserver;
  alice: RoomClient;
  bob: RoomClient;
  carol: RoomClient;
  /** Registers another user (names must be unique within the suite). */
  newUser(localpart: string, extra?: Record<string, unknown>): Promise<RoomClient>;
  /** Registers a guest (POST /register?kind=guest). */
  newGuest(): Promise<RoomClient>;
}

let txnCounter = 0;

export function roomClient(hs: TestHomeserver, user: { userId: string; accessToken: string; deviceId: string }): RoomClient {
  const request = (method: string, path: string, body?: unknown) =>
    call(hs, method, path.startsWith("/_matrix") ? path : V3 + path, { body, token: user.accessToken });
  const ok = (response: JsonResponse, what: string): JsonResponse => {
    expect(response.status, `${what}: ${JSON.stringify(response.body)}`).to.equal(200);
    return response;
  };
  return {
    ...user,
    request,
    createRoom: async (body = {}) => ok(await request("POST", "/createRoom", body), "createRoom").body.room_id as string,
    send: async (roomId, body, type = "m.room.message") => {
      const content = typeof body === "string" ? { msgtype: "m.text", body } : body;
      const path = `/rooms/${enc(roomId)}/send/${enc(type)}/t${++txnCounter}`;
      return ok(await request("PUT", path, content), `send to ${roomId}`).body.event_id as string;
    },
    setState: async (roomId, type, stateKey, content) =>
      ok(await request("PUT", `/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, content), `state ${type}`).body.event_id as string,
    join: (roomIdOrAlias) => request("POST", `/join/${enc(roomIdOrAlias)}`, {}),
  };
}

/** One describe per engine around a homeserver with users alice, bob and carol. */
export function describeRooms(title: string, fn: (suite: RoomsSuite) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, () => {
      const suite = {} as RoomsSuite;
      before(async () => {
        suite.hs = await startTestHomeserver({
          engine,
          serverName: SERVER,
          configure: (config) => {
            accountsConfig(config);
            config.registration.allow_guests = true;
          },
        });
        suite.newUser = async (localpart, extra = {}) => roomClient(suite.hs, await registerUser(suite.hs, localpart, undefined, extra));
        suite.newGuest = async () => {
          const guest = await call(suite.hs, "POST", `${V3}/register?kind=guest`, { body: {} });
          expect(guest.status, JSON.stringify(guest.body)).to.equal(200);
          const { user_id: userId, access_token: accessToken, device_id: deviceId } = guest.body as Record<string, string>;
          return roomClient(suite.hs, { userId: userId!, accessToken: accessToken!, deviceId: deviceId! });
        };
        suite.alice = await suite.newUser("alice");
        suite.bob = await suite.newUser("bob");
        suite.carol = await suite.newUser("carol");
      });
      after(() => suite.hs.stop());
      fn(suite);
    });
  }
}

/** Asserts the status and errcode of an error response. */
export function expectError(response: JsonResponse, status: number, errcode: string): void {
  expect({ status: response.status, errcode: response.body.errcode }, JSON.stringify(response.body)).to.deep.equal({ status, errcode });
}
