/**
 * Authorization of `m.room.member` events (rule 5 in room version 12, rule 4 in v6–v11, rule 5 in
 * v1–v5). https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules
 *
 * Returning means "allow"; every "reject" throws AuthError.
 */
import { isJsonObject } from "../is-json-object.js";
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { AuthError } from "./auth-error.js";
import { type AuthState, membershipOf } from "./auth-state.js";
import { getNamedPowerLevel, getUserPowerLevel } from "./power-levels.js";
import { checkThirdPartyInvite } from "./third-party-invite.js";
import { domainOf, isValidUserId } from "./user-ids.js";

/**
 * 1. No `state_key` or no `membership` → reject.
 * 2. (v8+) `join_authorised_via_users_server` present: the event must be signed by that user's
 *    server (checked here for presence; the signature itself is verified with the other
 *    signatures, see required-signatures.ts).
 * 3–7. join / invite / leave / ban / knock; 8. any other membership → reject.
 */
export function checkMemberEvent(event: Pdu, state: AuthState, rules: RoomVersionRules): void {
  const target = event.stateKey;
  if (target === undefined || !Object.hasOwn(event.content, "membership")) {
    throw new AuthError("member event without state_key or membership");
  }
  const { restrictedJoinRule, knockJoinRule } = rules.authorization;
  if (restrictedJoinRule && Object.hasOwn(event.content, "join_authorised_via_users_server")) {
    const authoriser = event.content.join_authorised_via_users_server;
    const server = isValidUserId(authoriser) ? domainOf(authoriser) : null;
    if (server === null || !isSignedBy(event, server)) {
      throw new AuthError("join_authorised_via_users_server: not signed by the authorising user's server");
    }
  }
  switch (event.content.membership) {
    case "join":
      return checkJoin(event, target, state, rules);
    case "invite":
      return checkInvite(event, target, state, rules);
    case "leave":
      return checkLeave(event, target, state, rules);
    case "ban":
      return checkBan(event, target, state, rules);
    case "knock":
      if (knockJoinRule) return checkKnock(event, target, state, rules);
      break;
  }
  throw new AuthError(`unknown membership ${JSON.stringify(event.content.membership)}`);
}

/**
 * 1. Only previous event is the create event and the target is its creator → allow.
 * 2. sender ≠ state_key → reject. 3. sender banned → reject.
 * 4. join rule `invite` (or v7+ `knock`): allow if already invited or joined.
 * 5. (v8+) `restricted` (or v10+ `knock_restricted`): allow if invited or joined; else the
 *    `join_authorised_via_users_server` user must be joined and able to invite.
 * 6. `public` → allow. 7. otherwise reject.
 */
function checkJoin(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules): void {
  const create = state("m.room.create", "");
  if (create !== undefined && event.prevEventIds.length === 1 && event.prevEventIds[0] === create.eventId) {
    const creator = rules.authorization.creatorInContent ? create.content.creator : create.sender;
    if (creator === target) return;
  }
  if (event.sender !== target) throw new AuthError("join: sender is not the state_key");
  const current = membershipOf(state, target);
  if (current === "ban") throw new AuthError("join: sender is banned");
  const joinRule = currentJoinRule(state);
  const { knockJoinRule, restrictedJoinRule, knockRestrictedJoinRule } = rules.authorization;
  if (joinRule === "invite" || (knockJoinRule && joinRule === "knock")) {
    if (current === "invite" || current === "join") return;
    throw new AuthError(`join: join rule is ${joinRule} and the sender is not invited`);
  }
  if ((restrictedJoinRule && joinRule === "restricted") || (knockRestrictedJoinRule && joinRule === "knock_restricted")) {
    if (current === "invite" || current === "join") return;
    const authoriser = event.content.join_authorised_via_users_server;
    if (typeof authoriser !== "string" || membershipOf(state, authoriser) !== "join") {
      throw new AuthError("restricted join: the authorising user is not joined");
    }
    if (getUserPowerLevel(authoriser, state, rules) < getNamedPowerLevel("invite", state, rules)) {
      throw new AuthError("restricted join: the authorising user cannot invite");
    }
    return;
  }
  if (joinRule === "public") return;
  throw new AuthError(`join: join rule ${JSON.stringify(joinRule)} does not allow joining`);
}

/**
 * 1. `third_party_invite` in content → the third-party invite rules.
 * 2. sender not joined → reject. 3. target joined or banned → reject.
 * 4. sender's level ≥ invite level → allow. 5. otherwise reject.
 */
function checkInvite(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules): void {
  if (Object.hasOwn(event.content, "third_party_invite")) return checkThirdPartyInvite(event, target, state);
  if (membershipOf(state, event.sender) !== "join") throw new AuthError("invite: sender is not joined");
  const targetMembership = membershipOf(state, target);
  if (targetMembership === "join" || targetMembership === "ban") throw new AuthError(`invite: target's membership is ${targetMembership}`);
  if (getUserPowerLevel(event.sender, state, rules) < getNamedPowerLevel("invite", state, rules)) {
    throw new AuthError("invite: sender's power level is below the invite level");
  }
}

/**
 * 1. sender = state_key → allow iff invited, joined or (v7+) knocking.
 * 2. sender not joined → reject. 3. target banned and sender below the ban level → reject.
 * 4. sender at or above the kick level and target below the sender → allow. 5. otherwise reject.
 */
function checkLeave(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules): void {
  if (event.sender === target) {
    const current = membershipOf(state, target);
    if (current === "invite" || current === "join" || (rules.authorization.knockJoinRule && current === "knock")) return;
    throw new AuthError(`leave: cannot leave from membership ${current}`);
  }
  if (membershipOf(state, event.sender) !== "join") throw new AuthError("kick: sender is not joined");
  const senderLevel = getUserPowerLevel(event.sender, state, rules);
  if (membershipOf(state, target) === "ban" && senderLevel < getNamedPowerLevel("ban", state, rules)) {
    throw new AuthError("unban: sender's power level is below the ban level");
  }
  if (senderLevel >= getNamedPowerLevel("kick", state, rules) && getUserPowerLevel(target, state, rules) < senderLevel) return;
  throw new AuthError("kick: sender's power level is too low");
}

/** 1. sender not joined → reject. 2. sender at or above the ban level and target below → allow. 3. reject. */
function checkBan(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules): void {
  if (membershipOf(state, event.sender) !== "join") throw new AuthError("ban: sender is not joined");
  const senderLevel = getUserPowerLevel(event.sender, state, rules);
  if (senderLevel >= getNamedPowerLevel("ban", state, rules) && getUserPowerLevel(target, state, rules) < senderLevel) return;
  throw new AuthError("ban: sender's power level is too low");
}

/**
 * 1. join rule not `knock` (or v10+ `knock_restricted`) → reject. 2. sender ≠ state_key → reject.
 * 3. sender not banned, invited or joined → allow. 4. otherwise reject.
 */
function checkKnock(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules): void {
  const joinRule = currentJoinRule(state);
  if (!(joinRule === "knock" || (rules.authorization.knockRestrictedJoinRule && joinRule === "knock_restricted"))) {
    throw new AuthError(`knock: join rule ${JSON.stringify(joinRule)} does not allow knocking`);
  }
  if (event.sender !== target) throw new AuthError("knock: sender is not the state_key");
  const current = membershipOf(state, event.sender);
  if (current === "ban" || current === "invite" || current === "join") throw new AuthError(`knock: sender is already ${current}`);
}

/**
 * The room's join rule. With no `m.room.join_rules` event it is `invite`, as Synapse and Ruma
 * treat it (the spec's rules name no default; then only invited users can join).
 */
function currentJoinRule(state: AuthState): unknown {
  const joinRules = state("m.room.join_rules", "");
  return joinRules === undefined ? "invite" : joinRules.content.join_rule;
}

function isSignedBy(event: Pdu, server: string): boolean {
  const signatures: unknown = event.json.signatures;
  if (!isJsonObject(signatures) || !Object.hasOwn(signatures, server)) return false;
  const byServer = signatures[server];
  return isJsonObject(byServer) && Object.keys(byServer).length > 0;
}
