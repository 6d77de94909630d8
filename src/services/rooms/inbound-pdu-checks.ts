/**
 * Steps 1–3 of the checks on receipt of a PDU: the ones that need nothing but the event and the
 * sending servers' keys.
 * https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
 * https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
 */
import { checkContentHash } from "../../crypto/hashes.js";
import { signedBytes } from "../../crypto/json-signing.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { PduJson } from "../../matrix/pdu-json.js";
import { checkPduFormat } from "../../room/auth/check-pdu-format.js";
import { Pdu } from "../../room/pdu.js";
import { PduFormatError } from "../../room/pdu-format-error.js";
import { redactPduJson } from "../../room/redaction.js";
import { requiredSignatureServers } from "../../room/required-signatures.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import type { VerifiedKeyLookup } from "./event-persister-types.js";

/**
 * Step 1: "Is a valid event, otherwise it is dropped." Returns the event as a Pdu (over a copy of
 * `json`, which stays the caller's); throws MatrixError 400 M_BAD_JSON when it is dropped.
 */
export function parseReceivedPdu(json: unknown, rules: RoomVersionRules): Pdu {
  try {
    checkPduFormat(json, rules);
    return Pdu.fromJson(structuredClone(json), rules);
  } catch (err) {
    if (err instanceof PduFormatError) throw new MatrixError(400, ErrCode.BadJson, `dropped an invalid event: ${err.message}`);
    throw err;
  }
}

/**
 * Step 2: "Passes signature checks, otherwise it is dropped."
 *
 * > The event is redacted following the redaction algorithm, and the resultant object is
 * > checked for signatures from the originating server … If a signature is from an unknown or
 * > expired key, it is skipped. … If all signatures from known unexpired keys from the
 * > originating server(s) are found to be valid, the expected content hash is calculated.
 *
 * So each required server (required-signatures.ts) needs at least one signature by a key we
 * know, and every signature by a known key must verify. Throws MatrixError 403 M_FORBIDDEN when
 * the event is dropped.
 */
export async function checkEventSignatures(pdu: Pdu, verifiedKeys: VerifiedKeyLookup): Promise<void> {
  const atTs = pdu.rules.enforceKeyValidity ? pdu.originServerTs : null;
  let bytes: Buffer | null = null;
  for (const server of requiredSignatureServers(pdu)) {
    const signatures = pdu.json.signatures[server];
    let verified = false;
    for (const keyId of Object.keys(signatures ?? {})) {
      if (!keyId.startsWith("ed25519:")) continue;
      const key = await verifiedKeys(server, keyId, atTs);
      if (key === null) continue;
      bytes ??= signedBytes(redactPduJson(pdu.json, pdu.rules));
      if (!key.verify(bytes, signatures![keyId]!)) {
        throw new MatrixError(403, ErrCode.Forbidden, `dropped ${pdu.eventId}: invalid signature of ${server} (${keyId})`);
      }
      verified = true;
    }
    if (!verified) throw new MatrixError(403, ErrCode.Forbidden, `dropped ${pdu.eventId}: no signature of ${server} by a known key`);
  }
}

/**
 * Step 3: "Passes hash checks, otherwise it is redacted before being processed further." The
 * redacted form keeps the event ID (it is the reference hash of the redacted event anyway) and
 * is what gets stored.
 */
export function applyContentHashCheck(pdu: Pdu): { pdu: Pdu; redacted: boolean } {
  if (checkContentHash(pdu.json as PduJson)) return { pdu, redacted: false };
  return { pdu: pdu.redact(), redacted: true };
}
