import type { searchUserDirectory } from "../../matrix/endpoints/client/user-directory.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { UserDirectoryService } from "../../services/rooms/user-directory.js";
import { forbidGuests } from "./guest-access.js";

export type UserDirectoryDeps = Pick<UserDirectoryService, "search">;

/**
 * POST /_matrix/client/v3/user_directory/search
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch
 */
export function handleSearchUserDirectory(deps: UserDirectoryDeps): EndpointHandler<typeof searchUserDirectory> {
  return async ({ requester, body }) => {
    forbidGuests(requester);
    return deps.search(requester.userId, body.search_term, body.limit);
  };
}
