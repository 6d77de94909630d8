/**
 * One registered application service: its tokens, its sender and its namespaces, compiled once.
 * https://spec.matrix.org/v1.19/application-service-api/#registration
 *
 * How a namespace `regex` matches. The spec calls it "A POSIX regular expression defining which
 * values this namespace includes" and says no more; its examples (`@_irc_bridge_.*`,
 * `#_irc_bridge_.*`) start with the sigil, and it asks exclusive namespaces to "begin with an
 * underscore after the sigil", which only protects anything if a regex is matched from the first
 * character of the ID. So a regex matches an ID when it matches a prefix of it (an implicit `^`,
 * as Synapse's `re.match`); it need not run to the end (no implicit `$`), because registrations in
 * use write `@_discord_[0-9]+` and mean every such user on the server. A registration wanting a
 * whole-ID match writes the `$` itself. The syntax is JavaScript's (without the `u` flag), which
 * accepts the POSIX extended subset registrations use.
 *
 * The `users` namespaces only ever cover local users: "application services can only register
 * interest in *local* users". The sender (`@sender_localpart:server`) is in the appservice's user
 * namespace, exclusively: "in addition to its sender_localpart".
 */

export type NamespaceKind = "users" | "aliases" | "rooms";

export interface Namespace {
  readonly exclusive: boolean;
  /** The regex as written in the registration. */
  readonly source: string;
  /** Compiled, anchored at the start of the ID. */
  readonly regex: RegExp;
}

export interface AppserviceSettings {
  id: string;
  url: string | null;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
  namespaces: Readonly<Record<NamespaceKind, readonly Namespace[]>>;
  /** Whether requests made as masqueraded users are rate-limited (the sender never is). */
  rateLimited: boolean;
  protocols: readonly string[];
  receiveEphemeral: boolean;
}

/** Compiles a namespace regex as this file's header says; throws SyntaxError for a bad one. */
export function compileNamespaceRegex(source: string): RegExp {
  new RegExp(source); // checked alone first: `a)(b` is invalid, but `^(?:a)(b)` would not be
  return new RegExp(`^(?:${source})`);
}

export class Appservice {
  readonly id: string;
  readonly url: string | null;
  readonly asToken: string;
  readonly hsToken: string;
  readonly senderLocalpart: string;
  /** `@sender_localpart:server`. */
  readonly sender: string;
  readonly namespaces: Readonly<Record<NamespaceKind, readonly Namespace[]>>;
  readonly rateLimited: boolean;
  readonly protocols: readonly string[];
  readonly receiveEphemeral: boolean;
  private readonly localSuffix: string;

  constructor(settings: AppserviceSettings, serverName: string) {
    this.id = settings.id;
    this.url = settings.url;
    this.asToken = settings.asToken;
    this.hsToken = settings.hsToken;
    this.senderLocalpart = settings.senderLocalpart;
    this.sender = `@${settings.senderLocalpart}:${serverName}`;
    this.namespaces = settings.namespaces;
    this.rateLimited = settings.rateLimited;
    this.protocols = settings.protocols;
    this.receiveEphemeral = settings.receiveEphemeral;
    this.localSuffix = `:${serverName}`;
  }

  /** Whether the local user `userId` is the sender or in a `users` namespace. */
  isInterestedInUser(userId: string): boolean {
    return userId === this.sender || (this.isLocal(userId) && matchesAny(this.namespaces.users, userId, false));
  }

  /** Whether `userId` is the sender or in an exclusive `users` namespace. */
  isExclusiveUser(userId: string): boolean {
    return userId === this.sender || (this.isLocal(userId) && matchesAny(this.namespaces.users, userId, true));
  }

  isInterestedInAlias(alias: string): boolean {
    return matchesAny(this.namespaces.aliases, alias, false);
  }

  isExclusiveAlias(alias: string): boolean {
    return matchesAny(this.namespaces.aliases, alias, true);
  }

  isInterestedInRoom(roomId: string): boolean {
    return matchesAny(this.namespaces.rooms, roomId, false);
  }

  isExclusiveRoom(roomId: string): boolean {
    return matchesAny(this.namespaces.rooms, roomId, true);
  }

  private isLocal(userId: string): boolean {
    return userId.endsWith(this.localSuffix) && userId.indexOf(":") === userId.length - this.localSuffix.length;
  }
}

function matchesAny(namespaces: readonly Namespace[], id: string, exclusiveOnly: boolean): boolean {
  for (const namespace of namespaces) {
    if ((!exclusiveOnly || namespace.exclusive) && namespace.regex.test(id)) return true;
  }
  return false;
}
