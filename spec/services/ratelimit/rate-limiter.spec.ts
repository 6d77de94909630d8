import { expect } from "chai";
import type { Requester } from "../../../src/matrix/endpoints/types.js";
import { MatrixError } from "../../../src/matrix/errors.js";
import { RateLimiter } from "../../../src/services/ratelimit/rate-limiter.js";
import { AppserviceRegistry } from "../../../src/services/appservices/appservice-registry.js";
import { testAppservice } from "../appservices/appservice-fixture.js";

type LimitedRequest = Parameters<RateLimiter["check"]>[1];

function from(ip: string, requester: Requester | null = null, origin: string | null = null, accessToken: string | null = null): LimitedRequest {
  return { method: "POST", uri: "/", headers: {}, ip, rawBody: null, body: undefined, accessToken, requester, origin };
}

const alice: Requester = { userId: "@alice:hs.test", deviceId: "D", isGuest: false, appserviceId: null };

function refusal(limiter: RateLimiter, bucket: string, request: LimitedRequest): MatrixError | null {
  try {
    limiter.check(bucket, request);
    return null;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
}

describe("RateLimiter", () => {
  let now: number;
  let limiter: RateLimiter;
  beforeEach(() => {
    now = 0;
    limiter = new RateLimiter({
      enabled: true,
      buckets: { login: { per_second: 1, burst_count: 2 }, message: { per_second: 10, burst_count: 1 } },
      clock: () => now,
    });
  });

  it("lets a burst through, then refuses with 429 M_LIMIT_EXCEEDED and retry_after_ms until the bucket refills", () => {
    expect(refusal(limiter, "login", from("1.1.1.1"))).to.equal(null);
    expect(refusal(limiter, "login", from("1.1.1.1"))).to.equal(null);
    const err = refusal(limiter, "login", from("1.1.1.1"));
    expect([err?.status, err?.errcode, err?.extra.retry_after_ms]).to.deep.equal([429, "M_LIMIT_EXCEEDED", 1000]);
    now += 1000;
    expect(refusal(limiter, "login", from("1.1.1.1"))).to.equal(null);
  });

  it("counts per user when authenticated, per address otherwise, and per bucket", () => {
    limiter.check("message", from("1.1.1.1", alice));
    expect(refusal(limiter, "message", from("2.2.2.2", alice))?.errcode).to.equal("M_LIMIT_EXCEEDED");
    expect(refusal(limiter, "message", from("1.1.1.1"))).to.equal(null);
    expect(refusal(limiter, "login", from("1.1.1.1", alice))).to.equal(null);
    limiter.check("message", from("3.3.3.3", null, "remote.test"));
    expect(refusal(limiter, "message", from("4.4.4.4", null, "remote.test"))?.errcode).to.equal("M_LIMIT_EXCEEDED");
  });

  it("never limits application services, nor anyone when disabled", () => {
    const bridge = { ...alice, appserviceId: "bridge" };
    for (let i = 0; i < 5; i++) expect(refusal(limiter, "message", from("1.1.1.1", bridge))).to.equal(null);
    const off = new RateLimiter({ enabled: false, buckets: { login: { per_second: 1, burst_count: 1 } } });
    for (let i = 0; i < 5; i++) expect(refusal(off, "login", from("1.1.1.1"))).to.equal(null);
  });

  describe("application services with a registry", () => {
    const limited = testAppservice({ id: "limited", rateLimited: true });
    const unlimited = testAppservice({ id: "unlimited", rateLimited: false });
    let asLimiter: RateLimiter;
    beforeEach(() => {
      asLimiter = new RateLimiter({
        enabled: true,
        buckets: { message: { per_second: 10, burst_count: 1 }, registration: { per_second: 10, burst_count: 1 } },
        clock: () => now,
        appservices: new AppserviceRegistry([limited, unlimited]),
      });
    });
    const as = (appservice: typeof limited, userId: string): Requester => ({ userId, deviceId: null, isGuest: false, appserviceId: appservice.id });

    it("limits users masqueraded by a rate_limited appservice, each as that user", () => {
      const ghost = as(limited, "@_limited_1:hs.test");
      asLimiter.check("message", from("1.1.1.1", ghost));
      expect(refusal(asLimiter, "message", from("1.1.1.1", ghost))?.errcode).to.equal("M_LIMIT_EXCEEDED");
      expect(refusal(asLimiter, "message", from("1.1.1.1", as(limited, "@_limited_2:hs.test")))).to.equal(null);
    });

    it("never limits the sender, nor users masqueraded by an appservice with rate_limited: false", () => {
      for (let i = 0; i < 5; i++) {
        expect(refusal(asLimiter, "message", from("1.1.1.1", as(limited, limited.sender)))).to.equal(null);
        expect(refusal(asLimiter, "message", from("1.1.1.1", as(unlimited, "@_unlimited_1:hs.test")))).to.equal(null);
      }
    });

    it("never limits an appservice presenting its as_token where no authentication is taken (/register), but does a bogus token", () => {
      for (let i = 0; i < 5; i++) expect(refusal(asLimiter, "registration", from("1.1.1.1", null, null, limited.asToken))).to.equal(null);
      asLimiter.check("registration", from("2.2.2.2", null, null, "not-a-token"));
      expect(refusal(asLimiter, "registration", from("2.2.2.2", null, null, "not-a-token"))?.errcode).to.equal("M_LIMIT_EXCEEDED");
    });
  });

  it("knows only its configured buckets", () => {
    expect(() => limiter.requireBuckets(["login", "message"])).to.not.throw();
    expect(() => limiter.requireBuckets(["login", "typing"])).to.throw(/typing/);
    expect(() => limiter.check("typing", from("1.1.1.1"))).to.throw(/typing/);
  });
});
