/**
 * Pings an application service for `POST /_matrix/client/v1/appservice/{appserviceId}/ping`: the
 * homeserver calls the appservice's `POST /_matrix/app/v1/ping` with its `hs_token`.
 * https://spec.matrix.org/v1.19/application-service-api/#pinging
 *
 * - no `url` in the registration: 400 M_URL_NOT_SET;
 * - the appservice answers with an error status: 502 M_BAD_STATUS with `status` and `body`;
 * - it cannot be reached: 502 M_CONNECTION_FAILED; it does not answer in time: 504
 *   M_CONNECTION_TIMEOUT.
 *
 * The URL is the administrator's, so the outbound IP deny list (meant for addresses that users
 * and other servers choose) does not apply; appservices usually live on loopback.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Appservice } from "./appservice.js";

export interface AppservicePingerOptions {
  /** How long the appservice has to answer; default 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** The most of an error body handed back to the appservice. */
const MAX_ERROR_BODY = 1000;

export class AppservicePinger {
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: AppservicePingerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** The round trip in milliseconds, or the spec's error. */
  async ping(appservice: Pick<Appservice, "id" | "url" | "hsToken">, transactionId: string | null): Promise<number> {
    if (appservice.url === null) throw new MatrixError(400, ErrCode.UrlNotSet, `Application service ${appservice.id} has no URL configured`);
    const target = `${appservice.url.replace(/\/+$/, "")}/_matrix/app/v1/ping`;
    const started = this.now();
    let status: number;
    let body: string;
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: { authorization: `Bearer ${appservice.hsToken}`, "content-type": "application/json" },
        body: JSON.stringify(transactionId === null ? {} : { transaction_id: transactionId }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      body = await response.text();
    } catch (err) {
      if (err instanceof DOMException && err.name === "TimeoutError") {
        throw new MatrixError(504, ErrCode.ConnectionTimeout, `Connection to application service ${appservice.id} timed out`);
      }
      throw new MatrixError(502, ErrCode.ConnectionFailed, `Connection to application service ${appservice.id} failed`);
    }
    if (status < 200 || status >= 300) {
      throw new MatrixError(502, ErrCode.BadStatus, `Ping returned status ${status}`, { status, body: body.slice(0, MAX_ERROR_BODY) });
    }
    return Math.round(this.now() - started);
  }
}
