/** Appservices for unit tests, built without a registration file. */
import { Appservice, compileNamespaceRegex, type Namespace, type NamespaceKind } from "../../../src/services/appservices/appservice.js";

export function ns(exclusive: boolean, source: string): Namespace {
  return { exclusive, source, regex: compileNamespaceRegex(source) };
}

export interface TestAppserviceOptions {
  id?: string;
  asToken?: string;
  senderLocalpart?: string;
  rateLimited?: boolean;
  serverName?: string;
  namespaces?: Partial<Record<NamespaceKind, Namespace[]>>;
}

export function testAppservice(opts: TestAppserviceOptions = {}): Appservice {
  const id = opts.id ?? "bridge";
  const namespaces = opts.namespaces ?? {};
  return new Appservice(
    {
      id,
      url: null,
      asToken: opts.asToken ?? `${id}-as-token`,
      hsToken: `${id}-hs-token`,
      senderLocalpart: opts.senderLocalpart ?? `_${id}_bot`,
      namespaces: { users: namespaces.users ?? [], aliases: namespaces.aliases ?? [], rooms: namespaces.rooms ?? [] },
      rateLimited: opts.rateLimited ?? true,
      protocols: [],
      receiveEphemeral: false,
    },
    opts.serverName ?? "hs.test",
  );
}
