/**
 * TURN credentials for VoIP clients (GET /voip/turnServer).
 * https://spec.matrix.org/v1.19/client-server-api/#voice-over-ip
 *
 * With a shared secret, time-limited credentials in the TURN REST API convention that coturn's
 * `use-auth-secret` checks: username `<expiry unix seconds>:<user ID>`, password the base64
 * HMAC-SHA1 of the username keyed with the secret. Otherwise a fixed username and password, if
 * configured. With no TURN URIs configured the answer is `{}`.
 */
import { createHmac } from "node:crypto";

export interface TurnSettings {
  uris: readonly string[];
  sharedSecret?: string | null;
  username?: string | null;
  password?: string | null;
  /** How long credentials stay valid, in milliseconds. */
  userLifetimeMs: number;
}

export interface TurnCredentialsJson {
  username: string;
  password: string;
  uris: string[];
  /** Seconds. */
  ttl: number;
}

export class TurnServerService {
  private readonly now: () => number;

  constructor(
    private readonly settings: TurnSettings,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /** Credentials for `userId`, or null when no TURN server is configured. */
  credentialsFor(userId: string): TurnCredentialsJson | null {
    const { uris, sharedSecret, username, password, userLifetimeMs } = this.settings;
    if (uris.length === 0) return null;
    const ttl = Math.floor(userLifetimeMs / 1000);
    if (sharedSecret != null && sharedSecret !== "") {
      const expiry = Math.floor((this.now() + userLifetimeMs) / 1000);
      const name = `${expiry}:${userId}`;
      return { username: name, password: turnPassword(sharedSecret, name), uris: [...uris], ttl };
    }
    if (username != null && password != null) return { username, password, uris: [...uris], ttl };
    return null;
  }
}

/** base64(HMAC-SHA1(secret, username)): coturn's `use-auth-secret` password. */
export function turnPassword(sharedSecret: string, username: string): string {
  return createHmac("sha1", sharedSecret).update(username).digest("base64");
}
