/**
 * One describe per engine around a homeserver with a matrix-js-sdk client for each of `users`
 * (registered there), stopped afterwards: the setup the matrix-js-sdk integration specs share.
 */
import { createClient, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { registerUser, startAccountsHomeserver } from "./accounts.js";
import type { TestHomeserver } from "./test-homeserver.js";
import { testEngines } from "./with-all-databases.js";

export interface SdkSuite {
  hs: TestHomeserver;
  /** One client per user, in the order given. */
  clients: MatrixClient[];
}

export function describeWithSdk(title: string, users: readonly string[], fn: (suite: SdkSuite) => void): void {
  for (const engine of testEngines()) {
    describe(`integration: matrix-js-sdk ${title} [${engine}]`, function () {
      this.timeout(60_000);
      const suite = { clients: [] as MatrixClient[] } as SdkSuite;
      before(async () => {
        sdkLogger.setLevel("silent");
        suite.hs = await startAccountsHomeserver({ engine, serverName: "sdk.test" });
        for (const name of users) suite.clients.push(createClient({ baseUrl: suite.hs.baseUrl, ...(await registerUser(suite.hs, name)) }));
      });
      after(async () => {
        for (const client of suite.clients) client.stopClient();
        await suite.hs?.stop();
      });
      fn(suite);
    });
  }
}
