/**
 * POST /_matrix/client/v3/user_directory/search
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface UserDirectorySearchBody {
  search_term: string;
  /** "Defaults to 10." */
  limit?: number;
}

export interface UserDirectoryResultJson {
  user_id: string;
  display_name?: string;
  avatar_url?: string;
}

export interface UserDirectorySearchResponseJson {
  results: UserDirectoryResultJson[];
  limited: boolean;
}

const searchBody: JSONSchemaType<UserDirectorySearchBody> = {
  type: "object",
  required: ["search_term"],
  properties: { search_term: { type: "string" }, limit: { type: "integer", minimum: 0, nullable: true } },
};

export const searchUserDirectory: EndpointDefinition<{ body: UserDirectorySearchBody }, UserDirectorySearchResponseJson, "accessToken"> = {
  name: "searchUserDirectory",
  method: "POST",
  paths: clientPaths("/user_directory/search"),
  auth: "accessToken",
  bodySchema: searchBody,
};
