/**
 * The content of the `m.room.member` events the room verbs send.
 * https://spec.matrix.org/v1.19/client-server-api/#mroommember
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { MemberProfile } from "./room-collaborators.js";

export type Membership = "invite" | "join" | "leave" | "ban" | "knock";

export interface MemberContentOptions {
  /** The profile of the `state_key` user: `displayname` and `avatar_url` are copied when strings. */
  profile?: MemberProfile | null;
  reason?: string | null;
  /** Sets `is_direct: true` (invites of direct chats). */
  isDirect?: boolean;
  /** Restricted joins: the local user whose power authorised the join. */
  joinAuthorisedVia?: string;
  third_party_invite?: JsonObject;
}

export function memberContent(membership: Membership, options: MemberContentOptions = {}): JsonObject {
  const content: JsonObject = { membership };
  const { profile } = options;
  if (typeof profile?.displayname === "string") content.displayname = profile.displayname;
  if (typeof profile?.avatar_url === "string") content.avatar_url = profile.avatar_url;
  if (typeof options.reason === "string") content.reason = options.reason;
  if (options.isDirect === true) content.is_direct = true;
  if (options.joinAuthorisedVia !== undefined) content.join_authorised_via_users_server = options.joinAuthorisedVia;
  if (options.third_party_invite !== undefined) content.third_party_invite = options.third_party_invite;
  return content;
}
