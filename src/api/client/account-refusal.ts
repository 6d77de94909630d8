import type { Requester } from "../../matrix/endpoints/types.js";
import { MatrixError } from "../../matrix/errors.js";
import { forbidGuests } from "./guest-access.js";

/**
 * A handler that always refuses with one error: for the third-party identifier endpoints this
 * server answers but cannot serve (it sends no email or SMS and trusts no identity server).
 * Guests, whom these endpoints do not admit, hear M_GUEST_ACCESS_FORBIDDEN instead.
 */
export function refusal(status: number, errcode: string, message: string): (request: { readonly requester: Requester | null }) => never {
  return (request) => {
    if (request.requester !== null) forbidGuests(request.requester);
    throw new MatrixError(status, errcode, message);
  };
}
