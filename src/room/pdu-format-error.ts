/**
 * A PDU that does not comply with its room version's event format: it is dropped, not rejected.
 * https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu (step 1)
 */
export class PduFormatError extends Error {
  override name = "PduFormatError";

  constructor(readonly reason: string) {
    super(reason);
  }
}
