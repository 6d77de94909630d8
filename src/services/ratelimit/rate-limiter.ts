/**
 * The router's rate limiter: one token bucket per (bucket name, actor), where the actor is the
 * authenticated user, else the client address. Bucket names are those endpoint definitions give
 * in `rateLimited` (`login`, `registration`, `message`), sized by config `rate_limits`.
 * https://spec.matrix.org/v1.19/client-server-api/#rate-limiting
 *
 * A refusal is 429 M_LIMIT_EXCEEDED with `retry_after_ms`; the error middleware adds the
 * `Retry-After` header the spec asks for. With `rate_limits.enabled: false` nothing is limited.
 *
 * Application services follow their registration's `rate_limited`: "Whether requests from
 * masqueraded users are rate-limited. The sender is excluded."
 * (https://spec.matrix.org/v1.19/application-service-api/#registration). So an appservice acting
 * as its sender is never limited, nor when it presents its `as_token` to an endpoint that takes no
 * authentication (`POST /register`, `POST /login`); a masqueraded user is limited as that user
 * unless `rate_limited: false`. Without a registry every appservice request is exempt.
 */
import type { RateLimitSetting } from "../../config/config.js";
import type { BaseRequest, RateLimiter as HttpRateLimiter } from "../../http/endpoint-types.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { AppserviceRegistry } from "../appservices/appservice-registry.js";
import { TokenBucketLimiter } from "../../util/token-bucket.js";

export interface RateLimiterOptions {
  enabled: boolean;
  /** Bucket name → its size and refill rate. */
  buckets: Readonly<Record<string, RateLimitSetting>>;
  clock?: () => number;
  /** The registered application services, for their `rate_limited` and tokens. */
  appservices?: Pick<AppserviceRegistry, "findById" | "findByToken">;
}

type LimitedRequest = BaseRequest & { readonly requester: Requester | null; readonly origin: string | null };

export class RateLimiter implements HttpRateLimiter {
  private readonly limiters = new Map<string, TokenBucketLimiter>();

  constructor(private readonly options: RateLimiterOptions) {
    for (const [name, setting] of Object.entries(options.buckets)) {
      this.limiters.set(name, new TokenBucketLimiter({ perSecond: setting.per_second, burst: setting.burst_count, clock: options.clock }));
    }
  }

  /** Throws unless every name is a bucket this limiter has: app.ts checks the routes' at startup. */
  requireBuckets(names: Iterable<string>): void {
    for (const name of names) {
      if (!this.limiters.has(name)) throw new Error(`no rate-limit bucket named ${JSON.stringify(name)} (config rate_limits)`);
    }
  }

  check(bucket: string, request: LimitedRequest): void {
    if (!this.options.enabled) return;
    const limiter = this.limiters.get(bucket);
    if (limiter === undefined) throw new Error(`no rate-limit bucket named ${JSON.stringify(bucket)}`);
    const requester = request.requester;
    if (this.isExempt(requester, request.accessToken)) return;
    const actor = requester !== null ? requester.userId : request.origin !== null ? `server:${request.origin}` : `ip:${request.ip}`;
    const taken = limiter.take(actor);
    if (!taken.allowed) {
      throw new MatrixError(429, ErrCode.LimitExceeded, "Too many requests; try again later", { retry_after_ms: taken.retryAfterMs });
    }
  }

  private isExempt(requester: Requester | null, accessToken: string | null): boolean {
    const { appservices } = this.options;
    if (requester === null) return accessToken !== null && appservices?.findByToken(accessToken) != null;
    if (requester.appserviceId === null) return false;
    const appservice = appservices?.findById(requester.appserviceId) ?? null;
    return appservice === null || requester.userId === appservice.sender || !appservice.rateLimited;
  }
}
