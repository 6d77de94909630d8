import { pathAsWritten } from "../config/generate-config.js";

/** `path` as a user would type it here: relative to the working directory when inside it, else absolute. */
export function displayPath(path: string): string {
  return pathAsWritten(path, process.cwd());
}
