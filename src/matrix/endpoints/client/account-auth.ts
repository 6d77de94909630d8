/**
 * Wire shapes shared by every endpoint behind User-Interactive Authentication: the `auth` dict a
 * client sends and the 401 body it gets back.
 * https://spec.matrix.org/v1.19/client-server-api/#user-interactive-api-in-the-rest-api
 */

/** `auth` of a request: `type` and `session`, plus keys that depend on the stage type. */
export interface AuthDataJson {
  /** The stage being attempted; may be omitted when only `session` is given. */
  type?: string;
  session?: string;
  [key: string]: unknown;
}

/** Lenient on purpose: each stage checks its own keys and answers with a 401 it can retry. */
export const authDataSchema = {
  type: "object",
  properties: {
    type: { type: "string" },
    session: { type: "string" },
  },
} as const;

export interface UiaFlowJson {
  stages: string[];
}

export interface UiaResponseJson {
  flows: UiaFlowJson[];
  /** Per stage type, what the client needs to complete it. */
  params: Record<string, Record<string, unknown>>;
  session: string;
  /** The stages completed so far; absent before the first. */
  completed?: string[];
}

/** Stage and login types this server offers. */
export const LoginType = {
  Password: "m.login.password",
  /** A single-use token from `POST /login/get_token`, for `POST /login`. */
  Token: "m.login.token",
  /** Appservices only, with their `as_token`: `POST /register` and `POST /login`. */
  ApplicationService: "m.login.application_service",
  Dummy: "m.login.dummy",
  RegistrationToken: "m.login.registration_token",
} as const;
