/**
 * Reads the registration files named by config `appservice.config_files` (absolute paths, as
 * loadConfig leaves them), in order. The first problem is a one-line ConfigError naming the file
 * and the key; `hearth config validate` and `hearth start` print it and exit 1.
 *
 * > If the homeserver in question has multiple application services, each `as_token` and `id`
 * > MUST be unique per application service as these are used to identify the application
 * > service. The homeserver MUST enforce this.
 * https://spec.matrix.org/v1.19/application-service-api/#registration
 */
import { ConfigError } from "../../config/config-error.js";
import { readConfigFile } from "../../config/load-config.js";
import type { Appservice } from "./appservice.js";
import { parseAppserviceRegistration } from "./appservice-registration.js";

export function loadAppserviceRegistrations(files: readonly string[], serverName: string): Appservice[] {
  const byId = new Map<string, string>();
  const byToken = new Map<string, string>();
  const appservices: Appservice[] = [];
  for (const file of files) {
    const appservice = parseAppserviceRegistration(readConfigFile(file), file, serverName);
    const sameId = byId.get(appservice.id);
    if (sameId !== undefined) throw ConfigError.at(file, "id", `${JSON.stringify(appservice.id)} is already the id of ${sameId}`);
    const sameToken = byToken.get(appservice.asToken);
    if (sameToken !== undefined) throw ConfigError.at(file, "as_token", `is already the as_token of ${sameToken}`);
    byId.set(appservice.id, file);
    byToken.set(appservice.asToken, file);
    appservices.push(appservice);
  }
  return appservices;
}
