/**
 * The 401 of User-Interactive Authentication: the flows, params and session, plus the stages
 * completed so far, and `errcode`/`error` only when a stage attempt failed.
 * https://spec.matrix.org/v1.19/client-server-api/#user-interactive-api-in-the-rest-api
 *
 * A MatrixError, so the error middleware sends it like any other; its body is its own.
 */
import { MatrixError } from "../../matrix/errors.js";
import type { UiaResponseJson } from "../../matrix/endpoints/client/account-auth.js";

export class UiaResponseError extends MatrixError {
  constructor(
    readonly body: UiaResponseJson,
    /** Set when a stage attempt failed; the first response of a session has none. */
    readonly failure: { errcode: string; message: string } | null = null,
  ) {
    super(401, failure?.errcode ?? "", failure?.message ?? "Additional authentication is required");
    this.name = "UiaResponseError";
  }

  override toJSON(): Record<string, unknown> {
    if (this.failure === null) return { ...this.body };
    return { errcode: this.failure.errcode, error: this.failure.message, ...this.body };
  }
}
