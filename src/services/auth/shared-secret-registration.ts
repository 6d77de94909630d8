/**
 * Shared-secret registration, Synapse's admin API that tools such as `register_new_matrix_user`
 * use: `GET /_synapse/admin/v1/register` hands out a nonce, and `POST` creates a user when
 * `mac` is the hex HMAC-SHA1, keyed with config `registration.shared_secret`, of
 * `nonce \0 username \0 password \0 ("admin" | "notadmin")` (then `\0 user_type` when one is
 * given). It works whether or not public registration is enabled. As Synapse's, it keeps out of
 * application services' exclusive namespaces (400 M_EXCLUSIVE), as client registration does.
 *
 * Nonces are single-use and expire after NONCE_LIFETIME_MS; they live in this process, as the
 * two requests come one right after the other.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { randomString } from "../../crypto/random-string.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { UserService } from "../users/user-service.js";
import type { IssuedSession, SessionService } from "./session-service.js";

export interface SharedSecretRegistrationDeps {
  /** config registration.shared_secret; null: the API answers 400. */
  sharedSecret: string | null;
  users: Pick<UserService, "createUserWith">;
  sessions: Pick<SessionService, "issueSession">;
  /** Throws 400 M_EXCLUSIVE for a localpart an application service holds (AppserviceRegistry). */
  checkReserved?: (localpart: string) => void;
  now?: () => number;
}

export interface SharedSecretRegisterRequest {
  nonce: string;
  username: string;
  password: string;
  admin: boolean;
  displayname?: string;
  userType?: string | null;
  /** Hex HMAC-SHA1. */
  mac: string;
  ip: string | null;
}

export const NONCE_LIFETIME_MS = 60_000;
const HEX_SHA1 = /^[0-9a-fA-F]{40}$/;

export class SharedSecretRegistration {
  private readonly now: () => number;
  /** Nonce → when it was issued; in insertion (so issue) order. */
  private readonly nonces = new Map<string, number>();

  constructor(private readonly deps: SharedSecretRegistrationDeps) {
    this.now = deps.now ?? Date.now;
  }

  newNonce(): string {
    this.requireSecret();
    this.dropExpired();
    const nonce = randomString(32);
    this.nonces.set(nonce, this.now());
    return nonce;
  }

  async register(request: SharedSecretRegisterRequest): Promise<IssuedSession> {
    const secret = this.requireSecret();
    this.dropExpired();
    // Used up even when the MAC turns out wrong, so that a nonce allows one guess only.
    if (!this.nonces.delete(request.nonce)) throw new MatrixError(400, ErrCode.Unknown, "Unrecognised or expired nonce");
    if (request.username.includes("\0") || request.password.includes("\0")) {
      throw new MatrixError(400, ErrCode.InvalidParam, "The username and password may not contain NUL characters");
    }
    const parts = [request.nonce, request.username, request.password, request.admin ? "admin" : "notadmin"];
    if (request.userType !== undefined && request.userType !== null) parts.push(request.userType);
    const expected = createHmac("sha1", secret).update(parts.join("\0")).digest();
    if (!HEX_SHA1.test(request.mac) || !timingSafeEqual(expected, Buffer.from(request.mac, "hex"))) {
      throw new MatrixError(403, ErrCode.Forbidden, "HMAC incorrect");
    }
    const localpart = request.username.toLowerCase();
    this.deps.checkReserved?.(localpart);
    const { result } = await this.deps.users.createUserWith(
      { localpart, password: request.password, admin: request.admin, displayname: request.displayname ?? localpart },
      (tx, userId) => this.deps.sessions.issueSession(tx, { userId, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ip: request.ip }),
    );
    return result;
  }

  private requireSecret(): string {
    if (this.deps.sharedSecret === null) throw new MatrixError(400, ErrCode.Unknown, "Shared secret registration is not enabled");
    return this.deps.sharedSecret;
  }

  private dropExpired(): void {
    const oldest = this.now() - NONCE_LIFETIME_MS;
    for (const [nonce, issued] of this.nonces) {
      if (issued > oldest) break;
      this.nonces.delete(nonce);
    }
  }
}
