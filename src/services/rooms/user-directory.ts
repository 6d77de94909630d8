/**
 * The user directory: `POST /user_directory/search`.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch
 *
 * Searches the users "visible to the requester based on their membership in rooms known to the
 * homeserver" (user-directory-store.ts): those sharing a room with them, and the members of rooms
 * with a `public` join rule or `world_readable` history. Remote users are found by the member
 * events of those rooms; querying their servers is left for federation.
 */
import type { UserDirectoryStore } from "../../storage/stores/user-directory-store.js";

export const DEFAULT_USER_SEARCH_LIMIT = 10;
const MAX_USER_SEARCH_LIMIT = 100;

export interface UserSearchResultJson {
  user_id: string;
  display_name?: string;
  avatar_url?: string;
}

export interface UserSearchResponseJson {
  results: UserSearchResultJson[];
  /** "Indicates if the result list has been truncated by the limit." */
  limited: boolean;
}

export class UserDirectoryService {
  constructor(private readonly deps: { store: Pick<UserDirectoryStore, "searchUsers"> }) {}

  async search(searcher: string, term: string, limit = DEFAULT_USER_SEARCH_LIMIT): Promise<UserSearchResponseJson> {
    const wanted = Math.min(Math.max(limit, 0), MAX_USER_SEARCH_LIMIT);
    if (term.trim() === "" || wanted === 0) return { results: [], limited: false };
    // One more than wanted tells whether the list was truncated.
    const rows = await this.deps.store.searchUsers({ searcher, term: term.trim(), limit: wanted + 1 });
    const results = rows.slice(0, wanted).map((row) => {
      const result: UserSearchResultJson = { user_id: row.userId };
      if (row.displayname !== null) result.display_name = row.displayname;
      if (row.avatarUrl !== null) result.avatar_url = row.avatarUrl;
      return result;
    });
    return { results, limited: rows.length > wanted };
  }
}
