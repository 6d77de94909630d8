/**
 * An event that fails the authorization rules: it is rejected (or soft-failed, depending on which
 * state it was checked against). As a MatrixError it is a 403 M_FORBIDDEN when a local client's
 * event fails. https://spec.matrix.org/v1.19/server-server-api/#rejection
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";

export class AuthError extends MatrixError {
  override name = "AuthError";

  constructor(readonly reason: string) {
    super(403, ErrCode.Forbidden, reason);
  }
}
