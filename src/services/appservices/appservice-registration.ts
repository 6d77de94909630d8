/**
 * Parses one application service registration file (YAML, as Synapse reads them) into an
 * Appservice. https://spec.matrix.org/v1.19/application-service-api/#registration
 *
 * The first problem is thrown as a one-line ConfigError naming the file and the key, like
 * config.yaml's: `irc.yaml: namespaces.users[0].regex: invalid regular expression: …`.
 *
 * - Required, as the spec's schema says: `id`, `url` (a string or null), `as_token`, `hs_token`,
 *   `sender_localpart`, `namespaces`. Each namespace list is optional (absent means empty) and
 *   each entry needs `exclusive` and `regex`.
 * - Optional: `rate_limited` (default true, as Synapse: masqueraded users are limited unless the
 *   registration says otherwise), `protocols`, `receive_ephemeral` (default false).
 * - Keys this server does not know are ignored: registrations carry implementation and MSC keys
 *   (`de.sorunome.msc2409.push_ephemeral`, `org.matrix.msc3202`, …).
 * - Beyond the schema: `url` must be an http(s) URL, `sender_localpart` a valid localpart of
 *   this server, every regex must compile (appservice.ts says how they match).
 */
import { Ajv2020, type JSONSchemaType, type ValidateFunction } from "ajv/dist/2020.js";
import { ConfigError } from "../../config/config-error.js";
import { describeSchemaError, showValue } from "../../config/describe-schema-error.js";
import { parseConfigDocument } from "../../config/parse-config-document.js";
import { checkNewLocalpart } from "../../matrix/ids.js";
import { Appservice, compileNamespaceRegex, type Namespace, type NamespaceKind } from "./appservice.js";

/** One entry of a namespace list, as written. */
export interface NamespaceJson {
  exclusive: boolean;
  regex: string;
}

/** A registration file as the spec defines it (the keys this server reads). */
export interface AppserviceRegistrationJson {
  id: string;
  url: string | null;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  namespaces: { users?: NamespaceJson[]; aliases?: NamespaceJson[]; rooms?: NamespaceJson[] };
  rate_limited?: boolean;
  protocols?: string[] | null;
  receive_ephemeral?: boolean;
}

const NAMESPACE_KINDS: readonly NamespaceKind[] = ["users", "aliases", "rooms"];
const MAX_ALIAS_COUNT = 100;

const nonEmptyString = { type: "string", minLength: 1 } as const;
const namespaceSchema: JSONSchemaType<NamespaceJson> = {
  type: "object",
  required: ["exclusive", "regex"],
  properties: { exclusive: { type: "boolean" }, regex: { type: "string" } },
};
const namespaceList = { type: "array", nullable: true, items: namespaceSchema } as const;

const registrationSchema: JSONSchemaType<AppserviceRegistrationJson> = {
  type: "object",
  required: ["id", "url", "as_token", "hs_token", "sender_localpart", "namespaces"],
  properties: {
    id: nonEmptyString,
    // JSONSchemaType cannot type a required key that may be null; ajv checks `nullable` as written.
    url: { type: "string", nullable: true, description: "an http or https URL, or null" } as unknown as JSONSchemaType<string>,
    as_token: nonEmptyString,
    hs_token: nonEmptyString,
    sender_localpart: nonEmptyString,
    namespaces: {
      type: "object",
      required: [],
      properties: { users: namespaceList, aliases: namespaceList, rooms: namespaceList },
    },
    rate_limited: { type: "boolean", nullable: true },
    protocols: { type: "array", nullable: true, items: { type: "string" } },
    receive_ephemeral: { type: "boolean", nullable: true },
  },
};

let validator: ValidateFunction<AppserviceRegistrationJson> | null = null;

function getValidator(): ValidateFunction<AppserviceRegistrationJson> {
  // verbose and allErrors: describeSchemaError needs each error's schema and picks the best one.
  validator ??= new Ajv2020({ strict: false, allErrors: true, verbose: true }).compile(registrationSchema);
  return validator;
}

/** The registration in `text` (the contents of `file`) for a homeserver named `serverName`. */
export function parseAppserviceRegistration(text: string, file: string, serverName: string): Appservice {
  const raw = registrationDocumentToJs(text, file);
  const validate = getValidator();
  if (!validate(raw)) throw describeSchemaError(file, validate.errors ?? []);

  if (raw.url !== null && !isHttpUrl(raw.url)) {
    throw ConfigError.at(file, "url", `must be an http or https URL, or null (got ${showValue(raw.url)})`);
  }
  if (checkNewLocalpart(raw.sender_localpart, serverName) !== null) {
    throw ConfigError.at(
      file,
      "sender_localpart",
      `must be a valid localpart (a-z, 0-9, ., _, =, -, / and +, at most 255 bytes with the server name) (got ${showValue(raw.sender_localpart)})`,
    );
  }
  const namespaces = {} as Record<NamespaceKind, readonly Namespace[]>;
  for (const kind of NAMESPACE_KINDS) {
    namespaces[kind] = (raw.namespaces[kind] ?? []).map((entry, i) => ({
      exclusive: entry.exclusive,
      source: entry.regex,
      regex: compileOrThrow(entry.regex, file, `namespaces.${kind}[${i}].regex`),
    }));
  }
  return new Appservice(
    {
      id: raw.id,
      url: raw.url,
      asToken: raw.as_token,
      hsToken: raw.hs_token,
      senderLocalpart: raw.sender_localpart,
      namespaces,
      rateLimited: raw.rate_limited ?? true,
      protocols: raw.protocols ?? [],
      receiveEphemeral: raw.receive_ephemeral ?? false,
    },
    serverName,
  );
}

function registrationDocumentToJs(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = parseConfigDocument(text, file).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${file}: invalid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) throw new ConfigError(`${file}: the file is empty (an application service registration is required)`);
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${file}: must be a mapping of keys to values (got ${showValue(value)})`);
  return value;
}

function compileOrThrow(source: string, file: string, keyPath: string): RegExp {
  try {
    return compileNamespaceRegex(source);
  } catch (err) {
    const detail = (err as Error).message.replace(/^Invalid regular expression: /, "");
    throw ConfigError.at(file, keyPath, `invalid regular expression: ${detail}`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
