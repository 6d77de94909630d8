/**
 * Accounts for client API tests: a test homeserver with registration open, cheap password hashing
 * and rate limits out of the way, a small JSON client, and registration through the real
 * /register flow (User-Interactive Authentication with m.login.dummy).
 */
import type { Config } from "../../src/config/config.js";
import { startTestHomeserver, type TestHomeserver, type TestHomeserverOptions } from "./test-homeserver.js";

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed body; {} for an empty one. */
  body: Record<string, unknown>;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  headers?: Record<string, string>;
}

/** Registration open, scrypt at its cheapest, rate limits high enough for any test's burst. */
export function accountsConfig(config: Config): void {
  config.registration.enabled = true;
  config.password_hashing.scrypt_log_n = 1;
  const generous = { per_second: 1000, burst_count: 1000 };
  config.rate_limits = { enabled: true, message: generous, login: generous, registration: generous };
}

/** A test homeserver set up by accountsConfig, then by `configure`. */
export async function startAccountsHomeserver(options: TestHomeserverOptions = {}): Promise<TestHomeserver> {
  return startTestHomeserver({
    ...options,
    configure: (config) => {
      accountsConfig(config);
      options.configure?.(config);
    },
  });
}

/** A JSON request to the homeserver's client listener. */
export async function call(hs: Pick<TestHomeserver, "baseUrl">, method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(hs.baseUrl + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  refreshToken?: string;
  password: string;
}

/**
 * Registers through POST /register: the first request for the session, then m.login.dummy.
 * `extra` adds body fields (device_id, refresh_token, inhibit_login …).
 */
export async function registerUser(
  hs: Pick<TestHomeserver, "baseUrl">,
  username: string,
  password = `${username}-password`,
  extra: Record<string, unknown> = {},
): Promise<RegisteredUser> {
  const first = await call(hs, "POST", "/_matrix/client/v3/register", { body: { username, password, ...extra } });
  if (first.status !== 401) throw new Error(`register ${username}: expected the UIA 401, got ${first.status} ${JSON.stringify(first.body)}`);
  const done = await call(hs, "POST", "/_matrix/client/v3/register", {
    body: { username, password, ...extra, auth: { type: "m.login.dummy", session: first.body.session } },
  });
  if (done.status !== 200) throw new Error(`register ${username}: ${done.status} ${JSON.stringify(done.body)}`);
  return {
    userId: done.body.user_id as string,
    accessToken: done.body.access_token as string,
    deviceId: done.body.device_id as string,
    refreshToken: done.body.refresh_token as string | undefined,
    password,
  };
}

/** POST /login with m.login.password; the raw response. */
export async function login(hs: Pick<TestHomeserver, "baseUrl">, user: string, password: string, extra: Record<string, unknown> = {}): Promise<JsonResponse> {
  return call(hs, "POST", "/_matrix/client/v3/login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user }, password, ...extra },
  });
}

/** GET /account/whoami with `token`. */
export async function whoami(hs: Pick<TestHomeserver, "baseUrl">, token: unknown): Promise<JsonResponse> {
  return call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: token as string });
}
