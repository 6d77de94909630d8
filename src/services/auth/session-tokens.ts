/**
 * New secrets and device IDs for login sessions. Tokens are opaque to clients (spec: "Clients
 * should treat it as an opaque byte sequence"); the prefixes only make a leaked token easy to
 * recognise (secret scanners) and tell the two kinds apart in logs.
 */
import { randomInt } from "node:crypto";
import { randomString } from "../../crypto/random-string.js";

/** 40 characters from 62: about 238 bits, far beyond guessing. */
const SECRET_LENGTH = 40;
/** As Synapse's: ten upper-case letters, easy to read out when verifying devices. */
const DEVICE_ID_LENGTH = 10;
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function newAccessToken(): string {
  return `hat_${randomString(SECRET_LENGTH)}`;
}

export function newRefreshToken(): string {
  return `hrt_${randomString(SECRET_LENGTH)}`;
}

/** A single-use `m.login.token` token (POST /login/get_token). */
export function newLoginToken(): string {
  return `hlt_${randomString(SECRET_LENGTH)}`;
}

/** An OpenID token a user hands a third party (POST /user/{userId}/openid/request_token). */
export function newOpenIdToken(): string {
  return `hot_${randomString(SECRET_LENGTH)}`;
}

/** A session ID for User-Interactive Authentication: unguessable, `[A-Za-z0-9]`. */
export function newUiaSessionId(): string {
  return randomString(32);
}

export function newDeviceId(): string {
  let id = "";
  for (let i = 0; i < DEVICE_ID_LENGTH; i++) id += UPPER[randomInt(UPPER.length)];
  return id;
}
