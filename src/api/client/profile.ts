/** Profiles. https://spec.matrix.org/v1.19/client-server-api/#profiles */
import type { deleteProfileField, getProfileField, getUserProfile, setProfileField } from "../../matrix/endpoints/client/profile.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { checkProfileKey, profileValueFromBody } from "../../services/profile/profile-fields.js";
import type { ProfileService } from "../../services/profile/profile-service.js";
import { requireSelf } from "./path-checks.js";

export type ProfileDeps = Pick<ProfileService, "getProfile" | "getProfileField" | "setProfileField" | "deleteProfileField">;

/** GET /_matrix/client/v3/profile/{userId} — #get_matrixclientv3profileuserid */
export function handleGetUserProfile(deps: ProfileDeps): EndpointHandler<typeof getUserProfile> {
  return ({ params }) => deps.getProfile(params.userId);
}

/** GET /_matrix/client/v3/profile/{userId}/{keyName} — #get_matrixclientv3profileuseridkeyname */
export function handleGetProfileField(deps: ProfileDeps): EndpointHandler<typeof getProfileField> {
  return ({ params }) => {
    checkProfileKey(params.keyName);
    return deps.getProfileField(params.userId, params.keyName);
  };
}

/** PUT /_matrix/client/v3/profile/{userId}/{keyName} — #put_matrixclientv3profileuseridkeyname */
export function handleSetProfileField(deps: ProfileDeps): EndpointHandler<typeof setProfileField> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "change the profile");
    checkProfileKey(params.keyName);
    await deps.setProfileField(params.userId, params.keyName, profileValueFromBody(params.keyName, body));
    return {};
  };
}

/** DELETE /_matrix/client/v3/profile/{userId}/{keyName} — #delete_matrixclientv3profileuseridkeyname */
export function handleDeleteProfileField(deps: ProfileDeps): EndpointHandler<typeof deleteProfileField> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "change the profile");
    checkProfileKey(params.keyName);
    await deps.deleteProfileField(params.userId, params.keyName);
    return {};
  };
}
