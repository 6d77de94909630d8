/**
 * The servers whose signatures an event must carry.
 * https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
 *
 * > For room versions 3 and later, unless the event is a 3rd party invite, only the signature(s)
 * > from the originating server (the server the `sender` belongs to) are required for
 * > verification. Room versions 1 and 2 also require that a signature is present from the domain
 * > in the `event_id`, if it differs from the originating server.
 *
 * Restricted joins (v8+) also need the signature of the `join_authorised_via_users_server` user's
 * server (authorization rule "If the event is not validly signed by the homeserver of the user ID
 * denoted by the key, reject"); authorizeEvent checks that it is present, the caller verifies it
 * here with the others.
 */
import { domainOf, isValidUserId } from "./auth/user-ids.js";
import type { Pdu } from "./pdu.js";

/** Server names that must have validly signed `pdu` (deduplicated). */
export function requiredSignatureServers(pdu: Pdu): string[] {
  const servers = new Set<string>();
  const content = pdu.content;
  const isThirdPartyInvite =
    pdu.type === "m.room.member" && content.membership === "invite" && Object.hasOwn(content, "third_party_invite");
  const senderServer = domainOf(pdu.sender);
  if (!isThirdPartyInvite && senderServer !== null) servers.add(senderServer);
  if (pdu.rules.eventIdDomainSignature) {
    const eventIdServer = domainOf(pdu.eventId);
    if (eventIdServer !== null) servers.add(eventIdServer);
  }
  if (pdu.type === "m.room.member" && pdu.rules.authorization.restrictedJoinRule) {
    const authoriser = content.join_authorised_via_users_server;
    const authoriserServer = isValidUserId(authoriser) ? domainOf(authoriser) : null;
    if (authoriserServer !== null) servers.add(authoriserServer);
  }
  return [...servers];
}
