/**
 * Guest accounts may use only the endpoints the guest access module lists ("The following API
 * endpoints are allowed to be accessed by guest accounts …"); the others answer 403
 * M_GUEST_ACCESS_FORBIDDEN. https://spec.matrix.org/v1.19/client-server-api/#client-behaviour-14
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Requester } from "../../matrix/endpoints/types.js";

export function forbidGuests(requester: Requester): void {
  if (requester.isGuest) throw new MatrixError(403, ErrCode.GuestAccessForbidden, "Guest accounts cannot use this endpoint");
}
